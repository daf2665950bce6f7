"""The faults (a gunicorn worker killed, PostgreSQL restarted) and how the app recovered from them."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

from benchmarks.load_faults import PG_CLUSTER
from benchmarks.load_faults.browser import Run
from benchmarks.server import GunicornServer


def kill_worker(server: GunicornServer, run: Run) -> dict:
    before = server.worker_pids()
    victim = random.choice(before)
    at = run.now()
    os.kill(victim, signal.SIGKILL)
    replaced = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        pids = server.worker_pids()
        if victim not in pids and len(pids) >= len(before):
            replaced = run.now() - at
            break
        time.sleep(0.05)
    return {"at": at, "victim": victim, "workers_before": before, "replaced_after": replaced}


def restart_postgres(run: Run) -> dict:
    at = run.now()
    result = subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", *PG_CLUSTER, "restart"],
        capture_output=True,
        text=True,
    )
    return {
        "at": at,
        "command_seconds": run.now() - at,
        "rc": result.returncode,
        "output": (result.stdout + result.stderr).strip()[-300:],
    }


def recovery(run: Run, at: float, until: float) -> dict:
    """The requests that ended in [at, until) (a failure is seen when it ends): the failures, when
    the first and the last one ended, and when the first request sent after that was answered,
    in seconds after ``at``."""
    window = [r for r in run.requests if at <= r.started + r.seconds < until]
    failed = [r for r in window if r.status is None or r.status >= 500]
    last_failure = max((r.started + r.seconds for r in failed), default=None)
    # Recovered: a request sent after the last failure ended was answered (one that was merely
    # still running through the outage, its queries done before it, does not count).
    after = last_failure if last_failure is not None else at
    successes = [
        r.started + r.seconds for r in window if r.status is not None and r.status < 500 and r.started > after
    ]
    first_success = min(successes, default=None)
    return {
        "requests": len(window),
        "5xx": sum(1 for r in failed if r.status is not None),
        "no answer": sum(1 for r in failed if r.status is None),
        "by status": dict(Counter(r.status if r.status is not None else r.error for r in failed)),
        "failed kinds": dict(Counter(f"{r.method} {r.kind}" for r in failed)),
        "first failure after": min((r.started + r.seconds for r in failed), default=at) - at
        if failed
        else None,
        "last failure after": None if last_failure is None else last_failure - at,
        "recovered after": None if first_success is None else first_success - at,
    }


def server_errors(log_path: Path, since: int) -> list[str]:
    """Lines of the server's log (after byte ``since``) that name an error, tracebacks first."""
    try:
        with open(log_path, "rb") as log:
            log.seek(since)
            text = log.read().decode(errors="replace")
    except OSError:
        return []
    wanted = re.compile(
        r"Traceback|Error|Exception|WORKER TIMEOUT|Worker .* was sent|Booting worker|Internal Server"
    )
    return [
        line[:200] for line in text.splitlines() if wanted.search(line) and not line.startswith("127.0.0.1")
    ]
