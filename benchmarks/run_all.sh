#!/bin/sh
# The province-scale suite in one command (benchmarks/README.md): every page and export at
# 1, 10 and 100 x the demo data, then throughput under gunicorn, then load and faults.
# Needs PostgreSQL on 127.0.0.1:5432 and wrk; restarts the local PostgreSQL cluster once
# (load_faults), so run it as root on a machine of your own. About 30 minutes.
# Each benchmark writes its markdown to benchmarks/results-*.md (not committed); the figures
# that matter are copied into benchmarks/RESULTS.md by hand, with the date and the machine.
set -e
cd "$(dirname "$0")/.."
.venv/bin/python -m benchmarks.pages --factors 1 10 100
.venv/bin/python -m benchmarks.reports --factors 1 10
.venv/bin/python -m benchmarks.throughput
.venv/bin/python -m benchmarks.load_faults
