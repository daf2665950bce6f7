"""Whole-page caching of the public pages (结果公示) for anonymous visitors.

The public list is the one page open to the whole internet, and an anonymous visitor's copy
of it depends only on its address, the language and the published data. So it is rendered
once per (address, language, counts version) and kept in Django's default cache, shared by
every app server when that is Redis. The counts version (models.CountsVersion) is raised by
the database itself on every write that changes what these pages show (publication,
withdrawal, an edit of a published result's shown fields: benchmarking.counting_triggers),
so a cached page is never served after such a write; the cache timeout bounds memory only.

The same version gives the ETag and the Last-Modified, so a reverse proxy or a browser can
revalidate for the price of the one-row version query, and a 304 renders nothing.

What is never shared: a signed-in user's page (their name, the logout form's CSRF token), a
page with a message pending for the visitor (it shows and consumes it), any method but
GET/HEAD, and anything but a 200 (a 404 is rendered afresh each time, so it cannot outlive
a publication).
"""

import hashlib
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date
from django.utils.translation import get_language

from ..selectors.progress import COUNTS_CACHE_SECONDS, counts_version

__all__ = ["PUBLIC_MAX_AGE", "AnonymousPageCacheMixin", "page_address"]

# How long a browser or proxy may show its copy without asking again: a publication is seen
# by everyone within a minute, and a proxy in front absorbs a crowd with one request a minute.
PUBLIC_MAX_AGE = 60
# How long a rendered page stays in the server's cache. A write that changes the page moves
# the version (so the key) on, hence this bounds memory, not staleness.
PAGE_CACHE_SECONDS = COUNTS_CACHE_SECONDS


def page_address(request) -> str:
    """The path and the query string with its parameters sorted by name: ?page=2&q=杯 and
    ?q=杯&page=2 are one page. Repeated values of one name keep their order (it may mean
    something to a filter)."""
    query = urlencode(sorted(request.GET.lists()), doseq=True)
    return f"{request.path}?{query}" if query else request.path


@lru_cache(maxsize=1)
def _release() -> str:
    """A fingerprint of the templates (and the static manifest, when there is one), read once
    per process: after a deploy that changes how a page looks, pages cached (or held by a
    proxy) under the old templates get new keys and ETags instead of outliving the change."""
    digest = hashlib.sha256()
    sources = [
        path
        for directory in settings.TEMPLATES[0].get("DIRS", [])
        for path in sorted(Path(directory).rglob("*.html"))
    ]
    manifest = Path(settings.STATIC_ROOT or "", "staticfiles.json") if settings.STATIC_ROOT else None
    if manifest is not None and manifest.is_file():
        sources.append(manifest)
    for path in sources:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _identity(request, version: int, extra: str = "") -> str:
    """What an anonymous page is a function of: address, language, data, templates (and what
    the view adds: ``AnonymousPageCacheMixin.cache_identity_extra``)."""
    text = f"{_release()}:{version}:{get_language()}:{page_address(request)}:{extra}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _last_modified(version: int) -> int | None:
    """When the published data last changed, as a Unix time, or None to send no date.

    The version is the database's clock in microseconds at the last change (see
    counting_triggers: it only falls back to "one more" when the clock is behind). An HTTP date
    has one-second resolution, so a date is only sent once the version is a full second old:
    a second change within the same second would otherwise carry the same date, and a client
    revalidating by date alone would keep the older page. A version "in the future" (a clock
    set back, a restore) gives no date either; the ETag still works.
    """
    changed = version / 1_000_000
    if timezone.now().timestamp() - changed < 1:
        return None
    # Whole seconds, as the date is sent: If-Modified-Since compares against this.
    return int(changed)


def _has_pending_messages(request) -> bool:
    # len() loads the stored messages without marking them read (iteration does that), so
    # a visitor who has one still sees it on the page rendered for them below.
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def _shareable(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and not _has_pending_messages(request)
    )


# The headers a stored page keeps besides its type: a download's file name.
STORED_HEADERS = ("Content-Disposition",)


class AnonymousPageCacheMixin:
    """For a view whose anonymous page depends on nothing but its address and the published
    data: serve and store it whole, answer revalidation with 304, and say so in the headers.
    Everyone else gets the view as it is, marked private and not to be stored."""

    def cache_identity_extra(self) -> str:
        """What else the page depends on (a view that prints today's date returns it)."""
        return ""

    def dispatch(self, request, *args, **kwargs):
        version = counts_version() if _shareable(request) else None
        if version is None:  # signed in, a message pending, a POST (or no version row yet)
            response = super().dispatch(request, *args, **kwargs)
            add_never_cache_headers(response)
            return response

        identity = _identity(request, version, self.cache_identity_extra())
        etag = f'"{identity}"'
        last_modified = _last_modified(version)
        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if not_modified is not None:  # 304 (or 412 for If-Match): nothing rendered
            return self._shared(not_modified, etag, last_modified)

        key = f"public-page:{identity}"
        stored = cache.get(key)
        if stored is not None:
            content, content_type, *headers = stored
            response = HttpResponse(content, content_type=content_type)
            for name, value in headers[0] if headers else ():
                response[name] = value
            return self._shared(response, etag, last_modified)

        response = super().dispatch(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
        if response.status_code != 200:
            # A redirect or an error of this request: not shared, not stored.
            add_never_cache_headers(response)
            return response
        # The body, its type and a download's name: other headers and cookies are made per request.
        kept = [(name, response[name]) for name in STORED_HEADERS if response.has_header(name)]
        cache.set(key, (response.content, response["Content-Type"], kept), PAGE_CACHE_SECONDS)
        return self._shared(response, etag, last_modified)

    @staticmethod
    def _shared(response, etag: str, last_modified: int | None):
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        # A signed-in visitor sends a session cookie and gets their own page: a proxy keeps
        # the anonymous copy apart from theirs. (One language, no LocaleMiddleware: should
        # one be added, it adds "Vary: Accept-Language" itself, and the key has the language.)
        patch_vary_headers(response, ("Cookie",))
        response["ETag"] = etag
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified)
        return response
