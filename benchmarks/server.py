"""The app under gunicorn as production runs it, on 127.0.0.1 only, for benchmarks and load tests.

    from benchmarks.server import GunicornServer

    with GunicornServer("postgres://postgres@127.0.0.1:5432/yongkang_bench_f100") as server:
        print(server.url, server.master_pid, server.worker_pids())

The command is the Dockerfile's CMD (``gunicorn yongkang.wsgi``, run from the project folder
so gunicorn.conf.py sets the timeout; ``--workers N`` given here) bound to
127.0.0.1 and without the access log (or with it in ``log_path``), under production
settings: DEBUG off, a random secret key, static files collected into a temporary
STATIC_ROOT first (the manifest storage needs them), uploads in a temporary MEDIA_ROOT.
Plain http on loopback, so the https redirect and secure cookies are off. Nothing is
written into the repository; the temporary directories go when the server stops.

It does not migrate: the database is the caller's. Starting waits for ``/healthz/``.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.harness import ROOT, executable

HEALTH_PATH = "/healthz/"
FALLBACK_WORKERS = 3


def compose_default_workers(compose_file: Path = ROOT / "docker-compose.yml") -> int | None:
    """The default of ``GUNICORN_WORKERS`` written in docker-compose.yml (``${GUNICORN_WORKERS:-3}``)."""
    try:
        text = compose_file.read_text(encoding="utf-8")
    except OSError:
        return None
    match = re.search(r"\$\{GUNICORN_WORKERS:-(\d+)\}", text)
    return int(match.group(1)) if match else None


def production_workers() -> int:
    """The workers ``docker compose up`` starts: GUNICORN_WORKERS from the environment when set
    (as compose reads ``${GUNICORN_WORKERS:-3}``), else the default written in docker-compose.yml."""
    from_env = os.environ.get("GUNICORN_WORKERS", "").strip()
    if from_env.isdigit() and int(from_env) > 0:
        return int(from_env)
    return compose_default_workers() or FALLBACK_WORKERS


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_is_free(port: int) -> bool:
    """No socket listens on 127.0.0.1:port. SO_REUSEADDR as gunicorn sets it, so connections
    of an earlier run still in TIME_WAIT do not count."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _kill_if_gunicorn(pid: int) -> None:
    try:
        if b"gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes():
            os.kill(pid, signal.SIGKILL)
    except (OSError, ProcessLookupError):
        pass


