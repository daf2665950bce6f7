"""What every benchmark needs around its own measurements: the benchmark databases, Django in
this process, the logins, whole-body requests, percentiles, and the machine the figures were
measured on. Run the scripts as modules from the project root: ``.venv/bin/python -m benchmarks.X``.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import os
import platform
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
ROOT = BENCHMARKS.parent
VENV_BIN = ROOT / ".venv" / "bin"


# -- command line -----------------------------------------------------------------------------


def argument_parser(module: str, doc: str) -> argparse.ArgumentParser:
    """A parser named by the way the script is run, described by its docstring's first paragraph."""
    return argparse.ArgumentParser(prog=f"python -m {module}", description=doc.split("\n\n")[0])


def command_line(module: str) -> str:
    """The command this run was started with, for the reports."""
    return " ".join([".venv/bin/python", "-m", module, *sys.argv[1:]])


def executable(name: str) -> str:
    """A program of the project's virtualenv (python, gunicorn); else the one beside the running
    interpreter (a git worktree has no .venv of its own), else the one on PATH."""
    for folder in (VENV_BIN, Path(sys.executable).parent):
        if (folder / name).exists():
            return str(folder / name)
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} not found in {VENV_BIN} or on PATH.")
    return found


# -- databases --------------------------------------------------------------------------------


def bench_database(url: str) -> dict:
    """Django's settings for ``url``. Exits unless it names a PostgreSQL database with "bench" in
    its name, so a mistyped URL cannot get a real database dropped."""
    import dj_database_url

    config = dj_database_url.parse(url)
    if not config["ENGINE"].endswith("postgresql") or "bench" not in config["NAME"]:
        sys.exit(f"Needs a PostgreSQL database with 'bench' in its name, not {config['NAME']!r}.")
    return config


def with_database_name(url: str, name: str) -> str:
    """``url`` naming the database ``name`` on the same server, with the same options."""
    head, sep, tail = url.partition("?")
    return f"{head.rstrip('/').rsplit('/', 1)[0]}/{name}{sep}{tail}"


def _server_connection(config: dict):
    """An autocommit connection to the server's ``postgres`` database: a database cannot be
    dropped or created from a connection to itself, nor inside a transaction."""
    import psycopg2

    connection = psycopg2.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"],
        host=config["HOST"],
        port=config["PORT"] or 5432,
    )
    connection.autocommit = True
    return connection


def recreate_database(url: str) -> None:
    """Drop (closing its connections) and create the benchmark database of ``url``."""
    from psycopg2 import sql

    config = bench_database(url)
    name = sql.Identifier(config["NAME"])
    connection = _server_connection(config)
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(name))
    connection.close()


def database_exists(url: str) -> bool:
    config = bench_database(url)
    connection = _server_connection(config)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        found = cursor.fetchone() is not None
    connection.close()
    return found


# -- Django in this process -------------------------------------------------------------------


def setup_django(url: str) -> None:
    """Django in this process on the database of ``url``, under the development settings:
    production ones need collected static files (the manifest storage) and redirect to https."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yongkang.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    # The test Client calls itself "testserver".
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    # An enterprise login's invitation stays in memory instead of landing in the output.
    os.environ["DJANGO_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    import django

    django.setup()


def use_database(url: str) -> None:
    """Point Django's connection at the database of ``url`` on the same server, forgetting what
    the previous database left cached."""
    import dj_database_url
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache
    from django.db import connections

    connections.close_all()
    connections["default"].settings_dict["NAME"] = dj_database_url.parse(url)["NAME"]
    # The counts are cached under a version number another database may repeat.
    cache.clear()
    ContentType.objects.clear_cache()


def migrate() -> float:
    """Seconds ``manage.py migrate`` took."""
    from django.core.management import call_command

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    return time.monotonic() - started


def load_scale_data(factor: int) -> float:
    """Seconds ``manage.py generate_scale --factor N`` took; its report is not printed."""
    from django.core.management import call_command

    started = time.monotonic()
    call_command("generate_scale", factor=factor, verbosity=0, stdout=io.StringIO())
    return time.monotonic() - started


def scale_database(url: str, factor: int, *, reuse: bool) -> tuple[float, float | None]:
    """Django's connection on the benchmark database of ``url``, migrated, holding ``factor`` × the
    demo data: dropped, created and loaded with generate_scale, or with ``reuse`` what an earlier
    run left there. The seconds migrate and generate_scale took (None: reused)."""
    if not reuse:
        recreate_database(url)
    use_database(url)
    migrate_seconds = migrate()
    if not reuse:
        return migrate_seconds, load_scale_data(factor)

    from benchmarking.models import Enterprise

    if not Enterprise.objects.exists():
        sys.exit(f"--reuse: {url} holds no data; run once without --reuse.")
    return migrate_seconds, None


def data_summary() -> str:
    from benchmarking.models import Declaration, DeclarationItem, Enterprise, TechnicalScheme

    return (
        f"{Enterprise.objects.count():,} enterprises, {TechnicalScheme.objects.count():,} schemes, "
        f"{Declaration.objects.count():,} declarations, {DeclarationItem.objects.count():,} items"
    )


def role_user(username: str, role: str, **defaults):
    """A user in the role's group, as tests.factories.make_user makes one; found again on a rerun."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from benchmarking.access import ROLE_GROUP_NAMES

    user, _ = get_user_model().objects.get_or_create(username=username, defaults=defaults)
    user.groups.add(Group.objects.get(name=ROLE_GROUP_NAMES[role]))
    return user


