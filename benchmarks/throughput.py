"""Throughput under gunicorn, as production serves it: requests per second and latency with wrk.

    .venv/bin/python -m benchmarks.throughput [--database-url URL | --setup [--factor 100]]
                                              [--threads 2] [--connections 8] [--duration 20s]
                                              [--redis-url redis://127.0.0.1:6379/0]

Runs the app with benchmarks/server.py (gunicorn, the Dockerfile's command, production
settings, docker-compose's number of workers) on 127.0.0.1 against a PostgreSQL database:
by default ``yongkang_bench_f100`` (100 × the demo data, left by the pages benchmark);
``--setup`` instead drops and recreates ``yongkang_bench_throughput`` (or the database of
``--database-url``), migrates it and loads ``generate_scale --factor N``. With ``--redis-url``
(default: ``REDIS_URL`` from the environment) the server runs with ``REDIS_URL`` set, as the
production topology does: the shared cache and cached_db sessions in Redis.

It logs a manager, the staff of the branch office with the most enterprises and a bureau-staff
login in through the real login form (a POST with the CSRF token), then loads each page, side
by side in one run, with wrk and a Lua script that counts every answer other than 200 as an
error (a redirect to the login page would otherwise look fast):

- the liveness check ``/healthz/``, the trivial view every other figure is compared with;
- the progress dashboard ``/progress/`` as the manager and as the branch-office staff;
- the public results list and one published result's page, anonymous;
- the home page ``/`` as bureau staff and as the branch-office staff;
- the staff lists (enterprises, declarations, schemes; first page) as bureau staff.

Each page is warmed first (requests checked one by one, then a short wrk run over every
worker), then measured with the same threads, connections and duration. The queries each
page costs are counted in this process under the same production settings (Django's test
Client on the same database and session). Then, with gunicorn stopped, the cold dashboard:
the manager's ``/progress/`` with the whole cache emptied before each request (the first
view after a publication; ``benchmarks.dashboard``'s timing), median of ``--cold-requests``.
Prints a markdown table, the targets of issue 17 and the machine, and writes them to
``--output`` (default benchmarks/results-throughput.md, a scratch file).

Needs wrk (Debian: ``apt-get install wrk``). A script, not a test: pytest collects only tests/.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

from benchmarks import harness
from benchmarks.server import GunicornServer, http_get, http_request

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/yongkang_bench_f100"
SETUP_URL = "postgres://postgres@127.0.0.1:5432/yongkang_bench_throughput"
# The logins, each with a fresh random password: username → role (and an office for branch staff).
LOGINS = {
    "manager": "bench_throughput_manager",
    "branch": "bench_throughput_branch",
    "bureau": "bench_throughput_bureau",
}
# (label, path, login or None for anonymous). "{result}" is a published result's id.
PAGES = [
    ("平凡视图 / trivial view (liveness check)", "/healthz/", None),
    ("进度看板 / dashboard (manager)", "/progress/", "manager"),
    ("进度看板 / dashboard (branch-office staff)", "/progress/", "branch"),
    ("结果公示 / public results list (anonymous)", "/public/results/", None),
    ("公示详情 / public result (anonymous)", "/public/results/{result}/", None),
    ("首页 / home page (bureau staff)", "/", "bureau"),
    ("首页 / home page (branch-office staff)", "/", "branch"),
    ("企业 / enterprises list (bureau staff)", "/enterprises/", "bureau"),
    ("对标结果 / declarations list (bureau staff)", "/declarations/", "bureau"),
    ("技术方案 / schemes list (bureau staff)", "/schemes/", "bureau"),
]
# Issue 17's targets: these pages at or above this share of the liveness view's requests per second.
RATIO_TARGETS = {
    ("/progress/", "manager"): 0.5,
    ("/progress/", "branch"): 0.5,
    ("/public/results/", None): 0.5,
    ("/public/results/{result}/", None): 0.5,
}
COLD_TARGET_MS = 150

# wrk runs this in each of its threads; done() runs once at the end, in wrk's main thread,
# and reads each thread's counters. One JSON line, so the numbers need no parsing of wrk's text.
LUA = r"""
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non200 = 0
  statuses = {}
end

-- Anything but a 200 is an error: a 302 to the login page is no dashboard.
function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
    statuses[tostring(status)] = (statuses[tostring(status)] or 0) + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  local codes = {}
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non200")
    for code, n in pairs(thread:get("statuses")) do
      codes[code] = (codes[code] or 0) + n
    end
  end
  local parts = {}
  for code, n in pairs(codes) do
    table.insert(parts, string.format('"%s": %d', code, n))
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %.0f, "duration_us": %.0f, "bytes": %.0f, "non200": %.0f, ' ..
    '"statuses": {%s}, "connect": %.0f, "read": %.0f, "write": %.0f, "timeout": %.0f, ' ..
    '"p50_us": %.1f, "p95_us": %.1f, "p99_us": %.1f, "mean_us": %.1f, "max_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, bad, table.concat(parts, ", "),
    e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean, latency.max))
