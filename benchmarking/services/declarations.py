"""Writes on self-declared results: creation, values, and every workflow move.

Each move runs in one transaction, locks the row, checks who may make it, applies it
with ``workflow.apply_move`` (the one statement of what a move does), validates, and
writes its event row beside the change, so the history can never disagree with the status.

Every write names ``actor`` as the user of its change-history record
(``_history_user``; items through simple-history's bulk utilities), so the
history says who did it even outside a request (seed_demo, a shell).
"""

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ..access import acts_for_enterprise, is_reviewer_for
from ..choices import DeclarationStatus, Direction, Grade, SchemeStatus
from ..models import (
    DECLARATION_TRANSITIONS,
    Declaration,
    DeclarationAction,
    DeclarationEvidence,
    DeclarationItem,
    EditConflict,
    Enterprise,
    Standard,
    TechnicalScheme,
)
from ..rules import effective_grade, regrade
from ..tasks import notify_declaration_moved
from .errors import WorkflowError, move_moment
from .standards import standard_for_number
from .workflow import apply_move, check_move_source, start_declaration

# An indicator's declared value: a number, or True/False for a pass/fail indicator.
DeclaredValue = Decimal | bool | None

# The declaration's own fields that a draft's author may change (the admin's form lists the same).
EDITABLE_FIELDS = (
    "product_name",
    "product_model",
    "executed_standard",
    "declared_on",
    "national_platform_url",
)


def _check_may_edit(*, declaration: Declaration, actor) -> None:
    if not (
        acts_for_enterprise(actor, declaration.enterprise) or is_reviewer_for(actor, declaration.enterprise)
    ):
        raise WorkflowError(_("您无权修改该企业的声明。"), code="not_allowed")
    if not declaration.is_editable:
        raise WorkflowError(
            _("“%(status)s”状态的声明不能直接修改；已发布的声明请撤回后重新声明。"),
            code="not_editable",
            params={"status": declaration.get_status_display()},
        )


def _apply_values(
    declaration: Declaration, items: list[DeclarationItem], values: Mapping[int, DeclaredValue]
) -> list[DeclarationItem]:
    """Set the declared values on ``items`` (in memory), recompute every comparison
    and the declaration's grade, and return the items whose stored row must change."""
    by_indicator = {item.indicator_id: item for item in items}
    if set(values) - set(by_indicator):
        raise WorkflowError(_("填写的指标不属于该声明的技术方案。"), code="unknown_indicator")
    changed = []
    for indicator_id, raw in values.items():
        item = by_indicator[indicator_id]
        before = (item.value, item.passed)
        if item.indicator.direction == Direction.PASS_FAIL:
            if raw is not None and not isinstance(raw, bool):
                raise WorkflowError(
                    _("指标“%(name)s”为合格/不合格指标，请选择“符合”或“不符合”。"),
                    code="pass_fail_value",
                    params={"name": item.indicator.name},
                )
            item.passed, item.value = raw, None
        else:
            if isinstance(raw, bool):
                raise WorkflowError(
                    _("指标“%(name)s”需要填写数值。"),
                    code="numeric_value",
                    params={"name": item.indicator.name},
                )
            item.value, item.passed = (Decimal(raw) if raw is not None else None), None
        if (item.value, item.passed) != before:
            changed.append(item)
    regrade(declaration, [(item, item.indicator) for item in items])
    for item in items:
        item.full_clean(
            exclude=["declaration", "indicator"], validate_unique=False, validate_constraints=False
        )
    return changed


def require_scheme_published(scheme: TechnicalScheme, *, message: str | None = None) -> None:
    """Declarations are made, submitted and published against published schemes only."""
    if scheme.status != SchemeStatus.PUBLISHED:
        raise WorkflowError(
            message or _("只能对已发布的技术方案作出声明，方案“%(code)s”当前为“%(status)s”。"),
            code="scheme_not_published",
            params={"code": scheme.code, "status": scheme.get_status_display()},
        )


