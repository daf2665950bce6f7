"""The backup drill: pg_dump of an exported snapshot with the row counts and progress figures read
in that same snapshot, then pg_restore into a scratch database and the same counts and figures
there."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from benchmarks import harness
from benchmarks.load_faults import DB_NAME, RESTORE_FLAGS, RESTORE_NAME, database_url


def table_counts(cursor) -> dict[str, int]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
        "AND (tablename LIKE 'benchmarking\\_%%' OR tablename = 'auth_user') ORDER BY tablename"
    )
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


def figures(as_of) -> dict[str, object]:
    """The dashboard's figures at ``as_of`` through the app's own selectors: the city's totals
    (progress_as_of) and each branch office's enterprises and results (progress_grid, which the
    dashboard reads)."""
    from benchmarking.models import BranchOffice
    from benchmarking.selectors.progress import progress_as_of, progress_grid

    city = progress_as_of(as_of)
    grid = progress_grid([as_of])
    result: dict[str, object] = {
        "schemes": city.schemes,
        "enterprises": city.enterprises,
        "results": city.results,
    }
    by_office = grid.by_office(0)
    for office in BranchOffice.objects.order_by("code"):
        counts = by_office.get(office.pk)
        result[f"{office.code} enterprises/results"] = (
            f"{counts.enterprises}/{counts.results}" if counts else "0/0"
        )
    return result


def backup_drill(dump_path: Path) -> dict:
    """pg_dump -Fc of an exported snapshot, with the counts and figures read in that snapshot."""
    from django.db import connection, transaction

    started = time.monotonic()
    connection.ensure_connection()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_export_snapshot(), now()")
            snapshot, as_of = cursor.fetchone()
            counts = table_counts(cursor)
        numbers = figures(as_of)
        # The transaction stays open while pg_dump reads the snapshot it exported.
        dump = subprocess.run(
            [
                "pg_dump",
                "--host=127.0.0.1",
                "--username=postgres",
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--file={dump_path}",
                DB_NAME,
            ],
            capture_output=True,
            text=True,
        )
    dump_seconds = time.monotonic() - started
    return {
        "snapshot": snapshot,
        "as_of": as_of,
        "counts": counts,
        "figures": numbers,
        "dump_rc": dump.returncode,
        "dump_stderr": dump.stderr.strip(),
        "dump_seconds": dump_seconds,
        "dump_bytes": dump_path.stat().st_size if dump_path.exists() else 0,
    }


def restore_drill(dump_path: Path, backup: dict) -> dict:
    from django.db import connection

    harness.recreate_database(database_url(RESTORE_NAME))
    started = time.monotonic()
    restore = subprocess.run(
        [
            "pg_restore",
            "--host=127.0.0.1",
            "--username=postgres",
            f"--dbname={RESTORE_NAME}",
            *RESTORE_FLAGS,
            str(dump_path),
        ],
        capture_output=True,
        text=True,
    )
    restore_seconds = time.monotonic() - started
    check = subprocess.run(
        [harness.executable("python"), "manage.py", "migrate", "--check"],
        cwd=harness.ROOT,
        env={**os.environ, "DATABASE_URL": database_url(RESTORE_NAME)},
        capture_output=True,
        text=True,
    )
    harness.use_database(database_url(RESTORE_NAME))
    try:
        with connection.cursor() as cursor:
            counts = table_counts(cursor)
        numbers = figures(backup["as_of"])
    finally:
        harness.use_database(database_url(DB_NAME))
    return {
        "restore_rc": restore.returncode,
        "restore_stderr": restore.stderr.strip(),
        "restore_seconds": restore_seconds,
        "migrate_check_rc": check.returncode,
        "migrate_check_output": (check.stdout + check.stderr).strip()[-500:],
        "counts": counts,
        "figures": numbers,
    }
