"""Technical schemes (对标技术方案), their benchmark standards and key indicators."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..choices import Direction, SchemeStatus
from ..numbers import plain_decimal
from ..uploads import validate_document_upload
from .base import VersionedModel
from .fields import SchemeCodeField
from .regions import county_region_field

__all__ = [
    "SCHEME_TRANSITIONS",
    "Indicator",
    "IndicatorReferenceValue",
    "SchemeAction",
    "SchemeBenchmark",
    "SchemeTransition",
    "TechnicalScheme",
]


class SchemeAction(models.TextChoices):
    PUBLISH = "publish", _("发布")
    WITHDRAW = "withdraw", _("撤销")


@dataclass(frozen=True)
class SchemeTransition:
    """One move of a scheme's life: where it may start, where it leads, the date it stamps."""

    sources: frozenset[str]
    target: str
    stamps: str
    reason_required: bool = False


# The one table of a scheme's moves (docs/domain.md, "Schemes"); workflow.apply_scheme_move
# is the one function that applies it. Only the bureau's staff make them (access.py).
SCHEME_TRANSITIONS: dict[str, SchemeTransition] = {
    SchemeAction.PUBLISH: SchemeTransition(
        sources=frozenset({SchemeStatus.DRAFT}), target=SchemeStatus.PUBLISHED, stamps="published_at"
    ),
    SchemeAction.WITHDRAW: SchemeTransition(
        sources=frozenset({SchemeStatus.PUBLISHED}),
        target=SchemeStatus.WITHDRAWN,
        stamps="withdrawn_at",
        reason_required=True,
    ),
}


class TechnicalScheme(VersionedModel):
    """A scheme written by a professional body for one product category: the standards
    the product is benchmarked against and the key indicators to compare."""

    code = SchemeCodeField(
        _("方案编号"),
        max_length=40,
        unique=True,
        error_messages={"unique": _("该方案编号已存在。")},
    )
    title = models.CharField(_("方案名称"), max_length=200)
    product_category = models.CharField(_("产品类别"), max_length=100)
    industry = models.ForeignKey(
        "Industry", verbose_name=_("行业"), on_delete=models.PROTECT, related_name="schemes"
    )
    publisher = models.CharField(
        _("发布机构"),
        max_length=120,
        help_text=_("编制并发布方案的专业机构，如标准化研究院、行业协会、检测机构。"),
    )
    publisher_region = county_region_field(
        _("发布地"),
        related_name="published_schemes",
        help_text=_("发布方案的县（市、区）：方案计入该地的发布数；各地企业均可采用。"),
    )
    benchmark_standards = models.ManyToManyField(
        "Standard",
        through="SchemeBenchmark",
        verbose_name=_("对标标准"),
        related_name="benchmarked_by_schemes",
        blank=True,
    )
    document = models.FileField(
        _("方案文件"), upload_to="schemes/%Y/", blank=True, validators=[validate_document_upload]
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=SchemeStatus.choices, default=SchemeStatus.DRAFT, editable=False
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(_("撤销时间"), null=True, blank=True, editable=False)
    withdraw_reason = models.TextField(_("撤销理由"), blank=True, editable=False)
    # A revision is a new scheme linked to the one it supersedes (services.schemes.
    # start_revision); once the revision is published the old one stops counting as a scheme
    # (selectors.progress), while its results go on counting.
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("修订自"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="revisions",
    )
    # When its revision was published: from then on it no longer counts as a scheme
    # (selectors.progress.scheme_counted_q). Set by the revision's publication, never typed.
    superseded_at = models.DateTimeField(_("被修订时间"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(
        verbose_name=_("对标技术方案变更记录"), verbose_name_plural=_("对标技术方案变更记录")
    )

    class Meta:
        verbose_name = _("对标技术方案")
        verbose_name_plural = _("对标技术方案")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status=SchemeStatus.DRAFT)
                | models.Q(
                    status=SchemeStatus.PUBLISHED, published_at__isnull=False, withdrawn_at__isnull=True
                )
                | models.Q(
                    status=SchemeStatus.WITHDRAWN, published_at__isnull=False, withdrawn_at__isnull=False
                ),
                name="%(app_label)s_%(class)s_status_dates",
                violation_error_message=_("方案状态与发布、撤销时间不一致。"),
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True)
                | models.Q(withdrawn_at__gte=models.F("published_at")),
                name="%(app_label)s_%(class)s_withdrawn_after_published",
                violation_error_message=_("撤销时间不能早于发布时间。"),
            ),
        ]
        indexes = [models.Index(fields=["status", "published_at"], name="benchmarking_scheme_status_pub")]

    def __str__(self):
        return f"{self.code} {self.title}"


