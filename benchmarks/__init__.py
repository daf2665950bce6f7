"""Benchmarks of the app on realistic volumes (README.md here). Not tests: pytest collects only
tests/. Each is a module run from the project root, ``.venv/bin/python -m benchmarks.pages`` and so
on, with the plumbing they share in benchmarks.harness."""
