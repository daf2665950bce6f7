"""Health checks for load balancers, orchestrators and the container.

``GET /healthz/`` is the liveness check: it answers "ok" as soon as a worker can run a request
through the whole middleware stack, and touches neither the database nor the session, so a busy
or briefly unreachable database does not get the web container restarted, and probing it costs
nothing.

``GET /readyz/`` is the readiness check: should this app server be sent traffic now? It asks each
dependency once (``READINESS_CHECKS``) and answers 200 ``{"status": "ready", ...}`` when every
configured one it cannot serve without answers, 503 ``{"status": "not_ready", "failing": [...],
...}`` naming the ones that do not. The shared cache is not one of them: while Redis is away the
app computes every page from the database (django-redis' IGNORE_EXCEPTIONS) and reads sessions
from it, so a Redis restart must not take every app server out of the load balancer at once;
the check still runs and reports it under ``"degraded"``, still with a 200. Nor is the job queue
(``check_job_queue``): jobs waiting too long make exports and mails late, not pages fail, so it
is reported the same way, and the read replica (``check_replica``): while it is away the
dashboard and lists read the primary. It never raises (a failed check is a 503, not a 500) and tells the outside nothing
but each check's name, whether it passed, how long it took and a fixed message: the probe needs
no login, so an exception's text (which may carry a host, a database name or a DSN) goes to the
server's log only.

Both: no login (the probe has none), never cached, GET and HEAD only, and served over plain http
too (settings.SECURE_REDIRECT_EXEMPT), as probes run inside the container, behind the proxy that
terminates TLS.
"""

import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from yongkang.db_routers import REPLICA_DB_ALIAS

from .. import replica
from ..jobs import queue_state

logger = logging.getLogger(__name__)

# The database probe: the cheapest statement that needs a working connection, and how long
# PostgreSQL may take over it before the check counts the database as down.
DATABASE_PROBE_SQL = "SELECT 1"
DATABASE_PROBE_TIMEOUT_MS = 2000
# Seconds the cache probe's key lives, should deleting it fail: long enough to read it back.
CACHE_PROBE_SECONDS = 10


@never_cache  # every probe must reach a worker, never a cache between
@require_safe  # GET and HEAD
def healthz(request):
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


class NotConfigured(Exception):
    """Raised by a check whose dependency this deployment does not have: nothing to wait for."""


class ProbeMismatch(Exception):
    """The dependency answered, but not with what the probe wrote: as good as down."""


def check_database(alias: str = DEFAULT_DB_ALIAS) -> str:
    """A trivial query on the default database (or ``alias``). On PostgreSQL under a statement
    timeout that holds for this query only: ``SET LOCAL`` inside a transaction that is then rolled
    back (to its savepoint, inside a test's transaction), so no later query on the connection
    keeps it. A read-only standby runs it too."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        # SQLite answers from a local file: no server to wait for, no statement timeout to set.
        with connection.cursor() as cursor:
            cursor.execute(DATABASE_PROBE_SQL)
            cursor.fetchone()
        return ""
    with transaction.atomic(using=alias):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, true)", [str(DATABASE_PROBE_TIMEOUT_MS)]
            )
            cursor.execute(DATABASE_PROBE_SQL)
            cursor.fetchone()
        transaction.set_rollback(True, using=alias)  # undoes the SET LOCAL
    return ""


def check_replica() -> str:
    """The read replica (DATABASE_REPLICA_URL), probed like the primary. A degrading check:
    while it is away the dashboard and the lists read the primary (benchmarking.replica)."""
    if not replica.replica_configured():
        raise NotConfigured("未配置（所有读取由主库承担）")
    check_database(REPLICA_DB_ALIAS)
    if replica.replica_away():
        # It answers again, but this process gave up on it a moment ago and reads the primary
        # until its retry time: say so, or the two would seem to disagree.
        return f"已恢复；本进程在 {replica.REPLICA_RETRY_SECONDS} 秒内重新使用"
    return ""


def check_cache() -> str:
    """Writes a short-lived key to Django's default cache, reads it back and deletes it. A key of
    its own per probe, so probes from several workers at once cannot read each other's."""
    cache = caches[DEFAULT_CACHE_ALIAS]
    key = f"readyz:{uuid.uuid4().hex}"
    value = uuid.uuid4().hex
    cache.set(key, value, timeout=CACHE_PROBE_SECONDS)
    # A backend told to swallow its errors (django-redis' IGNORE_EXCEPTIONS) answers None.
    if cache.get(key) != value:
        raise ProbeMismatch
    cache.delete(key)
    if isinstance(cache, LocMemCache):
        # Works, but each worker has its own: not shared between workers or app servers. The
        # embedded default, not a failure.
        return "本机内存（未配置 Redis）"
    if "redis" in type(cache).__module__:
        return "Redis"
    return ""


