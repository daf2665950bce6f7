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
    # columns (tests/views/test_public_cache.py), 12 for the four tables of the 质量强市 figures,
    # 3 for which standard replaces which (the 对标标准已更新 reasons)
    assert len(expected_trigger_names()) == 43


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


def test_a_new_quality_record_raises_the_counts_version(db):
    """The dashboard's 质量强市 section is cached per counts version (selectors.quality)."""
    import datetime as dt

    from benchmarking.models import BeltRoadCertificate
    from benchmarking.selectors.progress import counts_version
    from tests.factories import EnterpriseFactory

    enterprise = EnterpriseFactory()
    before = counts_version()
    certificate = BeltRoadCertificate.objects.create(
        enterprise=enterprise, number="YDYL-TRIGGER-1", product="电锤", issued_on=dt.date(2026, 3, 1)
    )
    after_insert = counts_version()
    assert after_insert > before
    BeltRoadCertificate.objects.filter(pk=certificate.pk).update(status="revoked")
    assert counts_version() > after_insert


def test_recording_a_replacement_raises_the_counts_version(db):
    """A standard already 废止 that is then recorded as replaced changes no status, yet the
    public pages' reason changes from 已废止 to 已被 … 代替: they are cached per counts version."""
    from benchmarking.selectors.progress import counts_version
    from tests.factories import StandardFactory

    old, new = StandardFactory(number="GB/T 1—2000"), StandardFactory(number="GB/T 1—2026")
    before = counts_version()
    new.replaces.add(old)
    assert counts_version() > before


def test_migrating_from_the_start_skips_tables_a_later_migration_creates():
    """Migration 0005 installs the triggers long before 0021 creates the quality tables."""
    from benchmarking.counting_triggers import trigger_statements

    statements = trigger_statements("sqlite", {"benchmarking_plan": {"id"}})
    assert not any("benchmarking_pincertificate" in s for s in statements)
    assert any("ON benchmarking_plan " in s for s in statements)
