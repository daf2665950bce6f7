"""The counts version and the triggers that raise it (see benchmarking.models.counting)."""

from django.db import migrations, models


# -- the triggers that raise the counts version ----------------------------------------
# (table, columns whose change can change a count, whether inserting/deleting a published row counts)
WATCHED = [
    ("benchmarking_declaration", ["published_at", "withdrawn_at", "enterprise_id"], True),
    ("benchmarking_technicalscheme", ["published_at", "withdrawn_at", "industry_id"], True),
    ("benchmarking_enterprise", ["branch_office_id", "industry_id"], False),
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
    BUMP = BUMP_POSTGRESQL
    changed = " OR ".join(f"n.{c} IS DISTINCT FROM o.{c}" for c in columns)
    name = f"{table}_counts"
    branches = [
        f"IF TG_OP = 'UPDATE' THEN IF EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE {changed}) THEN {BUMP} END IF; END IF;"
    ]
    if rows_matter:
        branches += [
            f"IF TG_OP = 'INSERT' THEN IF EXISTS (SELECT 1 FROM new_rows WHERE published_at IS NOT NULL) THEN {BUMP} END IF; END IF;",
            f"IF TG_OP = 'DELETE' THEN IF EXISTS (SELECT 1 FROM old_rows WHERE published_at IS NOT NULL) THEN {BUMP} END IF; END IF;",
        ]
    statements = [
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        + " ".join(branches)
        + " RETURN NULL; END $$;",
        f"CREATE TRIGGER {name}_update AFTER UPDATE ON {table} REFERENCING OLD TABLE AS old_rows "
        f"NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {name}();",
    ]
    if rows_matter:
        statements += [
            f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}();",
            f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}();",
        ]
    return statements


def _sqlite(table, columns, rows_matter):
    BUMP = BUMP_SQLITE
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)
    statements = [f"CREATE TRIGGER {table}_counts_update AFTER UPDATE ON {table} WHEN {changed} BEGIN {BUMP} END;"]
    if rows_matter:
        statements += [
            f"CREATE TRIGGER {table}_counts_insert AFTER INSERT ON {table} "
            f"WHEN NEW.published_at IS NOT NULL BEGIN {BUMP} END;",
            f"CREATE TRIGGER {table}_counts_delete AFTER DELETE ON {table} "
            f"WHEN OLD.published_at IS NOT NULL BEGIN {BUMP} END;",
        ]
    return statements


def create_triggers(apps, schema_editor):
    apps.get_model("benchmarking", "CountsVersion").objects.using(schema_editor.connection.alias).create(
        id=1, value=0
    )
    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise RuntimeError(f"no counts-version triggers for {vendor}: write them in this migration")
    make = _postgresql if vendor == "postgresql" else _sqlite
    for table, columns, rows_matter in WATCHED:
        for statement in make(table, columns, rows_matter):
            schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for table, _columns, _rows in WATCHED:
        for event in ("update", "insert", "delete"):
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS {table}_counts_{event}" + (f" ON {table}" if postgresql else "")
            )
        if postgresql:
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_counts()")



class Migration(migrations.Migration):

    dependencies = [
        ('benchmarking', '0004_history'),
    ]

    operations = [
        migrations.CreateModel(
            name='CountsVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('value', models.BigIntegerField(default=0, verbose_name='计数版本')),
            ],
            options={
                'verbose_name': '计数版本',
                'verbose_name_plural': '计数版本',
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]

