"""Public disclosure (placeholder until built)."""

from django.http import Http404
from django.views import View


class _Placeholder(View):
    def get(self, request, *args, **kwargs):
        raise Http404


PublicResultListView = PublicResultDetailView = _Placeholder
