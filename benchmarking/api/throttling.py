"""Requests per minute: per token for the token's user, per network address for anonymous
callers. Counted in the shared cache (Redis in production), so every app server counts alike;
over the limit is a 429 with Retry-After (``errors`` words it)."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from ..models import ApiToken
from ..security import client_ip_address


class ApiRateThrottle(SimpleRateThrottle):
    scope = "api"

    def get_rate(self):
        # Read at each request, not at import as DRF's default does: a setting, overridable.
        key = "token" if isinstance(getattr(self, "_auth", None), ApiToken) else "anonymous"
        return settings.BENCHMARKING_API_RATES[key]

    def allow_request(self, request, view):
        self._auth = request.auth
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            return f"api-throttle:token:{request.auth.pk}"
        return f"api-throttle:address:{client_ip_address(request._request)}"
