"""Load, faults and a backup drill against the app under gunicorn, on 127.0.0.1 only.

    .venv/bin/python benchmarks/load_faults.py [--duration 120] [--fault-duration 75] [--max-requests 30000]

Not a test (pytest collects only ``tests/``); it needs the local PostgreSQL cluster and root (or
the cluster owner) to restart it. What it does, in order (benchmarks/README.md, "Load and faults"):

0. drops and recreates ``yongkang_bench_faults`` (refuses a name without "bench"), migrates,
   loads ``seed_demo``, opens 50 enterprise logins (each on its own enterprise, through
   ``enterprise_account_create``) and 5 + 1 bureau-staff logins, all with a known password;
1. load: gunicorn (benchmarks/server.py, production settings) and 50 enterprise clients
   (create, submit, fix and resubmit what was returned) and 5 staff clients (publish or
   return from the review queue, picking at random so that they collide), for --duration s;
3. backup, in the middle of the load: pg_dump -Fc of an exported snapshot, the row counts and
   the progress figures read in that same snapshot, pg_restore into ``yongkang_bench_restore``
   and the same counts and figures there;
2. faults, for --fault-duration s after the load: SIGKILL of one gunicorn worker after 15 s,
   a restart of PostgreSQL after 35 s, and how long each takes to recover;
4. verification with the server stopped: every acknowledged write is there exactly once, each
   declaration's history replays through DECLARATION_TRANSITIONS, and its status is the one
   the acknowledged moves left;
5. a markdown summary, printed and written to --output; the exit code is 1 when a check fails.

Clients never retry a POST that got no answer (or a 5xx): whether such a write happened is
found out afterwards and counted as "unacknowledged but found".
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import html
import http.client
import io
import json
import os
import platform
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.server import GunicornServer  # noqa: E402

PG = "postgres://postgres@127.0.0.1:5432"
DB_NAME = "yongkang_bench_faults"
RESTORE_NAME = "yongkang_bench_restore"
PG_CLUSTER = ("15", "main")
PASSWORD = "load-faults-Pw-7351"  # benchmark logins only, in a throwaway database
ENTERPRISE_CLIENTS = 50
STAFF_CLIENTS = 5
PRODUCT_PREFIX = "LF-"
REQUEST_TIMEOUT = 60.0
# The flags the drill restores with (README.md, "Backup and restore").
RESTORE_FLAGS = ["--no-owner", "--no-privileges", "--exit-on-error", "--jobs=2"]

# Django's message levels.
SUCCESS, WARNING, ERROR = 25, 30, 40


# ---------------------------------------------------------------------------------------------
# database set-up (in this process, through Django)
# ---------------------------------------------------------------------------------------------


def database_url(name: str) -> str:
    return f"{PG}/{name}"


def recreate_database(name: str) -> None:
    """Drop and create ``name``; refuses any name without "bench"."""
    if "bench" not in name:
        raise SystemExit(f"refusing to drop {name!r}: only databases with 'bench' in the name")
    import psycopg2
    from psycopg2 import sql

    connection = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def configure_django() -> None:
    os.environ["DATABASE_URL"] = database_url(DB_NAME)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yongkang.settings")
    os.environ["DJANGO_DEBUG"] = "1"  # no secret key or collected static files needed here
    os.environ["DJANGO_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    import django

    django.setup()


def use_database(name: str) -> None:
    """Point Django's default connection at another database of the same server."""
    from django.db import connections

    connections.close_all()
    connections["default"].settings_dict["NAME"] = name


@dataclass
class Setup:
    enterprise_users: list[str]
    staff_users: list[str]
    probe_user: str
    schemes: list[int]
    standards: list[str]
    seconds: float


def set_up(args) -> Setup:
    started = time.monotonic()
    recreate_database(DB_NAME)
    configure_django()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import transaction

    from benchmarking.access import ROLE_GROUP_NAMES
    from benchmarking.choices import Role, SchemeStatus
    from benchmarking.models import Enterprise, Standard, TechnicalScheme, UserProfile
    from benchmarking.services.accounts import enterprise_account_create

    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())
    User = get_user_model()
    bureau = Group.objects.get(name=ROLE_GROUP_NAMES[Role.BUREAU_STAFF])
    staff_names = [f"lf_staff{i:02d}" for i in range(STAFF_CLIENTS)] + ["lf_probe"]
    with transaction.atomic():
        staff = []
        for name in staff_names:
            user = User(username=name, first_name=name, is_staff=True, email=f"{name}@example.invalid")
            user.set_password(PASSWORD)
            user.save()
            user.groups.add(bureau)
            staff.append(user)
        # Enterprises nobody logs in for yet, so each client is the only user of its enterprise.
        with_login = UserProfile.objects.exclude(enterprise=None).values("enterprise_id")
        enterprises = list(Enterprise.objects.exclude(pk__in=with_login).order_by("pk")[:ENTERPRISE_CLIENTS])
        if len(enterprises) < ENTERPRISE_CLIENTS:
            raise SystemExit(f"only {len(enterprises)} enterprises without a login in the demo data")
        enterprise_names = []
        for i, enterprise in enumerate(enterprises):
            name = f"lf_ent{i:02d}"
            user = enterprise_account_create(
                enterprise=enterprise, actor=staff[0], username=name, email=f"{name}@example.invalid"
            )
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
            enterprise_names.append(name)
    schemes = list(
        TechnicalScheme.objects.filter(status=SchemeStatus.PUBLISHED, indicators__isnull=False)
        .distinct()
        .values_list("pk", flat=True)
    )
    standards = list(Standard.objects.order_by("pk").values_list("number", flat=True)[:40])
    if not schemes or not standards:
        raise SystemExit("the demo data has no published scheme or no standard")
    from django.db import connections

    connections.close_all()
    return Setup(
        enterprise_names, staff_names[:-1], staff_names[-1], schemes, standards, time.monotonic() - started
    )