def require_scheme_not_superseded(scheme: TechnicalScheme, *, at: datetime) -> None:
    """From the moment its revision is published, a scheme takes no new declarations and no
    submissions: they go to the revision (docs/domain.md "Standards over time"). Results made
    before keep counting, and staff may still publish a declaration already in review; a paper
    declaration entered for a moment before the revision is accepted as it was then."""
    if scheme.superseded_at is None or at < scheme.superseded_at:
        return
    revision = (
        TechnicalScheme.objects.filter(supersedes=scheme, status=SchemeStatus.PUBLISHED)
        .order_by("-published_at")
        .values_list("code", flat=True)
        .first()
    )
    raise WorkflowError(
        _("技术方案“%(code)s”已修订为“%(revision)s”，请按修订后的方案作出声明。")
        if revision
        else _("技术方案“%(code)s”已被修订，不能再据此作出或提交声明。"),
        code="scheme_superseded",
        params={"code": scheme.code, "revision": revision},
    )


@transaction.atomic
def declaration_create(
    *,
    actor,
    enterprise: Enterprise,
    scheme: TechnicalScheme,
    product_name: str,
    product_model: str,
    executed_standard: Standard,
    declared_on: date | None = None,
    national_platform_url: str = "",
    values: Mapping[int, DeclaredValue] | None = None,
    at: datetime | None = None,
) -> Declaration:
    """Start a draft with one item per indicator of the scheme. Staff creating one
    for an enterprise enter a paper declaration, which they may publish directly."""
    at = move_moment(at)
    on_paper = is_reviewer_for(actor, enterprise)
    if not (on_paper or acts_for_enterprise(actor, enterprise)):
        raise WorkflowError(_("您无权为该企业录入声明。"), code="not_allowed")
    # Judge the scheme as stored now, not as the caller's copy last saw it.
    scheme = TechnicalScheme.objects.get(pk=scheme.pk)
    require_scheme_published(scheme)
    require_scheme_not_superseded(scheme, at=at)
    declaration = Declaration(
        enterprise=enterprise,
        scheme=scheme,
        product_name=product_name,
        product_model=product_model,
        executed_standard=executed_standard,
        declared_on=declared_on,
        national_platform_url=national_platform_url,
    )
    created_event = start_declaration(declaration, actor=actor, at=at, on_paper=on_paper)
    items = [DeclarationItem(indicator=indicator) for indicator in scheme.indicators.all()]
    _apply_values(declaration, items, values or {})
    declaration.full_clean()
    declaration._history_user = actor
    try:
        # full_clean checked one-per-product; a twin saved since (another tab, a double click)
        # is caught here so the person sees the same sentence, not an error page.
        with transaction.atomic():
            declaration.save()
    except IntegrityError:
        (one_per_product,) = [c for c in Declaration._meta.constraints if c.name.endswith("_one_per_product")]
        raise ValidationError(one_per_product.violation_error_message, code="one_per_product") from None
    for item in items:
        item.declaration = declaration
    bulk_create_with_history(items, DeclarationItem, default_user=actor)
    created_event.save()
    return declaration


@transaction.atomic
def declaration_update(
    *,
    declaration: Declaration,
    actor,
    values: Mapping[int, DeclaredValue] | None = None,
    expected_version: int | None = None,
    **fields,
) -> Declaration:
    """Change a draft or returned declaration's details and/or indicator values.
    ``expected_version`` is the version the editor saw; a different stored one
    means someone else saved in between, and nothing is written."""
    declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
    if expected_version is not None and declaration.version != expected_version:
        raise EditConflict()
    _check_may_edit(declaration=declaration, actor=actor)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"declaration_update() cannot change {sorted(unknown)}")
    for name, value in fields.items():
        setattr(declaration, name, value)
    changed_items = []
    if values:
        items = list(declaration.items.select_related("indicator"))
        changed_items = _apply_values(declaration, items, values)
    declaration.full_clean()
    declaration._history_user = actor
    declaration.save()
    if changed_items:
        # A row's comparison depends only on its own value, so only edited rows change.
        bulk_update_with_history(
            changed_items, DeclarationItem, ["value", "passed", "comparison"], default_user=actor
        )
    return declaration


@transaction.atomic
def declaration_override_grade(*, declaration: Declaration, actor, grade: str, reason: str) -> Declaration:
    """Staff replace the computed grade (or, with grade "", go back to it), with a reason."""
    declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
    if not is_reviewer_for(actor, declaration.enterprise):
        raise WorkflowError(_("只有负责审核的工作人员可以调整对标水平。"), code="not_allowed")
    if declaration.status in (DeclarationStatus.PUBLISHED, DeclarationStatus.WITHDRAWN):
        # A published result is not changed in place: withdraw it and declare again.
        raise WorkflowError(
            _("“%(status)s”的声明不能再调整对标水平；如需更正，请撤回后重新声明。"),
            code="not_editable",
            params={"status": declaration.get_status_display()},
        )
    if grade and grade not in Grade.values:
        raise WorkflowError(_("未知的对标水平。"), code="unknown_grade")
    if grade and not reason.strip():
        raise WorkflowError(_("调整对标水平必须填写理由。"), code="reason_required")
    declaration.override_grade = grade
    declaration.override_reason = reason.strip() if grade else ""
    declaration.grade = effective_grade(declaration)
    declaration.full_clean()
    declaration._history_user = actor
    declaration.save(update_fields=["override_grade", "override_reason", "grade", "updated_at"])
    return declaration


