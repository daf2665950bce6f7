"""Administrative divisions (行政区划): the province, its prefectures and their county-level units,
with their GB/T 2260 codes. Loaded as data (benchmarking/data/, by a data migration), never
entered by hand: the list is the national standard."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..choices import COUNTY_LEVEL_KINDS, RegionKind

__all__ = ["Region", "county_region_field", "home_region_code"]


class Region(models.Model):
    """An administrative division (浙江省, 金华市, 永康市): where a bureau works, and the unit whose
    figures are summed and ranked."""

    code = models.CharField(
        _("行政区划代码"),
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^[0-9]{6}\Z", _("行政区划代码为 6 位数字（GB/T 2260）。"))],
        help_text=_("GB/T 2260 的 6 位代码，例如 330784（永康市）。"),
    )
    name = models.CharField(_("名称"), max_length=30)
    short_name = models.CharField(
        _("简称"), max_length=20, help_text=_("报表和排名中的写法，例如“金华”（居金华第 1）。")
    )
    kind = models.CharField(_("类别"), max_length=20, choices=RegionKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级行政区"),
    )

    history = HistoricalRecords(verbose_name=_("行政区划变更记录"), verbose_name_plural=_("行政区划变更记录"))

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=RegionKind.PROVINCE, parent__isnull=True)
                | (~Q(kind=RegionKind.PROVINCE) & Q(parent__isnull=False)),
                name="%(app_label)s_%(class)s_parent_unless_province",
                violation_error_message=_("省没有上级行政区；其他行政区必须有上级行政区。"),
            )
        ]

    def __str__(self):
        return self.name


def home_region_code() -> str:
    """The GB/T 2260 code of the county-level region this deployment serves first
    (``settings.BENCHMARKING_HOME_REGION``, 330784 永康市 unless set): the region every record
    made by today's single-county flows belongs to unless told otherwise. A field default, so it
    costs no query: the region foreign keys point at ``Region.code``, not at its id."""
    return settings.BENCHMARKING_HOME_REGION


def county_region_field(verbose_name, *, related_name: str, help_text="") -> models.ForeignKey:
    """A county-level region (县级行政区) a record belongs to, held by its GB/T 2260 code
    (``region_id`` is "330784"), defaulting to the home region. PROTECT: a region with records
    is never deleted (the list is the national standard, changed only by a migration)."""
    return models.ForeignKey(
        Region,
        to_field="code",
        on_delete=models.PROTECT,
        default=home_region_code,
        limit_choices_to={"kind__in": sorted(COUNTY_LEVEL_KINDS)},
        related_name=related_name,
        verbose_name=verbose_name,
        help_text=help_text,
    )
