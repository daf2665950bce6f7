"""Choice lists of the domain (docs/domain.md), as TextChoices."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StandardKind(models.TextChoices):
    INTERNATIONAL = "international", _("国际标准")
    FOREIGN = "foreign", _("国外先进标准")
    NATIONAL = "national", _("国家标准")
    INDUSTRY = "industry", _("行业标准")
    LOCAL = "local", _("地方标准")
    GROUP = "group", _("团体标准")
    ENTERPRISE = "enterprise", _("企业标准")


class SchemeStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤销")


class Direction(models.TextChoices):
    """How an indicator's measured value compares with its benchmark."""

    HIGHER_BETTER = "higher", _("越高越好（≥ 对标值达标）")
    LOWER_BETTER = "lower", _("越低越好（≤ 对标值达标）")
    RANGE = "range", _("区间内达标（最小值–最大值）")
    PASS_FAIL = "pass_fail", _("合格/不合格（定性）")


class Comparison(models.TextChoices):
    """The outcome of one indicator against its benchmark; computed, never typed.

    A range indicator (区间) has no "better" and no single value to equal: a value is
    inside or outside the range, and says so (区间内 / 区间外), never 等于 / 劣于."""

    BETTER = "better", _("优于")
    EQUAL = "equal", _("等于")
    WORSE = "worse", _("劣于")
    INSIDE = "inside", _("区间内")
    OUTSIDE = "outside", _("区间外")
    PASS = "pass", _("符合")
    FAIL = "fail", _("不符合")


class Grade(models.TextChoices):
    """A declaration's overall benchmarking level (对标水平)."""

    LEADING = "leading", _("领先")
    ADVANCED = "advanced", _("先进")
    AVERAGE = "average", _("平均")
    BEHIND = "behind", _("落后")


class DeclarationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("已退回")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


class Role(models.TextChoices):
    """The kinds of user; each is a Django group of the same name."""

    BUREAU_STAFF = "bureau_staff", _("市局工作人员")
    BRANCH_STAFF = "branch_staff", _("基层所工作人员")
    MANAGER = "manager", _("局领导")
    ENTERPRISE = "enterprise", _("企业用户")


class RegionKind(models.TextChoices):
    """The kind of an administrative division (GB/T 2260), as bureaus compare them: the rank
    that matters is often within a kind ("全省县级市第一")."""

    PROVINCE = "province", _("省")
    PREFECTURE = "prefecture", _("设区市")
    DISTRICT = "district", _("市辖区")
    COUNTY_CITY = "county_city", _("县级市")
    COUNTY = "county", _("县")
    AUTONOMOUS_COUNTY = "autonomous_county", _("自治县")


# The county-level kinds (县级行政区): each such unit has its own bureau and 千项计划.
COUNTY_LEVEL_KINDS = frozenset(
    {RegionKind.DISTRICT, RegionKind.COUNTY_CITY, RegionKind.COUNTY, RegionKind.AUTONOMOUS_COUNTY}
)


class StandardStatus(models.TextChoices):
    """Where a standard stands in its life (docs/domain.md "Standards over time"). 即将实施
    becomes 现行 on its implementation date by the daily job (services.standards), never by hand."""

    UPCOMING = "upcoming", _("即将实施")
    CURRENT = "current", _("现行")
    ABOLISHED = "abolished", _("废止")
    REPLACED = "replaced", _("被代替")


# A scheme benchmarked on one of these needs revising; a result executed to one is out of date.
OUTDATED_STANDARD_STATUSES = frozenset({StandardStatus.ABOLISHED, StandardStatus.REPLACED})


class AdoptionDegree(models.TextChoices):
    """How a Chinese standard adopts an international or foreign one (GB/T 20000.2)."""

    IDENTICAL = "IDT", _("等同采用（IDT）")
    MODIFIED = "MOD", _("修改采用（MOD）")
    NOT_EQUIVALENT = "NEQ", _("非等效（NEQ）")


class ZhejiangStandardStage(models.TextChoices):
    """The stage of a 浙江制造 (T/ZZB) standard."""

    APPROVED = "approved", _("立项")
    DRAFTING = "drafting", _("研制")
    PUBLISHED = "published", _("发布")


class DrafterRole(models.TextChoices):
    LEAD = "lead", _("主导")
    CO_DRAFTER = "co", _("参与")


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("有效")
    SUSPENDED = "suspended", _("暂停")
    REVOKED = "revoked", _("撤销")
    EXPIRED = "expired", _("过期")


class DigestKind(models.TextChoices):
    """The reminder digests (docs/domain.md "Reminders"), one per user and period."""

    STAFF = "staff", _("工作人员待办提醒")
    ENTERPRISE = "enterprise", _("企业待办提醒")
    MANAGER_MONTHLY = "manager_monthly", _("月度进展摘要")
