"""The counts-version triggers are installed, survive a table rebuild, and install idempotently."""

from django.db import connection

from benchmarking.counting_triggers import (
    expected_trigger_names,
    install_counts_triggers,
    installed_trigger_names,
    reinstall_after_migrate,
)
from benchmarking.models import Declaration


def test_every_trigger_is_installed_on_the_migrated_database(db):
    assert installed_trigger_names(connection) == expected_trigger_names()
    # 19 for the counts, 3 for the scheme's benchmark standards, 6 for the public pages' shown
    # columns (tests/views/test_public_cache.py)
    assert len(expected_trigger_names()) == 28


def test_installing_again_changes_nothing(db):
    install_counts_triggers(connection)
    install_counts_triggers(connection)
    assert installed_trigger_names(connection) == expected_trigger_names()


def test_post_migrate_puts_back_a_trigger_a_table_rebuild_dropped(db):
    """SQLite rebuilds a table to alter most columns, which drops the table's triggers."""
    table = Declaration._meta.db_table
    on_table = f" ON {table}" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {table}_counts_update{on_table}")
    assert f"{table}_counts_update" not in installed_trigger_names(connection)

    reinstall_after_migrate(sender=None, using=connection.alias)

    assert installed_trigger_names(connection) == expected_trigger_names()