# ---------------------------------------------------------------------------------------------
# HTTP: one "browser" per client (its own cookies), no redirects followed unless asked
# ---------------------------------------------------------------------------------------------


def django_messages(cookie_value: str) -> list[tuple[int, str]]:
    """The messages in Django's ``messages`` cookie (CookieStorage: base64 JSON, maybe zlib'd,
    then ``:timestamp:signature``). Read, not verified: only the server could have signed it."""
    payload = cookie_value.strip('"').split(":", 1)[0]
    compressed = payload.startswith(".")
    payload = payload.lstrip(".")
    try:
        data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        if compressed:
            data = zlib.decompress(data)
        items = json.loads(data)
    except (ValueError, zlib.error):
        return []
    return [(item[2], item[3]) for item in items if isinstance(item, list) and item[:1] == ["__json_message"]]


MESSAGES_HTML = re.compile(r'<ul class="messages">(.*?)</ul>', re.S)
MESSAGE_ITEM = re.compile(r'<li class="([^"]*)">(.*?)</li>', re.S)
LEVELS = {"success": SUCCESS, "warning": WARNING, "error": ERROR}


def html_messages(body: str) -> list[tuple[int, str]]:
    found = MESSAGES_HTML.search(body)
    if not found:
        return []
    return [
        (LEVELS.get(tags.split()[-1] if tags else "", 20), html.unescape(text).strip())
        for tags, text in MESSAGE_ITEM.findall(found.group(1))
    ]


class FormFields(HTMLParser):
    """name -> value of a page's inputs (the checked radio or checkbox), selects and textareas."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self.radios: dict[str, list[str]] = defaultdict(list)
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("radio", "checkbox"):
                self.radios[name].append(attrs.get("value") or "")
                if "checked" in attrs:
                    self.values[name] = attrs.get("value") or ""
            elif kind not in ("submit", "button", "file"):
                self.values[name] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None


def form_fields(body: str) -> FormFields:
    parser = FormFields()
    parser.feed(body)
    return parser


@dataclass
class Response:
    status: int | None  # None: no answer (refused, reset, timed out)
    location: str = ""
    body: str = ""
    messages: list[tuple[int, str]] = field(default_factory=list)
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and self.status < 500

    def path(self) -> str:
        return urlsplit(self.location).path if self.location else ""


@dataclass
class RequestRecord:
    started: float  # seconds since the run's start
    seconds: float
    kind: str
    method: str
    status: int | None
    error: str
    client: str


class Run:
    """What every client records, and the clocks and limits they share."""

    def __init__(self, max_requests: int):
        self.t0 = time.monotonic()
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.max_requests = max_requests
        self.requests: list[RequestRecord] = []
        self.acks: list[dict] = []  # acknowledged writes, in the order the answers came
        self.unacked: list[dict] = []  # writes sent but not answered (no reply, 5xx)
        self.refused: list[dict] = []  # writes answered "no" (collisions, invalid form)
        self.notes: Counter = Counter()
        self.samples_5xx: list[str] = []

    def now(self) -> float:
        return time.monotonic() - self.t0

    def record(self, record: RequestRecord) -> None:
        with self.lock:
            self.requests.append(record)
            if len(self.requests) >= self.max_requests:
                self.stop.set()

    def add(self, bucket: list, **item) -> None:
        with self.lock:
            item["t"] = self.now()
            bucket.append(item)

    def note(self, what: str) -> None:
        with self.lock:
            self.notes[what] += 1


class Browser:
    def __init__(self, run: Run, port: int, name: str):
        self.run, self.port, self.name = run, port, name
        self.cookies: dict[str, str] = {}

    def _store_cookies(self, headers: list[str]) -> list[tuple[int, str]]:
        messages = []
        for header in headers:
            jar = SimpleCookie()
            try:
                jar.load(header)
            except Exception:
                continue
            for key, morsel in jar.items():
                if morsel["max-age"] == "0" or "1970" in (morsel["expires"] or ""):
                    self.cookies.pop(key, None)
                    continue
                self.cookies[key] = morsel.value
                if key == "messages":
                    messages = django_messages(morsel.value)
        return messages

    def request(self, method: str, path: str, kind: str, data: dict | None = None) -> Response:
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            content = raw.read()
            response = Response(
                status=raw.status,
                location=raw.getheader("Location") or "",
                body=content.decode("utf-8", errors="replace"),
                messages=self._store_cookies(raw.msg.get_all("Set-Cookie") or []),
            )
        except (OSError, http.client.HTTPException) as error:
            response = Response(status=None, error=type(error).__name__)
        finally:
            connection.close()
        self.run.record(
            RequestRecord(
                started=started - self.run.t0,
                seconds=time.monotonic() - started,
                kind=kind,
                method=method,
                status=response.status,
                error=response.error,
                client=self.name,
            )
        )
        if response.status is not None and response.status >= 500 and len(self.run.samples_5xx) < 20:
            with self.run.lock:
                self.run.samples_5xx.append(
                    f"{self.run.now():.1f}s {method} {path} {response.status}: "
                    + re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.body))[:200]
                )
        return response

    def get(self, path: str, kind: str) -> Response:
        return self.request("GET", path, kind)

    def post(self, path: str, kind: str, data: dict, csrf: str) -> Response:
        return self.request("POST", path, kind, {**data, "csrfmiddlewaretoken": csrf})

    def follow(self, response: Response, kind: str = "follow") -> Response | None:
        """GET the redirect's target as a browser would; its messages when the cookie had none."""
        if response.status not in (301, 302, 303) or not response.location:
            return None
        page = self.get(response.path(), kind)
        if not response.messages and page.status == 200:
            response.messages = html_messages(page.body)
        return page

    def log_in(self, username: str) -> bool:
        for _attempt in range(20):
            if self.run.stop.is_set():
                return False
            page = self.get("/accounts/login/", "login_form")
            token = csrf_of(page)
            if page.status == 200 and token:
                answer = self.post(
                    "/accounts/login/", "login", {"username": username, "password": PASSWORD}, token
                )
                if answer.status == 302:
                    return True
                if answer.status == 200:  # the form again: a refused login, never retried
                    raise RuntimeError(f"{username}: login refused (lock-out or wrong password)")
            time.sleep(1 + random.random())
        return False


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_of(response: Response) -> str:
    found = CSRF.search(response.body) if response.status == 200 else None
    return found.group(1) if found else ""