# A job waiting longer than this means the workers are missing or cannot keep up.
JOB_QUEUE_BEHIND = dt.timedelta(minutes=2)


class QueueBehind(Exception):
    """Jobs wait longer than ``JOB_QUEUE_BEHIND``: exports and mails are late."""


def check_job_queue() -> str:
    """The background job queue (``jobs.queue_state``): the oldest waiting job's age and the
    workers seen lately. Jobs waiting too long (no worker, or too few) make it fail; it is a
    degrading check, since every page still works while exports and mails are late."""
    state = queue_state()
    waited = (
        f"等待最久的任务已等 {int(state.oldest_wait.total_seconds())} 秒"
        if state.waiting
        else "没有等待的任务"
    )
    message = f"{waited}；在线工作进程 {state.live_workers} 个"
    if state.waiting and state.oldest_wait > JOB_QUEUE_BEHIND:
        raise QueueBehind(message)
    return message


# name in the JSON → (the check, the fixed message when it fails).
READINESS_CHECKS: dict[str, tuple[Callable[[], str], str]] = {
    "database": (check_database, "数据库无法访问"),
    "cache": (check_cache, "缓存无法读写"),
    "job_queue": (check_job_queue, "后台任务积压或任务队列无法访问"),
    "replica": (check_replica, "只读副本无法访问，由主库读取"),
}
# The checks whose failure leaves the app working, only slower: reported, not "not ready".
DEGRADING_CHECKS = frozenset({"cache", "job_queue", "replica"})


@dataclass(frozen=True)
class CheckResult:
    ok: bool | None  # None: not configured, nothing was checked
    ms: float | None = None
    message: str = ""

    def as_json(self) -> dict:
        result: dict = {"ok": self.ok}
        if self.ok is None:
            result["configured"] = False
        if self.ms is not None:
            result["ms"] = self.ms
        if self.message:
            result["message"] = self.message
        return result


def run_check(name: str, check: Callable[[], str], failure_message: str) -> CheckResult:
    started = time.perf_counter()
    try:
        message = check()
    except NotConfigured as not_configured:
        return CheckResult(ok=None, message=str(not_configured))
    except Exception as error:  # any failure is "not ready", never a 500
        ms = round((time.perf_counter() - started) * 1000, 1)
        # The text to the log only: it may name a host, a database or a DSN.
        logger.warning("readiness check %s failed after %s ms: %r", name, ms, error)
        return CheckResult(ok=False, ms=ms, message=failure_message)
    return CheckResult(ok=True, ms=round((time.perf_counter() - started) * 1000, 1), message=message)


@never_cache  # every probe must reach a worker, never a cache between
@require_safe  # GET and HEAD
def readyz(request):
    results = {name: run_check(name, check, failed) for name, (check, failed) in READINESS_CHECKS.items()}
    down = [name for name, result in results.items() if result.ok is False]
    failing = [name for name in down if name not in DEGRADING_CHECKS]
    degraded = [name for name in down if name in DEGRADING_CHECKS]
    body: dict = {"status": "not_ready" if failing else "ready"}
    if failing:
        body["failing"] = failing
    if degraded:
        body["degraded"] = degraded
    body["checks"] = {name: result.as_json() for name, result in results.items()}
    return JsonResponse(body, status=503 if failing else 200, json_dumps_params={"ensure_ascii": False})
