"""API tokens: how a program acts for a user on the open API (/api/v1/)."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

__all__ = ["ApiToken", "hash_token"]

# A token's state (有效 / 已过期 / 已吊销): the API's authentication and the tokens pages both ask
# ``ApiToken.state_at``.
ACTIVE, EXPIRED, REVOKED = "active", "expired", "revoked"


def hash_token(raw: str) -> str:
    """The stored form of a token. A token is 32 random bytes, so one SHA-256 round is enough:
    nobody guesses the secret, and a slow password hash would cost every API request."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """One token of one user. The secret is shown once, when made, and only its hash is kept;
    ``prefix`` (the secret's first characters) tells a user's tokens apart on their page.

    The token acts as its user, with the user's role and scope as they are at each request:
    a token never grants more than its user's login would."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("用途"), max_length=60, help_text=_("例如：企业质检系统、省数据平台"))
    prefix = models.CharField(_("令牌前缀"), max_length=16, editable=False)
    key_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        related_name="api_tokens_created",
        editable=False,
    )
    expires_at = models.DateTimeField(_("有效期至"))
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("吊销人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_tokens_revoked",
        editable=False,
    )

    history = HistoricalRecords(
        verbose_name=_("接口令牌变更记录"),
        verbose_name_plural=_("接口令牌变更记录"),
        # last_used_at moves with use, not by anyone's decision: no history record for it.
        excluded_fields=["last_used_at"],
    )

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name}（{self.prefix}…）"

    def state_at(self, now) -> str:
        if self.revoked_at is not None:
            return REVOKED
        return EXPIRED if self.expires_at <= now else ACTIVE
