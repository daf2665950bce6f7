"""The database triggers that raise the counts version (see models.CountsVersion and
docs/domain.md, "Counting").

Installed by migration 0005 and re-installed after every ``migrate`` (a post_migrate
handler): SQLite rebuilds a table for most schema changes and drops its triggers with
it, so a later migration of a watched table must never leave it unwatched. Every
statement here is idempotent.
"""

# (table, columns whose change can change a count, whether inserting/deleting a published row counts)
WATCHED = [
    ("benchmarking_declaration", ["published_at", "withdrawn_at", "enterprise_id"], True),
    (
        "benchmarking_technicalscheme",
        ["published_at", "withdrawn_at", "superseded_at", "industry_id", "publisher_region_id"],
        True,
    ),
    ("benchmarking_enterprise", ["branch_office_id", "industry_id", "region_id"], False),
]
# (A plan's or an office's region is watched with the rest of those tables, below.) SQLite
# rebuilds a table when a column is added, dropping its triggers, and ``migrate`` puts them back
# with the columns above; PostgreSQL's are replaced whole by the same post_migrate handler.
EVENTS = ("update", "insert", "delete")
# Tables the progress pages show beside the counts (the plan, its quotas, the offices and
# industries the figures are broken down by): any write to them raises the version too, so
# a cached page never shows an old target or name. They change a few times a year.
WATCHED_WHOLLY = [
    "benchmarking_plan",
    "benchmarking_planquota",
    "benchmarking_branchoffice",
    "benchmarking_industry",
    # the public result page's 对标标准 lines (rarely written)
    "benchmarking_schemebenchmark",
    # which standard replaces which: the 对标标准已更新 reasons ("已被 … 代替") on public pages
    "benchmarking_standard_replaces",
    # the dashboard's 质量强市 figures (selectors.quality): a few hundred rows a year
    "benchmarking_zhejiangmadestandard",
    "benchmarking_zhejiangmadedrafter",
    "benchmarking_pincertificate",
    "benchmarking_beltroadcertificate",
]
# What the public results pages show of a published result beyond the counts (views/public.py
# caches them whole per counts version): an edit of any of these columns raises the version
# too, so a corrected name, grade or value is never hidden behind a cached page. A declaration
# or an indicator value only when its declaration is published: drafts are edited all day and
# must not empty the dashboard's cache each time. (table, columns, condition on the row "{row}")
# An enterprise, scheme or indicator only when some published result shows it.
WITH_PUBLISHED = "{row}.id IN (SELECT {column} FROM benchmarking_declaration WHERE published_at IS NOT NULL)"
WATCHED_SHOWN = [
    (
        "benchmarking_declaration",
        [
            "product_name",
            "product_model",
            "scheme_id",
            "executed_standard_id",
            "declared_on",
            "national_platform_url",
            "computed_grade",
            "override_grade",
            "grade",
        ],
        "{row}.published_at IS NOT NULL",
    ),
    (
        "benchmarking_declarationitem",
        ["indicator_id", "value", "passed", "comparison"],
        "{row}.declaration_id IN (SELECT id FROM benchmarking_declaration WHERE published_at IS NOT NULL)",
    ),
    (
        "benchmarking_enterprise",
        ["name", "credit_code"],
        WITH_PUBLISHED.format(column="enterprise_id", row="{row}"),
    ),
    (
        "benchmarking_technicalscheme",
        ["code", "title", "publisher"],
        WITH_PUBLISHED.format(column="scheme_id", row="{row}"),
    ),
    (
        "benchmarking_indicator",
        [
            "name",
            "unit",
            "is_core",
            "direction",
            "benchmark_value",
            "benchmark_min",
            "benchmark_max",
            "requirement",
            "order",
        ],
        "{row}.scheme_id IN (SELECT scheme_id FROM benchmarking_declaration WHERE published_at IS NOT NULL)",
    ),
    # its status marks results 对标标准已更新 on the public pages
    ("benchmarking_standard", ["number", "title", "status"], None),
]
# The new version is the clock in microseconds (or one more than the last, if the clock is behind):
# it only ever grows, even across a restore from backup, so a figure cached before a restore can
# never be taken for one computed after it.
BUMP_POSTGRESQL = (
    "UPDATE benchmarking_countsversion SET value = "
    "GREATEST(value + 1, (EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::bigint) WHERE id = 1;"
)
BUMP_SQLITE = (
    "UPDATE benchmarking_countsversion SET value = "
    "MAX(value + 1, CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER)) WHERE id = 1;"
)


