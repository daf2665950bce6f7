"""The demo records that show a page at its hardest: the longest texts a screen must hold.
Used by the browser tests that walk every role's pages and by scripts/screenshots.py, so the
pictures in the README are the pages the tests measure."""

from dataclasses import dataclass

from django.db.models import Count, Sum
from django.db.models.functions import Length

from ..choices import DeclarationStatus, SchemeStatus
from ..models import Declaration, Enterprise, TechnicalScheme
from ..selectors.lifecycle import standard_updated_q

DEMO_ENTERPRISE_LOGIN = "enterprise_a"


@dataclass(frozen=True)
class Showcase:
    enterprise: Enterprise  # the demo enterprise login's own enterprise
    longest_scheme: TechnicalScheme  # its industry's published scheme with the most indicator text
    editable: Declaration  # its returned (or draft) declaration
    own_published: Declaration
    oldest_waiting: Declaration  # the declaration that has waited longest for review
    longest_public: Declaration  # the published result with the longest enterprise name
    # Its published result whose scheme has been revised since (demo/revisions.py): 对标标准已更新.
    standard_updated: Declaration | None
    # The enterprise with the most 质量强市 records (浙江制造 standards drafted, certificates).
    most_quality_records: Enterprise


def demo_showcase() -> Showcase:
    """Pick the records from the seeded demo (seed_demo must have run)."""
    enterprise = Enterprise.objects.get(user_profiles__user__username=DEMO_ENTERPRISE_LOGIN)
    own = Declaration.objects.filter(enterprise=enterprise).order_by("pk")
    return Showcase(
        enterprise=enterprise,
        longest_scheme=(
            TechnicalScheme.objects.filter(industry=enterprise.industry, status=SchemeStatus.PUBLISHED)
            .annotate(text=Sum(Length("indicators__requirement")) + Sum(Length("indicators__name")))
            .order_by("-text", "pk")
            .first()
        ),
        # A returned one before a draft ("returned" sorts after "draft"): it carries the reason.
        editable=own.filter(status__in=[DeclarationStatus.RETURNED, DeclarationStatus.DRAFT])
        .order_by("-status", "pk")
        .first(),
        own_published=own.filter(status=DeclarationStatus.PUBLISHED).first(),
        oldest_waiting=Declaration.objects.filter(status=DeclarationStatus.SUBMITTED)
        .order_by("submitted_at", "pk")
        .first(),
        longest_public=Declaration.objects.filter(status=DeclarationStatus.PUBLISHED)
        .annotate(name_length=Length("enterprise__name"))
        .order_by("-name_length", "pk")
        .first(),
        standard_updated=own.filter(standard_updated_q(), status=DeclarationStatus.PUBLISHED).first(),
        most_quality_records=Enterprise.objects.annotate(
            records=Count("zhejiang_made_drafts", distinct=True)
            + Count("pin_certificates", distinct=True)
            + Count("belt_road_certificates", distinct=True)
        )
        .order_by("-records", "pk")
        .first(),
    )


# The longest 用途 a token page must hold: a real system's name, as a clerk would type it.
LONGEST_TOKEN_NAME = (
    "永康市五金产业质量检测中心实验室信息管理系统与浙江省市场监督管理局数据共享平台之间的数据自动对接程序"
    "（生产环境一号机）"
)


def api_token_samples() -> int:
    """Tokens of the demo enterprise login in each state the 接口令牌 pages show (used, never used,
    made by staff, revoked, expired), one with the longest 用途; made once. Returns the
    enterprise's id."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from ..models import ApiToken
    from ..services.api_tokens import api_token_create, api_token_revoke

    user = get_user_model().objects.select_related("profile").get(username=DEMO_ENTERPRISE_LOGIN)
    if not ApiToken.objects.filter(user=user).exists():
        bureau = get_user_model().objects.get(username="bureau")
        used, _secret = api_token_create(actor=user, user=user, name=LONGEST_TOKEN_NAME, valid_days=365)
        ApiToken.objects.filter(pk=used.pk).update(last_used_at=timezone.now() - dt.timedelta(hours=3))
        api_token_create(actor=bureau, user=user, name="企业质检系统", valid_days=90)
        revoked, _secret = api_token_create(actor=user, user=user, name="旧版数据同步脚本", valid_days=30)
        api_token_revoke(actor=user, token=revoked)
        expired, _secret = api_token_create(actor=user, user=user, name="测试环境", valid_days=30)
        ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(days=2))
    return user.profile.enterprise_id
