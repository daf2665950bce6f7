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
from .regions import Region, county_region_field

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

    def _clean_region(self):
        # A county's bureau and offices keep its enterprises: an office of one county cannot
        # supervise an enterprise of another, or the enterprise would drop out of both views.
        if self.branch_office_id is None:
            return
        office = self.branch_office
        if self.region_id is None:
            # Left empty (the admin offers it so): the county its credit code names when this
            # deployment serves it, else its office's county (docs/domain.md, "Regions").
            from ..selectors.regions import enterprise_region_code

            self.region_id = enterprise_region_code(self.credit_code, otherwise=office.region_id)
        if office.region_id != self.region_id:
            names = dict(
                Region.objects.filter(code__in=[self.region_id, office.region_id]).values_list("code", "name")
            )
            raise ValidationError(
                {
                    "region": _(
                        "所属县（%(region)s）与所属监管所“%(office)s”所在的县（%(office_region)s）不一致："
                        "请更正所属县或监管所。"
                    )
                    % {
                        "region": names.get(self.region_id, self.region_id),
                        "office": office.name,
                        "office_region": names.get(office.region_id, office.region_id),
                    }
                }
            )

    def clean(self):
        super().clean()
        self._clean_region()
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
