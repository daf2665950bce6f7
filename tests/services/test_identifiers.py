"""Merging the standards an older key rule split in two (services.identifiers): the dry run
writes nothing; the real run keeps one, repoints every reference, records history and stores
the key; a second run finds nothing; references that disagree stop their group."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from benchmarking.choices import StandardKind
from benchmarking.models import (
    Declaration,
    IndicatorReferenceValue,
    SchemeBenchmark,
    Standard,
    TechnicalScheme,
)
from benchmarking.services.identifiers import (
    standard_key_groups,
    standard_references,
    standards_merge_duplicates,
)
from tests.factories import IndicatorFactory, SchemeFactory, StandardFactory


def legacy(number: str, title: str, kind: str = StandardKind.FOREIGN) -> Standard:
    """A standard stored under a spelling the key rule used to leave as it was typed. The
    field normalises every value the ORM sends (saves, updates, lookups alike), so the old
    spelling is written in SQL."""
    standard = StandardFactory(title=title, kind=kind)
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(Standard._meta.db_table)
        cursor.execute(f"UPDATE {table} SET number = %s WHERE id = %s", [number, standard.pk])
    standard.refresh_from_db()
    assert standard.number == number
    return standard


@pytest.fixture
def split(declare, enterprise, bureau_staff):
    """GB/T 4754—2017 stored twice (the older one as GBT 4754-2017, taken for a foreign
    standard), QB/T 1234—2010 stored twice without its key, and JIS B 1180:2014 once under a
    glued spelling; schemes, a reference value and a declaration point at the old spellings."""
    old = legacy("GBT 4754-2017", "国民经济行业分类（旧录入）")
    key = Standard.objects.create(number="GB/T 4754—2017", title="国民经济行业分类", kind="national")
    qb_old = legacy("QBT 1234-2010", "保温杯")
    qb_newer = legacy("QB T 1234-2010", "保温杯（重复）")
    jis = legacy("JIS B1180:2014", "六角螺栓")

    both = SchemeFactory(code="YKDB-BOTH")
    SchemeBenchmark.objects.create(scheme=both, standard=key, order=1)
    SchemeBenchmark.objects.create(scheme=both, standard=old, order=2)  # the same standard twice
    only_old = SchemeFactory(code="YKDB-OLD")
    SchemeBenchmark.objects.create(scheme=only_old, standard=old, order=1)
    SchemeBenchmark.objects.create(scheme=only_old, standard=qb_newer, order=2)
    indicator = IndicatorFactory(scheme=only_old)
    IndicatorReferenceValue.objects.create(indicator=indicator, standard=old, value="≥ 12 h")
    declaration = declare(enterprise, model="YK-500")
    Declaration.objects.filter(pk=declaration.pk).update(executed_standard=qb_newer)
    return {
        "old": old,
        "key": key,
        "qb_old": qb_old,
        "qb_newer": qb_newer,
        "jis": jis,
        "both": both,
        "only_old": only_old,
        "declaration": declaration,
    }


def snapshot() -> dict:
    return {
        "standards": sorted(Standard.objects.values_list("pk", "number", "kind")),
        "benchmarks": sorted(SchemeBenchmark.objects.values_list("pk", "scheme_id", "standard_id")),
        "references": sorted(IndicatorReferenceValue.objects.values_list("pk", "standard_id")),
        "declarations": sorted(Declaration.objects.values_list("pk", "executed_standard_id", "version")),
        "history": (
            Standard.history.count(),
            SchemeBenchmark.history.count(),
            Declaration.history.count(),
        ),
    }


def test_every_reference_to_a_standard_is_found_in_meta():
    found = {(r.model, r.field.name) for r in standard_references()}
    assert found == {
        (SchemeBenchmark, "standard"),
        (IndicatorReferenceValue, "standard"),
        (Declaration, "executed_standard"),
        # What a standard replaces (被代替): the table Django made for the many-to-many.
        (Standard.replaces.through, "from_standard"),
        (Standard.replaces.through, "to_standard"),
    }


def test_the_groups_are_the_keys_stored_otherwise(split):
    groups = standard_key_groups()
    assert {key: [s.pk for s in group] for key, group in groups.items()} == {
        "GB/T 4754—2017": [split["old"].pk, split["key"].pk],
        "JIS B 1180:2014": [split["jis"].pk],
        "QB/T 1234—2010": [split["qb_old"].pk, split["qb_newer"].pk],
    }


def test_the_dry_run_writes_nothing(split):
    before = snapshot()
    merges = standards_merge_duplicates(dry_run=True)
    assert snapshot() == before
    gb = next(m for m in merges if m.key == "GB/T 4754—2017")
    assert gb.kept == split["key"]
    assert gb.merged == [split["old"]]
    assert gb.repointed == {"对标标准": 1, "各标准规定值": 1}
    assert gb.dropped == {"对标标准": 1}


def test_the_real_run_merges_repoints_keeps_history_and_stores_the_key(split, bureau_staff):
    merges = standards_merge_duplicates(dry_run=False, actor=bureau_staff)
    assert all(m.done for m in merges)

    # One record per key, each stored under its key, with the kind its key implies.
    assert sorted(Standard.objects.exclude(number="Q/YKJB 001—2024").values_list("number", "kind")) == [
        ("GB/T 4754—2017", "national"),
        ("JIS B 1180:2014", "foreign"),
        ("QB/T 1234—2010", "industry"),
    ]
    # The canonical one is kept although younger; without one, the oldest.
    assert Standard.objects.get(number="GB/T 4754—2017").pk == split["key"].pk
    qb = Standard.objects.get(number="QB/T 1234—2010")
    assert qb.pk == split["qb_old"].pk and qb.title == "保温杯"

    # Every reference points at the kept one; the scheme listing it twice lists it once.
    assert list(split["both"].benchmark_standards.values_list("number", flat=True)) == ["GB/T 4754—2017"]
    assert list(
        SchemeBenchmark.objects.filter(scheme=split["only_old"]).values_list("standard__number", flat=True)
    ) == ["GB/T 4754—2017", "QB/T 1234—2010"]
    assert IndicatorReferenceValue.objects.get().standard_id == split["key"].pk
    declaration = Declaration.objects.get(pk=split["declaration"].pk)
    assert declaration.executed_standard_id == qb.pk

    # History: who, and why, on the standards deleted, renamed and on the rows moved.
    deleted = Standard.history.get(id=split["old"].pk, history_type="-")
    assert deleted.history_change_reason == "合并重复标准：GBT 4754-2017 并入 GB/T 4754—2017"
    assert deleted.history_user == bureau_staff
    renamed = Standard.history.filter(id=qb.pk).latest("history_date")
    assert renamed.history_change_reason == "合并重复标准：QB T 1234-2010 并入 QB/T 1234—2010"
    jis = Standard.history.filter(id=split["jis"].pk).latest("history_date")
    assert jis.history_change_reason == "标准编号统一为 JIS B 1180:2014（原为 JIS B1180:2014）"
    moved = declaration.history.latest("history_date")
    assert moved.history_change_reason.startswith("合并重复标准")
    assert moved.history_user == bureau_staff
    dropped = SchemeBenchmark.history.get(scheme_id=split["both"].pk, history_type="-")
    assert dropped.standard_id == split["old"].pk


def test_a_second_run_finds_nothing(split):
    standards_merge_duplicates(dry_run=False)
    before = snapshot()
    assert standards_merge_duplicates(dry_run=False) == []
    assert snapshot() == before


def test_references_that_disagree_leave_their_group_alone(db):
    key = Standard.objects.create(number="ISO 9001:2015", title="质量管理体系", kind="international")
    old = legacy("ISO 9001-2015", "质量管理体系（旧录入）", kind=StandardKind.INTERNATIONAL)
    indicator = IndicatorFactory()
    IndicatorReferenceValue.objects.create(indicator=indicator, standard=key, value="12")
    IndicatorReferenceValue.objects.create(indicator=indicator, standard=old, value="13")

    [merge] = standards_merge_duplicates(dry_run=False)

    assert not merge.done
    assert "各标准规定值" in merge.conflicts[0]
    assert Standard.objects.filter(pk__in=[key.pk, old.pk]).count() == 2
    assert IndicatorReferenceValue.objects.filter(standard=old).exists()


def test_the_command_dry_run_then_real_run(split):
    out = io.StringIO()
    before = snapshot()
    call_command("merge_duplicate_standards", "--dry-run", stdout=out)
    assert snapshot() == before
    printed = out.getvalue()
    assert "试运行" in printed
    assert f"GB/T 4754—2017：保留 #{split['key'].pk}「GB/T 4754—2017 国民经济行业分类」" in printed
    assert f"并入 #{split['old'].pk}「GBT 4754-2017" in printed
    assert "删除重复的对标标准 1 条" in printed
    assert "将处理 3 组" in printed

    schemes = TechnicalScheme.objects.count()
    out = io.StringIO()
    call_command("merge_duplicate_standards", stdout=out)
    assert "已处理 3 组" in out.getvalue()
    # (Not a lookup by the old spellings: the field normalises those to the keys.)
    assert sorted(Standard.objects.values_list("number", flat=True)) == [
        "GB/T 4754—2017",
        "JIS B 1180:2014",
        "Q/YKJB 001—2024",
        "QB/T 1234—2010",
    ]
    assert TechnicalScheme.objects.count() == schemes  # the references moved, nothing else went

    out = io.StringIO()
    call_command("merge_duplicate_standards", stdout=out)
    assert "没有需要合并" in out.getvalue()
