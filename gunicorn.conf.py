"""gunicorn's settings, read from the working directory by the container's command (Dockerfile)
and by the benchmarks' launcher (benchmarks/server.py), so both run the app the same way."""

import os

# Sync workers: with 2 cores, 3 (docker-compose's default) keeps both busy while one waits on
# the database.
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
# Seconds a request may run before its worker is killed. gunicorn's default of 30 is shorter than
# a full .xlsx export of a province's records on a 2-core machine (benchmarks/RESULTS.md).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
