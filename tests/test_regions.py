"""The region tree as data: Zhejiang's GB/T 2260 list as the data migration loads it, the file
it comes from, the loader (idempotent, reversible), the county a credit code names, and the
read-only admin."""

import csv
import dataclasses
import datetime as dt
import importlib
from collections import Counter
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.models import ProtectedError
from django.urls import reverse

from benchmarking.choices import COUNTY_LEVEL_KINDS, RegionKind
from benchmarking.demo.builder import build_demo
from benchmarking.models import Region
from benchmarking.regions import (
    ZHEJIANG_2025,
    county_code_of_credit_code,
    load_regions,
    read_regions_csv,
    unload_regions,
)
from benchmarking.selectors.regions import county_level_codes, county_of_credit_code
from benchmarking.validators import credit_code_check_character

pytestmark = pytest.mark.django_db

DATA_MIGRATION = ("benchmarking", "0016_regions_zhejiang")
STAFF_GROUPS = ("市局工作人员", "基层所工作人员", "局领导")


def credit_code(region: str, body: str = "MA2EXAMP1") -> str:
    """A well-formed 统一社会信用代码 registered in ``region`` (91: an enterprise registered
    by market regulation, then the region, a 9-character organisation code, the check character)."""
    first17 = "91" + region + body
    return first17 + credit_code_check_character(first17)


# -- the tree the migration loaded ---------------------------------------------------------------


def test_one_province_eleven_prefectures_ninety_county_level_units():
    kinds = Counter(Region.objects.values_list("kind", flat=True))
    assert kinds == {
        RegionKind.PROVINCE: 1,
        RegionKind.PREFECTURE: 11,
        RegionKind.DISTRICT: 37,
        RegionKind.COUNTY_CITY: 20,
        RegionKind.COUNTY: 32,
        RegionKind.AUTONOMOUS_COUNTY: 1,
    }
    assert Region.objects.filter(kind__in=COUNTY_LEVEL_KINDS).count() == 90
    province = Region.objects.get(parent__isnull=True)
    assert (province.code, province.name, province.kind) == ("330000", "浙江省", RegionKind.PROVINCE)
    assert sorted(Region.objects.filter(parent=province).values_list("name", flat=True)) == sorted(
        [
            "杭州市",
            "宁波市",
            "温州市",
            "嘉兴市",
            "湖州市",
            "绍兴市",
            "金华市",
            "衢州市",
            "舟山市",
            "台州市",
            "丽水市",
        ]
    )


def test_codes_are_unique_and_agree_with_the_tree():
    regions = list(Region.objects.select_related("parent"))
    codes = [region.code for region in regions]
    assert len(set(codes)) == len(codes) == 102
    for region in regions:
        assert len(region.code) == 6 and region.code.isdigit(), region
        assert region.code.startswith("33"), region
        if region.kind == RegionKind.PREFECTURE:
            assert region.code.endswith("00") and region.parent.code == "330000", region
        elif region.kind in COUNTY_LEVEL_KINDS:
            # A county's code is its prefecture's first four digits and its own two.
            assert region.parent.kind == RegionKind.PREFECTURE, region
            assert region.code[:4] == region.parent.code[:4] and region.code[4:] != "00", region
            # GB/T 2260's numbering: 01–20 市辖区, 21–80 县 and 自治县, 81–99 县级市.
            number = int(region.code[4:])
            expected = {
                RegionKind.DISTRICT: range(1, 21),
                RegionKind.COUNTY: range(21, 81),
                RegionKind.AUTONOMOUS_COUNTY: range(21, 81),
                RegionKind.COUNTY_CITY: range(81, 100),
            }[region.kind]
            assert number in expected, region
    # Short names name one region each, so "居金华第 1" is never ambiguous.
    short_names = [region.short_name for region in regions]
    assert len(set(short_names)) == len(short_names)


def test_yongkang_is_a_county_level_city_of_jinhua():
    yongkang = Region.objects.select_related("parent").get(code="330784")
    assert (yongkang.name, yongkang.short_name, yongkang.kind) == ("永康市", "永康", RegionKind.COUNTY_CITY)
    assert (yongkang.parent.code, yongkang.parent.name, yongkang.parent.short_name) == (
        "330700",
        "金华市",
        "金华",
    )
    assert list(Region.objects.filter(parent__code="330700").values_list("name", flat=True)) == [
        "婺城区",
        "金东区",
        "武义县",
        "浦江县",
        "磐安县",
        "兰溪市",
        "义乌市",
        "东阳市",
        "永康市",
    ]
    # The comparison group of "全省县级市第一": Zhejiang's 20 county-level cities.
    cities = Region.objects.filter(kind=RegionKind.COUNTY_CITY)
    assert cities.count() == 20 and cities.filter(code="330784").exists()
    assert str(yongkang) == "永康市"


