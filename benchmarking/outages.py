"""A database that cannot be reached answers 503 "try again shortly", not a 500.

When PostgreSQL restarts or fails over, requests in flight lose their connection; Django
reconnects by itself on the next request (settings: conn_health_checks). Meanwhile the
user gets a page in their language that says the system is briefly unavailable and that
nothing they had saved is lost, with Retry-After for scripts and proxies; the error is
logged as a warning rather than mailed as a crash.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

logger = logging.getLogger(__name__)

# Seconds a client should wait before trying again: a PostgreSQL restart takes a few.
RETRY_AFTER_SECONDS = 5


def database_unavailable(exception: BaseException | None) -> bool:
    """Is ``exception`` the database being away, or an error raised while handling that?

    OperationalError covers a lost or refused connection, and also deadlocks and serialisation
    failures: for all of them, trying again shortly is the right advice. An error raised while
    handling one (a session that failed to load, read again on the way out) is the same outage.
    """
    seen = set()
    while exception is not None and id(exception) not in seen:
        if isinstance(exception, OperationalError | InterfaceError):
            return True
        seen.add(id(exception))
        exception = exception.__cause__ or exception.__context__
    return False


def unavailable_response(request, exception: BaseException) -> HttpResponse:
    """The 503 page in Chinese, with Retry-After."""
    logger.warning("database unavailable on %s %s: %s", request.method, request.path, exception)
    if is_api(request):
        response = api_error(_("数据库暂时无法访问，请稍后再试。"), status=503)
    else:
        # Rendered without the request: context processors would ask the database again.
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """The view's own database errors, answered before any other middleware sees them fail."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not database_unavailable(exception):
            return None
        return unavailable_response(request, exception)


def server_error(request):
    """The project's handler500: every error no one handled ends here — one raised in a
    middleware too (loading the session or the user, the idle-timeout touch, saving the session
    on the way out), which ``process_exception`` never sees. The database being away is a 503;
    anything else the site's own 500 page."""
    exception = sys.exc_info()[1]
    if database_unavailable(exception):
        return unavailable_response(request, exception)
    if is_api(request):
        return api_error(_("服务器内部错误，已记录，请稍后再试。"), status=500)
    return defaults.server_error(request)


def is_api(request) -> bool:
    """The open API answers in JSON of its own shape (benchmarking/api/errors.py), never a page."""
    return request.path.startswith("/api/")


def api_error(detail: str, *, status: int) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False})
