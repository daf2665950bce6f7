"""The pages' filter sets, as the API's lists take them."""

from functools import cache

from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError


@cache
def without_sort(filterset_class):
    """``filterset_class`` without its ``sort`` filter. The API's lists page by cursor, which
    orders by id itself; a ``sort`` parameter it would silently ignore is better not offered.
    (django-filter leaves out an inherited filter that a subclass sets to None.)"""
    meta = type("Meta", (filterset_class.Meta,), {})
    return type(f"Api{filterset_class.__name__}", (filterset_class,), {"sort": None, "Meta": meta})


def refuse_empty_or_repeated(query_params, names) -> None:
    """A 400 naming each of the query parameters ``names`` that is given twice, or given empty.
    On a page an empty box means "any"; a program that sends ``grade=`` has more likely lost a
    value than meant every grade, and the schema promises a value of the parameter's type."""
    problems = {}
    for name in names:
        values = query_params.getlist(name)
        if len(values) > 1:
            problems[name] = [_("该参数只能给一个值。")]
        elif values == [""]:
            problems[name] = [_("该参数不能为空：不按它筛选时请不要传这个参数。")]
    if problems:
        raise ValidationError(problems)


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter's backend, with the filters' parameters checked first
    (``refuse_empty_or_repeated``)."""

    def get_filterset_kwargs(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        refuse_empty_or_repeated(request.query_params, getattr(filterset_class, "base_filters", ()))
        return super().get_filterset_kwargs(request, queryset, view)
