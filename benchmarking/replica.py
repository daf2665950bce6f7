"""When a request's pages may read the replica: read-your-writes, and a replica that is away.

With DATABASE_REPLICA_URL set, the dashboard, the home page's figures and the lists read the
replica (yongkang.db_routers; the views opt in through views.mixins.ReplicaReadsMixin), except:

- **Right after the browser wrote.** Every request that may write (any method but GET, HEAD,
  OPTIONS, TRACE: a form, a move, a login, an import, the admin) gets a signed, HttpOnly cookie
  for ``settings.DATABASE_REPLICA_STICKY_SECONDS``; while it is valid that browser reads the
  primary. So whoever publishes a result, edits an enterprise or logs in sees it on the next
  page, though the replica applies it a moment later. It costs no query and no cache round
  trip: the proof is in the request. The cookie says nothing a user could misuse: forged or
  kept past its time, it only sends that browser's reads to the primary, which serves them
  anyway without a replica.
- **While the replica is away.** A page whose replica reads fail to connect or lose their
  connection is computed again on the primary (these pages only read, so running them twice
  is safe), the failure is logged, and this process leaves the replica alone for
  ``REPLICA_RETRY_SECONDS``, so a replica that does not answer costs one slow request per
  process in that time, not every request. /readyz/ reports it (``check_replica``: degraded,
  still 200, since the primary serves).
"""

import logging
import time

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connections

from yongkang.db_routers import REPLICA_DB_ALIAS

logger = logging.getLogger(__name__)

WROTE_COOKIE = "yk_wrote"
WROTE_COOKIE_SALT = "benchmarking.replica.wrote"
# Seconds this process sends no reads to a replica that just failed, before trying it again.
REPLICA_RETRY_SECONDS = 30
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

# time.monotonic() before which this process reads the primary only: the replica failed.
_replica_away_until = 0.0


def replica_configured() -> bool:
    """Is a read replica configured (DATABASE_REPLICA_URL)?"""
    return REPLICA_DB_ALIAS in settings.DATABASES


def wrote_recently(request) -> bool:
    """Did this browser send a request that may have written, within the sticky window?"""
    if WROTE_COOKIE not in request.COOKIES:
        return False
    marked = request.get_signed_cookie(
        WROTE_COOKIE, default=None, salt=WROTE_COOKIE_SALT, max_age=settings.DATABASE_REPLICA_STICKY_SECONDS
    )
    return marked is not None


def reads_replica(request) -> bool:
    """Should this request's dashboard and list reads go to the replica?"""
    return (
        request.method in ("GET", "HEAD")
        and replica_configured()
        and time.monotonic() >= _replica_away_until
        and not wrote_recently(request)
    )


def replica_failed(error: Exception) -> bool:
    """Called with a database error raised while reading the replica. True when it was the
    replica's (its connection saw the error): the connection is closed and the replica left
    alone for ``REPLICA_RETRY_SECONDS``. False when it was the primary's: not ours to hide."""
    global _replica_away_until
    connection = connections[REPLICA_DB_ALIAS]
    if not connection.errors_occurred:
        return False
    # The error's text may name a host: the log only.
    logger.warning("read replica unavailable, reading the primary for %s s: %r", REPLICA_RETRY_SECONDS, error)
    connection.close()
    # Django sets it when a query or a connect fails; cleared, it says the next failure is new.
    connection.errors_occurred = False
    _replica_away_until = time.monotonic() + REPLICA_RETRY_SECONDS
    return True


def replica_away() -> bool:
    """Has this process stopped reading the replica for a while after a failure?"""
    return time.monotonic() < _replica_away_until


def forget_replica_failure() -> None:
    """Read the replica again from the next request on (the tests' reset)."""
    global _replica_away_until
    _replica_away_until = 0.0


class ReadYourWritesMiddleware:
    """Marks the browser that sent a request that may write (see the module): its reads stay
    on the primary for ``DATABASE_REPLICA_STICKY_SECONDS``. Not used without a replica."""

    def __init__(self, get_response):
        if not replica_configured():
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in SAFE_METHODS:
            response.set_signed_cookie(
                WROTE_COOKIE,
                "1",
                salt=WROTE_COOKIE_SALT,
                max_age=settings.DATABASE_REPLICA_STICKY_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