def _postgresql(table, columns, rows_matter):
    """Statement-level triggers with transition tables: one bump per statement, so a bulk load
    of fifty thousand rows costs one update of the version row, not fifty thousand. Each
    transition table is queried under its own IF: PL/pgSQL plans a whole condition at once, and
    an INSERT trigger has no old_rows to plan against."""
    changed = " OR ".join(f"n.{c} IS DISTINCT FROM o.{c}" for c in columns)
    name = f"{table}_counts"
    branches = [
        f"IF TG_OP = 'UPDATE' THEN IF EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE {changed}) THEN {BUMP_POSTGRESQL} END IF; END IF;"
    ]
    if rows_matter:
        branches += [
            f"IF TG_OP = 'INSERT' THEN IF EXISTS (SELECT 1 FROM new_rows WHERE published_at IS NOT NULL) THEN {BUMP_POSTGRESQL} END IF; END IF;",
            f"IF TG_OP = 'DELETE' THEN IF EXISTS (SELECT 1 FROM old_rows WHERE published_at IS NOT NULL) THEN {BUMP_POSTGRESQL} END IF; END IF;",
        ]
    statements = [
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        + " ".join(branches)
        + " RETURN NULL; END $$;",
        f"DROP TRIGGER IF EXISTS {name}_update ON {table};",
        f"CREATE TRIGGER {name}_update AFTER UPDATE ON {table} REFERENCING OLD TABLE AS old_rows "
        f"NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {name}();",
    ]
    if rows_matter:
        statements += [
            f"DROP TRIGGER IF EXISTS {name}_insert ON {table};",
            f"DROP TRIGGER IF EXISTS {name}_delete ON {table};",
            f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}();",
            f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}();",
        ]
    return statements


def _sqlite(table, columns, rows_matter):
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)
    # Dropped first: a trigger of an older list of columns is replaced, not kept (SQLite has no
    # CREATE OR REPLACE TRIGGER), so a column added to WATCHED is watched after the next migrate.
    statements = [
        f"DROP TRIGGER IF EXISTS {table}_counts_update;",
        f"CREATE TRIGGER {table}_counts_update AFTER UPDATE ON {table} WHEN {changed} BEGIN {BUMP_SQLITE} END;",
    ]
    if rows_matter:
        statements += [
            f"CREATE TRIGGER IF NOT EXISTS {table}_counts_insert AFTER INSERT ON {table} "
            f"WHEN NEW.published_at IS NOT NULL BEGIN {BUMP_SQLITE} END;",
            f"CREATE TRIGGER IF NOT EXISTS {table}_counts_delete AFTER DELETE ON {table} "
            f"WHEN OLD.published_at IS NOT NULL BEGIN {BUMP_SQLITE} END;",
        ]
    return statements


def _postgresql_wholly(table):
    name = f"{table}_counts"
    statements = [
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"{BUMP_POSTGRESQL} RETURN NULL; END $$;"
    ]
    for event in EVENTS:
        statements += [
            f"DROP TRIGGER IF EXISTS {name}_{event} ON {table};",
            f"CREATE TRIGGER {name}_{event} AFTER {event.upper()} ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}();",
        ]
    return statements


def _sqlite_wholly(table):
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_counts_{event} AFTER {event.upper()} ON {table} "
        f"BEGIN {BUMP_SQLITE} END;"
        for event in EVENTS
    ]


def _postgresql_shown(table, columns, condition):
    changed = " OR ".join(f'n."{c}" IS DISTINCT FROM o."{c}"' for c in columns)
    where = f"({changed})" + (f" AND {condition.format(row='n')}" if condition else "")
    name = f"{table}_shown"
    return [
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE {where}) THEN "
        f"{BUMP_POSTGRESQL} END IF; RETURN NULL; END $$;",
        f"DROP TRIGGER IF EXISTS {name}_update ON {table};",
        f"CREATE TRIGGER {name}_update AFTER UPDATE ON {table} REFERENCING OLD TABLE AS old_rows "
        f"NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {name}();",
    ]


