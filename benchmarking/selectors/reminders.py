"""What each reminder digest says (docs/domain.md "Reminders"): one function per digest kind,
each reading only what the user may see, through the same scoping as the pages, in a fixed
number of queries whatever the number of records.

A digest is a list of sections, stored as they were on the day (``Digest.sections``) and shown
on the 提醒 page and in the mail::

    [{"title": "…", "count": 12, "items": [{"text": "…", "url": "/review/3/"}], "more_url": "/review/"}]

``count`` is every matching record; ``items`` the first ``ITEMS_MAX`` of them. A ``url`` is a
page the user may open (empty where none exists, as for a certificate), relative to the site.
"""

import datetime as dt

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import rules
from ..access import enterprise_id_of, may_manage_schemes, may_review, region_scope_of
from ..choices import CertificateStatus, DeclarationStatus, DigestKind
from ..models import Declaration, DeclarationAction, DeclarationEvent, Digest, PinCertificate, TechnicalScheme
from ..scoping import editable_by
from .declarations import pending_review
from .lifecycle import schemes_needing_revision, standard_updated_q

__all__ = [
    "ITEMS_MAX",
    "digests_of",
    "enterprise_digest_sections",
    "manager_digest_sections",
    "reminder_days",
    "sections_for",
    "staff_digest_sections",
    "unread_digest_count",
]

# A digest names at most this many records per section, and links to the full list for the rest:
# a mail of 400 lines is read by nobody.
ITEMS_MAX = 20

# The bands of ``rules.pace_band`` that the monthly summary names as behind.
BEHIND_BANDS = (rules.PaceBand.NEAR, rules.PaceBand.BEHIND)


def reminder_days(key: str) -> int:
    """``settings.BENCHMARKING_REMINDERS[key]``: how many days count as waiting too long."""
    return int(settings.BENCHMARKING_REMINDERS[key])


def _cutoff(now: dt.datetime, key: str) -> dt.datetime:
    """Records whose moment is at or before this have waited the setting's full N days."""
    return now - dt.timedelta(days=reminder_days(key))


def _limited(queryset: QuerySet) -> tuple[list, int]:
    """The first ITEMS_MAX rows and the count of all, in one query when they all fit."""
    rows = list(queryset[: ITEMS_MAX + 1])
    return rows, (len(rows) if len(rows) <= ITEMS_MAX else queryset.count())


def _counted_section(title: str, queryset: QuerySet, item, *, more_url: str = "") -> dict | None:
    rows, count = _limited(queryset)
    if not rows:
        return None
    return {
        "title": title,
        "count": count,
        "items": [item(row) for row in rows[:ITEMS_MAX]],
        "more_url": more_url if count > ITEMS_MAX else "",
    }


def _product(declaration: Declaration) -> str:
    return f"{declaration.product_name} {declaration.product_model}".strip()


def _days_since(moment: dt.datetime, now: dt.datetime) -> int:
    return (now - moment).days


# -- staff: declarations waiting for review, schemes needing revision -------------------------


def staff_digest_sections(user, *, now: dt.datetime | None = None) -> list[dict]:
    """Bureau and branch-office staff: the submitted declarations they may review (the review
    queue's rule, ``pending_review``) waiting at least ``review_waiting_days``; for those who
    write schemes (``may_manage_schemes``), their county's published schemes that need revision.
    A branch office cannot revise a scheme, so it is not told of them. At most four queries."""
    now = now or timezone.now()
    sections = []
    if may_review(user):
        days = reminder_days("review_waiting_days")
        waiting = (
            pending_review(user)
            .filter(submitted_at__lte=_cutoff(now, "review_waiting_days"))
            # the item's text: the enterprise's name
            .select_related("enterprise")
        )
        sections.append(
            _counted_section(
                _("等待审核超过 %(days)d 天的对标声明") % {"days": days},
                waiting,
                lambda d: {
                    "text": _("%(enterprise)s · %(product)s（%(on)s 提交，已等待 %(waited)d 天）")
                    % {
                        "enterprise": d.enterprise.name,
                        "product": _product(d),
                        "on": timezone.localdate(d.submitted_at).isoformat(),
                        "waited": _days_since(d.submitted_at, now),
                    },
                    "url": reverse("review-detail", args=[d.pk]),
                },
                more_url=reverse("review-queue"),
            )
        )
    if may_manage_schemes(user):
        schemes = schemes_needing_revision(editable_by(user, TechnicalScheme)).order_by("code", "pk")
        sections.append(
            _counted_section(
                _("需修订的技术方案（对标标准已废止或被代替）"),
                schemes,
                lambda s: {
                    "text": f"{s.code} {s.title}",
                    "url": reverse("admin:benchmarking_technicalscheme_change", args=[s.pk]),
                },
                more_url=reverse("scheme-revision-worklist"),
            )
        )
    return [section for section in sections if section]


