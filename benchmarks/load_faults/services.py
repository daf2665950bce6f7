"""The production parts beside gunicorn: a Redis of the run's own (so restarting it disturbs no
one else on the machine) and the background job workers, kept running as a service manager
would (docker compose's ``restart: unless-stopped``, systemd's ``Restart=always``)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

from benchmarks.harness import ROOT, executable

REDIS_PORT = 6390


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """redis-server on 127.0.0.1:``port``, keeping nothing on disk, as docker-compose runs it."""

    def __init__(self, port: int = REDIS_PORT):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self._process: subprocess.Popen | None = None

    def start(self) -> RedisServer:
        if _answers(self.port):
            raise RuntimeError(f"something already answers on 127.0.0.1:{self.port}")
        self._process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 10
        while not _answers(self.port):
            if time.monotonic() > deadline or self._process.poll() is not None:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait(timeout=10)
        self._process = None

    def restart(self, down_for: float = 2.0) -> dict:
        """Killed outright (everything cached is gone, as after a crash), started again after
        ``down_for`` seconds; returns how long it was unreachable."""
        started = time.monotonic()
        self.stop()
        time.sleep(down_for)
        self.start()
        return {"down_seconds": time.monotonic() - started}

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class JobWorkers:
    """``count`` ``manage.py run_jobs`` processes with the web server's environment (the same
    database, Redis, secret key and media folder), each restarted when it exits."""

    def __init__(self, env: dict[str, str], count: int, log_path: Path):
        self.env, self.count, self.log_path = env, count, log_path
        self.processes: list[subprocess.Popen] = []
        self.restarts = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._log = None
        self._supervisor = threading.Thread(target=self._supervise, name="job-supervisor", daemon=True)

    def _spawn(self) -> subprocess.Popen:
        return subprocess.Popen(
            [executable("python"), "manage.py", "run_jobs", "--interval", "0.2"],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start(self) -> JobWorkers:
        self._log = open(self.log_path, "ab")  # noqa: SIM115 (closed in stop())
        with self._lock:
            self.processes = [self._spawn() for _ in range(self.count)]
        self._supervisor.start()
        return self

    def _supervise(self) -> None:
        """A worker that exited (killed, crashed) is replaced within a second, as a service
        manager would restart it."""
        while not self._stopping.wait(1.0):
            with self._lock:
                for i, process in enumerate(self.processes):
                    if process.poll() is not None:
                        self.processes[i] = self._spawn()
                        self.restarts += 1

    def pids(self) -> list[int]:
        with self._lock:
            return [p.pid for p in self.processes if p.poll() is None]

    def kill(self, pid: int) -> None:
        os.kill(pid, signal.SIGKILL)

    def stop(self) -> None:
        """SIGTERM: each worker finishes its job, then stops."""
        self._stopping.set()
        self._supervisor.join(timeout=5)
        with self._lock:
            for process in self.processes:
                if process.poll() is None:
                    process.terminate()
            for process in self.processes:
                try:
                    process.wait(timeout=90)
                except subprocess.TimeoutExpired:
                    process.kill()
        if self._log:
            self._log.close()

    def __enter__(self) -> JobWorkers:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
