"""One "browser" per client: its own cookies, no redirect followed unless asked, and every request
recorded in the run that all clients share."""

from __future__ import annotations

import base64
import html
import http.client
import json
import random
import re
import threading
import time
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from benchmarks.load_faults import PASSWORD, REQUEST_TIMEOUT

# Django's message levels.
SUCCESS, WARNING, ERROR = 25, 30, 40


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
