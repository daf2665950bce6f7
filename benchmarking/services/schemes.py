"""Writes on technical schemes: publishing, withdrawing and revising them.

Each save names ``actor`` as the user of its change-history record, request or not.
"""

import re
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from ..access import may_manage_schemes
from ..choices import SchemeStatus
from ..models import (
    Indicator,
    IndicatorReferenceValue,
    SchemeAction,
    SchemeBenchmark,
    Standard,
    TechnicalScheme,
)
from ..scoping import may_change
from .errors import WorkflowError, move_moment
from .workflow import apply_scheme_move, check_scheme_move_source


def _scheme_transition(*, scheme: TechnicalScheme, actor, action: str, reason: str = "", at: datetime | None):
    at = move_moment(at)
    if not may_manage_schemes(actor):
        raise WorkflowError(_("只有市局工作人员可以发布或撤销技术方案。"), code="not_allowed")
    with transaction.atomic():
        scheme = TechnicalScheme.objects.select_for_update().get(pk=scheme.pk)
        check_scheme_move_source(scheme, action)
        if action == SchemeAction.PUBLISH and not scheme.indicators.exists():
            raise WorkflowError(_("方案至少要有一项关键指标才能发布。"), code="no_indicators")
        apply_scheme_move(scheme, action, at=at, reason=reason)
        scheme.full_clean()
        scheme._history_user = actor
        scheme.save()
        if action == SchemeAction.PUBLISH and scheme.supersedes_id:
            _supersede(scheme, actor=actor)
    return scheme


def _supersede(revision: TechnicalScheme, *, actor) -> None:
    """The published ``revision`` replaces the scheme it revises, from the moment it was published:
    the old one stops counting as a scheme then (``selectors.progress.scheme_counted_q``), its
    results go on counting. Already superseded (by an earlier revision published in parallel),
    it keeps the earlier moment. A revision withdrawn later does not bring the old one back."""
    old = TechnicalScheme.objects.select_for_update().get(pk=revision.supersedes_id)
    if old.superseded_at is not None:
        return
    old.superseded_at = revision.published_at
    old._history_user = actor
    old.save()


def scheme_publish(*, scheme: TechnicalScheme, actor, at: datetime | None = None) -> TechnicalScheme:
    """Publish a draft scheme; from then on it counts and enterprises may declare against it."""
    return _scheme_transition(scheme=scheme, actor=actor, action=SchemeAction.PUBLISH, at=at)


def scheme_withdraw(
    *, scheme: TechnicalScheme, actor, reason: str, at: datetime | None = None
) -> TechnicalScheme:
    """Withdraw a published scheme, with the reason; it stops counting from then."""
    return _scheme_transition(scheme=scheme, actor=actor, action=SchemeAction.WITHDRAW, reason=reason, at=at)


# A revision's code: the old code with -R1, -R2…; a revision of a revision counts on ("X-R1" → "X-R2").
_REVISION_SUFFIX = re.compile(r"^(?P<base>.+)-R(?P<n>\d+)$")


def _revision_code(scheme: TechnicalScheme) -> str:
    match = _REVISION_SUFFIX.match(scheme.code)
    base, n = (match["base"], int(match["n"])) if match else (scheme.code, 0)
    taken = set(TechnicalScheme.objects.filter(code__startswith=f"{base}-R").values_list("code", flat=True))
    n += 1
    while f"{base}-R{n}" in taken:
        n += 1
    return f"{base}-R{n}"


def successors_in_force(standard: Standard, *, depth: int = 10) -> list[Standard]:
    """The standards in force that replace ``standard``, following a chain of replacements
    (A 被 B 代替, B 被 C 代替: C), by number; empty when it was withdrawn without one. ``depth``
    bounds a chain entered in a circle."""
    found: dict[int, Standard] = {}
    seen = {standard.pk}
    frontier = [standard]
    while frontier and depth > 0:
        depth -= 1
        following = list(Standard.objects.filter(replaces__in=frontier).exclude(pk__in=seen).distinct())
        seen.update(s.pk for s in following)
        found.update((s.pk, s) for s in following if not s.is_outdated)
        frontier = [s for s in following if s.is_outdated]
    return sorted(found.values(), key=lambda s: s.number)