class SchemeBenchmark(models.Model):
    """One benchmark standard of a scheme."""

    scheme = models.ForeignKey(TechnicalScheme, verbose_name=_("技术方案"), on_delete=models.CASCADE)
    standard = models.ForeignKey("Standard", verbose_name=_("对标标准"), on_delete=models.PROTECT)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    history = HistoricalRecords(verbose_name=_("对标标准变更记录"), verbose_name_plural=_("对标标准变更记录"))

    class Meta:
        verbose_name = _("对标标准")
        verbose_name_plural = _("对标标准")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "standard"],
                name="%(app_label)s_%(class)s_unique_standard",
                violation_error_message=_("同一方案中该对标标准已列出。"),
            )
        ]

    def __str__(self):
        return str(self.standard)


class Indicator(models.Model):
    """One key indicator (关键指标) of a scheme and how a product is compared on it."""

    scheme = models.ForeignKey(
        TechnicalScheme, verbose_name=_("技术方案"), on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(_("指标名称"), max_length=100)
    unit = models.CharField(_("单位"), max_length=30, blank=True)
    test_method = models.CharField(_("检测方法"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_core = models.BooleanField(_("核心指标"), default=False)
    direction = models.CharField(_("比较方式"), max_length=12, choices=Direction.choices)
    benchmark_value = models.DecimalField(
        _("对标值"),
        max_digits=18,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("“越高越好”“越低越好”时必填：对标的先进水平。"),
    )
    benchmark_min = models.DecimalField(_("区间下限"), max_digits=18, decimal_places=6, null=True, blank=True)
    benchmark_max = models.DecimalField(_("区间上限"), max_digits=18, decimal_places=6, null=True, blank=True)
    requirement = models.CharField(
        _("要求说明"), max_length=200, blank=True, help_text=_("定性指标的合格要求，或对标值的文字说明。")
    )

    history = HistoricalRecords(verbose_name=_("关键指标变更记录"), verbose_name_plural=_("关键指标变更记录"))

    class Meta:
        verbose_name = _("关键指标")
        verbose_name_plural = _("关键指标")
        ordering = ["scheme", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "name"],
                name="%(app_label)s_%(class)s_unique_name",
                violation_error_message=_("同一方案中指标名称不能重复。"),
            ),
            models.CheckConstraint(
                condition=~models.Q(direction__in=[Direction.HIGHER_BETTER, Direction.LOWER_BETTER])
                | models.Q(benchmark_value__isnull=False),
                name="%(app_label)s_%(class)s_benchmark_value_required",
                violation_error_message=_("“越高越好”或“越低越好”的指标必须填写对标值。"),
            ),
            models.CheckConstraint(
                condition=~models.Q(direction=Direction.RANGE)
                | models.Q(benchmark_min__isnull=False)
                | models.Q(benchmark_max__isnull=False),
                name="%(app_label)s_%(class)s_range_bound_required",
                violation_error_message=_("“区间内达标”的指标至少要填写区间下限或上限。"),
            ),
            models.CheckConstraint(
                condition=models.Q(benchmark_min__isnull=True)
                | models.Q(benchmark_max__isnull=True)
                | models.Q(benchmark_min__lte=models.F("benchmark_max")),
                name="%(app_label)s_%(class)s_range_ordered",
                violation_error_message=_("区间下限不能大于上限。"),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.direction == Direction.PASS_FAIL and any(
            v is not None for v in (self.benchmark_value, self.benchmark_min, self.benchmark_max)
        ):
            raise ValidationError(_("“合格/不合格”指标不填写数值对标值，请在“要求说明”中写明合格要求。"))

    @property
    def benchmark_display(self) -> str:
        """The benchmark as a reader expects to see it: ≥ 50, ≤ 0.3, 10–20, 合格."""

        fmt = plain_decimal

        unit = f" {self.unit}" if self.unit else ""
        if self.direction == Direction.HIGHER_BETTER:
            return f"≥ {fmt(self.benchmark_value)}{unit}"
        if self.direction == Direction.LOWER_BETTER:
            return f"≤ {fmt(self.benchmark_value)}{unit}"
        if self.direction == Direction.RANGE:
            if self.benchmark_min is None:
                return f"≤ {fmt(self.benchmark_max)}{unit}"
            if self.benchmark_max is None:
                return f"≥ {fmt(self.benchmark_min)}{unit}"
            return f"{fmt(self.benchmark_min)}–{fmt(self.benchmark_max)}{unit}"
        return self.requirement or str(_("合格"))


class IndicatorReferenceValue(models.Model):
    """The value one benchmark standard gives for an indicator, shown beside the benchmark."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("关键指标"), on_delete=models.CASCADE, related_name="reference_values"
    )
    standard = models.ForeignKey("Standard", verbose_name=_("标准"), on_delete=models.PROTECT)
    value = models.CharField(_("标准规定值"), max_length=100)

    history = HistoricalRecords(
        verbose_name=_("各标准规定值变更记录"), verbose_name_plural=_("各标准规定值变更记录")
    )

    class Meta:
        verbose_name = _("各标准规定值")
        verbose_name_plural = _("各标准规定值")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "standard"],
                name="%(app_label)s_%(class)s_unique_standard",
                violation_error_message=_("该标准对此指标的规定值已填写。"),
            )
        ]

    def __str__(self):
        return f"{self.standard.number}: {self.value}"
