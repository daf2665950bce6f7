#!/usr/bin/env python3
"""The two commands of the README, for a fresh machine with nothing but Python ≥ 3.11.

    python3 scripts/dev.py serve   # venv + dependencies + migrations + demo data, then http://127.0.0.1:8000
    python3 scripts/dev.py test    # venv + dependencies, then the whole test suite

Both create ``.venv`` beside the project on first use and reinstall only when
pyproject.toml changes. The database is the embedded SQLite file unless
DATABASE_URL says otherwise (e.g. postgres://postgres:postgres@127.0.0.1:5432/yongkang).
Extra arguments after ``test`` go to pytest.
"""

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed-from"


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


def serve() -> None:
    ensure_venv()
    env = dev_env()
    manage = (PYTHON, "manage.py")
    run(*manage, "migrate", "--noinput", env=env)
    run(*manage, "seed_demo", env=env)
    run(*manage, "runserver", "127.0.0.1:8000", env=env)


def test(extra: list[str]) -> None:
    ensure_venv()
    run(PYTHON, "-m", "pytest", *extra, env=dev_env())


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in {"serve", "test"}:
        sys.exit(__doc__)
    if sys.argv[1] == "serve":
        serve()
    else:
        test(sys.argv[2:])


if __name__ == "__main__":
    main()
