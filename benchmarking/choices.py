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
