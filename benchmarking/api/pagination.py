"""Cursor pagination for the API's lists: stable under inserts, and a page costs the same
whatever its position (no OFFSET, no COUNT)."""

from rest_framework.pagination import CursorPagination


class ApiCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    # Newest first, then id: a unique, unchanging order the cursor can resume from.
    ordering = ("-pk",)
    cursor_query_description = "翻页游标：取自上一页的 next 或 previous 链接。"
    page_size_query_description = "每页条数，最多 200。"
