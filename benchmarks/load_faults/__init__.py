"""Load, faults and a backup drill against the app under gunicorn, on 127.0.0.1 only.

    .venv/bin/python -m benchmarks.load_faults [--duration 120] [--fault-duration 75] [--max-requests 30000]

Not a test (pytest collects only ``tests/``); it needs the local PostgreSQL cluster and root (or
the cluster owner) to restart it. What it does, in order (benchmarks/README.md, "Load and faults"):

0. drops and recreates ``yongkang_bench_faults`` (refuses a name without "bench"), migrates,
   loads ``seed_demo`` and ``--scale`` copies of it, opens 50 enterprise logins (each on its own
   enterprise, through ``enterprise_account_create``) and 5 + 1 + 2 bureau-staff logins, all
   with a known password (seed.py);
1. load: a Redis of the run's own, gunicorn (benchmarks/server.py, production settings) and
   two job workers (services.py); 50 enterprise clients (create, submit, fix and resubmit
   what was returned), 5 staff clients (publish or return from the review queue, picking at
   random so that they collide) and 2 export clients (the full declarations export, a
   background job, polled to its download), for --duration s (clients.py, on browser.py);
3. backup, in the middle of the load: pg_dump -Fc of an exported snapshot, the row counts and
   the progress figures read in that same snapshot, pg_restore into ``yongkang_bench_restore``
   and the same counts and figures there (drill.py);
2. faults, for --fault-duration s after the load: SIGKILL of the job worker running an
   export, SIGKILL of one gunicorn worker after 15 s, Redis killed and restarted after 25 s,
   a restart of PostgreSQL after 45 s, and how long each takes to recover (faults.py, jobs.py);
4. verification with the server stopped: every acknowledged write is there exactly once, each
   declaration's history replays through DECLARATION_TRANSITIONS, and its status is the one
   the acknowledged moves left (verification.py); every job finished, one mail job per mailed
   move, every export asked finished and was downloaded (jobs.py);
5. a markdown summary, printed and written to --output; the exit code is 1 when a check fails
   (report.py).

Clients never retry a POST that got no answer (or a 5xx): whether such a write happened is
found out afterwards and counted as "unacknowledged but found".
"""

PG = "postgres://postgres@127.0.0.1:5432"
DB_NAME = "yongkang_bench_faults"
RESTORE_NAME = "yongkang_bench_restore"
PG_CLUSTER = ("15", "main")
PASSWORD = "load-faults-Pw-7351"  # benchmark logins only, in a throwaway database
ENTERPRISE_CLIENTS = 50
STAFF_CLIENTS = 5
# Bureau-staff logins asking for the full declarations export again and again.
EXPORT_CLIENTS = 2
PRODUCT_PREFIX = "LF-"
REQUEST_TIMEOUT = 60.0
# The flags the drill restores with (README.md, "Backup and restore").
RESTORE_FLAGS = ["--no-owner", "--no-privileges", "--exit-on-error", "--jobs=2"]


def database_url(name: str) -> str:
    return f"{PG}/{name}"