# -- enterprises: returned, idle drafts, updated standards, expiring certificates ------------


def enterprise_digest_sections(user, *, now: dt.datetime | None = None) -> list[dict]:
    """An enterprise's login: its declarations returned at least ``returned_idle_days`` ago and not
    resubmitted, its drafts untouched for ``draft_idle_days``, its published results whose
    standard is updated (``lifecycle.standard_updated_q``), and its 品字标 certificates expiring
    within ``certificate_expiring_days`` (or past their date while still recorded as 有效). Only
    the login's own enterprise. At most eight queries."""
    now = now or timezone.now()
    enterprise_id = enterprise_id_of(user)
    if enterprise_id is None:
        return []
    own = Declaration.objects.filter(enterprise_id=enterprise_id)

    def link(declaration):
        return reverse("portal-declaration-detail", args=[declaration.pk])

    # When it was returned: the last return event, since editing a returned declaration moves its
    # updated_at without answering the reviewer.
    returned_at = Subquery(
        DeclarationEvent.objects.filter(declaration=OuterRef("pk"), action=DeclarationAction.RETURN)
        .order_by("-at")
        .values("at")[:1]
    )
    returned = (
        own.filter(status=DeclarationStatus.RETURNED)
        .annotate(returned_at=returned_at)
        .filter(returned_at__lte=_cutoff(now, "returned_idle_days"))
        .order_by("returned_at", "pk")
    )
    drafts = own.filter(
        status=DeclarationStatus.DRAFT, updated_at__lte=_cutoff(now, "draft_idle_days")
    ).order_by("updated_at", "pk")
    updated = own.filter(standard_updated_q(), status=DeclarationStatus.PUBLISHED).order_by(
        "-published_at", "pk"
    )
    today = timezone.localdate(now)
    expiring = PinCertificate.objects.filter(
        enterprise_id=enterprise_id,
        status=CertificateStatus.VALID,
        expires_on__lte=today + dt.timedelta(days=reminder_days("certificate_expiring_days")),
    ).order_by("expires_on", "number")

    def certificate(c):
        if c.expires_on < today:
            when = _("已于 %(on)s 到期") % {"on": c.expires_on.isoformat()}
        else:
            when = _("%(on)s 到期，还剩 %(left)d 天") % {
                "on": c.expires_on.isoformat(),
                "left": (c.expires_on - today).days,
            }
        return {"text": f"{c.number} {c.product}（{when}）", "url": ""}

    sections = [
        _counted_section(
            _("退回超过 %(days)d 天仍未重新提交的声明") % {"days": reminder_days("returned_idle_days")},
            returned,
            lambda d: {
                "text": _("%(product)s（%(on)s 退回）")
                % {"product": _product(d), "on": timezone.localdate(d.returned_at).isoformat()},
                "url": link(d),
            },
            more_url=reverse("portal-home"),
        ),
        _counted_section(
            _("超过 %(days)d 天未修改的草稿") % {"days": reminder_days("draft_idle_days")},
            drafts,
            lambda d: {
                "text": _("%(product)s（最后修改 %(on)s）")
                % {"product": _product(d), "on": timezone.localdate(d.updated_at).isoformat()},
                "url": link(d),
            },
            more_url=reverse("portal-home"),
        ),
        _counted_section(
            _("对标标准已更新的对标结果（请按新标准重新对标）"),
            updated,
            lambda d: {"text": _product(d), "url": link(d)},
            more_url=reverse("portal-home"),
        ),
        _counted_section(
            _("%(days)d 天内到期的品字标证书") % {"days": reminder_days("certificate_expiring_days")},
            expiring,
            certificate,
        ),
    ]
    return [section for section in sections if section]


