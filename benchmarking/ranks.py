"""The rank rules: where a county-level unit stands among the others on one of the three figures
("居全省县级市第 1、金华第 1，全省第 3 / 90"), computed from the figures, never typed.

Pure: the functions take plain data — the figures by county code, for one measure as of one day
(the caller counts them, through ``selectors.progress``), and the tree of county-level units
(``CountyPlace`` by code; ``selectors.ranks.county_places`` reads it in one query) — and query
nothing, so a dashboard of 90 counties ranks them all in memory. docs/domain.md, "Ranks", states
the rules; each lives in one function here.
"""

import enum
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from .choices import COUNTY_LEVEL_KINDS, RegionKind

# A county in the front (前列) of a group: within its best tenth (rank × 10 ≤ the group's size,
# so ranks 1–9 of Zhejiang's 90).
FRONT_SHARE_DIVISOR = 10

K = TypeVar("K", bound=Hashable)


class RankedMeasure(enum.StrEnum):
    """A figure the bureau ranks counties by (the 千项计划's three), keyed as on the dashboard."""

    SCHEMES = "schemes"
    ENTERPRISES = "enterprises"
    RESULTS = "results"

    @property
    def label(self) -> str:
        """The figure as the bureau's reports name it (对标技术方案发布数 61 项)."""
        return MEASURE_WORDING[self][0]

    @property
    def unit(self) -> str:
        return MEASURE_WORDING[self][1]


MEASURE_WORDING = {
    RankedMeasure.SCHEMES: ("对标技术方案发布数", "项"),
    RankedMeasure.ENTERPRISES: ("完成对标企业数", "家"),
    RankedMeasure.RESULTS: ("自我声明对标结果数", "条"),
}


@dataclass(frozen=True)
class CountyPlace:
    """Where one county-level unit sits in the region tree, as the rank rules need it."""

    kind: str  # a county-level RegionKind value
    prefecture: str  # the code of its 设区市
    prefecture_short_name: str  # 金华 (居金华第 1)


def kind_group(kind: str) -> RegionKind:
    """The kind group a county-level unit is compared within: 县级市 with 县级市, 市辖区 with
    市辖区, and 县 with 自治县 together as 县 — statistics and the bureaus' reports count an
    autonomous county among the counties (Zhejiang's one, 景宁, would otherwise be a group of
    one)."""
    if kind not in COUNTY_LEVEL_KINDS:
        raise ValueError(f"{kind!r} is not a county-level kind")
    if kind == RegionKind.AUTONOMOUS_COUNTY:
        return RegionKind.COUNTY
    return RegionKind(kind)


@dataclass(frozen=True)
class Rank:
    """A place in a group: ``rank`` (1 is the highest figure) among ``of`` units."""

    rank: int
    of: int
    tied: bool  # another unit of the group has the same figure

    @property
    def front(self) -> bool:
        """In the group's front (前列): within its best tenth, ``FRONT_SHARE_DIVISOR``."""
        return self.rank * FRONT_SHARE_DIVISOR <= self.of

    @property
    def place(self) -> str:
        """第 3, or 并列第 2 when tied."""
        return f"{'并列' if self.tied else ''}第 {self.rank}"


def competition_ranks(figures: Mapping[K, int]) -> dict[K, Rank]:
    """Every member's place by standard competition ranking ("1224"): a member's rank is one
    more than the number of members with a strictly higher figure, so equal figures share a
    rank and the next rank skips. Depends on the figures only, never on the mapping's order."""
    counts = Counter(figures.values())
    rank_of: dict[int, int] = {}
    higher = 0
    for figure in sorted(counts, reverse=True):
        rank_of[figure] = higher + 1
        higher += counts[figure]
    size = len(figures)
    return {
        key: Rank(rank=rank_of[figure], of=size, tied=counts[figure] > 1) for key, figure in figures.items()
    }


@dataclass(frozen=True)
class CountyRanks:
    """One county's places on one figure: in the province, in its kind group, in its prefecture.
    A group part is None when the county is alone in that group (a rank of 1 / 1 says nothing)."""

    code: str
    figure: int
    province: Rank
    kind: Rank | None
    kind_label: str  # 县级市, 市辖区, 县
    prefecture: Rank | None
    prefecture_name: str  # the prefecture's short name: 金华