def test_the_2021_hangzhou_reorganisation_is_reflected():
    hangzhou = set(Region.objects.filter(parent__code="330100").values_list("code", "name"))
    assert {
        ("330113", "临平区"),
        ("330114", "钱塘区"),
        ("330102", "上城区"),
        ("330105", "拱墅区"),
    } <= hangzhou
    # 下城区 and 江干区 were merged away; their codes are no longer in the standard.
    assert not Region.objects.filter(code__in=["330103", "330104"]).exists()
    assert not Region.objects.filter(name__in=["下城区", "江干区"]).exists()
    assert len(hangzhou) == 13


def test_every_region_has_the_history_record_of_its_load():
    assert Region.history.count() == Region.objects.count()
    record = Region.history.get(code="330784")
    assert record.history_type == "+" and record.history_user is None
    assert "GB/T 2260" in record.history_change_reason and "2025" in record.history_change_reason


def test_the_stored_tree_is_exactly_the_file():
    rows = read_regions_csv(ZHEJIANG_2025)
    stored = {
        (r.code, r.name, r.short_name, r.kind, r.parent.code if r.parent else "")
        for r in Region.objects.select_related("parent")
    }
    assert stored == {(r.code, r.name, r.short_name, r.kind, r.parent_code) for r in rows}
    header = ZHEJIANG_2025.read_text(encoding="utf-8").splitlines()[:3]
    # The source is cited in the file itself.
    assert any("yescallop/areacodes" in line and "data/2025.txt" in line for line in header)


# -- the model's own rules -----------------------------------------------------------------------


def test_only_the_province_has_no_parent():
    orphan = Region(code="339999", name="测试县", short_name="测试", kind=RegionKind.COUNTY)
    with pytest.raises(ValidationError) as caught:
        orphan.full_clean()
    assert "其他行政区必须有上级行政区" in str(caught.value)
    province = Region.objects.get(code="330000")
    adopted = Region(code="330001", name="测试省", short_name="测", kind=RegionKind.PROVINCE, parent=province)
    with pytest.raises(ValidationError):
        adopted.full_clean()


def test_a_code_is_six_digits_and_unique():
    jinhua = Region.objects.get(code="330700")
    for bad in ("33078", "33078A", "3307844"):
        region = Region(code=bad, name="测试县", short_name="测试", kind=RegionKind.COUNTY, parent=jinhua)
        with pytest.raises(ValidationError) as caught:
            region.full_clean()
        assert "code" in caught.value.message_dict, bad
    again = Region(
        code="330784", name="永康市", short_name="永康", kind=RegionKind.COUNTY_CITY, parent=jinhua
    )
    with pytest.raises(ValidationError) as caught:
        again.full_clean()
    assert "code" in caught.value.message_dict


# -- the file reader refuses what the loader could not trust --------------------------------------

HEADER = "code,name,short_name,kind,parent_code\n"
GOOD = "330000,浙江省,浙江,province,\n330700,金华市,金华,prefecture,330000\n"


@pytest.mark.parametrize(
    "body, complaint",
    [
        ("330000,浙江省,浙江,province,\n33070,金华市,金华,prefecture,330000\n", "not 6 digits"),
        ("330000,浙江省,浙江,province,\n３３０７００,金华市,金华,prefecture,330000\n", "not 6 digits"),
        (GOOD + "330700,金华市,金华,prefecture,330000\n", "appears twice"),
        (GOOD + "330784,永康市,永康,city,330700\n", "unknown kind"),
        (GOOD + "330784,永康市,永康,county_city,330799\n", "not defined above"),
        ("330784,永康市,永康,county_city,330700\n" + GOOD, "not defined above"),
        (GOOD + "330784,永康市,永康,county_city,\n", "only a province"),
        (GOOD + "330784,,永康,county_city,330700\n", "name"),
        (GOOD + "330784,永康市,永康,county_city\n", "columns"),
    ],
)
def test_a_bad_region_file_is_refused_naming_the_line(tmp_path, body, complaint):
    path = tmp_path / "regions.csv"
    path.write_text("# a comment\n" + HEADER + body, encoding="utf-8")
    with pytest.raises(ValueError) as caught:
        read_regions_csv(path)
    assert complaint in str(caught.value)
    assert "line " in str(caught.value)