def declaration_id(path: str, pattern: str) -> int | None:
    found = re.fullmatch(pattern, path)
    return int(found.group(1)) if found else None


def has_message(response: Response, level: int, words: str) -> bool:
    return any(lvl == level and words in text for lvl, text in response.messages)


# ---------------------------------------------------------------------------------------------
# clients
# ---------------------------------------------------------------------------------------------


class EnterpriseClient(threading.Thread):
    """Declares against random published schemes, submits, fixes and resubmits returned ones."""

    def __init__(self, run: Run, port: int, username: str, setup: Setup, seed: int):
        super().__init__(name=username, daemon=True)
        self.shared, self.username, self.setup = run, username, setup
        self.browser = Browser(run, port, username)
        self.random = random.Random(seed)
        self.seq = 0
        self.made = 0

    def ack(self, move: str, pk: int, **extra) -> None:
        self.seq += 1
        self.shared.add(self.shared.acks, client=self.username, seq=self.seq, move=move, id=pk, **extra)

    def unacked(self, move: str, response: Response, **extra) -> None:
        self.shared.add(
            self.shared.unacked,
            client=self.username,
            move=move,
            status=response.status,
            error=response.error,
            **extra,
        )

    def refused(self, move: str, response: Response, **extra) -> None:
        self.shared.add(self.shared.refused, client=self.username, move=move, status=response.status, **extra)

    def pause(self, low=0.3, high=1.5) -> None:
        self.shared.stop.wait(self.random.uniform(low, high))

    def run(self) -> None:
        try:
            if not self.browser.log_in(self.username):
                self.shared.note("login failed")
                return
            while not self.shared.stop.is_set():
                if self.random.random() < 0.35:
                    self.resubmit_returned()
                else:
                    self.declare()
                self.pause()
        except Exception as error:
            self.shared.note(f"client crashed: {type(error).__name__}: {error}")

    def declare(self) -> None:
        scheme = self.random.choice(self.setup.schemes)
        form = self.browser.get(f"/portal/new/{scheme}/", "new_form")
        token = csrf_of(form)
        if not token:
            self.pause(1, 2)
            return
        fields = form_fields(form.body)
        self.made += 1
        model = f"{PRODUCT_PREFIX}{self.username}-{self.made:04d}"
        data = {
            "product_name": "负载测试产品",
            "product_model": model,
            "standard_number": self.random.choice(self.setup.standards),
            "standard_title": "",
            "national_platform_url": "",
            "intent": "submit",
        }
        data.update(self.values(fields))
        answer = self.browser.post(f"/portal/new/{scheme}/", "create", data, token)
        pk = declaration_id(answer.path(), r"/portal/declarations/(\d+)/submit/")
        if answer.status == 302 and pk:
            self.ack("created", pk, product_model=model)
            self.submit(pk, "submitted")
        elif not answer.ok:
            self.unacked("created", answer, product_model=model)
        else:
            self.refused("created", answer, product_model=model)

    def values(self, fields: FormFields) -> dict:
        data = {}
        for name in list(fields.values) + list(fields.radios):
            if not name.startswith("value_"):
                continue
            if name in fields.radios:
                data[name] = self.random.choice(["1", "1", "0"])
            else:
                data[name] = f"{self.random.uniform(0.001, 120):.3f}"
        return data

    def submit(self, pk: int, move: str) -> None:
        page = self.browser.get(f"/portal/declarations/{pk}/submit/", "submit_page")
        token = csrf_of(page)
        if not token:
            return  # not submitted; it stays a draft (or the page is down)
        answer = self.browser.post(f"/portal/declarations/{pk}/submit/", "submit", {}, token)
        self.browser.follow(answer)
        if answer.status == 302 and has_message(answer, SUCCESS, "已提交审核"):
            self.ack(move, pk)
        elif not answer.ok:
            self.unacked(move, answer, id=pk)
        else:
            self.refused(move, answer, id=pk, messages=answer.messages)

    def resubmit_returned(self) -> None:
        home = self.browser.get("/portal/", "portal_home")
        if home.status != 200:
            return
        returned = sorted(set(map(int, re.findall(r'href="/portal/declarations/(\d+)/edit/"', home.body))))
        if not returned:
            return
        pk = self.random.choice(returned)
        form = self.browser.get(f"/portal/declarations/{pk}/edit/", "edit_form")
        token = csrf_of(form)
        if not token:
            return
        fields = form_fields(form.body)
        data = {
            name: fields.values.get(name, "")
            for name in (
                "product_name",
                "product_model",
                "standard_number",
                "standard_title",
                "national_platform_url",
            )
        }
        data["seen_version"] = fields.values.get("seen_version", "")
        data["intent"] = "submit"
        data.update(self.values(fields))  # new values, as the return asked
        answer = self.browser.post(f"/portal/declarations/{pk}/edit/", "edit", data, token)
        if answer.status == 302 and answer.path() == f"/portal/declarations/{pk}/submit/":
            self.submit(pk, "resubmitted")
        elif not answer.ok:
            self.unacked("edited", answer, id=pk)
        else:
            self.refused("edited", answer, id=pk)