end
"""


def main() -> None:
    parser = harness.argument_parser("benchmarks.throughput", __doc__)
    parser.add_argument("--database-url", help=f"PostgreSQL database to serve (default {DEFAULT_URL})")
    parser.add_argument(
        "--setup",
        action="store_true",
        help="drop and recreate the database (default yongkang_bench_throughput), migrate, generate_scale",
    )
    parser.add_argument("--factor", type=int, default=100, help="generate_scale factor for --setup (100)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads, -t (2)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections, -c (8)")
    parser.add_argument("--duration", default="20s", help="wrk duration per page, -d (20s)")
    parser.add_argument("--timeout", default="10s", help="wrk request timeout (10s)")
    parser.add_argument("--warmup", default="3s", help="wrk warm-up run per page before measuring (3s)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: docker-compose's)")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("REDIS_URL", ""),
        help="REDIS_URL for the server (default: REDIS_URL from the environment; empty: none)",
    )
    parser.add_argument(
        "--cold-requests", type=int, default=20, help="timed cold-cache dashboard requests (20)"
    )
    parser.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (8765; 0 picks one)")
    parser.add_argument("--log", help="write gunicorn's access and error log to this file")
    parser.add_argument(
        "--output",
        default=str(harness.BENCHMARKS / "results-throughput.md"),
        help="markdown file for the results (benchmarks/results-throughput.md)",
    )
    args = parser.parse_args()

    wrk = shutil.which("wrk")
    if not wrk:
        sys.exit("wrk is not installed (Debian/Ubuntu: apt-get install wrk).")
    load_before = harness.load_average()
    url = args.database_url or (SETUP_URL if args.setup else DEFAULT_URL)
    # The server and this process (which counts queries and times the cold dashboard) alike.
    if args.redis_url:
        os.environ["REDIS_URL"] = args.redis_url
    else:
        os.environ.pop("REDIS_URL", None)
    setup_seconds = None
    if args.setup:
        setup_seconds = set_up_database(url, args.factor)
    elif not harness.database_exists(url):
        sys.exit(
            f"The database of {url} does not exist. Run the pages benchmark first, "
            "pass --database-url, or --setup to create yongkang_bench_throughput."
        )

    with tempfile.TemporaryDirectory(prefix="yongkang-wrk-") as scratch:
        script = Path(scratch) / "count_non_200.lua"
        script.write_text(LUA)
        with GunicornServer(url, port=args.port, workers=args.workers, log_path=args.log) as server:
            print(
                f"gunicorn on {server.url}: {server.workers} workers {server.worker_pids()}, "
                f"ready in {server.startup_seconds:.1f} s",
                file=sys.stderr,
            )
            django_setup(server)
            cookies = {
                who: log_in(server, username, password)
                for who, (username, password) in ensure_logins().items()
            }
            result_id = published_result_id()
            rows = []
            for label, template, who in PAGES:
                path = template.format(result=result_id)
                cookie = cookies[who] if who else None
                headers = {"Cookie": cookie} if cookie else {}
                queries = count_queries(path, cookie)
                check_answers(server, path, headers)
                run_wrk(wrk, script, server, path, headers, args, warmup=True)
                print(f"measuring {path} as {who or 'anonymous'} …", file=sys.stderr)
                result = run_wrk(wrk, script, server, path, headers, args)
                target = RATIO_TARGETS.get((template, who))
                rows.append({"label": label, "path": path, "queries": queries, "target": target, **result})
            workers = server.workers
            # wrk is done, so nothing else fills the cache between the emptying and the request.
            print("timing the cold dashboard …", file=sys.stderr)
            cold = cold_dashboard(cookies["manager"], args.cold_requests)
    load_after = harness.load_average()
    text = report(args, url, workers, rows, cold, load_before, load_after, setup_seconds)
    print(text)
    Path(args.output).write_text(text, encoding="utf-8")
    print(f"written to {args.output}", file=sys.stderr)


# -- the database ---------------------------------------------------------------------------------


def set_up_database(url: str, factor: int) -> float:
    """Drop and create the database, migrate, load generate_scale: seconds taken. Migrate and
    generate_scale run in a child process under the development settings: this process's own
    Django is set up later, under the server's production settings."""
    started = time.monotonic()
    harness.recreate_database(url)
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env |= {"DATABASE_URL": url, "DJANGO_DEBUG": "1"}
    python = harness.executable("python")
    for command in (["migrate", "--noinput", "-v0"], ["generate_scale", "--factor", str(factor)]):
        print(f"manage.py {' '.join(command)} …", file=sys.stderr)
        subprocess.run([python, "manage.py", *command], cwd=harness.ROOT, env=env, check=True)
    return time.monotonic() - started


