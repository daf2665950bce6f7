"""``python -m benchmarks.load_faults``: set-up, load with the backup drill in its middle, faults,
verification and the summary, in that order (the package's docstring says what each does)."""

from __future__ import annotations

import json
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

import benchmarks.load_faults as package
from benchmarks import harness
from benchmarks.load_faults import DB_NAME, PG_CLUSTER, REQUEST_TIMEOUT, RESTORE_NAME, database_url
from benchmarks.load_faults.browser import Run
from benchmarks.load_faults.clients import EnterpriseClient, ExportClient, Prober, StaffClient
from benchmarks.load_faults.drill import backup_drill, restore_drill
from benchmarks.load_faults.faults import kill_worker, recovery, restart_postgres, server_errors
from benchmarks.load_faults.jobs import drain, kill_job_worker, verify_exports, verify_jobs
from benchmarks.load_faults.report import summary
from benchmarks.load_faults.seed import set_up
from benchmarks.load_faults.services import JobWorkers, RedisServer
from benchmarks.load_faults.verification import verify
from benchmarks.server import GunicornServer


def _reconnect() -> None:
    """This process's own connection, once PostgreSQL is back from a restart."""
    from django.db import connection

    for _attempt in range(60):
        try:
            connection.close()
            connection.ensure_connection()
            return
        except Exception:
            time.sleep(1)


