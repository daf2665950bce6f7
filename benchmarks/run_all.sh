#!/bin/sh
# The province-scale suite in one command (benchmarks/README.md): every page and export at
# 1, 10 and 100 x the demo data, then throughput under gunicorn, then load and faults.
# Needs PostgreSQL on 127.0.0.1:5432 and wrk; restarts the local PostgreSQL cluster once
# (load_faults.py), so run it as root on a machine of your own. About 30 minutes.
# Each script writes its markdown to benchmarks/results-*.md (not committed); the figures
# that matter are copied into benchmarks/RESULTS.md by hand, with the date and the machine.
set -e
cd "$(dirname "$0")/.."
.venv/bin/python benchmarks/pages.py --factors 1 10 100
.venv/bin/python benchmarks/throughput.py
.venv/bin/python benchmarks/load_faults.py
