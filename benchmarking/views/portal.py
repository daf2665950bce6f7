"""The enterprise portal (placeholder until built)."""

from django.http import Http404
from django.views import View


class _Placeholder(View):
    def get(self, request, *args, **kwargs):
        raise Http404


PortalHomeView = SchemeChoiceView = DeclarationCreateView = DeclarationDetailView = _Placeholder
DeclarationEditView = DeclarationSubmitView = _Placeholder
