#!/usr/bin/env python3
"""The two commands of the README, for a fresh machine with nothing but Python ≥ 3.11.

    python3 scripts/dev.py serve [PORT | ADDRESS:PORT]   # venv + dependencies + migrations + demo data, then serve
    python3 scripts/dev.py test [PYTEST ARGS …]          # venv + dependencies, then the whole test suite

``serve`` listens on 127.0.0.1:8000 unless told otherwise (``serve 8101``,
``serve 0.0.0.0:8101``). The demo data's notification mails are written to
var/demo-mail/, not printed; the demo logins are the last thing printed before
the development server starts.

Both create ``.venv`` beside the project on first use and reinstall only when
pyproject.toml changes. The database is the embedded SQLite file unless
DATABASE_URL says otherwise (e.g. postgres://postgres:postgres@127.0.0.1:5432/yongkang).
Extra arguments after ``test`` go to pytest.
"""

import hashlib
import ipaddress
import os
import re
import signal
import subprocess
import sys
import venv
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed-from"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
# A host name as runserver takes it: letters, digits, hyphens and dots (IPv4 addresses included).
HOST_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")


class UsageError(Exception):
    """The command line does not say what to do; the message says why."""


@dataclass(frozen=True)
class Address:
    """Where runserver listens."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT

    @property
    def runserver_arg(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """The address to open in a browser on this machine (a wildcard address is not one)."""
        host = {"0.0.0.0": "127.0.0.1", "[::]": "[::1]"}.get(self.host, self.host)
        return f"http://{host}:{self.port}"


@dataclass(frozen=True)
class Invocation:
    command: str  # "serve", "test" or "help"
    address: Address = Address()
    pytest_args: list[str] = field(default_factory=list)


def parse_port(text: str) -> int:
    if not text:
        raise UsageError("No port given after the colon: e.g. 0.0.0.0:8101.")
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= 65535:
        raise UsageError(f"“{text}” is not a port: give a number from 1 to 65535, e.g. 8101.")
    return int(text)


def parse_address(text: str) -> Address:
    """``8101``, ``0.0.0.0:8101``, ``localhost:8101`` or ``[::1]:8101``."""
    if ":" not in text:
        return Address(port=parse_port(text))
    host, _, port = text.rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            raise UsageError(f"“{host}” is not an IPv6 address.") from None
    elif not HOST_NAME.match(host) or (re.fullmatch(r"[0-9.]+", host) and not _is_ipv4(host)):
        raise UsageError(
            f"“{text}” is not an address: give PORT or HOST:PORT, e.g. 8101 or 0.0.0.0:8101 "
            "(an IPv6 host goes in brackets, [::1]:8101)."
        )
    return Address(host=host, port=parse_port(port))


def _is_ipv4(text: str) -> bool:
    try:
        ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return True


def parse_args(argv: list[str]) -> Invocation:
    """What ``dev.py`` was asked to do, from its arguments (without the program name)."""
    if not argv or argv[0] in {"-h", "--help", "help"}:
        return Invocation("help")
    command, rest = argv[0], argv[1:]
    if command == "test":
        return Invocation("test", pytest_args=rest)
    if command != "serve":
        raise UsageError(f"Unknown command “{command}”: use serve or test.")
    if len(rest) > 1:
        raise UsageError(f"serve takes at most one argument, the port or address; got {' '.join(rest)}.")
    if rest and rest[0] in {"-h", "--help"}:
        return Invocation("help")
    return Invocation("serve", address=parse_address(rest[0]) if rest else Address())


def run(*args, env=None) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    completed = subprocess.run([str(a) for a in args], cwd=ROOT, env=env)
    if completed.returncode:
        sys.exit(completed.returncode)


def ensure_venv() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 -- this script runs under whatever python3 the machine has
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        print(f"Creating the virtual environment in {VENV} …", flush=True)
        try:
            venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
        except subprocess.CalledProcessError:
            # Debian and Ubuntu ship venv's pip bootstrap separately from python3.
            sys.exit(
                "Could not create the virtual environment: install python3-venv (apt install python3-venv)."
            )
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text().strip() != wanted:
        run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        run(PYTHON, "-m", "pip", "install", "--quiet", "-e", ".[dev]")
        STAMP.write_text(wanted)


def dev_env() -> dict[str, str]:
    env = dict(os.environ)
    # Local runs are development runs: DEBUG on, a development secret key, plain http.
    env.setdefault("DJANGO_DEBUG", "1")
    env.setdefault("DJANGO_SETTINGS_MODULE", "yongkang.settings")
    return env


def serve(address: Address) -> None:
    ensure_venv()
    env = dev_env()
    # Links in the demo's mails and the URL seed_demo prints point at the port actually served.
    env.setdefault("DJANGO_SITE_URL", address.url)
    manage = (PYTHON, "manage.py")
    # Quiet: on a re-run there is nothing to apply, and seed_demo's report says what is there.
    run(*manage, "migrate", "--noinput", "--verbosity", "0", env=env)
    # Ends with the URL and the demo logins, so they sit right above runserver's banner.
    run(*manage, "seed_demo", env=env)
    # The background job worker (large exports, mails) beside the server, stopped with it.
    print("+ manage.py run_jobs (background jobs, beside the server)", flush=True)
    # Stopped with SIGTERM (not Ctrl-C): unwind, so the finally below stops the worker too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    worker = subprocess.Popen([str(PYTHON), "manage.py", "run_jobs", "--verbosity", "0"], cwd=ROOT, env=env)
    try:
        run(*manage, "runserver", address.runserver_arg, env=env)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()


def test(extra: list[str]) -> None:
    ensure_venv()
    run(PYTHON, "-m", "pytest", *extra, env=dev_env())


def main(argv: list[str]) -> None:
    try:
        invocation = parse_args(argv)
    except UsageError as error:
        print(f"dev.py: {error}\n{__doc__}", file=sys.stderr)
        sys.exit(2)
    if invocation.command == "help":
        print(__doc__)
    elif invocation.command == "serve":
        serve(invocation.address)
    else:
        test(invocation.pytest_args)


if __name__ == "__main__":
    main(sys.argv[1:])