def _transition(
    *,
    declaration: Declaration,
    actor,
    action: str,
    comment: str,
    at: datetime | None,
    expected_version: int | None = None,
) -> Declaration:
    transition = DECLARATION_TRANSITIONS[action]
    at = move_moment(at)
    comment = (comment or "").strip()
    with transaction.atomic():
        # Lock first, then decide: two reviewers clicking at once must not both move it.
        declaration = (
            Declaration.objects.select_for_update()
            .select_related("enterprise", "scheme")
            .get(pk=declaration.pk)
        )
        # The version the mover last read (the API's If-Match): a write since then is a conflict.
        if expected_version is not None and declaration.version != expected_version:
            raise EditConflict()
        action_label = DeclarationAction(action).label
        is_owner = acts_for_enterprise(actor, declaration.enterprise)
        is_reviewer = is_reviewer_for(actor, declaration.enterprise)
        if not ((transition.by_enterprise and is_owner) or (transition.by_staff and is_reviewer)):
            if is_owner:
                message = _("企业用户不能%(action)s自己的声明，须由市场监管部门审核后%(action)s。")
            else:
                message = _("您无权%(action)s该声明。")
            raise WorkflowError(message, code="not_allowed", params={"action": action_label})
        check_move_source(declaration, action)
        if transition.reason_required and not comment:
            raise WorkflowError(
                _("%(action)s声明必须填写理由。"), code="reason_required", params={"action": action_label}
            )
        if transition.target in (DeclarationStatus.SUBMITTED, DeclarationStatus.PUBLISHED):
            _check_complete(declaration)
            require_scheme_published(
                declaration.scheme,
                message=_("技术方案“%(code)s”当前为“%(status)s”，不能再据此提交或发布声明。"),
            )
        if transition.target == DeclarationStatus.SUBMITTED:
            require_scheme_not_superseded(declaration.scheme, at=at)

        event = apply_move(declaration, action, at=at, actor=actor, comment=comment)
        declaration.full_clean()
        declaration._history_user = actor
        declaration.save()
        event.save()
        # Mail only what committed: a rolled-back move tells nobody anything.
        transaction.on_commit(
            partial(notify_declaration_moved, declaration_id=declaration.pk, action=action, comment=comment)
        )
    return declaration


def _check_complete(declaration: Declaration) -> None:
    answered = {
        item.indicator_id for item in declaration.items.only("indicator_id", "comparison") if item.comparison
    }
    # Against the scheme's indicators, not the rows that happen to exist.
    missing = [
        indicator.name for indicator in declaration.scheme.indicators.all() if indicator.pk not in answered
    ]
    if missing:
        raise WorkflowError(
            _("以下指标尚未填写声明值：%(names)s。"), code="incomplete", params={"names": "、".join(missing)}
        )
    if not answered:
        raise WorkflowError(_("该声明没有任何指标。"), code="incomplete")


def declaration_submit(
    *,
    declaration: Declaration,
    actor,
    comment: str = "",
    at: datetime | None = None,
    expected_version: int | None = None,
):
    """The enterprise (or staff on its behalf) sends a draft or returned declaration for review.
    ``expected_version``, when given, is the version the submitter saw (as in ``declaration_update``)."""
    return _transition(
        declaration=declaration,
        actor=actor,
        action=DeclarationAction.SUBMIT,
        comment=comment,
        at=at,
        expected_version=expected_version,
    )


def declaration_publish(*, declaration: Declaration, actor, comment: str = "", at: datetime | None = None):
    """Staff publish a submitted declaration (or a paper one they entered): from now on it counts."""
    return _transition(
        declaration=declaration, actor=actor, action=DeclarationAction.PUBLISH, comment=comment, at=at
    )