def django_setup(server: GunicornServer) -> None:
    """Django in this process under the server's own settings (production, same database,
    same collected static files), to create the manager and count queries."""
    os.environ.update(server.env)
    os.environ["DJANGO_ALLOWED_HOSTS"] += ",testserver"  # Django's test Client
    import django

    django.setup()


def ensure_logins() -> dict[str, tuple[str, str]]:
    """The manager, branch-office and bureau-staff logins, each with a fresh random password
    and its lock-outs cleared: who → (username, password). The branch-office staff work in
    the office with the most enterprises."""
    from axes.models import AccessAttempt
    from django.db.models import Count

    from benchmarking.choices import Role
    from benchmarking.models import BranchOffice, UserProfile

    office = BranchOffice.objects.annotate(n=Count("enterprises")).order_by("-n", "pk").first()
    roles = {"manager": Role.MANAGER, "branch": Role.BRANCH_STAFF, "bureau": Role.BUREAU_STAFF}
    logins = {}
    for who, username in LOGINS.items():
        password = secrets.token_urlsafe(16)
        user = harness.role_user(username, roles[who])
        user.is_active = True
        user.set_password(password)
        user.save()
        if who == "branch":
            UserProfile.objects.update_or_create(user=user, defaults={"branch_office": office})
        AccessAttempt.objects.filter(username=username).delete()
        logins[who] = (username, password)
    return logins


def published_result_id() -> int:
    """A published result the public list shows: the most recently published one."""
    from benchmarking.selectors.public import published_results

    return published_results().values_list("pk", flat=True).first()


# -- HTTP -----------------------------------------------------------------------------------------


def _cookies(headers: list[tuple[str, str]]) -> SimpleCookie:
    jar = SimpleCookie()
    for key, value in headers:
        if key.lower() == "set-cookie":
            jar.load(value)
    return jar


def log_in(server: GunicornServer, username: str, password: str) -> str:
    """Log in through the login form as a browser does; the Cookie header of the session."""
    status, headers, body = http_request(server.port, "GET", "/accounts/login/", timeout=30)
    if status != 200:
        sys.exit(f"GET /accounts/login/ answered {status}.")
    csrf_cookie = _cookies(headers)["csrftoken"].value
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": username, "password": password, "next": "/progress/"}
    )
    status, headers, _ = http_request(
        server.port,
        "POST",
        "/accounts/login/",
        timeout=30,
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf_cookie}",
            "Referer": f"{server.url}/accounts/login/",
        },
    )
    jar = _cookies(headers)
    if status != 302 or "sessionid" not in jar:
        sys.exit(f"Login as {username} failed: {status}, cookies {sorted(jar)}.")
    return f"sessionid={jar['sessionid'].value}; csrftoken={csrf_cookie}"


def check_answers(server: GunicornServer, path: str, headers: dict, requests: int = 3) -> None:
    """A few requests one by one, each of which must be a 200 (not a redirect to the login)."""
    for _ in range(requests):
        status, answer_headers, _ = http_get(server.port, path, headers=headers, timeout=60)
        if status != 200:
            where = answer_headers.get("Location", "")
            sys.exit(f"{path} answered {status} {where}, not 200.\n{server.log_tail()}")


def _client(cookie: str | None):
    from django.test import Client

    client = Client()
    if cookie:
        for part in cookie.split("; "):
            key, value = part.split("=", 1)
            client.cookies[key] = value
    return client


def cold_dashboard(cookie: str, requests: int) -> dict:
    """The manager's dashboard with the whole cache emptied before each request, timed in this
    process (benchmarks.dashboard's cold timing): the first view after a count-changing write.
    The emptying takes the session's and the user's cached copies too: they are read back from
    the database, as they would be then."""
    from benchmarks.dashboard import time_page

    row = time_page(_client(cookie), "/progress/", 2, requests, cold=True)
    return {"median": statistics.median(row["times"]), "p95": harness.percentile(row["times"], 0.95), **row}