class StaffClient(threading.Thread):
    """Opens the review queue, picks a declaration at random and publishes or returns it."""

    def __init__(self, run: Run, port: int, username: str, seed: int):
        super().__init__(name=username, daemon=True)
        self.shared, self.username = run, username
        self.browser = Browser(run, port, username)
        self.random = random.Random(seed)
        self.seq = 0

    def run(self) -> None:
        try:
            if not self.browser.log_in(self.username):
                self.shared.note("login failed")
                return
            while not self.shared.stop.is_set():
                self.review_one()
                self.shared.stop.wait(self.random.uniform(0.2, 1.0))
        except Exception as error:
            self.shared.note(f"client crashed: {type(error).__name__}: {error}")

    def review_one(self) -> None:
        queue = self.browser.get("/review/", "review_queue")
        if queue.status != 200:
            self.shared.stop.wait(1)
            return
        pending = list(dict.fromkeys(map(int, re.findall(r'href="/review/(\d+)/"', queue.body))))
        if not pending:
            self.shared.stop.wait(1)
            return
        # The first few in the queue, oldest first, as people work: staff often pick the same one.
        pk = self.random.choice(pending[:8])
        token = csrf_of(queue)
        if self.random.random() < 0.7:  # else: decide from a stale page, as a second tab would
            detail = self.browser.get(f"/review/{pk}/", "review_detail")
            token = csrf_of(detail)
            if not token:
                return
            if f'action="/review/{pk}/publish/"' not in detail.body:
                self.shared.note("opened one already decided")
                return
        if not token:
            return
        publish = self.random.random() < 0.7
        move, path = ("published", "publish") if publish else ("returned", "return")
        data = {"comment": "负载测试：发布"} if publish else {"reason": "负载测试：请核对指标值后重新提交。"}
        answer = self.browser.post(f"/review/{pk}/{path}/", path, data, token)
        self.browser.follow(answer)
        word = "已发布" if publish else "已退回"
        if answer.status == 302 and answer.path() == "/review/" and has_message(answer, SUCCESS, word):
            self.seq += 1
            self.shared.add(self.shared.acks, client=self.username, seq=self.seq, move=move, id=pk)
        elif not answer.ok:
            self.shared.add(
                self.shared.unacked,
                client=self.username,
                move=move,
                id=pk,
                status=answer.status,
                error=answer.error,
            )
        else:
            collision = answer.status == 302 and answer.path() == f"/review/{pk}/"
            self.shared.add(
                self.shared.refused,
                client=self.username,
                move=move,
                id=pk,
                status=answer.status,
                collision=collision,
                messages=answer.messages,
            )


class Prober(threading.Thread):
    """One staff session asking for the review queue (session, auth and queries) every 0.25 s,
    to time outages and recoveries more finely than the clients' loops."""

    def __init__(self, run: Run, port: int, username: str, until: threading.Event):
        super().__init__(name="probe", daemon=True)
        self.shared, self.username, self.until = run, username, until
        self.browser = Browser(run, port, "probe")

    def run(self) -> None:
        if not self.browser.log_in(self.username):
            return
        while not (self.until.is_set() or self.shared.stop.is_set()):
            self.browser.get("/review/", "probe")
            self.until.wait(0.25)