# -- managers: the monthly summary ------------------------------------------------------------


def _period_end(period: str) -> dt.date:
    """The last day before the month ``period`` ("2026-12"): the summary is of the month gone by."""
    year, month = (int(part) for part in period.split("-")[:2])
    return dt.date(year, month, 1) - dt.timedelta(days=1)


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f}%"


def manager_digest_sections(user, *, period: str) -> list[dict]:
    """A manager's monthly summary of their region at the end of the month before ``period``: the
    three figures against their targets and the pace line, the share of the plan's time gone, and
    the offices (a prefecture's or the province's manager: the counties) in the amber or red pace
    band. Read from the progress dashboard's own selectors (``dashboard_for``, ``region_rollup``),
    never counted again here. Always has something to say."""
    from .dashboard import dashboard_for
    from .rollup import region_rollup

    as_of = _period_end(period)
    region = region_scope_of(user)
    if region.is_county:
        board = dashboard_for(as_of=as_of, county=region.code)
        page = reverse("progress-dashboard") + f"?as_of={as_of.isoformat()}"
        measures, elapsed = board.measures, board.elapsed
        behind = [
            (row.office.name, row.completion, row.pace_band)
            for row in board.offices
            if row.pace_band in BEHIND_BANDS
        ]
        behind_title, none_behind = _("落后于时间进度的监管所"), _("没有落后于时间进度的监管所。")
    else:
        rollup = region_rollup(region.code, as_of=as_of)
        page = reverse("region_dashboard", args=[region.code]) + f"?as_of={as_of.isoformat()}"
        measures = rollup.measures if rollup else []
        elapsed = None
        behind = [
            (row.place.name, row.completion, row.pace_band)
            for row in (rollup.counties if rollup else [])
            if row.pace_band in BEHIND_BANDS
        ]
        behind_title, none_behind = _("落后于时间进度的县（市、区）"), _("没有落后于时间进度的县（市、区）。")

    def measure_text(m) -> str:
        text = _("%(label)s：%(count)d") % {"label": _(m.label), "count": m.count}
        if m.target:
            text += _(" / 目标 %(target)d（完成 %(share)s）") % {
                "target": m.target,
                "share": _percent(m.share),
            }
        if m.expected is not None:
            text += (
                _("，超过时间进度 %(n)d 项") % {"n": m.ahead_by}
                if m.ahead_by >= 0
                else _("，落后时间进度 %(n)d 项") % {"n": m.behind_by}
            )
        return text

    figures = [{"text": measure_text(m), "url": page} for m in measures]
    if elapsed is not None:
        figures.append({"text": _("计划时间已过 %(share)s") % {"share": _percent(elapsed)}, "url": ""})
    if not figures:
        figures.append({"text": _("本地区暂无有效的千项计划。"), "url": page})
    behind_items = [
        {"text": f"{name}：{_('完成')} {_percent(completion)}（{band.label}）", "url": page}
        for name, completion, band in sorted(behind, key=lambda row: row[1] or 0)
    ] or [{"text": none_behind, "url": ""}]
    return [
        {
            "title": _("%(on)s 三项指标与时间进度") % {"on": as_of.isoformat()},
            "count": len(measures),
            "items": figures,
            "more_url": "",
        },
        {
            "title": behind_title,
            "count": len(behind),
            "items": behind_items[:ITEMS_MAX],
            "more_url": page if len(behind_items) > ITEMS_MAX else "",
        },
    ]


def sections_for(kind: str, user, *, period: str, now: dt.datetime | None = None) -> list[dict]:
    """The sections of ``user``'s digest of ``kind`` for ``period``."""
    if kind == DigestKind.STAFF:
        return staff_digest_sections(user, now=now)
    if kind == DigestKind.ENTERPRISE:
        return enterprise_digest_sections(user, now=now)
    return manager_digest_sections(user, period=period)


# -- the 提醒 page --------------------------------------------------------------------------------


def digests_of(user) -> QuerySet[Digest]:
    """The user's own digests, newest first: nobody sees another's."""
    return Digest.objects.filter(user=user).order_by("-created_at", "-pk")


def unread_digest_count(user) -> int:
    return Digest.objects.filter(user=user, read_at__isnull=True).count()
