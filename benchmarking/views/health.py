"""Liveness check for load balancers and the container's health check: ``GET /healthz/``.

It answers "ok" as soon as a worker can run a request through the whole middleware stack,
and touches neither the database nor the session, so a busy or briefly unreachable database
does not get the web container restarted, and probing it costs nothing. No login: the probe
has none. Served over plain http too (settings.SECURE_REDIRECT_EXEMPT), as the probe runs
inside the container, behind the proxy that terminates TLS.
"""

from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache  # every probe must reach a worker, never a cache between
@require_safe  # GET and HEAD
def healthz(request):
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