def main() -> int:
    parser = harness.argument_parser("benchmarks.load_faults", package.__doc__)
    parser.add_argument(
        "--duration", type=float, default=120, help="seconds of load without faults (default 120)"
    )
    parser.add_argument(
        "--fault-duration",
        type=float,
        default=90,
        help="seconds of load with faults after it; 0: none (default 75)",
    )
    parser.add_argument(
        "--kill-after", type=float, default=15, help="SIGKILL a worker this far into the faults"
    )
    parser.add_argument(
        "--job-kill-after",
        type=float,
        default=5,
        help="from this far into the faults, SIGKILL the job worker running an export",
    )
    parser.add_argument(
        "--redis-restart-after", type=float, default=25, help="restart Redis this far into the faults"
    )
    parser.add_argument(
        "--pg-restart-after", type=float, default=45, help="restart PostgreSQL this far into the faults"
    )
    parser.add_argument("--job-workers", type=int, default=2, help="background job workers (default 2)")
    parser.add_argument(
        "--scale",
        type=int,
        default=5,
        help="copies of the demo data beside seed_demo's (generate_scale), so the full export is a job",
    )
    parser.add_argument(
        "--job-kill-prefer", default="export", help="kill the worker of a running job whose path has this"
    )
    parser.add_argument(
        "--max-requests", type=int, default=30000, help="stop every client after this many requests"
    )
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port (default: a free one)")
    parser.add_argument(
        "--workers", type=int, default=None, help="gunicorn workers (default: docker-compose's)"
    )
    parser.add_argument("--no-backup", action="store_true", help="skip the pg_dump / pg_restore drill")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", default=str(harness.BENCHMARKS / "results-load-faults.md"))
    args = parser.parse_args()
    if args.fault_duration and not Path("/etc/postgresql", *PG_CLUSTER).exists():
        raise SystemExit(
            f"no PostgreSQL cluster {' '.join(PG_CLUSTER)} in /etc/postgresql (see ls /etc/postgresql)"
        )

    print(f"set-up: {DB_NAME}, migrate, seed_demo, logins…", flush=True)
    setup = set_up(args)
    from django.utils import timezone

    workdir = Path(tempfile.mkdtemp(prefix="load-faults-"))
    log_path = workdir / "gunicorn.log"
    dump_path = workdir / f"{DB_NAME}.dump"
    phases: dict = {}
    backup = restore = None
    random.seed(args.seed)
    run = Run(args.max_requests)
    redis = RedisServer().start()
    env = {"DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", "REDIS_URL": redis.url}
    with (
        GunicornServer(
            database_url(DB_NAME), port=args.port, workers=args.workers, extra_env=env, log_path=str(log_path)
        ) as server,
        JobWorkers(server.env, args.job_workers, workdir / "jobs.log") as job_workers,
    ):
        server_info = {"workers": server.workers, "url": server.url, "job_workers": args.job_workers}
        print(
            f"gunicorn at {server.url}, workers {server.worker_pids()}; load for {args.duration:.0f} s",
            flush=True,
        )
        run_started_at = timezone.now()
        run.t0 = time.monotonic()
        clients: list[threading.Thread] = [
            EnterpriseClient(run, server.port, name, setup, args.seed * 1000 + i)
            for i, name in enumerate(setup.enterprise_users)
        ]
        clients += [
            StaffClient(run, server.port, name, args.seed * 2000 + i)
            for i, name in enumerate(setup.staff_users)
        ]
        exporters = [
            ExportClient(run, server.port, name, args.seed * 3000 + i)
            for i, name in enumerate(setup.export_users)
        ]
        clients += exporters
        # Logins spread over the first seconds (at most 10), as people arrive: 55 Argon2
        # checks at once would only measure the password hasher.
        for client in clients:
            client.start()
            time.sleep(min(10.0, args.duration / 10) / len(clients))
        load_end = args.duration
        phases["load_end"] = load_end
        if not args.no_backup:
            run.stop.wait(max(0.0, load_end / 2 - run.now()))
            if not run.stop.is_set():
                phases["backup_at"] = run.now()
                print(f"{run.now():.0f} s: pg_dump of an exported snapshot", flush=True)
                backup = backup_drill(dump_path)
        from django.db import connections

        connections.close_all()  # nothing of this process left on PostgreSQL for the restart
        run.stop.wait(max(0.0, load_end - run.now()))
        if args.fault_duration and not run.stop.is_set():
            fault_start = run.now()
            print(f"{fault_start:.0f} s: faults for {args.fault_duration:.0f} s", flush=True)
            probe_stop = threading.Event()
            prober = Prober(run, server.port, setup.probe_user, probe_stop)
            prober.start()
            log_mark = log_path.stat().st_size if log_path.exists() else 0
            run.stop.wait(max(0.0, fault_start + min(args.job_kill_after, args.fault_duration) - run.now()))
            if args.job_kill_after < args.fault_duration and not run.stop.is_set():
                print(f"{run.now():.0f} s: SIGKILL the job worker running an export", flush=True)
                phases["job_kill"] = kill_job_worker(job_workers, run, prefer=args.job_kill_prefer)
                print(f"    {phases['job_kill']}", flush=True)
            run.stop.wait(max(0.0, fault_start + min(args.kill_after, args.fault_duration) - run.now()))
            if args.kill_after < args.fault_duration and not run.stop.is_set():
                print(f"{run.now():.0f} s: SIGKILL one worker", flush=True)
                phases["kill"] = kill_worker(server, run)
            run.stop.wait(
                max(0.0, fault_start + min(args.redis_restart_after, args.fault_duration) - run.now())
            )
            if args.redis_restart_after < args.fault_duration and not run.stop.is_set():
                print(f"{run.now():.0f} s: restart Redis", flush=True)
                at = run.now()
                phases["redis"] = {"at": at, **redis.restart()}
            run.stop.wait(max(0.0, fault_start + min(args.pg_restart_after, args.fault_duration) - run.now()))
            if args.pg_restart_after < args.fault_duration and not run.stop.is_set():
                print(f"{run.now():.0f} s: restart PostgreSQL", flush=True)
                phases["pg"] = restart_postgres(run)
            run.stop.wait(max(0.0, fault_start + args.fault_duration - run.now()))
            probe_stop.set()
            phases["traceback_lines"] = server_errors(log_path, log_mark)
        run.stop.set()
        for client in clients:
            client.join(timeout=REQUEST_TIMEOUT + 5)
        phases["end"] = run.now()
        print(f"{phases['end']:.0f} s: load stopped; draining the job queue", flush=True)
        _reconnect()
        phases["drain_seconds"] = drain(run_started_at)
        phases["job_worker_restarts"] = job_workers.restarts
    redis.stop()
    print(f"{phases['end']:.0f} s: load stopped; {len(run.requests)} requests; verifying", flush=True)
    if "kill" in phases:
        end = phases["pg"]["at"] if "pg" in phases else phases["end"]
        phases["kill"]["window"] = recovery(run, phases["kill"]["at"], end)
    if "redis" in phases:
        end = phases["pg"]["at"] if "pg" in phases else phases["end"]
        phases["redis"]["window"] = recovery(run, phases["redis"]["at"], end)
    if "pg" in phases:
        phases["pg"]["window"] = recovery(run, phases["pg"]["at"], phases["end"])
    _reconnect()
    verification = verify(run, run_started_at)
    verification["jobs"] = verify_jobs(run_started_at, phases.get("job_kill"))
    verification["exports"] = verify_exports(run_started_at, [e for c in exporters for e in c.exports])
    if backup:
        print("restoring the dump into", RESTORE_NAME, flush=True)
        restore = restore_drill(dump_path, backup)
    text, passed = summary(args, setup, run, phases, backup, restore, verification, server_info)
    print(text)
    Path(args.output).write_text(text, encoding="utf-8")
    (workdir / "run.json").write_text(
        json.dumps(
            {
                "acks": run.acks,
                "unacked": run.unacked,
                "refused": run.refused,
                "requests": [vars(r) for r in run.requests],
                "phases": phases,
            },
            default=str,
            ensure_ascii=False,
        )
    )
    print(f"written to {args.output}; raw records and the gunicorn log in {workdir}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