def _sqlite_shown(table, columns, condition):
    changed = " OR ".join(f'NEW."{c}" IS NOT OLD."{c}"' for c in columns)
    when = f"({changed})" + (f" AND {condition.format(row='NEW')}" if condition else "")
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_shown_update AFTER UPDATE ON {table} "
        f"WHEN {when} BEGIN {BUMP_SQLITE} END;"
    ]


def trigger_statements(vendor: str, existing_columns: dict[str, set[str]] | None = None) -> list[str]:
    """Every statement installing the triggers. ``existing_columns`` (table -> its columns)
    narrows WATCHED to the columns a table has yet: migrating a new database from the start
    runs 0005 long before a later migration adds a watched column (the region keys, 0017), and
    SQLite refuses every later table rename while a trigger names a missing column. The
    post_migrate handler installs them again, whole, once the columns are there."""
    if vendor not in ("postgresql", "sqlite"):
        raise RuntimeError(
            f"no counts-version triggers for {vendor}: add them to benchmarking.counting_triggers"
        )
    make, make_wholly, make_shown = (
        (_postgresql, _postgresql_wholly, _postgresql_shown)
        if vendor == "postgresql"
        else (_sqlite, _sqlite_wholly, _sqlite_shown)
    )
    return (
        [
            statement
            for table, columns, rows_matter in WATCHED
            for statement in make(
                table,
                [c for c in columns if existing_columns is None or c in existing_columns.get(table, ())],
                rows_matter,
            )
        ]
        + [
            statement
            for table in WATCHED_WHOLLY
            # A table a later migration creates is watched once it exists (the post_migrate run).
            if existing_columns is None or existing_columns.get(table)
            for statement in make_wholly(table)
        ]
        + [
            statement
            for table, columns, condition in WATCHED_SHOWN
            for statement in make_shown(
                table,
                [c for c in columns if existing_columns is None or c in existing_columns.get(table, ())],
                condition,
            )
        ]
    )


def _watched_tables() -> list[str]:
    return [table for table, _columns, _rows in WATCHED] + WATCHED_WHOLLY


def expected_trigger_names() -> set[str]:
    partly = {
        f"{table}_counts_{event}"
        for table, _columns, rows_matter in WATCHED
        for event in (EVENTS if rows_matter else ("update",))
    }
    wholly = {f"{table}_counts_{event}" for table in WATCHED_WHOLLY for event in EVENTS}
    return partly | wholly | {f"{table}_shown_update" for table, _columns, _condition in WATCHED_SHOWN}


def installed_trigger_names(connection) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {row[0] for row in cursor.fetchall()} & expected_trigger_names()


def install_counts_triggers(connection) -> None:
    """(Re)install every trigger; harmless when they are all there."""
    with connection.cursor() as cursor:
        existing = {
            table: {column.name for column in connection.introspection.get_table_description(cursor, table)}
            for table in {table for table, _columns, _rows in WATCHED}
            | {table for table, _columns, _condition in WATCHED_SHOWN}
            | (set(WATCHED_WHOLLY) & set(connection.introspection.table_names(cursor)))
        }
        for statement in trigger_statements(connection.vendor, existing):
            cursor.execute(statement)


def reinstall_after_migrate(sender, using, plan=None, **kwargs) -> None:
    """post_migrate: put back any trigger a table rebuild dropped, once the counts table exists."""
    from django.db import connections

    connection = connections[using]
    if "benchmarking_countsversion" not in connection.introspection.table_names():
        return  # migrated backwards past 0005
    install_counts_triggers(connection)


def drop_counts_triggers(connection) -> None:
    """Remove every trigger (and, on PostgreSQL, its function): migration 0005 backwards."""
    postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        for table in _watched_tables():
            for event in EVENTS:
                on_table = f" ON {table}" if postgresql else ""
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_counts_{event}{on_table}")
            if postgresql:
                cursor.execute(f"DROP FUNCTION IF EXISTS {table}_counts()")
        for table, _columns, _condition in WATCHED_SHOWN:
            cursor.execute(
                f"DROP TRIGGER IF EXISTS {table}_shown_update{' ON ' + table if postgresql else ''}"
            )
            if postgresql:
                cursor.execute(f"DROP FUNCTION IF EXISTS {table}_shown()")
