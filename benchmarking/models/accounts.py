"""Which branch office or enterprise a user acts for."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .regions import home_region_code

__all__ = ["UserProfile"]


class UserProfile(models.Model):
    """A user's place in the bureau: the branch office a branch-office user works
    in, or the one enterprise an enterprise user acts for. The role itself is the
    user's group (see ``benchmarking.access``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="profile"
    )
    branch_office = models.ForeignKey(
        "BranchOffice",
        verbose_name=_("所属监管所"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff_profiles",
    )
    enterprise = models.ForeignKey(
        "Enterprise",
        verbose_name=_("所属企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="user_profiles",
    )
    # Any level, not only county-level: a prefecture's or the province's staff read the counties
    # under them (access.region_scope_of). Held by its code, like every region key.
    region = models.ForeignKey(
        "Region",
        to_field="code",
        verbose_name=_("所属行政区"),
        on_delete=models.PROTECT,
        default=home_region_code,
        related_name="user_profiles",
        help_text=_(
            "县（市、区）的工作人员管理本县的数据；设区市和省的工作人员与局领导只读所辖各县的数据。"
            "监管所人员和企业用户随其监管所或企业所在的县。"
        ),
    )
    receives_digests = models.BooleanField(
        _("接收提醒摘要邮件"),
        default=True,
        help_text=_("关闭后不再发送提醒摘要邮件；站内“提醒”页面仍可查看。"),
    )

    history = HistoricalRecords(verbose_name=_("用户资料变更记录"), verbose_name_plural=_("用户资料变更记录"))

    class Meta:
        verbose_name = _("用户资料")
        verbose_name_plural = _("用户资料")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(branch_office__isnull=True) | models.Q(enterprise__isnull=True),
                name="%(app_label)s_%(class)s_office_or_enterprise",
                violation_error_message=_("一个用户不能同时属于监管所和企业。"),
            )
        ]

    def __str__(self):
        return str(self.user)

    def clean(self):
        # A branch office's staff and an enterprise's users work in its county: their region is
        # that county's, whatever was picked, so the scope rules never see the two disagree.
        if self.branch_office_id is not None:
            self.region_id = self.branch_office.region_id
        elif self.enterprise_id is not None:
            self.region_id = self.enterprise.region_id
