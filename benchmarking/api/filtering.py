"""The pages' filter sets, as the API's lists take them."""

from functools import cache


@cache
def without_sort(filterset_class):
    """``filterset_class`` without its ``sort`` filter. The API's lists page by cursor, which
    orders by id itself; a ``sort`` parameter it would silently ignore is better not offered.
    (django-filter leaves out an inherited filter that a subclass sets to None.)"""
    meta = type("Meta", (filterset_class.Meta,), {})
    return type(f"Api{filterset_class.__name__}", (filterset_class,), {"sort": None, "Meta": meta})
