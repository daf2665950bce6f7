"""Where the time of a logged-in request goes, under production settings with the shared cache.

    .venv/bin/python -m benchmarks.overhead [--database-url URL] [--redis-url URL] [--requests 200]

Runs Django in this process as the gunicorn server of benchmarks/server.py runs it (DEBUG off,
a random secret key, static files collected into a temporary folder for the manifest storage,
no https redirect) on an existing benchmark database (default ``yongkang_bench_f100``, left by
the pages benchmark), with ``REDIS_URL`` (default: from the environment) so the cache and the
sessions are Redis as in production. It logs in a manager, the staff of the branch office with
the most enterprises and a bureau-staff login with the test Client, then for each page:

- times ``--requests`` warm requests (median wall and CPU time of this process: the CPU time
  leaves out PostgreSQL and Redis, which on a shared machine wait for the same cores), and
  counts the queries and the cache reads of one;
- profiles as many more with cProfile and reports, per request, the time spent inside each
  step: the whole request, the session's load, the user with profile and role, the view,
  the counts version, reads of cached content, the template with its context processors,
  the context processors alone, and what the middleware takes around the view (the whole
  request less the view and the template). Steps nest (the view loads the user on its
  first question), so the inclusive times do not add up; the profiler slows everything
  down about twice, so read them as shares.

Compare runs with the user cache on (the default with Redis) and off
(``DJANGO_USER_CACHE_SECONDS=0``) to see what it saves. Prints markdown. It writes nothing
into the repository and does not migrate. A script, not a test: pytest collects only tests/.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import secrets
import statistics
import subprocess
import sys
import tempfile
import time

from benchmarks import harness

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/yongkang_bench_f100"
# (label, path, login)
PAGES = [
    ("liveness check (anonymous)", "/healthz/", None),
    ("dashboard (manager)", "/progress/", "manager"),
    ("dashboard (branch-office staff)", "/progress/", "branch"),
    ("home page (manager)", "/", "manager"),
    ("home page (bureau staff)", "/", "bureau"),
    ("home page (branch-office staff)", "/", "branch"),
    ("public results list (anonymous)", "/public/results/", None),
    ("enterprises list (bureau staff)", "/enterprises/", "bureau"),
]
# step → the functions whose inclusive time it is: (path ending, function name).
STEPS = {
    "whole request": [("django/core/handlers/base.py", "get_response")],
    "session load": [("django/contrib/sessions/backends/base.py", "_get_session")],
    "user + profile + role": [
        ("django/contrib/auth/__init__.py", "get_user"),
        # Asked by the view when the role did not come with the user from the cache.
        ("benchmarking/access.py", "_group_names"),
    ],
    "view (dispatch)": [
        ("django/views/generic/base.py", "view"),
        ("benchmarking/views/health.py", "healthz"),
    ],
    "counts version query": [("benchmarking/selectors/progress.py", "counts_version")],
    "cached content read": [
        ("django/core/cache/backends/locmem.py", "get"),
        ("django_redis/cache.py", "get"),
    ],
    "template render": [("django/template/response.py", "rendered_content")],
    "context processors": [("django/template/context.py", "bind_template")],
}


def main() -> None:
    parser = harness.argument_parser("benchmarks.overhead", __doc__)
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"benchmark database ({DEFAULT_URL})")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("REDIS_URL", ""),
        help="REDIS_URL (default: from the environment; empty: each process's memory, database sessions)",
    )
    parser.add_argument(
        "--requests", type=int, default=200, help="timed and profiled requests per page (200)"
    )
    args = parser.parse_args()

    load = harness.load_average()
    harness.bench_database(args.database_url)
    if not harness.database_exists(args.database_url):
        sys.exit(
            f"The database of {args.database_url} does not exist (run benchmarks.pages or throughput --setup)."
        )
    with tempfile.TemporaryDirectory(prefix="yongkang-overhead-") as scratch:
        production_django(args.database_url, args.redis_url, scratch)
        clients, result_id = log_in()
        rows = []
        for label, path, who in PAGES:
            path = path.format(result=result_id)
            print(f"{label}: {path} …", file=sys.stderr)
            rows.append({"label": label, "path": path, **measure(clients[who], path, args.requests)})
    report(args, rows, load)


def production_django(url: str, redis_url: str, scratch: str) -> None:
    """Django in this process under the settings benchmarks/server.py gives gunicorn."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="yongkang.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="testserver,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_STATIC_ROOT=os.path.join(scratch, "static"),
        DJANGO_MEDIA_ROOT=os.path.join(scratch, "media"),
        DATABASE_URL=url,
    )
    # The user cache's own switch, should the caller set it (0 measures the page without it).
    if "DJANGO_USER_CACHE_SECONDS" in os.environ:
        env["DJANGO_USER_CACHE_SECONDS"] = os.environ["DJANGO_USER_CACHE_SECONDS"]
    if redis_url:
        env["REDIS_URL"] = redis_url
    else:
        env.pop("REDIS_URL", None)
    subprocess.run(
        [harness.executable("python"), "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=harness.ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    os.environ.clear()
    os.environ.update(env)
    import django

    django.setup()


def log_in():
    """Test clients logged in as a manager, branch-office staff and bureau staff (and one
    anonymous), and a published result's id."""
    from django.core.cache import cache
    from django.db.models import Count
    from django.test import Client

    from benchmarking.choices import Role
    from benchmarking.models import BranchOffice, UserProfile
    from benchmarking.selectors.public import published_results

    office = BranchOffice.objects.annotate(n=Count("enterprises")).order_by("-n", "pk").first()
    clients = {None: Client()}
    for who, role in (
        ("manager", Role.MANAGER),
        ("branch", Role.BRANCH_STAFF),
        ("bureau", Role.BUREAU_STAFF),
    ):
        user = harness.role_user(f"bench_overhead_{who}", role)
        if who == "branch":
            UserProfile.objects.update_or_create(user=user, defaults={"branch_office": office})
        client = Client()
        client.force_login(user)
        clients[who] = client
    cache.clear()  # nothing an earlier run cached under the same counts version
    return clients, published_results().values_list("pk", flat=True).first()


def measure(client, path: str, requests: int) -> dict:
    from django.core.cache import caches
    from django.db import connection

    cache = caches["default"]
    for _ in range(5):  # fill the caches; the first request after a login touches the session
        response = client.get(path)
        if response.status_code != 200:
            sys.exit(f"{path} answered {response.status_code}, not 200.")

    queries, reads = [], []

    def count_queries(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    original_get = cache.get

    def counting_get(*args, **kwargs):
        reads.append(args[0] if args else kwargs.get("key"))
        return original_get(*args, **kwargs)

    cache.get = counting_get  # this process's cache object, shared by every caller in it
    try:
        with connection.execute_wrapper(count_queries):
            client.get(path)
    finally:
        del cache.get

    wall, cpu = [], []
    for _ in range(requests):
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(path)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(path)
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # (file, line, function) → (cc, nc, tottime, cumtime, callers)
    steps = {}
    for step, functions in STEPS.items():
        total = 0.0
        for (filename, _, function), (_, _, _, cumulative, _) in stats.items():
            if any(filename.endswith(suffix) and function == name for suffix, name in functions):
                total += cumulative
        steps[step] = total * 1000 / requests
    steps["middleware around the view"] = max(
        0.0, steps["whole request"] - steps["view (dispatch)"] - steps["template render"]
    )
    return {
        "wall": statistics.median(wall),
        "cpu": statistics.median(cpu),
        "queries": len(queries),
        "cache_reads": len(reads),
        "steps": steps,
    }


def report(args, rows: list[dict], load: str) -> None:
    from django.conf import settings

    print(f"\n## Per-request overhead ({time.strftime('%Y-%m-%d %H:%M')})\n")
    print(
        f"Database `{harness.bench_database(args.database_url)['NAME']}`: {harness.data_summary()}. "
        "Production settings in process (DEBUG off, manifest static files), "
        + (f"`REDIS_URL={args.redis_url}`" if args.redis_url else "no Redis")
        + f", sessions `{settings.SESSION_ENGINE.rsplit('.', 1)[-1]}`, user cache "
        + (
            f"{user_cache} s"
            if (user_cache := getattr(settings, "BENCHMARKING_USER_CACHE_SECONDS", 0))
            else "off"
        )
        + f". {args.requests} warm requests per page timed, then as many profiled.\n"
    )
    print("| page | URL | median ms (wall) | median ms (CPU) | queries | cache reads |")
    print("|---|---|--:|--:|--:|--:|")
    for row in rows:
        print(
            f"| {row['label']} | `{row['path']}` | {row['wall']:.2f} | {row['cpu']:.2f} "
            f"| {row['queries']} | {row['cache_reads']} |"
        )
    steps = [*STEPS, "middleware around the view"]
    print("\nInside each request, under cProfile (ms per request, inclusive: steps nest):\n")
    print("| page | " + " | ".join(steps) + " |")
    print("|---|" + "--:|" * len(steps))
    for row in rows:
        print(f"| {row['label']} | " + " | ".join(f"{row['steps'][s]:.2f}" for s in steps) + " |")
    print("\nMachine:\n")
    for line in harness.key_value_table([*harness.machine(debug=False), ("load average at start", load)]):
        print(line)
    print(f"\nCommand: `{harness.command_line('benchmarks.overhead')}`")


if __name__ == "__main__":
    main()
