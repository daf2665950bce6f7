"""Addresses no page can answer: refused with a 400 in Chinese before any view runs.

A NUL character has no place in any value the app stores or searches (PostgreSQL refuses it in
text, and every form refuses it), yet a hand-made address can carry one in any query
parameter: an admin list filter, a search box, an autocomplete term. Rather than teach every
view, filter and third-party admin to drop it, a request whose query string carries one is
answered here: 400, with a page that says what is wrong.
"""

from django.http import HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .outages import api_error, is_api


class RefuseNulInQueryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            message = _("请求地址的参数中含有空字符（NUL），无法处理。")
            if is_api(request):
                return api_error(message, status=400)
            # Rendered without the request: context processors would ask who is asking.
            return HttpResponseBadRequest(render_to_string("400.html", {"message": message}))
        return self.get_response(request)