def ranks_by_county(figures: Mapping[str, int], tree: Mapping[str, CountyPlace]) -> dict[str, CountyRanks]:
    """Every county-level unit of ``tree`` ranked on ``figures`` (county code → figure): overall,
    within its kind group (``kind_group``) and within its prefecture, by ``competition_ranks``.

    Every county of the tree is ranked and counts in each group's size: a county with no figure
    (missing, or 0) ranks as 0, last, tied with the others at 0. A figure for a code that is not
    a county of the tree (a record with no region yet, a prefecture) is left out.

    Empty — no rank at all — when fewer than two counties have a figure above 0: a single-county
    deployment, or a tree absent, shows no region clutter (``has_ranks``)."""
    if not has_ranks(figures, tree):
        return {}
    counted = {code: figures.get(code) or 0 for code in tree}
    province = competition_ranks(counted)
    by_kind = _ranks_within(counted, lambda code: kind_group(tree[code].kind))
    by_prefecture = _ranks_within(counted, lambda code: tree[code].prefecture)
    return {
        code: CountyRanks(
            code=code,
            figure=figure,
            province=province[code],
            kind=by_kind[code] if by_kind[code].of > 1 else None,
            kind_label=str(kind_group(tree[code].kind).label),
            prefecture=by_prefecture[code] if by_prefecture[code].of > 1 else None,
            prefecture_name=tree[code].prefecture_short_name,
        )
        for code, figure in counted.items()
    }


def has_ranks(figures: Mapping[str, int], tree: Mapping[str, CountyPlace]) -> bool:
    """Whether ranks mean anything: at least two counties of ``tree`` have a figure above 0."""
    return sum(1 for code, figure in figures.items() if code in tree and (figure or 0) > 0) >= 2


def _ranks_within(counted: Mapping[str, int], group_of) -> dict[str, Rank]:
    groups: dict[Hashable, dict[str, int]] = {}
    for code, figure in counted.items():
        groups.setdefault(group_of(code), {})[code] = figure
    ranks: dict[str, Rank] = {}
    for members in groups.values():
        ranks.update(competition_ranks(members))
    return ranks


def county_ranks(
    code: str, figures: Mapping[str, int], tree: Mapping[str, CountyPlace]
) -> CountyRanks | None:
    """One county's places (``ranks_by_county``); None when there are no ranks or ``code`` is
    not a county of ``tree``."""
    return ranks_by_county(figures, tree).get(code)


def _groups(ranks: CountyRanks) -> list[tuple[str, Rank]]:
    """The kind group, then the prefecture, as the sentence names them, where stated."""
    named = (("全省" + ranks.kind_label, ranks.kind), (ranks.prefecture_name, ranks.prefecture))
    return [(group, rank) for group, rank in named if rank is not None]


def statement_text(measure: RankedMeasure, ranks: CountyRanks) -> str:
    """The sentence for one figure, the one wording used everywhere (dashboard, Excel report):
    对标技术方案发布数 61 项，居全省县级市第 1、金华第 1，全省第 3 / 90 — the kind group named by
    its label, the prefecture by its short name, "并列第 N" where tied, and the kind or prefecture
    part left out where the county is alone in that group."""
    within = [f"{group}{rank.place}" for group, rank in _groups(ranks)]
    text = f"{measure.label} {ranks.figure} {measure.unit}"
    if within:
        text += "，居" + "、".join(within)
    return text + f"，全省{ranks.province.place} / {ranks.province.of}"


def rank_statement(
    measure: RankedMeasure | str, code: str, figures: Mapping[str, int], tree: Mapping[str, CountyPlace]
) -> str | None:
    """``statement_text`` for county ``code`` on ``figures``; None when there are no ranks
    (a single-county deployment, the tree absent) or ``code`` is not a county of ``tree``."""
    ranks = county_ranks(code, figures, tree)
    return statement_text(RankedMeasure(measure), ranks) if ranks else None


def rank_highlight(ranks: CountyRanks) -> str | None:
    """The boast of a report ("居全省县级市第 1、金华第 1、全省前列"): the groups the county leads
    (并列第 1 included), then 全省第 1, or 全省前列 when in the province's front (``Rank.front``);
    None when there is nothing to boast — always for a figure of 0, which may tie for first or
    fall in the front while few counties have begun."""
    if not ranks.figure:
        return None
    parts = [f"{group}{rank.place}" for group, rank in _groups(ranks) if rank.rank == 1]
    if ranks.province.rank == 1:
        parts.append(f"全省{ranks.province.place}")
    elif ranks.province.front:
        parts.append("全省前列")
    return "居" + "、".join(parts) if parts else None


def tree_from_rows(rows: Iterable[tuple[str, str, str, str]]) -> dict[str, CountyPlace]:
    """The tree the rank rules take, from (code, kind, prefecture code, prefecture short name)
    rows of county-level units."""
    return {
        code: CountyPlace(kind=kind, prefecture=prefecture, prefecture_short_name=short_name)
        for code, kind, prefecture, short_name in rows
    }
