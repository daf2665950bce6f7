"""Enterprises that benchmark their products."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..validators import (
    credit_code_check_passes,
    normalize_credit_code,
    validate_credit_code,
    validate_credit_code_format,
)
from .base import VersionedModel
from .fields import CreditCodeField
from .regions import county_region_field

__all__ = ["Enterprise"]


class Enterprise(VersionedModel):
    """An enterprise (企业) in Yongkang, identified by its 统一社会信用代码."""

    name = models.CharField(_("企业名称"), max_length=120)
    credit_code = CreditCodeField(
        _("统一社会信用代码"),
        unique=True,
        error_messages={"unique": _("统一社会信用代码已被另一家企业使用。")},
        help_text=_("18 位，可直接粘贴；空格、小写和全角字符会自动规范。"),
    )
    credit_code_override_reason = models.TextField(
        _("校验位例外理由"),
        blank=True,
        help_text=_("仅限工作人员：早期合法代码未通过校验位核验时，填写核实情况后方可保存。"),
    )
    credit_code_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("例外确认人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    branch_office = models.ForeignKey(
        "BranchOffice", verbose_name=_("所属监管所"), on_delete=models.PROTECT, related_name="enterprises"
    )
    industry = models.ForeignKey(
        "Industry", verbose_name=_("行业"), on_delete=models.PROTECT, related_name="enterprises"
    )
    region = county_region_field(
        _("所属县（市、区）"),
        related_name="enterprises",
        help_text=_("默认按统一社会信用代码的登记机关确定，无法确定时为本地；工作人员可更正。"),
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=40, blank=True)
    contact_person = models.CharField(_("联系人"), max_length=40, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    zhejiang_made = models.BooleanField(_("浙江制造/品字标认证"), default=False)
    standard_leader = models.BooleanField(_("企业标准“领跑者”"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("企业变更记录"), verbose_name_plural=_("企业变更记录"))

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["branch_office", "industry"], name="benchmarking_ent_branch_ind"),
            # The enterprises list in its default order (name, then the key that breaks ties).
            models.Index(fields=["name", "id"], name="benchmarking_ent_name_id"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        code = normalize_credit_code(self.credit_code)
        try:
            validate_credit_code_format(code)
        except ValidationError:
            # Malformed: the field has already said what is wrong; there is no check to speak of.
            return
        if credit_code_check_passes(code):
            if self.credit_code_override_reason.strip():
                raise ValidationError(
                    {"credit_code_override_reason": _("该代码已通过校验位核验，无需填写例外理由。")}
                )
        elif not self.credit_code_override_reason.strip():
            try:
                validate_credit_code(code)
            except ValidationError as error:
                raise ValidationError({"credit_code": error}) from None
