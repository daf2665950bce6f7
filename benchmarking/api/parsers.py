"""The API's request bodies."""

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's, with a body nested too deep for Python's parser (thousands of brackets) answered as
    the malformed JSON it is, a 400, rather than the RecursionError DRF lets through as a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON 嵌套层数过多，无法解析。")) from None