def declaration_return(*, declaration: Declaration, actor, comment: str, at: datetime | None = None):
    """Staff send a submitted declaration back to the enterprise, with the reason."""
    return _transition(
        declaration=declaration, actor=actor, action=DeclarationAction.RETURN, comment=comment, at=at
    )


def declaration_withdraw(*, declaration: Declaration, actor, comment: str, at: datetime | None = None):
    """Staff withdraw a published declaration, with the reason; it stops counting from then."""
    return _transition(
        declaration=declaration, actor=actor, action=DeclarationAction.WITHDRAW, comment=comment, at=at
    )


def _lock_for_evidence(declaration: Declaration, actor, expected_version: int | None) -> Declaration:
    declaration = Declaration.objects.select_for_update().select_related("enterprise").get(pk=declaration.pk)
    _check_may_edit(declaration=declaration, actor=actor)
    if expected_version is not None and declaration.version != expected_version:
        raise EditConflict()
    return declaration


def _evidence_changed(declaration: Declaration, actor, expected_version: int | None) -> None:
    """A change of evidence on its own (the API's) moves the declaration's version, so that
    another editor's stale copy is refused as for any other change; within a save of the whole
    form (``declaration_save_draft``) the save has already moved it once."""
    if expected_version is not None:
        declaration._history_user = actor
        declaration.save(update_fields=["updated_at"])


@transaction.atomic
def declaration_attach_evidence(
    *, declaration: Declaration, actor, files, expected_version: int | None = None
) -> list[DeclarationEvidence]:
    """Add evidence files (test reports, certificates) to a draft or returned declaration.
    Each is titled by its file name; the upload checks (size, type by content) run on each.
    With ``expected_version`` (the version the editor saw), a stale one is an EditConflict and the
    declaration's version moves."""
    declaration = _lock_for_evidence(declaration, actor, expected_version)
    attached = []
    for upload in files:
        title = PurePath(upload.name).stem.strip()[:120] or _("证明材料")
        evidence = DeclarationEvidence(declaration=declaration, title=title, file=upload)
        evidence.full_clean()
        evidence._history_user = actor
        evidence.save()
        attached.append(evidence)
    _evidence_changed(declaration, actor, expected_version)
    return attached


@transaction.atomic
def declaration_remove_evidence(
    *, declaration: Declaration, actor, evidence_ids, expected_version: int | None = None
) -> int:
    """Remove evidence files from a draft or returned declaration; returns how many went.
    ``expected_version`` as for ``declaration_attach_evidence``."""
    declaration = _lock_for_evidence(declaration, actor, expected_version)
    removed = 0
    for evidence in declaration.evidence.filter(pk__in=list(evidence_ids)):
        evidence._history_user = actor
        evidence.delete()
        # The stored file goes too, once the removal has committed: no record serves it any more,
        # and a rolled-back removal must still find it.
        transaction.on_commit(partial(evidence.file.storage.delete, evidence.file.name))
        removed += 1
    if removed:
        _evidence_changed(declaration, actor, expected_version)
    return removed


@transaction.atomic
def declaration_save_draft(
    *,
    actor,
    enterprise: Enterprise,
    scheme: TechnicalScheme,
    declaration: Declaration | None = None,
    standard_number: str,
    standard_title: str = "",
    values: Mapping[int, DeclaredValue],
    new_files=(),
    removed_evidence_ids=(),
    expected_version: int | None = None,
    product_name: str,
    product_model: str,
    national_platform_url: str = "",
) -> Declaration:
    """What the portal's declaration form saves, all or nothing: the executed standard (recorded
    when new), the details and values of a new or existing draft, and its evidence files."""
    standard = standard_for_number(number=standard_number, title=standard_title, actor=actor)
    details = {
        "product_name": product_name,
        "product_model": product_model,
        "national_platform_url": national_platform_url,
        "executed_standard": standard,
    }
    if declaration is None:
        declaration = declaration_create(
            actor=actor,
            enterprise=enterprise,
            scheme=scheme,
            values=values,
            **details,
        )
    else:
        declaration = declaration_update(
            declaration=declaration,
            actor=actor,
            values=values,
            expected_version=expected_version,
            **details,
        )
    if removed_evidence_ids:
        declaration_remove_evidence(declaration=declaration, actor=actor, evidence_ids=removed_evidence_ids)
    if new_files:
        declaration_attach_evidence(declaration=declaration, actor=actor, files=new_files)
    return declaration
