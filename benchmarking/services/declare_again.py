"""Declaring again against a scheme's revision (docs/domain.md "Standards over time").

A result made against a scheme that has since been revised keeps counting; the enterprise may
start a new declaration for the same product against the revision. It is an ordinary new draft,
made by ``declaration_create``, so its history, event and checks are those of any other.
"""

from django.utils.translation import gettext as _

from ..choices import DeclarationStatus
from ..models import Declaration, TechnicalScheme
from ..selectors.lifecycle import current_revision
from .declarations import declaration_create
from .errors import WorkflowError

# A declaration under review waits for its decision; a withdrawn one is declared anew from scratch.
MAY_DECLARE_AGAIN = frozenset(
    {DeclarationStatus.DRAFT, DeclarationStatus.RETURNED, DeclarationStatus.PUBLISHED}
)


def declaration_declare_again(*, declaration: Declaration, actor) -> Declaration:
    """A new draft of ``declaration``'s enterprise against the live revision of its scheme,
    carrying over the product name, model and executed standard only: the revision's indicators
    are new, so no value is copied. Refused when no revision is published."""
    if declaration.status not in MAY_DECLARE_AGAIN:
        raise WorkflowError(
            _("“%(status)s”状态的声明不能按修订后的方案重新申报。"),
            code="not_allowed",
            params={"status": declaration.get_status_display()},
        )
    revision = current_revision(declaration.scheme)
    if revision is None:
        raise WorkflowError(
            _("技术方案“%(code)s”尚无已发布的修订版，暂不能重新申报。"),
            code="no_revision",
            params={"code": declaration.scheme.code},
        )
    return declaration_create(
        actor=actor,
        enterprise=declaration.enterprise,
        # declaration_create reads the scheme afresh (and refuses it unless published): its key is enough.
        scheme=TechnicalScheme(pk=revision.pk),
        product_name=declaration.product_name,
        product_model=declaration.product_model,
        executed_standard=declaration.executed_standard,
    )
