"""``Authorization: Bearer ykapi_…``: the token's user, as they are now (role, scope, active)."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from ..models import ApiToken, hash_token
from ..models.api_tokens import EXPIRED, REVOKED

# last_used_at is written at most this often per token: not one UPDATE per request.
LAST_USED_STEP = dt.timedelta(minutes=1)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None  # no token: anonymous (the public part answers; the others say 401)
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Authorization 头的格式应为：Bearer <令牌>。"))
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("令牌无效。")) from None
        token = (
            ApiToken.objects.select_related("user", "user__profile").filter(key_hash=hash_token(raw)).first()
        )
        now = timezone.now()
        state = token.state_at(now) if token is not None else None
        if state in (None, REVOKED):
            raise exceptions.AuthenticationFailed(_("令牌无效或已被吊销。"))
        if state == EXPIRED:
            raise exceptions.AuthenticationFailed(_("令牌已过期，请在“接口令牌”页面创建新令牌。"))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("令牌所属的账号已停用。"))
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_STEP:
            # An UPDATE, not save(): no change-history record for using a token.
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token

    def authenticate_header(self, request):
        # Makes a missing or bad token a 401 (with this challenge) rather than a 403.
        return f'{self.keyword} realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "在“接口令牌”页面创建的令牌：Authorization: Bearer ykapi_…",
        }