def count_queries(path: str, cookie: str | None) -> int:
    """Queries of one request with the counts cache warm (the second of two), in this process."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(cookie)
    counted = 0
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            sys.exit(f"{path} answered {response.status_code} in process, not 200.")
        counted = len(captured.captured_queries)
    return counted


def run_wrk(wrk, script, server, path, headers, args, *, warmup: bool = False) -> dict:
    if warmup:
        # Enough connections to reach every worker, so each fills its own caches.
        settings = ["-t1", f"-c{max(server.workers, 2)}", f"-d{args.warmup}"]
    else:
        settings = [f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}"]
    command = [wrk, *settings, f"--timeout={args.timeout}", "-s", str(script)]
    for key, value in headers.items():
        command += ["-H", f"{key}: {value}"]
    command.append(server.url + path)
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    line = next((ln for ln in result.stdout.splitlines() if ln.startswith("WRK_JSON ")), None)
    if line is None:
        sys.exit(f"wrk printed no result for {path}:\n{result.stdout}\n{result.stderr}")
    data = json.loads(line.removeprefix("WRK_JSON "))
    data["socket_errors"] = data["connect"] + data["read"] + data["write"] + data["timeout"]
    data["errors"] = data["non200"] + data["socket_errors"]
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6) if data["duration_us"] else 0.0
    return data


# -- the report -----------------------------------------------------------------------------------


def _target(row: dict, trivial: float) -> str:
    if row["target"] is None:
        return ""
    ratio = row["rps"] / trivial
    return f"≥ {row['target']} " + ("met" if ratio >= row["target"] else "**not met**")


def _commit() -> str:
    head = harness.version_of(["git", "-C", str(harness.ROOT), "rev-parse", "--short", "HEAD"])
    dirty = harness.version_of(
        ["git", "-C", str(harness.ROOT), "status", "--porcelain", "--untracked-files=no"]
    )
    return head + (" + uncommitted changes" if dirty not in ("", "?") else "")


def report(args, url, workers, rows, cold, load_before, load_after, setup_seconds) -> str:
    name = harness.bench_database(url)["NAME"]
    trivial = rows[0]["rps"] or 1.0
    lines = [
        f"## Throughput under gunicorn ({time.strftime('%Y-%m-%d %H:%M')})",
        "",
        f"Database `{name}`: {harness.data_summary()}"
        + (f" (set up by --setup in {setup_seconds:.0f} s)." if setup_seconds else "."),
        f"gunicorn `yongkang.wsgi`, {workers} sync workers, production settings (DEBUG off, "
        "collected static files), no access log, on 127.0.0.1, "
        + (
            f"`REDIS_URL={args.redis_url}` (shared cache, cached_db sessions). "
            if args.redis_url
            else "no Redis. "
        )
        + f"wrk `-t{args.threads} -c{args.connections} -d{args.duration} --timeout {args.timeout}` "
        f"per page after a `{args.warmup}` warm-up; errors are answers other than 200 plus socket "
        "errors and timeouts. Queries: one request, counts cache warm, counted in process under "
        "the same settings.",
        "",
        "| page | URL | rps | p50 ms | p95 ms | p99 ms | errors | ratio to trivial view | target | queries |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for row in rows:
        errors = str(row["errors"])
        if row["errors"]:
            detail = [f"{code}: {n}" for code, n in sorted(row["statuses"].items())]
            detail += [
                f"{kind}: {row[kind]}" for kind in ("connect", "read", "write", "timeout") if row[kind]
            ]
            errors += f" ({', '.join(detail)})"
        lines.append(
            f"| {row['label']} | `{row['path']}` | {row['rps']:.1f} | {row['p50_us'] / 1000:.1f} "
            f"| {row['p95_us'] / 1000:.1f} | {row['p99_us'] / 1000:.1f} | {errors} "
            f"| {row['rps'] / trivial:.2f} | {_target(row, trivial)} | {row['queries']} |"
        )
    met = "met" if cold["median"] <= COLD_TARGET_MS else "**not met**"
    queries = "–".join(str(n) for n in sorted(cold["queries"]))
    lines += [
        "",
        f"Cold dashboard (manager, `/progress/`, the whole cache emptied before each request, in process "
        f"under the same settings, {len(cold['times'])} timed after 2 warm-up): median "
        f"**{cold['median']:.0f} ms**, p95 {cold['p95']:.0f} ms, {queries} queries; target ≤ {COLD_TARGET_MS} ms: {met}.",
    ]
    machine = [
        *harness.machine(debug=False),
        ("gunicorn", harness.version_of([harness.executable("gunicorn"), "--version"])),
        ("wrk", harness.version_of(["wrk", "-v"])),
        ("commit", _commit()),
        ("load average before (1/5/15 min)", load_before),
        ("load average after (1/5/15 min)", load_after),
    ]
    lines += ["", "Machine:", "", *harness.key_value_table(machine)]
    lines += ["", f"Command: `{harness.command_line('benchmarks.throughput')}`", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
