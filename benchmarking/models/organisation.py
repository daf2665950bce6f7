"""Branch offices and industries: the two ways the bureau breaks its progress down, and the
other names (aliases) staff write for them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..validators import normalize_reference_name
from .fields import IndustryCodeField, ReferenceNameField
from .regions import county_region_field

__all__ = ["BranchOffice", "BranchOfficeAlias", "Industry", "IndustryAlias", "named_by_another"]


class BranchOffice(models.Model):
    """A local market-supervision office (基层市场监管所) that enterprises fall under."""

    # The fields that name a record besides its aliases, in the order a lookup prefers them.
    naming_fields = ("name", "code")

    # Unique within its county (the constraints below): two counties may each have a 东城所, DC.
    name = models.CharField(_("名称"), max_length=60)
    code = models.CharField(
        _("简码"),
        max_length=12,
        help_text=_("简短代码，用于导入导出和报表，例如 DC（东城所）。"),
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    region = county_region_field(_("所属县（市、区）"), related_name="branch_offices")

    history = HistoricalRecords(
        verbose_name=_("基层市场监管所变更记录"), verbose_name_plural=_("基层市场监管所变更记录")
    )

    class Meta:
        verbose_name = _("基层市场监管所")
        verbose_name_plural = _("基层市场监管所")
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="%(app_label)s_%(class)s_unique_name_in_region",
                violation_error_message=_("本县（市、区）已有同名的监管所。"),
            ),
            models.UniqueConstraint(
                fields=["region", "code"],
                name="%(app_label)s_%(class)s_unique_code_in_region",
                violation_error_message=_("本县（市、区）已有使用这个简码的监管所。"),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        clean_names(self)


class Industry(models.Model):
    """A local industry (门业, 电动工具, …) with its optional GB/T 4754-2017 code."""

    naming_fields = ("name", "gb_code")

    name = models.CharField(_("行业名称"), max_length=60, unique=True)
    gb_code = IndustryCodeField(
        _("国民经济行业代码"),
        blank=True,
        help_text=_("GB/T 4754-2017 代码：门类字母加 2、3 或 4 位数字，例如 C3381。"),
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    history = HistoricalRecords(verbose_name=_("行业变更记录"), verbose_name_plural=_("行业变更记录"))

    class Meta:
        verbose_name = _("行业")
        verbose_name_plural = _("行业")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        clean_names(self)


_ALIAS_HELP = _("工作人员平时的写法，例如“方岩所”；导入、筛选和搜索时与名称、简码同样识别。")


class BranchOfficeAlias(models.Model):
    """Another name staff write for a branch office (方岩所 for 方岩市场监督管理所)."""

    owner_field = "office"

    office = models.ForeignKey(
        BranchOffice, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("基层市场监管所")
    )
    name = ReferenceNameField(_("简称"), max_length=60, help_text=_ALIAS_HELP)

    history = HistoricalRecords(
        verbose_name=_("监管所简称变更记录"), verbose_name_plural=_("监管所简称变更记录")
    )

    class Meta:
        verbose_name = _("监管所简称")
        verbose_name_plural = _("简称（别名）")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                name="%(app_label)s_%(class)s_unique_name",
                violation_error_message=_("这个简称已登记过（同一简称只能属于一个监管所）。"),
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        clean_alias(self)


class IndustryAlias(models.Model):
    """Another name staff write for an industry (五金工具 for 电动工具, say)."""

    owner_field = "industry"

    industry = models.ForeignKey(
        Industry, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("行业")
    )
    name = ReferenceNameField(
        _("别名"),
        max_length=60,
        help_text=_("工作人员平时的写法；导入、筛选和搜索时与行业名称、代码同样识别。"),
    )

    history = HistoricalRecords(verbose_name=_("行业别名变更记录"), verbose_name_plural=_("行业别名变更记录"))

    class Meta:
        verbose_name = _("行业别名")
        verbose_name_plural = _("别名")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                name="%(app_label)s_%(class)s_unique_name",
                violation_error_message=_("这个别名已登记过（同一别名只能属于一个行业）。"),
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        clean_alias(self)


_ALIAS_MODEL = {BranchOffice: BranchOfficeAlias, Industry: IndustryAlias}


def named_by_another(
    model, value: str, *, exclude_pk, names: bool = True, aliases: bool = True, region_id: str | None = None
):
    """The office (or industry) other than ``exclude_pk`` that ``value`` already names — by its
    name or code (``names``), or by one of its aliases (``aliases``), compared after
    ``normalize_reference_name`` — or None. The rule "one name, one office" (docs/domain.md,
    "Offices and industries by the names staff write"); with ``region_id``, among that county's
    offices' names (aliases are one list for every county)."""
    key = normalize_reference_name(value)
    if not key:
        return None
    others = model._default_manager.exclude(pk=exclude_pk)
    if region_id is not None:
        # An office's names are its county's: another county may have its own 东城所.
        others = others.filter(region_id=region_id)
    if names:
        # A few dozen rows, their names stored as typed: compared here, normalised.
        for record in others.only("pk", *model.naming_fields):
            if any(normalize_reference_name(getattr(record, f)) == key for f in model.naming_fields):
                return record
    if aliases:
        alias_model = _ALIAS_MODEL[model]
        owner = alias_model.owner_field
        alias = (
            alias_model._default_manager.filter(name=key)
            .exclude(**{f"{owner}_id": exclude_pk})
            .select_related(owner)
            .first()
        )
        if alias is not None:
            return getattr(alias, owner)
    return None


def clean_alias(alias) -> None:
    """An alias may not be another office's (industry's) name or code. (Another's alias is the
    unique constraint's to refuse: the alias is stored normalised.)"""
    owner_model = alias._meta.get_field(alias.owner_field).related_model
    owner = getattr(alias, alias.owner_field, None) if getattr(alias, f"{alias.owner_field}_id") else None
    other = named_by_another(
        owner_model,
        alias.name,
        exclude_pk=getattr(alias, f"{alias.owner_field}_id"),
        aliases=False,
        region_id=getattr(owner, "region_id", None),
    )
    if other is not None:
        raise ValidationError(
            {
                "name": _("“%(alias)s”是%(kind)s“%(other)s”的名称或代码，不能作为其他%(kind)s的简称。")
                % {"alias": alias.name, "kind": owner_model._meta.verbose_name, "other": other.name}
            }
        )


def clean_names(record) -> None:
    """An office's (industry's) name and code may not be another one's alias."""
    errors = {}
    for field in type(record).naming_fields:
        value = getattr(record, field)
        other = named_by_another(type(record), value, exclude_pk=record.pk, names=False)
        if other is not None:
            errors[field] = _("“%(value)s”已是“%(other)s”的简称，请换一个。") % {
                "value": value,
                "other": other.name,
            }
    if errors:
        raise ValidationError(errors)
