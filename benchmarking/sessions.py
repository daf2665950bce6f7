"""The idle timeout of a login session, without a database write on every request.

A session ends after ``SESSION_COOKIE_AGE`` seconds without a request: each request
that uses the session pushes its stored expiry back. Saving the session on every
request (``SESSION_SAVE_EVERY_REQUEST``) does that with an UPDATE and a commit per page
view — under a deadline week's load the busiest statement in the database. Here the
expiry moves at most once per ``SESSION_TOUCH_SECONDS``, so the timeout is exact to
within that much and a user clicking through pages costs no write at all.
"""

from django.conf import settings
from django.contrib import messages
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _

# The session key holding when the expiry was last pushed back (Unix seconds).
TOUCHED_KEY = "_touched_at"


def _now() -> int:
    return int(timezone.now().timestamp())


def mark_touched(sender, request, user, **kwargs) -> None:
    """user_logged_in: logging in saves the session anyway; record that as a touch."""
    request.session[TOUCHED_KEY] = _now()


def say_logged_out(sender, request, user, **kwargs) -> None:
    """user_logged_out (the site's and the admin's logout alike): the page the user lands on
    says the logout worked, so someone on a shared office PC can see it did. The message
    outlives the session being flushed: the messages framework keeps it in a cookie."""
    if request is not None and hasattr(request, "_messages"):
        messages.success(request, _("您已退出登录。"))


class IdleSessionMiddleware:
    """Pushes an in-use session's expiry back when it was last pushed long enough ago.

    Sits below SessionMiddleware, which saves a modified session on the way out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = request.session
        # Only a session this request read and that exists (a login): never create one
        # for an anonymous visitor, never resurrect one that was just flushed.
        if session.accessed and session.session_key and not session.is_empty():
            try:
                touched_at = session.get(TOUCHED_KEY, 0)
            except DatabaseError:
                # The session could not be loaded (the database is away): the response already
                # says so (a 503); the touch waits for a request that can read it.
                return response
            now = _now()
            if now - touched_at >= settings.SESSION_TOUCH_SECONDS:
                session[TOUCHED_KEY] = now
        return response