# ---------------------------------------------------------------------------------------------
# backup drill
# ---------------------------------------------------------------------------------------------


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

    recreate_database(RESTORE_NAME)
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
        [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "migrate", "--check"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url(RESTORE_NAME)},
        capture_output=True,
        text=True,
    )
    use_database(RESTORE_NAME)
    try:
        with connection.cursor() as cursor:
            counts = table_counts(cursor)
        numbers = figures(backup["as_of"])
    finally:
        use_database(DB_NAME)
    return {
        "restore_rc": restore.returncode,
        "restore_stderr": restore.stderr.strip(),
        "restore_seconds": restore_seconds,
        "migrate_check_rc": check.returncode,
        "migrate_check_output": (check.stdout + check.stderr).strip()[-500:],
        "counts": counts,
        "figures": numbers,
    }


# ---------------------------------------------------------------------------------------------
# faults
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# verification
# ---------------------------------------------------------------------------------------------

ACTION_OF = {
    "created": "create",
    "submitted": "submit",
    "resubmitted": "submit",
    "published": "publish",
    "returned": "return",
}


def verify(run: Run, run_started_at) -> dict:
    """Every acknowledged write is in the database once; every history replays through the
    transitions table; every status is the one the acknowledged moves left."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from benchmarking.models import DECLARATION_TRANSITIONS, Declaration, DeclarationEvent

    users = dict(get_user_model().objects.filter(username__startswith="lf_").values_list("username", "pk"))
    result = Counter()
    problems: list[str] = []

    # Creates: one declaration per product model this run tried, exactly one per acknowledged create.
    made = dict(
        Declaration.objects.filter(product_model__startswith=PRODUCT_PREFIX)
        .values("product_model")
        .annotate(n=Count("pk"))
        .values_list("product_model", "n")
    )
    result["duplicates"] = sum(n - 1 for n in made.values() if n > 1)
    acked_models = {ack["product_model"]: ack["id"] for ack in run.acks if ack["move"] == "created"}
    ids_by_model = dict(
        Declaration.objects.filter(product_model__in=list(acked_models)).values_list("product_model", "pk")
    )
    for model, pk in acked_models.items():
        if ids_by_model.get(model) != pk:
            problems.append(f"acknowledged create {model} (#{pk}) not found as #{pk}")
            result["lost writes"] += 1
    unacked_creates = [item for item in run.unacked if item["move"] == "created"]
    result["unacknowledged creates found"] = sum(
        1 for item in unacked_creates if item["product_model"] in made
    )
    result["unacknowledged creates not found"] = len(unacked_creates) - result["unacknowledged creates found"]

    # Moves: align each declaration's events of this run with its acknowledged moves.
    acks_by_id = defaultdict(list)
    for order, ack in enumerate(run.acks):
        acks_by_id[ack["id"]].append((ack["t"], order, ack))
    unacked_by_id = defaultdict(list)
    for item in run.unacked:
        if item.get("id") is not None and item["move"] in ACTION_OF:
            unacked_by_id[item["id"]].append(item)
    for item in unacked_creates:
        pk = (
            Declaration.objects.filter(product_model=item["product_model"])
            .values_list("pk", flat=True)
            .first()
        )
        if pk:
            unacked_by_id[pk].append({**item, "id": pk})
    touched = set(acks_by_id) | set(unacked_by_id)
    touched |= set(
        DeclarationEvent.objects.filter(at__gte=run_started_at)
        .values_list("declaration_id", flat=True)
        .distinct()
    )
    declarations = Declaration.objects.in_bulk(list(touched))
    events_by_id = defaultdict(list)
    for event in DeclarationEvent.objects.filter(declaration_id__in=list(touched)).order_by("at", "pk"):
        events_by_id[event.declaration_id].append(event)

    result["declarations checked"] = len(touched)
    for pk in sorted(touched):
        declaration = declarations.get(pk)
        if declaration is None:
            problems.append(f"#{pk}: acknowledged but missing")
            result["lost writes"] += len(acks_by_id.get(pk, []))
            continue
        events = events_by_id[pk]
        # 1. the history replays through DECLARATION_TRANSITIONS
        previous = None
        for event in events:
            if event.action == "create":
                legal = previous is None and event.from_status == "" and event.to_status == "draft"
            else:
                transition = DECLARATION_TRANSITIONS[event.action]
                sources = transition.sources | (
                    transition.paper_sources if declaration.entered_on_paper else frozenset()
                )
                legal = (
                    previous is not None
                    and event.from_status == previous.to_status
                    and event.from_status in sources
                    and event.to_status == transition.target
                )
            if not legal:
                result["illegal transitions"] += 1
                if (
                    previous is not None
                    and previous.action == event.action
                    and previous.to_status == event.to_status
                ):
                    result["double transitions"] += 1
                problems.append(
                    f"#{pk}: {event.action} {event.from_status or '-'}→{event.to_status} "
                    f"after {previous.to_status if previous else 'nothing'}"
                )
            previous = event
        if events and events[-1].to_status != declaration.status:
            problems.append(f"#{pk}: status {declaration.status} but last event says {events[-1].to_status}")
            result["status/history mismatches"] += 1
        # 2. each acknowledged move is one event of this run; every other event of this run
        #    is a write that was sent and not answered
        acked = [ack for _, _, ack in sorted(acks_by_id.get(pk, []), key=lambda item: item[:2])]
        ours = [e for e in events if e.at >= run_started_at]
        pending_unacked = list(unacked_by_id.get(pk, []))
        queue = list(acked)
        found_unacked_last = False
        for event in ours:
            if (
                queue
                and ACTION_OF[queue[0]["move"]] == event.action
                and users.get(queue[0]["client"]) == event.actor_id
            ):
                queue.pop(0)
                result["writes found"] += 1
                found_unacked_last = False
                continue
            match = next(
                (
                    item
                    for item in pending_unacked
                    if ACTION_OF[item["move"]] == event.action and users.get(item["client"]) == event.actor_id
                ),
                None,
            )
            if match is not None:
                pending_unacked.remove(match)
                result["unacknowledged moves found"] += 1 if event.action != "create" else 0
                found_unacked_last = True
                continue
            if queue and any(
                ACTION_OF[a["move"]] == event.action and users.get(a["client"]) == event.actor_id
                for a in queue
            ):
                # acknowledged, but in another order than the answers arrived
                result["order differences"] += 1
                queue.remove(
                    next(
                        a
                        for a in queue
                        if ACTION_OF[a["move"]] == event.action and users.get(a["client"]) == event.actor_id
                    )
                )
                result["writes found"] += 1
                continue
            result["unexplained events"] += 1
            problems.append(f"#{pk}: event {event.action} by user {event.actor_id} matches no write sent")
        if queue:
            result["lost writes"] += len(queue)
            problems.append(f"#{pk}: acknowledged {[a['move'] for a in queue]} have no event")
        # 3. the status is the one the last acknowledged move left, unless an unanswered write came after it
        if acked and not found_unacked_last:
            expected = (
                DECLARATION_TRANSITIONS[ACTION_OF[acked[-1]["move"]]].target
                if acked[-1]["move"] != "created"
                else "draft"
            )
            if declaration.status != expected:
                result["final state mismatches"] += 1
                problems.append(f"#{pk}: status {declaration.status}, acknowledged moves leave {expected}")
    # Refused writes must have left nothing: they show up above as unexplained events if they did.
    result["refused writes"] = len(run.refused)
    result["collisions (refused, redirect with message)"] = sum(
        1 for item in run.refused if item.get("collision")
    )
    return {"counts": result, "problems": problems}


# ---------------------------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, round(share * len(ordered) + 0.4999))  # nearest rank
    return ordered[min(rank, len(ordered)) - 1]


def machine() -> list[tuple[str, str]]:
    cpu = platform.processor() or ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        ("nproc", str(os.cpu_count())),
        ("CPU", cpu),
        ("RAM", ram),
        ("load average (1/5/15 min) at the end", load),
        ("Python", platform.python_version()),
        (
            "PostgreSQL",
            subprocess.run(["pg_dump", "--version"], capture_output=True, text=True).stdout.strip(),
        ),
    ]


def fmt(value, unit: str = "s") -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.2f} {unit}".strip()
    return str(value)


def summary(
    args, setup: Setup, run: Run, phases: dict, backup, restore, verification, server_info
) -> tuple[str, bool]:
    lines: list[str] = []
    add = lines.append
    checks: list[tuple[str, bool, str]] = []
    load_end = phases["load_end"]
    requests = run.requests
    add("# Load and faults")
    add("")
    add(
        f"`{' '.join(['benchmarks/load_faults.py', *sys.argv[1:]])}` — database `{DB_NAME}` (seed_demo), "
        f"{len(setup.enterprise_users)} enterprise + {len(setup.staff_users)} staff clients, gunicorn "
        f"{server_info['workers']} workers (production settings, plain http on 127.0.0.1), set-up "
        f"{setup.seconds:.0f} s, load {load_end:.0f} s, faults {phases['end'] - load_end:.0f} s."
    )
    add("")
    add("## Requests")
    add("")
    classes = Counter(("no answer" if r.status is None else f"{r.status // 100}xx") for r in requests)
    add("| phase | requests | 2xx | 3xx | 4xx | 5xx | no answer |")
    add("|---|---:|---:|---:|---:|---:|---:|")
    for name, part in (
        ("load", [r for r in requests if r.started < load_end]),
        (
            "faults" if args.fault_duration else "in flight at the stop",
            [r for r in requests if r.started >= load_end],
        ),
        ("all", requests),
    ):
        c = Counter(("no answer" if r.status is None else f"{r.status // 100}xx") for r in part)
        add(
            f"| {name} | {len(part)} | {c['2xx']} | {c['3xx']} | {c['4xx']} | {c['5xx']} | {c['no answer']} |"
        )
    del classes
    add("")
    odd = Counter(
        (
            "load" if r.started < load_end else "faults",
            f"{r.method} {r.kind}",
            r.status if r.status is not None else r.error,
        )
        for r in requests
        if r.status is None or r.status >= 400
    )
    if odd:
        add("Answers other than 2xx/3xx (phase, request, status or error):")
        add("")
        for (phase, kind, status), n in sorted(odd.items(), key=lambda item: (item[0][0], -item[1])):
            add(f"- {phase}: {n} × {kind} → {status}")
        add("")
    add("Latency per kind of request, answered requests of the load phase (ms, nearest rank):")
    add("")
    add("| kind | n | p50 | p95 | p99 | max |")
    add("|---|---:|---:|---:|---:|---:|")
    by_kind = defaultdict(list)
    for r in requests:
        if r.started < load_end and r.status is not None:
            by_kind[r.kind].append(r.seconds * 1000)
    for kind in sorted(by_kind):
        values = by_kind[kind]
        add(
            f"| {kind} | {len(values)} | {percentile(values, 0.5):.0f} | {percentile(values, 0.95):.0f} "
            f"| {percentile(values, 0.99):.0f} | {max(values):.0f} |"
        )
    add("")
    load_5xx = sum(1 for r in requests if r.started < load_end and r.status is not None and r.status >= 500)
    load_none = sum(1 for r in requests if r.started < load_end and r.status is None)
    checks.append(("no 5xx in the load phase", load_5xx == 0, str(load_5xx)))
    checks.append(("no unanswered request in the load phase", load_none == 0, str(load_none)))

    add("## Writes")
    add("")
    moves = Counter(ack["move"] for ack in run.acks)
    add("| move | acknowledged | sent, not answered | refused |")
    add("|---|---:|---:|---:|")
    unacked = Counter(item["move"] for item in run.unacked)
    refused = Counter(item["move"] for item in run.refused)
    for move in ("created", "submitted", "resubmitted", "edited", "published", "returned"):
        add(f"| {move} | {moves[move]} | {unacked[move]} | {refused[move]} |")
    add("")
    v = verification["counts"]
    add("| verification | count |")
    add("|---|---:|")
    for key in (
        "declarations checked",
        "writes found",
        "lost writes",
        "duplicates",
        "double transitions",
        "illegal transitions",
        "unexplained events",
        "final state mismatches",
        "status/history mismatches",
        "order differences",
        "unacknowledged creates found",
        "unacknowledged creates not found",
        "unacknowledged moves found",
        "refused writes",
        "collisions (refused, redirect with message)",
    ):
        add(f"| {key} | {v[key]} |")
    add("")
    for key in (
        "lost writes",
        "duplicates",
        "double transitions",
        "illegal transitions",
        "unexplained events",
        "final state mismatches",
        "status/history mismatches",
    ):
        checks.append((f"{key} = 0", v[key] == 0, str(v[key])))
    checks.append(("acknowledged writes > 0", len(run.acks) > 0, str(len(run.acks))))
    if verification["problems"]:
        add("Problems (first 30):")
        add("")
        for problem in verification["problems"][:30]:
            add(f"- {problem}")
        add("")
    refusals = Counter(
        (item["move"], item.get("status"), "; ".join(text for _, text in item.get("messages", []))[:80])
        for item in run.refused
    )
    if refusals:
        add("Refusals the server answered (move, status, message):")
        add("")
        for (move, status, text), n in refusals.most_common(10):
            add(f"- {n} × {move} → {status} {text}")
        add("")

    add("## Faults")
    add("")
    kill, pg = phases.get("kill"), phases.get("pg")
    if kill or pg:
        add(
            "| fault | at | requests ended in window | 5xx | no answer | failures from … to | recovered (a request sent after the last failure answered) | other |"
        )
        add("|---|---:|---:|---:|---:|---:|---:|---|")
        if kill:
            w = kill["window"]
            add(
                f"| SIGKILL worker {kill['victim']} | {kill['at']:.1f} s | {w['requests']} | {w['5xx']} | {w['no answer']} "
                f"| {fmt(w['first failure after'])} … {fmt(w['last failure after'])} | {fmt(w['recovered after'])} "
                f"| new worker forked after {fmt(kill['replaced_after'])}; {w['by status']} {w['failed kinds']} |"
            )
        if pg:
            w = pg["window"]
            add(
                f"| restart PostgreSQL | {pg['at']:.1f} s | {w['requests']} | {w['5xx']} | {w['no answer']} "
                f"| {fmt(w['first failure after'])} … {fmt(w['last failure after'])} | {fmt(w['recovered after'])} "
                f"| `pg_ctlcluster restart` took {pg['command_seconds']:.1f} s (rc {pg['rc']}); {w['by status']} {w['failed kinds']} |"
            )
        add("")
        for name, fault in (("SIGKILL", kill), ("PostgreSQL restart", pg)):
            if fault:
                recovered = fault["window"]["recovered after"] is not None
                checks.append(
                    (f"recovers by itself after {name}", recovered, fmt(fault["window"]["recovered after"]))
                )
        if phases.get("traceback_lines"):
            add("Errors logged by the server during the faults (first lines):")
            add("")
            add("```")
            lines.extend(phases["traceback_lines"][:15])
            add("```")
            add("")
    else:
        add("Not run (--fault-duration 0).")
        add("")
    if run.samples_5xx:
        add("5xx answers (first 10; the body as the client saw it):")
        add("")
        for sample in run.samples_5xx[:10]:
            add(f"- {sample}")
        add("")

    add("## Backup drill")
    add("")
    if backup:
        add(
            f"Snapshot `{backup['snapshot']}` exported at {backup['as_of']:%H:%M:%S} (load at {phases['backup_at']:.0f} s), "
            f"pg_dump -Fc --snapshot: {backup['dump_seconds']:.1f} s, {backup['dump_bytes'] / 1e6:.1f} MB, rc {backup['dump_rc']}; "
            f"pg_restore {' '.join(RESTORE_FLAGS)}: {restore['restore_seconds']:.1f} s, rc {restore['restore_rc']}; "
            f"`manage.py migrate --check` on the copy: rc {restore['migrate_check_rc']}."
        )
        add("")
        add("| table | rows at dump | rows restored |")
        add("|---|---:|---:|")
        names = sorted(set(backup["counts"]) | set(restore["counts"]))
        for name in names:
            a, b = backup["counts"].get(name), restore["counts"].get(name)
            add(f"| {name} | {a} | {b}{'' if a == b else ' ✗'} |")
        add("")
        add("| figure (progress_as_of / progress_grid at the snapshot) | at dump | restored |")
        add("|---|---:|---:|")
        for key in backup["figures"]:
            a, b = backup["figures"][key], restore["figures"].get(key)
            add(f"| {key} | {a} | {b}{'' if a == b else ' ✗'} |")
        add("")
        if backup["dump_stderr"] or restore["restore_stderr"]:
            add(
                f"pg_dump/pg_restore said: `{(backup['dump_stderr'] + ' ' + restore['restore_stderr']).strip()[:300]}`"
            )
            add("")
        checks.append(
            ("pg_dump and pg_restore succeed", backup["dump_rc"] == 0 and restore["restore_rc"] == 0, "")
        )
        checks.append(("restored row counts identical", backup["counts"] == restore["counts"], ""))
        checks.append(("restored figures identical", backup["figures"] == restore["figures"], ""))
        checks.append(("restored schema needs no migration", restore["migrate_check_rc"] == 0, ""))
    else:
        add("Not run (--no-backup).")
        add("")
    if run.notes:
        add("Client notes: " + ", ".join(f"{k}: {n}" for k, n in run.notes.most_common()))
        add("")

    add("## Checks")
    add("")
    add("| check | result | value |")
    add("|---|---|---|")
    for name, passed, value in checks:
        add(f"| {name} | {'pass' if passed else '**FAIL**'} | {value} |")
    add("")
    add("## Machine")
    add("")
    add("| | |")
    add("|---|---|")
    for key, value in machine():
        add(f"| {key} | {value} |")
    add("")
    add("Other benchmarks may share this machine: latencies are noisy; the checks do not depend on them.")
    return "\n".join(lines) + "\n", all(passed for _, passed, _ in checks)


# ---------------------------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------------------------


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--duration", type=float, default=120, help="seconds of load without faults (default 120)"
    )
    parser.add_argument(
        "--fault-duration",
        type=float,
        default=75,
        help="seconds of load with faults after it; 0: none (default 75)",
    )
    parser.add_argument(
        "--kill-after", type=float, default=15, help="SIGKILL a worker this far into the faults"
    )
    parser.add_argument(
        "--pg-restart-after", type=float, default=35, help="restart PostgreSQL this far into the faults"
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
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "results-load-faults.md"))
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
    env = {"DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    with GunicornServer(
        database_url(DB_NAME), port=args.port, workers=args.workers, extra_env=env, log_path=str(log_path)
    ) as server:
        server_info = {"workers": server.workers, "url": server.url}
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
            run.stop.wait(max(0.0, fault_start + args.kill_after - run.now()))
            if not run.stop.is_set():
                print(f"{run.now():.0f} s: SIGKILL one worker", flush=True)
                phases["kill"] = kill_worker(server, run)
            run.stop.wait(max(0.0, fault_start + args.pg_restart_after - run.now()))
            if not run.stop.is_set():
                print(f"{run.now():.0f} s: restart PostgreSQL", flush=True)
                phases["pg"] = restart_postgres(run)
            run.stop.wait(max(0.0, fault_start + args.fault_duration - run.now()))
            probe_stop.set()
            phases["traceback_lines"] = server_errors(log_path, log_mark)
        run.stop.set()
        for client in clients:
            client.join(timeout=REQUEST_TIMEOUT + 5)
        phases["end"] = run.now()
    print(f"{phases['end']:.0f} s: load stopped; {len(run.requests)} requests; verifying", flush=True)
    if "kill" in phases:
        end = phases["pg"]["at"] if "pg" in phases else phases["end"]
        phases["kill"]["window"] = recovery(run, phases["kill"]["at"], end)
    if "pg" in phases:
        phases["pg"]["window"] = recovery(run, phases["pg"]["at"], phases["end"])
    # PostgreSQL may still be coming back for this process's own connections.
    for _attempt in range(60):
        try:
            from django.db import connection

            connection.close()
            connection.ensure_connection()
            break
        except Exception:
            time.sleep(1)
    verification = verify(run, run_started_at)
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
