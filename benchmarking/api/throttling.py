"""Requests per minute: per token for the token's user, per network address for anonymous
callers. Counted in the shared cache (Redis in production), so every app server counts alike;
over the limit is a 429 with Retry-After (``errors`` words it)."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from ..models import ApiToken
from ..security import client_ip_address


class ApiRateThrottle(SimpleRateThrottle):
    scope = "api"

    def __init__(self):
        # The rate depends on the request (a token's or an address's), so it is chosen in
        # ``allow_request``, read from the settings each time, not fixed at start as DRF does.
        pass

    def allow_request(self, request, view):
        kind = "token" if isinstance(request.auth, ApiToken) else "anonymous"
        self.rate = settings.BENCHMARKING_API_RATES[kind]
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            return f"api-throttle:token:{request.auth.pk}"
        return f"api-throttle:address:{client_ip_address(request._request)}"
