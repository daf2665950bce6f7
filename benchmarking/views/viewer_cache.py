"""Whole logged-in pages cached per viewer, for pages that are a function of who is looking, the
address, the language, the day and the counts (the dashboard).

The content such a page shows is cached per scope (views.dashboard); what is left, the site's
layout around it, is the viewer's own: their name, the links their role may open, the logout
form's CSRF token. Rendering that layout is most of what a warm page costs, so the whole page
is kept too, under a key made of the viewer (their id, role, region, office, enterprise and name
— so a changed role, region, office or name is a new key, and another viewer never shares an entry), the
address, the language, the day, the templates' release and the counts version. The CSRF token
is the one part made per request: the page is stored with a placeholder in its place and each
answer puts a fresh token in (``get_token``, which also sets the cookie as rendering would).

Never cached: a page with a message pending for the viewer (it shows and consumes it), one the
view says is not cacheable (the viewer's own mistyped parameters), and anything but a 200.
Who may open the page is decided before, on every request, by the view's access mixin.
"""

import hashlib

from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

from .. import people
from ..access import profile_of, role_of
from ..selectors.progress import COUNTS_CACHE_SECONDS, counts_version
from .anonymous_cache import _has_pending_messages, _release, page_address

__all__ = ["CSRF_PLACEHOLDER", "ViewerPageCacheMixin", "viewer_identity"]

# Letters only, so that HTML escaping leaves it as it is; replaced in every answer.
CSRF_PLACEHOLDER = "viewerpagecsrftokenplaceholder"


def viewer_identity(request, extra: str = "") -> str:
    """What a cached page of ``request`` is a function of, hashed: the viewer (id, role, region,
    office, enterprise, name), the address, the language, the day and the templates, and ``extra``:
    what else the view says its page shows (read live on every request)."""
    user = request.user
    profile = profile_of(user)
    parts = [
        _release(),
        get_language(),
        timezone.localdate().isoformat(),
        page_address(request),
        user.pk,
        role_of(user),
        profile.region_id if profile else None,
        profile.branch_office_id if profile else None,
        profile.enterprise_id if profile else None,
        people.full_name(user),
        extra,
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


class ViewerPageCacheMixin:
    """For a TemplateView behind an access mixin: serve the viewer's whole page from the shared
    cache at the current counts version, rendering it only when it is not there."""

    def viewer_page_cacheable(self) -> bool:
        """Whether this request's page may be cached (a subclass says no for invalid parameters)."""
        return True

    def viewer_page_live_part(self) -> str:
        """What the page shows besides the counts that the view reads afresh on every request
        (the home page's waiting work): part of the key, so a change is a new page."""
        return ""

    def get(self, request, *args, **kwargs):
        if not self.viewer_page_cacheable() or _has_pending_messages(request):
            return super().get(request, *args, **kwargs)
        version = counts_version()
        if version is None:
            return super().get(request, *args, **kwargs)
        # The view renders its content at this same version (no second read).
        self.counts_version = version
        key = f"viewer-page:{version}:{viewer_identity(request, self.viewer_page_live_part())}"
        content = cache.get(key)
        if content is None:
            self.csrf_placeholder = True
            response = super().get(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            if response.status_code != 200:
                return response
            content = response.content.decode()
            cache.set(key, content, COUNTS_CACHE_SECONDS)
        return HttpResponse(content.replace(CSRF_PLACEHOLDER, get_token(request)))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if getattr(self, "csrf_placeholder", False):
            # Overrides the csrf context processor's token for this rendering only.
            context["csrf_token"] = CSRF_PLACEHOLDER
        return context
