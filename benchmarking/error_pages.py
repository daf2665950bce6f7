"""Error pages Django has no handler setting for, in the site's layout and in Chinese.

Django's handler400/403/404/500 render ``400.html`` … ``500.html`` by themselves (the 500
through ``benchmarking.outages.server_error``). Two refusals need help:

- A refused method (GET on a POST-only address) is an empty ``HttpResponseNotAllowed`` from
  whichever view refused it: Django has no handler405, so a middleware gives it a page.
- A failed CSRF check renders ``403_csrf.html`` without the request (no header navigation,
  no user); ``CSRF_FAILURE_VIEW`` points here to render it with the request.
"""

from django.http import HttpResponseForbidden, HttpResponseNotAllowed
from django.template.loader import render_to_string


class MethodNotAllowedPageMiddleware:
    """Gives a view's bare 405 the site's ``405.html``, keeping its status and Allow header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            isinstance(response, HttpResponseNotAllowed)
            and not response.streaming
            # A view that wrote its own body (none does today) meant that body.
            and not response.content
        ):
            response.content = render_to_string("405.html", request=request)
        return response


def csrf_failure(request, reason=""):
    """settings.CSRF_FAILURE_VIEW: the refusal in Chinese, with the header navigation. The
    reason (for the logs: Django's csrf middleware has already logged it) is not shown."""
    return HttpResponseForbidden(render_to_string("403_csrf.html", request=request))