def start_revision(scheme: TechnicalScheme, *, actor) -> TechnicalScheme:
    """Start revising a published scheme: a new draft that ``supersedes`` it, with its text, its
    indicators and their reference values copied, and each benchmark standard that is 废止 or
    被代替 replaced by the standards that replace it (one 废止 with no successor is dropped).

    Reference values given by an outdated standard are not copied: the value its successor
    gives is for staff to look up, not to assume. Refused unless the scheme is published and
    has no published revision, and while a draft revision of it exists (the error's ``draft``
    names it).
    The old scheme counts on until the draft is published (``scheme_publish``)."""
    if not may_manage_schemes(actor) or not may_change(actor, scheme):
        raise WorkflowError(_("只有发布该方案的市局工作人员可以修订技术方案。"), code="not_allowed")
    with transaction.atomic():
        scheme = TechnicalScheme.objects.select_for_update().get(pk=scheme.pk)
        # Superseded, it is revised again only when its revision has since been withdrawn: the
        # new one then takes the withdrawn one's place (superseded_at keeps its first moment).
        live_revision = (
            scheme.superseded_at is not None
            and scheme.revisions.filter(status=SchemeStatus.PUBLISHED).exists()
        )
        if scheme.status != SchemeStatus.PUBLISHED or live_revision:
            raise WorkflowError(
                _("只有已发布且尚未被修订的方案可以修订；方案 %(code)s 为“%(status)s”%(revised)s。"),
                code="not_revisable",
                params={
                    "code": scheme.code,
                    "status": scheme.get_status_display(),
                    "revised": _("，已被修订") if scheme.superseded_at else "",
                },
            )
        draft = scheme.revisions.filter(status=SchemeStatus.DRAFT).order_by("pk").first()
        if draft is not None:
            error = WorkflowError(
                _("方案 %(code)s 已有修订稿 %(draft)s，请继续编辑该修订稿。"),
                code="revision_exists",
                params={"code": scheme.code, "draft": draft.code},
            )
            error.draft = draft
            raise error

        code = _revision_code(scheme)
        longest = TechnicalScheme._meta.get_field("code").max_length
        if len(code) > longest:
            raise WorkflowError(
                _("修订稿编号 %(code)s 超过 %(max)d 个字符：请先在后台缩短方案 %(old)s 的编号再修订。"),
                code="revision_code_too_long",
                params={"code": code, "max": longest, "old": scheme.code},
            )
        revision = TechnicalScheme(
            code=code,
            title=scheme.title,
            product_category=scheme.product_category,
            industry_id=scheme.industry_id,
            publisher=scheme.publisher,
            publisher_region_id=scheme.publisher_region_id,
            supersedes=scheme,
        )
        revision.full_clean()
        revision._history_user = actor
        revision.save()

        outdated = {}
        benchmarks = list(
            SchemeBenchmark.objects.filter(scheme=scheme).select_related("standard").order_by("order", "pk")
        )
        for benchmark in benchmarks:
            if benchmark.standard.is_outdated:
                outdated[benchmark.standard_id] = successors_in_force(benchmark.standard)
        placed: set[int] = set()
        order = 0
        for benchmark in benchmarks:
            for standard in outdated.get(benchmark.standard_id, [benchmark.standard]):
                if standard.pk in placed:
                    continue
                placed.add(standard.pk)
                order += 1
                _save_new(SchemeBenchmark(scheme=revision, standard=standard, order=order), actor)

        references = {}
        for value in IndicatorReferenceValue.objects.filter(indicator__scheme=scheme).exclude(
            standard_id__in=outdated
        ):
            references.setdefault(value.indicator_id, []).append(value)
        for indicator in scheme.indicators.order_by("order", "pk"):
            copied = _save_new(
                Indicator(
                    scheme=revision,
                    **{
                        field: getattr(indicator, field)
                        for field in (
                            "name",
                            "unit",
                            "test_method",
                            "order",
                            "is_core",
                            "direction",
                            "benchmark_value",
                            "benchmark_min",
                            "benchmark_max",
                            "requirement",
                        )
                    },
                ),
                actor,
            )
            for value in references.get(indicator.pk, ()):
                _save_new(
                    IndicatorReferenceValue(
                        indicator=copied, standard_id=value.standard_id, value=value.value
                    ),
                    actor,
                )
    return revision


def _save_new(obj, actor):
    obj.full_clean()
    obj._history_user = actor
    obj.save()
    return obj
