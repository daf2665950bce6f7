"""The demo's standards over time: one Yongkang benchmark standard replaced by a newer edition,
so the schemes on it show 需修订 (the longest-titled published scheme among them, for the
screenshots), and one scheme already revised, its revision published, its results counting on.

The revision takes its old scheme's place in the count from its publication, so Yongkang's
figures (61 / 230 / 480) are unchanged at every instant. Idempotent: a second run finds both done.
"""

import datetime as dt
import re

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.db.models.functions import Length

from ..choices import DeclarationStatus, SchemeStatus, StandardStatus
from ..models import (
    Declaration,
    Indicator,
    IndicatorReferenceValue,
    SchemeBenchmark,
    Standard,
    TechnicalScheme,
)
from ..services.schemes import scheme_publish, start_revision
from .specs import SHANGHAI

NEW_EDITION_YEAR = 2025
NEW_EDITION_PUBLISHED = dt.date(2025, 3, 28)
NEW_EDITION_IMPLEMENTED = dt.date(2025, 10, 1)
REVISION_PUBLISHED = dt.datetime(2026, 11, 10, 10, 30, tzinfo=SHANGHAI)


def _yongkang_published():
    return TechnicalScheme.objects.filter(
        publisher_region=settings.BENCHMARKING_HOME_REGION, status=SchemeStatus.PUBLISHED
    )


def seed_revisions(bureau, *, change_reason: str) -> None:
    longest = _yongkang_published().annotate(n=Length("title")).order_by("-n", "code").first()
    old = (
        longest.benchmark_standards.filter(kind="national", number__regex=r"—\d{4}$")
        .order_by("number")
        .first()
    )
    if old is None:
        return
    new_number = re.sub(r"—\d{4}$", f"—{NEW_EDITION_YEAR}", old.number)
    if old.status == StandardStatus.CURRENT and new_number != old.number:
        new = Standard(
            number=new_number,
            title=old.title,
            kind=old.kind,
            published_on=NEW_EDITION_PUBLISHED,
            implemented_on=NEW_EDITION_IMPLEMENTED,
        )
        new.full_clean()
        new._history_user, new._change_reason = bureau, change_reason
        new.save()
        new.replaces.add(old)
        old.status, old.withdrawn_on = StandardStatus.REPLACED, NEW_EDITION_IMPLEMENTED
        old._history_user, old._change_reason = bureau, f"被 {new_number} 代替"
        old.save()

    if TechnicalScheme.objects.filter(
        supersedes__publisher_region=settings.BENCHMARKING_HOME_REGION
    ).exists():
        return
    with_results = (
        _yongkang_published()
        .filter(superseded_at__isnull=True)
        .exclude(pk=longest.pk)
        .filter(published_at__lt=REVISION_PUBLISHED)
        .filter(Exists(Declaration.objects.filter(scheme=OuterRef("pk"), status=DeclarationStatus.PUBLISHED)))
    )
    revised = (
        with_results.filter(benchmark_standards=old).order_by("code").first()
        or with_results.order_by("code").first()
    )
    if revised is None:
        return
    revision = start_revision(revised, actor=bureau)
    # The revision's parts are the demo's records like any other: their history names the seeding.
    for model, link in (
        (SchemeBenchmark, "scheme"),
        (Indicator, "scheme"),
        (IndicatorReferenceValue, "indicator__scheme"),
    ):
        model.history.filter(**{link: revision}).update(history_change_reason=change_reason)
    scheme_publish(scheme=revision, actor=bureau, at=REVISION_PUBLISHED)
    TechnicalScheme.objects.filter(pk=revision.pk).update(created_at=REVISION_PUBLISHED)
