"""The rank rules (benchmarking/ranks.py): standard competition ranking, the kind and prefecture
groups, counties with no figure, no ranks for a single county, the sentence as the bureau writes
it — over Zhejiang's real tree of 90 county-level units, read from the file the migration loads."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarking.choices import COUNTY_LEVEL_KINDS, RegionKind
from benchmarking.ranks import (
    CountyPlace,
    Rank,
    RankedMeasure,
    competition_ranks,
    county_ranks,
    has_ranks,
    kind_group,
    rank_highlight,
    rank_statement,
    ranks_by_county,
    tree_from_rows,
)
from benchmarking.regions import ZHEJIANG_2025, read_regions_csv
from benchmarking.selectors.ranks import county_places

ROWS = read_regions_csv(ZHEJIANG_2025)
SHORT = {row.code: row.short_name for row in ROWS}
ZHEJIANG = tree_from_rows(
    (row.code, row.kind, row.parent_code, SHORT[row.parent_code])
    for row in ROWS
    if row.kind in COUNTY_LEVEL_KINDS
)

YONGKANG, YIWU, DONGYANG, LANXI, WUCHENG = "330784", "330782", "330783", "330781", "330702"
XIHU, YUHANG, JINGNING, TONGLU = "330106", "330110", "331127", "330122"

# Schemes as the article has them: Yongkang's 61 first among 县级市 and in 金华, third in the
# province behind two of Hangzhou's districts.
SCHEMES = {XIHU: 70, YUHANG: 65, YONGKANG: 61, YIWU: 50, DONGYANG: 20, WUCHENG: 12, TONGLU: 3}


def test_the_tree_is_zhejiangs_ninety_county_level_units():
    assert len(ZHEJIANG) == 90
    assert ZHEJIANG[YONGKANG] == CountyPlace(
        kind="county_city", prefecture="330700", prefecture_short_name="金华"
    )


def test_ties_share_a_rank_and_the_next_rank_skips():
    ranks = competition_ranks({"a": 10, "b": 8, "c": 8, "d": 5, "e": 5, "f": 5, "g": 1})
    assert {key: rank.rank for key, rank in ranks.items()} == {
        "a": 1,
        "b": 2,
        "c": 2,
        "d": 4,
        "e": 4,
        "f": 4,
        "g": 7,
    }
    assert [ranks[key].tied for key in "abcdefg"] == [False, True, True, True, True, True, False]
    assert {rank.of for rank in ranks.values()} == {7}


def test_yongkangs_schemes_statement_reads_as_the_bureau_writes_it():
    assert (
        rank_statement(RankedMeasure.SCHEMES, YONGKANG, SCHEMES, ZHEJIANG)
        == "对标技术方案发布数 61 项，居全省县级市第 1、金华第 1，全省第 3 / 90"
    )


@pytest.mark.parametrize(
    ("measure", "figure", "expected"),
    [
        ("enterprises", 230, "完成对标企业数 230 家，居全省县级市第 1、金华第 1，全省第 3 / 90"),
        ("results", 480, "自我声明对标结果数 480 条，居全省县级市第 1、金华第 1，全省第 3 / 90"),
    ],
)
def test_each_measure_has_its_own_words_and_unit(measure, figure, expected):
    figures = {XIHU: 900, YUHANG: 800, YONGKANG: figure, YIWU: 100}
    assert rank_statement(measure, YONGKANG, figures, ZHEJIANG) == expected


def test_a_tie_says_bingle():
    figures = {**SCHEMES, YIWU: 61}
    assert rank_statement("schemes", YONGKANG, figures, ZHEJIANG) == (
        "对标技术方案发布数 61 项，居全省县级市并列第 1、金华并列第 1，全省并列第 3 / 90"
    )
    # The next one down skips the shared place: 东阳 is fifth in the province, third in 金华.
    dongyang = county_ranks(DONGYANG, figures, ZHEJIANG)
    assert (dongyang.province.rank, dongyang.prefecture.rank, dongyang.kind.rank) == (5, 3, 3)


def test_the_kind_groups_county_cities_districts_and_counties_with_the_autonomous_one():
    ranks = ranks_by_county(SCHEMES, ZHEJIANG)
    assert (ranks[YONGKANG].kind_label, ranks[YONGKANG].kind.of) == ("县级市", 20)
    assert (ranks[XIHU].kind_label, ranks[XIHU].kind.of, ranks[XIHU].kind.rank) == ("市辖区", 37, 1)
    # 景宁畲族自治县 is compared among the 县: 32 counties and itself.
    assert (ranks[JINGNING].kind_label, ranks[JINGNING].kind.of) == ("县", 33)
    assert (ranks[TONGLU].kind_label, ranks[TONGLU].kind.of, ranks[TONGLU].kind.rank) == ("县", 33, 1)
    assert kind_group(RegionKind.AUTONOMOUS_COUNTY) == kind_group(RegionKind.COUNTY) == RegionKind.COUNTY
    with pytest.raises(ValueError, match="not a county-level kind"):
        kind_group(RegionKind.PREFECTURE)


def test_the_prefecture_group_is_the_counties_under_it():
    ranks = ranks_by_county(SCHEMES, ZHEJIANG)
    jinhua = [code for code, place in ZHEJIANG.items() if place.prefecture == "330700"]
    assert len(jinhua) == 9
    assert {code: ranks[code].prefecture.rank for code in (YONGKANG, YIWU, DONGYANG, WUCHENG)} == {
        YONGKANG: 1,
        YIWU: 2,
        DONGYANG: 3,
        WUCHENG: 4,
    }
    assert {ranks[code].prefecture.of for code in jinhua} == {9}
    assert (ranks[XIHU].prefecture_name, ranks[XIHU].prefecture.rank) == ("杭州", 1)


def test_counties_with_no_figure_count_and_rank_last_together():
    figures = {**SCHEMES, LANXI: 0}  # 兰溪 says 0; the other 82 are missing
    ranks = ranks_by_county(figures, ZHEJIANG)
    assert len(ranks) == 90
    assert {rank.province.of for rank in ranks.values()} == {90}
    for code in (LANXI, "330881", JINGNING):
        assert (ranks[code].figure, ranks[code].province) == (0, Rank(rank=8, of=90, tied=True))
    assert rank_statement("schemes", LANXI, figures, ZHEJIANG) == (
        "对标技术方案发布数 0 项，居全省县级市并列第 4、金华并列第 5，全省并列第 8 / 90"
    )


@pytest.mark.parametrize(
    "figures",
    [
        {YONGKANG: 61},  # today's deployment: one county has records
        {code: 0 for code in ZHEJIANG} | {YONGKANG: 61},  # the tree loaded, every other county at 0
        {YONGKANG: 61, "330700": 80, None: 5},  # what is not a county of the tree is not ranked
        {},
    ],
)
def test_a_single_county_gets_no_rank_statement(figures):
    assert not has_ranks(figures, ZHEJIANG)
    assert ranks_by_county(figures, ZHEJIANG) == {}
    assert rank_statement("schemes", YONGKANG, figures, ZHEJIANG) is None


def test_no_tree_or_a_county_outside_it_gets_no_rank_statement():
    assert rank_statement("schemes", YONGKANG, SCHEMES, {}) is None
    assert rank_statement("schemes", "110101", SCHEMES, ZHEJIANG) is None  # 北京东城, not in the tree


def test_figures_outside_the_tree_are_left_out():
    noisy = {**SCHEMES, None: 1000, "330700": 999, "110101": 500}
    assert ranks_by_county(noisy, ZHEJIANG) == ranks_by_county(SCHEMES, ZHEJIANG)


def test_a_group_of_one_is_not_stated():
    tree = {
        "A": CountyPlace(kind="county_city", prefecture="P", prefecture_short_name="甲"),
        "B": CountyPlace(kind="district", prefecture="P", prefecture_short_name="甲"),
        "C": CountyPlace(kind="district", prefecture="Q", prefecture_short_name="乙"),
    }
    figures = {"A": 5, "B": 7, "C": 7}
    assert rank_statement("schemes", "A", figures, tree) == "对标技术方案发布数 5 项，居甲第 2，全省第 3 / 3"
    assert (
        rank_statement("schemes", "C", figures, tree)
        == "对标技术方案发布数 7 项，居全省市辖区并列第 1，全省并列第 1 / 3"
    )


def test_the_order_of_the_input_changes_nothing():
    figures = {code: random.Random(7).randrange(0, 5) for code in ZHEJIANG}
    expected = ranks_by_county(figures, ZHEJIANG)
    for seed in range(5):
        codes = list(ZHEJIANG)
        random.Random(seed).shuffle(codes)
        tree = {code: ZHEJIANG[code] for code in codes}
        random.Random(seed + 100).shuffle(codes)
        assert ranks_by_county({code: figures[code] for code in codes}, tree) == expected


def test_the_highlight_names_what_the_county_leads_and_the_front():
    ranks = ranks_by_county(SCHEMES, ZHEJIANG)
    assert rank_highlight(ranks[YONGKANG]) == "居全省县级市第 1、金华第 1、全省前列"
    assert rank_highlight(ranks[XIHU]) == "居全省市辖区第 1、杭州第 1、全省第 1"
    assert rank_highlight(ranks[DONGYANG]) == "居全省前列"  # fifth of 90, third in 金华
    assert (
        rank_highlight(ranks[TONGLU]) == "居全省县第 1、全省前列"
    )  # 3 schemes: first of the 县, third in 杭州
    # Ranks 1–7 are taken by the 7 counties with a figure: the 0s, tied at 8, are in the best
    # tenth of 90 and first among the 县 of 丽水, but a county at 0 boasts nothing.
    assert ranks[JINGNING].prefecture.rank == 1 and ranks[JINGNING].province.front
    assert rank_highlight(ranks[JINGNING]) is None
    beaten = ranks_by_county({**{code: 50 for code in list(ZHEJIANG)[:20]}, DONGYANG: 20}, ZHEJIANG)
    assert beaten[DONGYANG].province.rank == 21 and beaten[DONGYANG].prefecture.rank == 1
    assert rank_highlight(beaten[DONGYANG]) == "居金华第 1"
    assert rank_highlight(beaten[LANXI]) is None  # 0, behind 东阳 in 金华
    # The front is the best tenth: 9 of 90 is in it, 10 is not.
    assert Rank(rank=9, of=90, tied=False).front and not Rank(rank=10, of=90, tied=False).front


# -- Properties over any tree and any figures ---------------------------------------------------

places = st.builds(
    CountyPlace,
    kind=st.sampled_from(sorted(COUNTY_LEVEL_KINDS)),
    prefecture=st.sampled_from(["P1", "P2", "P3"]),
    prefecture_short_name=st.just("某"),
)
trees = st.dictionaries(
    st.text(alphabet="0123456789", min_size=1, max_size=3), places, min_size=2, max_size=30
)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), tree=trees)
def test_ranks_are_within_the_group_the_top_is_first_and_equal_figures_rank_equal(data, tree):
    figures = data.draw(st.dictionaries(st.sampled_from(sorted(tree)), st.integers(0, 6)))
    ranks = ranks_by_county(figures, tree)
    if not has_ranks(figures, tree):
        assert ranks == {}
        return
    counted = {code: figures.get(code, 0) for code in tree}
    groups = {
        "province": lambda code: 0,
        "kind": lambda code: kind_group(tree[code].kind),
        "prefecture": lambda code: tree[code].prefecture,
    }
    for part, group_of in groups.items():
        for code, county in ranks.items():
            members = [other for other in tree if group_of(other) == group_of(code)]
            rank = getattr(county, part)
            if len(members) == 1:
                assert rank is None
                continue
            assert rank.of == len(members)
            assert 1 <= rank.rank <= rank.of
            assert rank.rank == 1 + sum(counted[other] > counted[code] for other in members)
            assert (rank.rank == 1) == (counted[code] == max(counted[other] for other in members))
            for other in members:
                if counted[other] == counted[code]:
                    assert getattr(ranks[other], part).rank == rank.rank
            assert rank.tied == any(counted[o] == counted[code] for o in members if o != code)
    shuffled = dict(reversed(list(figures.items())))
    assert ranks_by_county(shuffled, dict(reversed(list(tree.items())))) == ranks


# -- The adapter from the stored tree -----------------------------------------------------------


@pytest.mark.django_db
def test_county_places_reads_the_stored_tree_in_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        tree = county_places()
    assert tree == ZHEJIANG
    assert rank_statement("schemes", YONGKANG, SCHEMES, tree) == (
        "对标技术方案发布数 61 项，居全省县级市第 1、金华第 1，全省第 3 / 90"
    )
