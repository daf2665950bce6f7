"""Declaring again against a scheme's revision (docs/domain.md "Standards over time").

A result made against a scheme that has since been revised keeps counting; the enterprise may
start a new declaration for the same product against the revision. It is an ordinary new draft,
made by ``declaration_create``, so its history, event and checks are those of any other.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..choices import OUTDATED_STANDARD_STATUSES, DeclarationStatus
from ..models import Declaration, Standard, TechnicalScheme
from ..selectors.lifecycle import current_revision
from .declarations import declaration_create
from .errors import WorkflowError

# A declaration under review waits for its decision; a withdrawn one is declared anew from scratch.
MAY_DECLARE_AGAIN = frozenset(
    {DeclarationStatus.DRAFT, DeclarationStatus.RETURNED, DeclarationStatus.PUBLISHED}
)


@dataclass(frozen=True)
class DeclaredAgain:
    declaration: Declaration
    created: bool  # False: the enterprise had already declared this product against the revision
    # The executed standard carried over had been replaced: its successor, put in its place.
    standard_replaced_by: Standard | None = None


def successor_in_force(standard: Standard) -> Standard | None:
    """The one standard in force that replaces ``standard`` (withdrawn or replaced), else None:
    with several successors, or none in force, the enterprise chooses on the form."""
    if standard.status not in OUTDATED_STANDARD_STATUSES:
        return None
    successors = list(
        Standard.objects.filter(replaces=standard).exclude(status__in=OUTDATED_STANDARD_STATUSES)[:2]
    )
    return successors[0] if len(successors) == 1 else None


def declaration_declare_again(*, declaration: Declaration, actor) -> DeclaredAgain:
    """A new draft of ``declaration``'s enterprise against the live revision of its scheme,
    carrying over the product name, model and executed standard only (a replaced executed
    standard by its one successor in force): the revision's indicators are new, so no value is
    copied. Refused when no revision is published; when the enterprise has already declared the
    product against the revision, that declaration is the answer (pressing twice makes one)."""
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
    existing = (
        Declaration.objects.filter(
            enterprise_id=declaration.enterprise_id,
            scheme_id=revision.pk,
            product_model=declaration.product_model,
        )
        .exclude(status=DeclarationStatus.WITHDRAWN)
        .first()
    )
    if existing is not None:
        return DeclaredAgain(existing, created=False)
    successor = successor_in_force(declaration.executed_standard)
    draft = declaration_create(
        actor=actor,
        enterprise=declaration.enterprise,
        # declaration_create reads the scheme afresh (and refuses it unless published): its key is enough.
        scheme=TechnicalScheme(pk=revision.pk),
        product_name=declaration.product_name,
        product_model=declaration.product_model,
        executed_standard=successor or declaration.executed_standard,
    )
    return DeclaredAgain(draft, created=True, standard_replaced_by=successor)
