"""Cursor pagination for the API's lists: stable under inserts, and a page costs the same
whatever its position (no OFFSET, no COUNT)."""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

MAX_PAGE_SIZE = 200


class ApiCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    # Newest first, then id: a unique, unchanging order the cursor can resume from.
    ordering = ("-pk",)
    cursor_query_description = "翻页游标：取自上一页的 next 或 previous 链接。"
    page_size_query_description = f"每页条数，1 到 {MAX_PAGE_SIZE}，不填为 50。"

    def get_page_size(self, request):
        # Strict, as the filters: DRF would quietly use the default for a page size that is not
        # one, and a client would never learn that its 1000 was read as 50.
        values = request.query_params.getlist(self.page_size_query_param)
        if not values:
            return self.page_size
        value = values[-1]
        if (
            len(values) > 1
            or not value.isascii()
            or not value.isdigit()
            or not 1 <= int(value) <= MAX_PAGE_SIZE
        ):
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("每页条数应为 1 到 %(max)d 的整数。") % {"max": MAX_PAGE_SIZE}
                    ]
                }
            )
        return int(value)

    def decode_cursor(self, request):
        # DRF trusts the position inside a cursor; one hand-made to hold "abc" where an id goes
        # would reach the database as pk < "abc" and fail there. A cursor is only ever one this
        # API wrote: anything else is the same 404 as any unreadable cursor.
        cursor = super().decode_cursor(request)
        position = cursor.position if cursor is not None else None
        if position is not None and not self.position_is_valid(position):
            raise NotFound(self.invalid_cursor_message)
        return cursor

    def position_is_valid(self, position: str) -> bool:
        """An id (up to a bigint's 18 digits) where the order is by id; any text without a NUL
        (which no database text holds) where it is by a text column."""
        if self.ordering[0].lstrip("-") == "pk":
            return position.isascii() and position.isdigit() and len(position) <= 18
        return "\x00" not in position

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=MAX_PAGE_SIZE)
        return parameters
