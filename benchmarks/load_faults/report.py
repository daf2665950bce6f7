"""The markdown summary of a run, and whether every check passed."""

from __future__ import annotations

from collections import Counter, defaultdict

from benchmarks import harness
from benchmarks.load_faults import DB_NAME, RESTORE_FLAGS
from benchmarks.load_faults.browser import Run
from benchmarks.load_faults.seed import Setup

# The verification counts that must be 0 for the run to pass.
FAILURES = (
    "lost writes",
    "duplicates",
    "double transitions",
    "illegal transitions",
    "unexplained events",
    "final state mismatches",
    "status/history mismatches",
)


def fmt(value, unit: str = "s") -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.2f} {unit}".strip()
    return str(value)


def fault_row(label: str, fault: dict, other: str) -> str:
    """A row of the faults table: the requests that ended in the fault's window and the recovery."""
    w = fault["window"]
    return (
        f"| {label} | {fault['at']:.1f} s | {w['requests']} | {w['5xx']} | {w['no answer']} "
        f"| {fmt(w['first failure after'])} … {fmt(w['last failure after'])} | {fmt(w['recovered after'])} "
        f"| {other}; {w['by status']} {w['failed kinds']} |"
    )


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
        f"`{harness.command_line('benchmarks.load_faults')}` — database `{DB_NAME}` (seed_demo), "
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
            f"| {kind} | {len(values)} | {harness.percentile(values, 0.5):.0f} | {harness.percentile(values, 0.95):.0f} "
            f"| {harness.percentile(values, 0.99):.0f} | {max(values):.0f} |"
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
        *FAILURES,
        "order differences",
        "unacknowledged creates found",
        "unacknowledged creates not found",
        "unacknowledged moves found",
        "refused writes",
        "collisions (refused, redirect with message)",
    ):
        add(f"| {key} | {v[key]} |")
    add("")
    for key in FAILURES:
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
    kill, pg, redis = phases.get("kill"), phases.get("pg"), phases.get("redis")
    if kill or pg or redis:
        add(
            "| fault | at | requests ended in window | 5xx | no answer | failures from … to | recovered (a request sent after the last failure answered) | other |"
        )
        add("|---|---:|---:|---:|---:|---:|---:|---|")
        if kill:
            replaced = f"new worker forked after {fmt(kill['replaced_after'])}"
            add(fault_row(f"SIGKILL worker {kill['victim']}", kill, replaced))
        if redis:
            add(fault_row("restart Redis (killed)", redis, f"unreachable {redis['down_seconds']:.1f} s"))
        if pg:
            took = f"`pg_ctlcluster restart` took {pg['command_seconds']:.1f} s (rc {pg['rc']})"
            add(fault_row("restart PostgreSQL", pg, took))
        add("")
        for name, fault in (("SIGKILL", kill), ("Redis restart", redis), ("PostgreSQL restart", pg)):
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

    add("## Background jobs")
    add("")
    jobs = verification.get("jobs")
    if jobs:
        job_kill = phases.get("job_kill") or {}
        add(
            f"{server_info.get('job_workers')} job workers (`manage.py run_jobs`, restarted when they exit: "
            f"{phases.get('job_worker_restarts', 0)} restarts). Job worker SIGKILLed at "
            f"{fmt(job_kill.get('at'))} while running `{job_kill.get('task_path')}` (pid {job_kill.get('pid')}): "
            f"that job ended {jobs['killed job']}. Queue drained "
            f"{fmt(phases.get('drain_seconds'))} after the load stopped."
        )
        add("")
        add("| job | status | count |")
        add("|---|---|---:|")
        for (name, status), n in sorted(jobs["by task and status"].items()):
            add(f"| {name} | {status} | {n} |")
        add("")
        add(
            f"Mailed workflow moves {jobs['mailed moves']}, mail jobs {jobs['mail jobs']}: "
            f"lost {jobs['lost mails']}, doubled {jobs['doubled mails']}."
        )
        add("")
        for problem in jobs["problems"]:
            add(f"- {problem}")
        if jobs["problems"]:
            add("")
        checks.append(
            ("every job finished (queue drained)", jobs["unfinished"] == 0, str(jobs["unfinished"]))
        )
        checks.append(("no job failed", not jobs["failed"], str(jobs["failed"])))
        checks.append(("one mail job per mailed move", not (jobs["lost mails"] or jobs["doubled mails"]), ""))
        if job_kill:
            killed = jobs["killed job"] or {}
            checks.append(
                (
                    "the killed worker's export finished on another worker",
                    killed.get("status") == "SUCCESSFUL" and killed.get("workers", 0) >= 2,
                    str(killed),
                )
            )
    else:
        add("Not run.")
        add("")
    exports = verification.get("exports")
    if exports:
        add(
            f"Exports (the full declarations list as .xlsx, by {len(setup.export_users)} staff clients): asked "
            f"{exports['asked']}, queued {exports['queued']}, answered at once {exports['answered at once']}, "
            f"unanswered {exports['unanswered']}; done and downloaded {exports['done and downloaded']}; stored "
            f"{exports['stored by status']}; rows per file {exports['rows']}; seconds from asking to the "
            f"finished file (min/median/max) {exports['seconds to file (min/median/max)']}."
        )
        add("")
        for problem in exports["problems"][:10]:
            add(f"- {problem}")
        if exports["problems"]:
            add("")
        checks.append(("exports were queued as jobs", exports["queued"] > 0, str(exports["queued"])))
        checks.append(
            (
                "every queued export finished and was downloaded",
                exports["done and downloaded"] == exports["queued"] and not exports["problems"],
                f"{exports['done and downloaded']} / {exports['queued']}",
            )
        )

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
    # Without DEBUG: what was measured is the server, under production settings.
    machine = [
        *harness.machine(debug=False),
        ("pg_dump", harness.version_of(["pg_dump", "--version"])),
        ("load average (1/5/15 min) at the end", harness.load_average()),
    ]
    lines.extend(harness.key_value_table(machine))
    add("")
    add("Other benchmarks may share this machine: latencies are noisy; the checks do not depend on them.")
    return "\n".join(lines) + "\n", all(passed for _, passed, _ in checks)
