"""A database that cannot be reached answers 503 "try again shortly", not a 500.

When PostgreSQL restarts or fails over, requests in flight lose their connection; Django
reconnects by itself on the next request (settings: conn_health_checks). Meanwhile the
user gets a page in their language that says the system is briefly unavailable and that
nothing they had saved is lost, with Retry-After for scripts and proxies; the error is
logged as a warning rather than mailed as a crash.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# Seconds a client should wait before trying again: a PostgreSQL restart takes a few.
RETRY_AFTER_SECONDS = 5


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        # OperationalError covers a lost or refused connection, and also deadlocks and
        # serialisation failures: for all of them, trying again shortly is the right advice.
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("database unavailable on %s %s: %s", request.method, request.path, exception)
        # Rendered without the request: context processors would ask the database again.
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