# -- requests and figures ---------------------------------------------------------------------


def fetch(client, path: str):
    """GET ``path`` with the test Client and read the whole body (a streamed export runs its
    queries and builds its rows while it is read)."""
    response = client.get(path)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def export_rows(fmt: str, body: bytes) -> int:
    """Data rows of an exported .csv or .xlsx (without the header row)."""
    if fmt == "csv":
        return sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8-sig")))) - 1
    with zipfile.ZipFile(io.BytesIO(body)) as workbook:
        sheet = workbook.read("xl/worksheets/sheet1.xml").decode()
    return len(re.findall(r"<row[ >]", sheet)) - 1


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with ``share`` of the values at or below it."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


# -- the machine ------------------------------------------------------------------------------


def load_average() -> str:
    """The 1, 5 and 15 minute load averages: other work on a shared machine skews the times."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def _proc_field(path: str, key: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "?"


def version_of(command: list[str]) -> str:
    """The first line a program prints about its version, or "?"."""
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    output = (result.stdout or result.stderr).strip()
    return output.splitlines()[0] if output else "?"


def machine(*, debug: bool = True) -> list[tuple[str, str]]:
    """The machine and software the figures were measured on, as (key, value) rows. Asks Django's
    database connection for the PostgreSQL server's version. ``debug``: add the DEBUG of the
    Django in this process (leave it out where a separate server is what was measured)."""
    import django
    from django.db import connection

    memory_kb = _proc_field("/proc/meminfo", "MemTotal").split()[0]
    ram = f"{int(memory_kb) / 1024 / 1024:.1f} GiB" if memory_kb.isdigit() else "?"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    rows = [
        ("CPUs (nproc)", str(len(os.sched_getaffinity(0)))),
        ("CPU", _proc_field("/proc/cpuinfo", "model name")),
        ("RAM", ram),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("Django", django.get_version()),
        ("PostgreSQL", postgres),
    ]
    if debug:
        rows.append(("DEBUG", os.environ.get("DJANGO_DEBUG", "?")))
    return rows


def key_value_table(rows: list[tuple[str, str]], header: str = "| | |") -> list[str]:
    """Markdown lines of a two-column table."""
    return [header, "|---|---|", *(f"| {key} | {value} |" for key, value in rows)]


def time_requests(client, path: str, warmup: int, requests: int, *, cold: bool = False) -> dict:
    """Milliseconds of each timed GET of ``path`` and the queries each made, after ``warmup``
    untimed ones; with ``cold``, the cache is cleared before each (outside the timing).
    CaptureQueriesContext turns DEBUG's query log on for the request whatever the settings say.
    Exits when a request does not answer 200: a figure of an error page would mislead."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries = [], set()
    for n in range(warmup + requests):
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response, _ = fetch(client, path)
            elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            sys.exit(f"{path} answered {response.status_code}, not 200: {response.content[:300]!r}")
        if n >= warmup:
            times.append(elapsed)
            queries.add(len(captured.captured_queries))
    return {"path": path, "times": times, "queries": queries}


def print_timings(first_column: str, labels: list[str], rows: list[dict]) -> None:
    """The markdown table of ``time_requests`` rows: median, p95, min, max ms and the queries per
    request (a range where requests differed)."""
    import statistics

    print(f"| {first_column} | URL | median ms | p95 ms | min ms | max ms | queries |")
    print("|---|---|--:|--:|--:|--:|--:|")
    for label, row in zip(labels, rows, strict=True):
        times = row["times"]
        queries = "–".join(str(n) for n in sorted(row["queries"]))
        print(
            f"| {label} | `{row['path']}` | {statistics.median(times):.0f} "
            f"| {percentile(times, 0.95):.0f} "
            f"| {min(times):.0f} | {max(times):.0f} | {queries} |"
        )
