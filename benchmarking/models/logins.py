"""Logins: the record of bureau staff lifting a network address's login limit."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["AddressLimitLift"]


class AddressLimitLift(models.Model):
    """Bureau staff lifted the login limit of one network address: who, when, and how many
    failures it set aside. Failures from that address up to this moment no longer count
    towards its limit (docs/domain.md, "Logins"); the failure log itself is kept."""

    ip_address = models.GenericIPAddressField(_("网络地址"))
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("解除人"),
        on_delete=models.PROTECT,
        related_name="address_limit_lifts",
    )
    lifted_at = models.DateTimeField(_("解除时间"), default=timezone.now)
    failures = models.PositiveIntegerField(_("当时的失败次数"))
    usernames = models.PositiveIntegerField(_("当时涉及的用户名数"))

    class Meta:
        verbose_name = _("解除地址登录限制记录")
        verbose_name_plural = _("解除地址登录限制记录")
        ordering = ["-lifted_at", "-pk"]
        indexes = [
            # The limit asks, per failure, whether a lift of its address came after it.
            models.Index(fields=["ip_address", "lifted_at"], name="benchmarking_lift_address_at"),
        ]

    def __str__(self):
        return f"{self.ip_address} @ {timezone.localtime(self.lifted_at):%Y-%m-%d %H:%M}"
