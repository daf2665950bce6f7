"""The 接口令牌 pages' reads: a user's own tokens, and the tokens of an enterprise's logins for
the staff who keep its records (``access.may_manage_tokens_of``). Each list is one query."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from ..access import acting_for_enterprise_q
from ..models import ApiToken, Enterprise
from ..models.api_tokens import ACTIVE, EXPIRED, REVOKED

__all__ = [
    "ACTIVE",
    "EXPIRED",
    "REVOKED",
    "enterprise_token_users",
    "token_of_enterprise",
    "tokens_of",
    "tokens_of_enterprise",
]


def _with_states(tokens: QuerySet, now: dt.datetime | None) -> list[ApiToken]:
    now = now or timezone.now()
    rows = list(tokens)
    for token in rows:
        token.state = token.state_at(now)
    return rows


def tokens_of(user, *, now: dt.datetime | None = None) -> list[ApiToken]:
    """``user``'s own tokens, newest first, each with its ``state``."""
    return _with_states(ApiToken.objects.filter(user=user), now)


def tokens_of_enterprise(enterprise: Enterprise, *, now: dt.datetime | None = None) -> list[ApiToken]:
    """The tokens of the logins acting for ``enterprise`` now, newest first, each with its
    ``state``. (A login moved to another enterprise takes its tokens with it: they act as the
    login does, for its enterprise of the day.)"""
    tokens = ApiToken.objects.filter(user__profile__enterprise=enterprise).select_related(
        "user"  # the 账号 column
    )
    return _with_states(tokens, now)


def token_of_enterprise(enterprise: Enterprise, pk: int) -> ApiToken | None:
    """One token of ``enterprise``'s logins, or None: what a revoke by its staff may touch."""
    return ApiToken.objects.filter(user__profile__enterprise=enterprise, pk=pk).select_related("user").first()


def enterprise_token_users(enterprise: Enterprise) -> QuerySet:
    """The logins acting for ``enterprise`` now: whose tokens its staff may make."""
    return (
        get_user_model()
        .objects.filter(acting_for_enterprise_q(enterprise))
        .order_by("last_name", "first_name", "username")
    )