def test_a_region_file_needs_its_header(tmp_path):
    path = tmp_path / "regions.csv"
    path.write_text("code,name,kind,parent_code\n330000,浙江省,province,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="header"):
        read_regions_csv(path)


def test_the_zhejiang_file_reads_as_102_rows_parents_first():
    rows = read_regions_csv(ZHEJIANG_2025)
    assert len(rows) == 102
    with ZHEJIANG_2025.open(encoding="utf-8") as f:
        data_lines = [line for line in f if not line.startswith("#")]
    assert len(list(csv.reader(data_lines))) == 103  # the header and the rows


# -- the data migration: idempotent and reversible ------------------------------------------------


@pytest.fixture(scope="module")
def migration_state():
    """The models as the data migration sees them, and the migration's own module."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    apps = loader.project_state(DATA_MIGRATION, at_end=True).apps
    module = importlib.import_module(f"benchmarking.migrations.{DATA_MIGRATION[1]}")
    return SimpleNamespace(apps=apps, module=module, schema_editor=SimpleNamespace(connection=connection))


def snapshot():
    return (
        sorted(Region.objects.values_list("id", "code", "name", "short_name", "kind", "parent_id")),
        Region.history.count(),
    )


def staff_groups_may_view_regions() -> dict[str, bool]:
    return {
        name: Group.objects.get(name=name).permissions.filter(codename="view_region").exists()
        for name in (*STAFF_GROUPS, "企业用户")
    }


def test_running_the_data_migration_again_changes_nothing(migration_state):
    before = snapshot()
    migration_state.module.load(migration_state.apps, migration_state.schema_editor)
    assert snapshot() == before
    assert staff_groups_may_view_regions() == {**dict.fromkeys(STAFF_GROUPS, True), "企业用户": False}


def test_the_data_migration_reverses_and_loads_again(migration_state):
    migration_state.module.unload(migration_state.apps, migration_state.schema_editor)
    assert not Region.objects.exists()
    assert not Region.history.exists()
    assert not any(staff_groups_may_view_regions().values())

    migration_state.module.load(migration_state.apps, migration_state.schema_editor)
    assert Region.objects.count() == 102
    assert Region.history.filter(history_type="+").count() == 102
    assert Region.objects.get(code="330784").parent.code == "330700"
    assert staff_groups_may_view_regions() == {**dict.fromkeys(STAFF_GROUPS, True), "企业用户": False}


def test_a_corrected_edition_updates_in_place_and_records_the_change(tmp_path):
    """A later edition of the file (a renamed unit) corrects the stored row, keeping its id, and
    adds one "~" record to its history; the rest stays as it was."""
    before = Region.objects.get(code="330784")
    rows = read_regions_csv(ZHEJIANG_2025)
    edition = [
        dataclasses.replace(row, short_name="永康（新）") if row.code == "330784" else row for row in rows
    ]
    created, changed = load_regions(edition, region_model=Region, history_model=Region.history.model)
    assert (created, changed) == (0, 1)
    after = Region.objects.get(code="330784")
    assert after.pk == before.pk and after.short_name == "永康（新）"
    assert list(Region.history.filter(code="330784").values_list("history_type", flat=True)) == ["~", "+"]
    assert load_regions(edition, region_model=Region, history_model=Region.history.model) == (0, 0)


def test_unloading_a_region_something_points_to_is_refused():
    """PROTECT: a prefecture with counties under it cannot be deleted from under them."""
    jinhua_only = [row for row in read_regions_csv(ZHEJIANG_2025) if row.code == "330700"]
    with pytest.raises(ProtectedError):
        unload_regions(jinhua_only, region_model=Region, history_model=Region.history.model)
    assert Region.objects.filter(code="330700").exists()


# -- the county a credit code names ---------------------------------------------------------------


def test_every_demo_enterprise_maps_to_yongkang():
    counties = county_level_codes()
    demo_codes = {enterprise.credit_code for enterprise in build_demo().enterprises}
    assert len(demo_codes) == 268
    assert {county_code_of_credit_code(code, counties) for code in demo_codes} == {"330784"}


@pytest.mark.parametrize(
    "code, county",
    [
        ("913307847691102761", "330784"),  # the demo's enterprise A (浙江信正杯业)
        (credit_code("330782"), "330782"),  # 义乌市
        (credit_code("330113"), "330113"),  # 临平区, created in 2021
        (credit_code("331127"), "331127"),  # 景宁畲族自治县
        # As people paste it: spaces, lower case, full width.
        (" 9133 0784 7691 1027 61 ", "330784"),
        (credit_code("330782").lower().replace("9", "９", 1), "330782"),
        # Regions that are not county-level units: a prefecture's own bureau, its 市辖区 code,
        # the province, a unit since merged away, another province's county.
        (credit_code("330700"), None),
        (credit_code("330701"), None),
        (credit_code("330000"), None),
        (credit_code("330103"), None),  # 下城区, merged into 拱墅区 in 2021
        (credit_code("110101"), None),  # 北京市东城区: not in the loaded data
        # Not a credit code at all.
        ("", None),
        (None, None),
        ("9133078476911027", None),  # 16 characters
        ("9133078476911027612", None),  # 19 characters
        ("91ABCDEF7691102761", None),
    ],
)
def test_the_county_a_credit_code_names(
    code, county, django_assert_num_queries, django_assert_max_num_queries
):
    counties = county_level_codes()
    with django_assert_num_queries(0):  # the pure function asks nothing
        assert county_code_of_credit_code(code, counties) == county
    expected = Region.objects.get(code=county) if county else None
    with django_assert_max_num_queries(1):
        assert county_of_credit_code(code) == expected


def test_county_level_codes_is_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        codes = county_level_codes()
    assert len(codes) == 90 and "330784" in codes and "330700" not in codes and "330000" not in codes


# -- the admin: read only, for staff -------------------------------------------------------------


def test_staff_read_the_list_search_it_and_filter_it(client, bureau_staff, manager, branch_staff):
    url = reverse("admin:benchmarking_region_changelist")
    for user in (bureau_staff, manager, branch_staff):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert "永康市" in page and "景宁畲族自治县" in page  # the whole province on one page
        assert reverse("admin:benchmarking_region_add") not in page
    client.force_login(bureau_staff)
    jinhua = client.get(url, {"q": "3307"}).context["cl"].result_list
    assert [region.code for region in jinhua] == [
        "330700",
        "330702",
        "330703",
        "330723",
        "330726",
        "330727",
        "330781",
        "330782",
        "330783",
        "330784",
    ]
    by_name = client.get(url, {"q": "永康"}).context["cl"].result_list
    assert [region.code for region in by_name] == ["330784"]
    under = client.get(url, {"parent": "330700"}).context["cl"].result_list
    assert len(under) == 9
    cities = client.get(url, {"kind__exact": RegionKind.COUNTY_CITY}).context["cl"].result_list
    assert len(cities) == 20
    # An invisible character pasted with the code does not hide it.
    assert [r.code for r in client.get(url, {"q": "330784\u200b"}).context["cl"].result_list] == ["330784"]


def test_the_change_page_is_read_only_and_nothing_is_added_or_deleted(client, bureau_staff):
    client.force_login(bureau_staff)
    yongkang = Region.objects.get(code="330784")
    change = client.get(reverse("admin:benchmarking_region_change", args=[yongkang.pk]))
    assert change.status_code == 200
    page = change.content.decode()
    assert "永康市" in page and "金华市" in page and 'name="_save"' not in page
    assert client.get(reverse("admin:benchmarking_region_add")).status_code == 403
    assert (
        client.post(
            reverse("admin:benchmarking_region_delete", args=[yongkang.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("admin:benchmarking_region_change", args=[yongkang.pk]),
            {"code": "330784", "name": "改名", "short_name": "改", "kind": "county", "parent": ""},
        ).status_code
        == 403
    )
    yongkang.refresh_from_db()
    assert yongkang.name == "永康市"


def test_enterprise_users_do_not_reach_the_admin(client, enterprise_user):
    client.force_login(enterprise_user)
    response = client.get(reverse("admin:benchmarking_region_changelist"))
    assert response.status_code == 302 and reverse("admin:login") in response.url


def test_only_the_province_spans_the_whole_stored_tree():
    from benchmarking.regions import spans_the_whole_tree

    assert spans_the_whole_tree("330000")
    assert not spans_the_whole_tree("330700")
    assert not spans_the_whole_tree("330784")
    assert not spans_the_whole_tree("320000")  # 江苏: none of the stored tree


def test_the_province_counts_with_no_county_filter_and_the_same_figures(db):
    from benchmarking.regions import RegionScope
    from benchmarking.selectors.progress import counted_declarations, counted_schemes

    province = RegionScope("330000")
    # Every record's county is in the province: its filter would keep them all, so none is added.
    at = dt.date(2025, 6, 30)
    assert str(counted_declarations(at, region=province).query) == str(counted_declarations(at).query)
    assert str(counted_schemes(at, region=province).query) == str(counted_schemes(at).query)
    assert "region_id" in str(counted_declarations(at, region=RegionScope("330700")).query)
