"""API tokens: made and revoked by their user, or by staff for the users of an enterprise they
keep the records of (``access.may_manage_tokens_of``). The secret is returned once, by
``api_token_create``, and never stored: only its hash (``models.hash_token``)."""

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access import may_manage_tokens_of
from ..models import ApiToken, hash_token
from .errors import WorkflowError

__all__ = ["TOKEN_PREFIX", "TOKEN_VALID_DAYS", "api_token_create", "api_token_revoke"]

# What a token starts with, so that a leaked one is recognised (and found by secret scanners).
TOKEN_PREFIX = "ykapi_"
# The choices of how long a new token lasts; a year at most, so a forgotten token dies.
TOKEN_VALID_DAYS = (30, 90, 180, 365)
# Tokens one user may hold at a time: the limits count per token, and a user with a hundred
# tokens would have a hundred times the limit.
MAX_ACTIVE_TOKENS = 10
# The characters of the secret kept in clear, so the user can tell their tokens apart.
SHOWN_CHARACTERS = len(TOKEN_PREFIX) + 6


def _require_may_manage(actor, user) -> None:
    if not may_manage_tokens_of(actor, user):
        raise WorkflowError(_("您不能管理该用户的接口令牌。"), code="not_allowed")


@transaction.atomic
def api_token_create(*, actor, user, name: str, valid_days: int, now: dt.datetime | None = None):
    """A new token for ``user``: returns (the token, its secret). The secret is shown once."""
    _require_may_manage(actor, user)
    name = " ".join(name.split())
    errors = {}
    if not name:
        errors["name"] = ValidationError(_("请填写令牌的用途，便于日后辨认和吊销。"), code="required")
    elif len(name) > ApiToken._meta.get_field("name").max_length:
        errors["name"] = ValidationError(_("用途最多 60 个字。"), code="max_length")
    if valid_days not in TOKEN_VALID_DAYS:
        errors["valid_days"] = ValidationError(
            _("有效期只能选 %(choices)s 天。"),
            code="invalid_choice",
            params={"choices": "、".join(str(days) for days in TOKEN_VALID_DAYS)},
        )
    now = now or timezone.now()
    active = ApiToken.objects.select_for_update().filter(
        user=user, revoked_at__isnull=True, expires_at__gt=now
    )
    if active.count() >= MAX_ACTIVE_TOKENS:
        errors["name"] = ValidationError(
            _("该账号已有 %(count)d 个有效令牌，已达上限：请先吊销不再使用的令牌。"),
            code="too_many",
            params={"count": MAX_ACTIVE_TOKENS},
        )
    if errors:
        raise ValidationError(errors)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw[:SHOWN_CHARACTERS],
        key_hash=hash_token(raw),
        created_at=now,
        created_by=actor,
        expires_at=now + dt.timedelta(days=valid_days),
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken, now: dt.datetime | None = None) -> ApiToken:
    """Revoke ``token`` at once: the next request with it is refused. Revoking twice is harmless."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    _require_may_manage(actor, token.user)
    if token.revoked_at is None:
        token.revoked_at = now or timezone.now()
        token.revoked_by = actor
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token