def http_request(
    port: int, method: str, path: str, *, headers: dict | None = None, body=None, timeout: float = 5.0
):
    """(status, [(header, value), …], body) of one request to 127.0.0.1:port, with no proxy from
    the environment; repeated headers (Set-Cookie) are kept apart."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def http_get(port: int, path: str, *, headers: dict | None = None, timeout: float = 5.0):
    """(status, headers, body) of one GET to 127.0.0.1:port, with no proxy from the environment."""
    status, answer_headers, body = http_request(port, "GET", path, headers=headers, timeout=timeout)
    return status, dict(answer_headers), body


class GunicornServer:
    """gunicorn serving yongkang.wsgi on 127.0.0.1:port with production settings; a context manager."""

    def __init__(
        self,
        database_url: str,
        *,
        port: int = 8765,
        workers: int | None = None,
        extra_env: dict | None = None,
        log_path: str | None = None,
        static_root: str | None = None,
    ):
        """``port=0`` picks a free port. ``static_root``: a directory static files were already
        collected into (by an earlier server) to skip collectstatic; by default a temporary one."""
        self.database_url = database_url
        self.port = port or _free_port()
        self.workers = workers or production_workers()
        self.extra_env = dict(extra_env or {})
        self.log_path = log_path
        self.url = f"http://127.0.0.1:{self.port}"
        self._given_static_root = static_root
        self._temp_dirs: list[str] = []
        self._process: subprocess.Popen | None = None
        self._log_file = None
        self.master_pid: int = 0
        self.started_at: float = 0.0
        self.startup_seconds: float = 0.0
        self.collectstatic_seconds: float = 0.0
        self.env: dict[str, str] = {}
        self.host = "127.0.0.1"

    # -- environment -------------------------------------------------------------------------

    def _environment(self, static_root: str, media_root: str) -> dict[str, str]:
        # The caller's own DJANGO_* settings (a developer's DJANGO_DEBUG=1) must not leak in.
        env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
        env.update(
            DJANGO_SETTINGS_MODULE="yongkang.settings",
            DJANGO_DEBUG="0",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            # Plain http on loopback: no redirect to https, cookies sent over http.
            DJANGO_SECURE_SSL_REDIRECT="0",
            DJANGO_SECURE_COOKIES="0",
            DJANGO_STATIC_ROOT=static_root,
            DJANGO_MEDIA_ROOT=media_root,
            DATABASE_URL=self.database_url,
            GUNICORN_WORKERS=str(self.workers),
            PYTHONUNBUFFERED="1",
        )
        env.update({key: str(value) for key, value in self.extra_env.items()})
        return env

    def _collectstatic(self, env: dict[str, str]) -> None:
        started = time.monotonic()
        result = subprocess.run(
            [executable("python"), "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if result.returncode != 0:
            raise RuntimeError(f"collectstatic failed:\n{result.stdout}\n{result.stderr}")
        self.collectstatic_seconds = time.monotonic() - started

    # -- life cycle ----------------------------------------------------------------------------

    def start(self) -> GunicornServer:
        if self._process is not None:
            raise RuntimeError("The server is already running.")
        # Otherwise the health check could be answered by whatever already listens there.
        if not _port_is_free(self.port):
            raise RuntimeError(f"127.0.0.1:{self.port} is in use; pass another port (or port=0).")
        if self._given_static_root:
            static_root = self._given_static_root
        else:
            static_root = tempfile.mkdtemp(prefix="yongkang-static-")
            self._temp_dirs.append(static_root)
        media_root = tempfile.mkdtemp(prefix="yongkang-media-")
        self._temp_dirs.append(media_root)
        self.static_root = static_root
        self.media_root = media_root
        self.env = self._environment(static_root, media_root)
        # The Host header Django accepts, should extra_env change the allowed hosts.
        first = self.env["DJANGO_ALLOWED_HOSTS"].split(",")[0].strip().lstrip(".*")
        self.host = first or "localhost"
        if not (Path(static_root) / "staticfiles.json").exists():
            self._collectstatic(self.env)

        command = [
            executable("gunicorn"),
            "yongkang.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
        ]
        if self.log_path:
            command += ["--access-logfile", self.log_path]
            self._log_file = open(self.log_path, "ab")  # noqa: SIM115 (closed in stop())
        else:
            # gunicorn's own messages (errors, worker boots), kept to explain a failed start.
            self._log_file = tempfile.TemporaryFile(prefix="yongkang-gunicorn-")  # noqa: SIM115
        self.started_at = time.monotonic()
        self._process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            # Its own process group, so stop() can reach workers the master left behind.
            start_new_session=True,
        )
        self.master_pid = self._process.pid
        return self

    def wait_ready(self, timeout: float = 30) -> float:
        """Seconds this call waited until GET /healthz/ answered 200; raises if it did not in time
        or gunicorn exited. Called by __enter__ right after the start, so that is the start-up time."""
        if self._process is None:
            raise RuntimeError("The server is not started.")
        started = time.monotonic()
        deadline = started + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {self._process.returncode} before answering:\n{self.log_tail()}"
                )
            try:
                status, _, _ = http_get(self.port, HEALTH_PATH, headers={"Host": self.host}, timeout=2)
                if status == 200:
                    waited = time.monotonic() - started
                    self.startup_seconds = time.monotonic() - self.started_at
                    return waited
                last = f"HTTP {status}"
            except OSError as error:
                last = str(error)
            time.sleep(0.1)
        raise TimeoutError(f"{self.url}{HEALTH_PATH} did not answer 200 within {timeout} s ({last}).")

    def worker_pids(self) -> list[int]:
        """The master's child processes: its workers."""
        if not self.master_pid:
            return []
        children: list[int] = []
        tasks = Path(f"/proc/{self.master_pid}/task")
        try:
            for task in tasks.iterdir():
                children += [int(pid) for pid in (task / "children").read_text().split()]
            return sorted(set(children))
        except OSError:
            pass  # a kernel without /proc/…/children: scan every process's parent instead
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # "pid (comm) state ppid …"; comm may hold spaces or parentheses, so split after the last ")".
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[1]) == self.master_pid:
                children.append(int(entry.name))
        return sorted(children)

    def log_tail(self, lines: int = 40) -> str:
        if self._log_file is None:
            return ""
        try:
            self._log_file.flush()
            if self.log_path:
                data = Path(self.log_path).read_bytes()
            else:
                self._log_file.seek(0)
                data = self._log_file.read()
        except (OSError, ValueError):
            return ""
        return "\n".join(data.decode(errors="replace").splitlines()[-lines:])

    def stop(self, timeout: float = 35) -> None:
        """SIGTERM the master (gunicorn's graceful stop, 30 s by default), SIGKILL what is left."""
        process, self._process = self._process, None
        if process is not None:
            workers = self.worker_pids()
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
                    # Workers the killed master left: only this server's, while they still are gunicorn.
                    for pid in workers:
                        _kill_if_gunicorn(pid)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
        for directory in self._temp_dirs:
            shutil.rmtree(directory, ignore_errors=True)
        self._temp_dirs = []

    def __enter__(self) -> GunicornServer:
        self.start()
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()
