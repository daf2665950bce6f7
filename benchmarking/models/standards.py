"""Standards that schemes benchmark against and that enterprises execute."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..choices import AdoptionDegree, StandardKind, StandardStatus
from ..validators import standard_kind_for
from .fields import StandardNumberField

__all__ = ["Standard"]


class Standard(models.Model):
    """A standard (标准), stored under one normalised number so it is never entered twice."""

    number = StandardNumberField(
        _("标准编号"),
        unique=True,
        error_messages={
            "unique": _(
                "该标准编号已存在（编号按统一格式比对，GB/T 1.1-2020、GBT 1.1-2020 与 GB/T 1.1—2020 视为同一标准）。"
            )
        },
        help_text=_("例如 GB/T 1.1—2020、ISO 8442-1:2008、T/ZZB 0123—2018。大小写、空格和连接号会自动统一。"),
    )
    title = models.CharField(_("标准名称"), max_length=200)
    kind = models.CharField(
        _("标准类别"),
        max_length=16,
        choices=StandardKind.choices,
        blank=True,
        help_text=_("留空时按编号前缀自动判断。"),
    )
    # Its life (docs/domain.md "Standards over time"). The status is the one field staff set;
    # 即将实施 turns 现行 on the implementation date by the daily job, and the consequences
    # (schemes needing revision, results out of date) are computed from it, never typed.
    status = models.CharField(
        _("标准状态"), max_length=12, choices=StandardStatus.choices, default=StandardStatus.CURRENT
    )
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    implemented_on = models.DateField(_("实施日期"), null=True, blank=True)
    withdrawn_on = models.DateField(_("废止日期"), null=True, blank=True, help_text=_("废止或被代替的日期。"))
    replaces = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="replaced_by",
        verbose_name=_("代替标准"),
        blank=True,
        help_text=_("本标准代替的标准（可多项）；被代替的标准状态应为“被代替”。"),
    )
    adoption_degree = models.CharField(
        _("采标程度"), max_length=3, choices=AdoptionDegree.choices, blank=True
    )
    adopted_standard = models.CharField(
        _("采用的国际/国外标准"),
        max_length=60,
        blank=True,
        help_text=_("采用国际标准或国外先进标准时填写其编号，如 ISO 8442-1:2008。"),
    )

    history = HistoricalRecords(verbose_name=_("标准变更记录"), verbose_name_plural=_("标准变更记录"))

    class Meta:
        verbose_name = _("标准")
        verbose_name_plural = _("标准")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=StandardKind.values),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message=_("请选择标准类别。"),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=StandardStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
                violation_error_message=_("请选择标准状态。"),
            ),
            models.CheckConstraint(
                condition=models.Q(adoption_degree="") | ~models.Q(adopted_standard=""),
                name="%(app_label)s_%(class)s_adoption_names_standard",
                violation_error_message=_("填写了采标程度时，请同时填写所采用的国际/国外标准编号。"),
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def clean(self):
        super().clean()
        if not self.kind and self.number:
            self.kind = standard_kind_for(self.number)
        self.adopted_standard = " ".join(self.adopted_standard.split())
        errors = {}
        if self.adopted_standard and not self.adoption_degree:
            errors["adoption_degree"] = _("填写了采用的国际/国外标准时，请选择采标程度（IDT / MOD / NEQ）。")
        if self.adoption_degree and not self.adopted_standard:
            errors["adopted_standard"] = _("填写了采标程度时，请同时填写所采用的国际/国外标准编号。")
        if self.implemented_on and self.published_on and self.implemented_on < self.published_on:
            errors["implemented_on"] = _("实施日期不能早于发布日期。")
        if self.withdrawn_on and self.published_on and self.withdrawn_on < self.published_on:
            errors["withdrawn_on"] = _("废止日期不能早于发布日期。")
        if self.status in (StandardStatus.ABOLISHED, StandardStatus.REPLACED) and not self.withdrawn_on:
            errors["withdrawn_on"] = _("标准状态为废止或被代替时，请填写废止日期。")
        if errors:
            raise ValidationError(errors)

    @property
    def is_outdated(self) -> bool:
        """废止 or 被代替: schemes benchmarked on it need revising (docs/domain.md)."""
        return self.status in (StandardStatus.ABOLISHED, StandardStatus.REPLACED)
