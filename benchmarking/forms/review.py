"""The review pages' forms: the queue's filter (search box and branch office) and the two
decisions on a submitted declaration, publish (with an optional note) and return (with the
reason the enterprise must read).

The forms only check what was typed. Whether the move is allowed (status, role, scope, a
complete declaration) is the workflow service's call; the views show its WorkflowError
on the same form.
"""

import unicodedata

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ..access import role_of
from ..choices import Role
from ..filters import _office_filter, search_terms
from ..models import Declaration

# Long enough for a paragraph of reasons; short enough that a pasted document is refused.
COMMENT_MAX_LENGTH = 2000


class ReviewQueueFilter(django_filters.FilterSet):
    """The queue's search box ``q`` (enterprise, product, scheme) and, for bureau staff, the
    branch office. Branch-office staff see only their own office, so they get no office choice."""

    q = django_filters.CharFilter(
        label=_("搜索"),
        method="filter_q",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("企业、产品或方案编号")}),
    )
    # The office an enterprise falls under now, as the counting rules and the lists use it.
    branch_office = _office_filter("enterprise__branch_office")

    search_fields = (
        "enterprise__name",
        "product_name",
        "product_model",
        "scheme__code",
        "scheme__title",
    )

    class Meta:
        model = Declaration
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if request is None:
            raise TypeError("ReviewQueueFilter needs the request")
        super().__init__(data, queryset, request=request, prefix=prefix)
        if role_of(request.user) != Role.BUREAU_STAFF:
            del self.filters["branch_office"]

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Every word must match one of the fields; full-width letters and digits typed in a
        # model number or scheme code (Ａ-１) find the half-width ones stored.
        for word in search_terms(value):
            variants = {word, unicodedata.normalize("NFKC", word)}
            match = Q()
            for variant in variants:
                for field in self.search_fields:
                    match |= Q(**{f"{field}__icontains": variant})
            queryset = queryset.filter(match)
        return queryset


class PublishForm(forms.Form):
    """Publishing needs no reason; a note goes into the history and the enterprise's mail."""

    comment = forms.CharField(
        label=_("发布说明（可选）"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("将记入流转记录，并随发布通知发给企业。"),
    )

    def comment_text(self) -> str:
        return self.cleaned_data["comment"]


class ReturnForm(forms.Form):
    """Returning needs the reason: it is all the enterprise has to go on when it edits."""

    reason = forms.CharField(
        label=_("退回理由"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("请写明需要修改或补充的内容，企业将据此修改后重新提交。"),
        error_messages={"required": _("请填写退回理由。")},
    )

    def comment_text(self) -> str:
        return self.cleaned_data["reason"]
