"""The bureau's other quality figures (质量强市): 浙江制造 standards enterprises lead or help
draft, 品字标 certificates and 一带一路 certificates (docs/domain.md "Quality figures")."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..choices import CertificateStatus, DrafterRole, ZhejiangStandardStage
from .fields import StandardNumberField

__all__ = ["BeltRoadCertificate", "PinCertificate", "ZhejiangMadeDrafter", "ZhejiangMadeStandard"]


class ZhejiangMadeStandard(models.Model):
    """A 浙江制造 standard (T/ZZB), from 立项 through 研制 to 发布. It counts as led by the
    enterprise in the 主导 role, in that enterprise's county, from its publication date."""

    number = StandardNumberField(
        _("标准编号"),
        unique=True,
        blank=True,
        null=True,
        error_messages={"unique": _("该“浙江制造”标准编号已存在。")},
        help_text=_("发布后填写，如 T/ZZB 1234—2026；立项、研制阶段可留空。"),
    )
    title = models.CharField(_("标准名称"), max_length=200)
    stage = models.CharField(
        _("阶段"),
        max_length=12,
        choices=ZhejiangStandardStage.choices,
        default=ZhejiangStandardStage.APPROVED,
    )
    approved_on = models.DateField(_("立项日期"), null=True, blank=True)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    enterprises = models.ManyToManyField(
        "Enterprise",
        through="ZhejiangMadeDrafter",
        related_name="zhejiang_made_standards",
        verbose_name=_("起草企业"),
    )

    history = HistoricalRecords(
        verbose_name=_("“浙江制造”标准变更记录"), verbose_name_plural=_("“浙江制造”标准变更记录")
    )

    class Meta:
        verbose_name = _("“浙江制造”标准")
        verbose_name_plural = _("“浙江制造”标准")
        ordering = ["-published_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(stage=ZhejiangStandardStage.PUBLISHED)
                | models.Q(published_on__isnull=False, number__isnull=False),
                name="%(app_label)s_%(class)s_published_dated",
                violation_error_message=_("已发布的“浙江制造”标准须填写标准编号和发布日期。"),
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}" if self.number else self.title

    def clean(self):
        super().clean()
        if self.number == "":
            self.number = None
        errors = {}
        if self.stage == ZhejiangStandardStage.PUBLISHED:
            if not self.number:
                errors["number"] = _("已发布的“浙江制造”标准须填写标准编号。")
            if not self.published_on:
                errors["published_on"] = _("已发布的“浙江制造”标准须填写发布日期。")
        if self.number and not self.number.upper().startswith("T/ZZB"):
            errors["number"] = _("“浙江制造”标准的编号以 T/ZZB 开头，如 T/ZZB 1234—2026。")
        if self.approved_on and self.published_on and self.published_on < self.approved_on:
            errors["published_on"] = _("发布日期不能早于立项日期。")
        if errors:
            raise ValidationError(errors)


class ZhejiangMadeDrafter(models.Model):
    """An enterprise drafting a 浙江制造 standard, as its lead (主导, one per standard) or a co-drafter."""

    standard = models.ForeignKey(
        ZhejiangMadeStandard,
        verbose_name=_("“浙江制造”标准"),
        on_delete=models.CASCADE,
        related_name="drafters",
    )
    enterprise = models.ForeignKey(
        "Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="zhejiang_made_drafts"
    )
    role = models.CharField(
        _("起草角色"), max_length=8, choices=DrafterRole.choices, default=DrafterRole.LEAD
    )

    history = HistoricalRecords(verbose_name=_("起草单位变更记录"), verbose_name_plural=_("起草单位变更记录"))

    class Meta:
        verbose_name = _("起草单位")
        verbose_name_plural = _("起草单位")
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "enterprise"],
                name="%(app_label)s_%(class)s_once_per_standard",
                violation_error_message=_("该企业已在本标准的起草单位中。"),
            ),
            models.UniqueConstraint(
                fields=["standard"],
                condition=models.Q(role=DrafterRole.LEAD),
                name="%(app_label)s_%(class)s_one_lead",
                violation_error_message=_("每项“浙江制造”标准只有一家主导企业。"),
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.get_role_display()}"


class Certificate(models.Model):
    """What a 品字标 and a 一带一路 certificate share: a number, the enterprise, the product and dates."""

    enterprise = models.ForeignKey("Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT)
    number = models.CharField(_("证书编号"), max_length=60, unique=True)
    product = models.CharField(_("认证产品"), max_length=200)
    issued_on = models.DateField(_("发证日期"))
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)
    status = models.CharField(
        _("证书状态"), max_length=12, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )

    class Meta:
        abstract = True
        ordering = ["-issued_on", "number"]

    def __str__(self):
        return f"{self.number} {self.product}"

    def clean(self):
        super().clean()
        self.number = " ".join((self.number or "").split())
        if self.issued_on and self.expires_on and self.expires_on < self.issued_on:
            raise ValidationError({"expires_on": _("有效期至不能早于发证日期。")})


class PinCertificate(Certificate):
    """A 品字标浙江制造 certificate: an enterprise holding one is a 品字标 enterprise, new in the
    year of its first certificate."""

    enterprise = models.ForeignKey(
        "Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="pin_certificates"
    )
    number = models.CharField(
        _("证书编号"), max_length=60, unique=True, error_messages={"unique": _("该品字标证书编号已存在。")}
    )
    expires_on = models.DateField(_("有效期至"))

    history = HistoricalRecords(
        verbose_name=_("品字标证书变更记录"), verbose_name_plural=_("品字标证书变更记录")
    )

    class Meta(Certificate.Meta):
        verbose_name = _("品字标证书")
        verbose_name_plural = _("品字标证书")


class BeltRoadCertificate(Certificate):
    """A 一带一路 certificate (a certification for the markets along the Belt and Road)."""

    enterprise = models.ForeignKey(
        "Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="belt_road_certificates"
    )
    number = models.CharField(
        _("证书编号"),
        max_length=60,
        unique=True,
        error_messages={"unique": _("该“一带一路”证书编号已存在。")},
    )
    market = models.CharField(
        _("目标市场"), max_length=100, blank=True, help_text=_("证书适用的国家或地区。")
    )

    history = HistoricalRecords(
        verbose_name=_("“一带一路”证书变更记录"), verbose_name_plural=_("“一带一路”证书变更记录")
    )

    class Meta(Certificate.Meta):
        verbose_name = _("“一带一路”认证证书")
        verbose_name_plural = _("“一带一路”认证证书")
