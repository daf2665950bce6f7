"""The region tree as the rank rules (``benchmarking.ranks``) take it, and a county's rank
statements as its dashboard and its Excel report show them."""

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone

from ..choices import COUNTY_LEVEL_KINDS
from ..models import Region
from ..ranks import (
    CountyPlace,
    CountyRanks,
    RankedMeasure,
    county_ranks,
    rank_highlight,
    ranks_by_county,
    statement_text,
    tree_from_rows,
)
from ..regions import RegionScope
from . import progress


def county_places() -> dict[str, CountyPlace]:
    """Every county-level unit stored, by code, with its kind and its prefecture (code and short
    name): one query, joined to the parent. Empty when no tree is loaded."""
    rows = Region.objects.filter(kind__in=COUNTY_LEVEL_KINDS).values_list(
        "code", "kind", "parent__code", "parent__short_name"
    )
    return tree_from_rows(rows)


@dataclass(frozen=True)
class CountyTree:
    """The county-level units: where each sits (``places``, for the rank rules) and its name."""

    places: dict[str, CountyPlace]
    names: dict[str, str]  # code → 永康市

    def __contains__(self, code: str) -> bool:
        return code in self.places


# The tree changes only with a migration loading another edition of GB/T 2260: kept in the
# shared cache for as long as counted figures are, whatever the counts version.
TREE_CACHE_KEY = "county-tree:1"
TREE_CACHE_SECONDS = progress.COUNTS_CACHE_SECONDS


def county_tree() -> CountyTree:
    """``county_places`` and the counties' names: one query, then from the shared cache."""
    tree = cache.get(TREE_CACHE_KEY)
    if tree is None:
        rows = list(
            Region.objects.filter(kind__in=COUNTY_LEVEL_KINDS).values_list(
                "code", "kind", "parent__code", "parent__short_name", "name"
            )
        )
        tree = CountyTree(
            places=tree_from_rows(row[:4] for row in rows), names={row[0]: row[4] for row in rows}
        )
        cache.set(TREE_CACHE_KEY, tree, TREE_CACHE_SECONDS)
    return tree


def counts_day_key(as_of: dt.date, today: dt.date) -> str:
    """The day figures of ``as_of`` are cached under: for today the day and not the instant
    (between two count-changing writes "now" counts the same, as no record is dated in the
    future; the counts version moves with each such write)."""
    return f"today:{today}" if as_of >= today else str(as_of)


def county_figures_on(as_of: dt.date, *, version: int | None = None) -> dict[str, tuple[int, int, int]]:
    """Every county's (schemes, enterprises, results) at the end of ``as_of`` (now, for today),
    under the same cache key for every reader of that day: the county dashboards' rank
    statements and the public API's figures count the province once."""
    today = timezone.localdate()
    at = progress.instant(as_of) if as_of < today else timezone.now()
    return county_figures(at, day_key=f"{counts_day_key(as_of, today)}:no-plan", version=version)


@dataclass(frozen=True)
class RankStatement:
    """One figure's rank sentence (``ranks.statement_text``) and its boast, if any."""

    measure: RankedMeasure
    text: str  # 对标技术方案发布数 61 项，居全省县级市第 1、金华第 1，全省第 3 / 90
    highlight: str | None  # 居全省县级市第 1、金华第 1、全省前列 (``ranks.rank_highlight``)


def county_figures(at: dt.datetime, *, day_key: str, version: int | None) -> dict[str, tuple[int, int, int]]:
    """Every county's (schemes, enterprises, results) at ``at`` (``progress.figures_by_county``,
    two queries), cached under the counts version and ``day_key`` — the same for every county's
    dashboard of that day, so 90 dashboards count the province once."""

    def compute():
        return {
            code: (p.schemes, p.enterprises, p.results)
            for code, (p,) in progress.figures_by_county([at]).items()
        }

    return progress.cached_counts(f"county-figures:{day_key}", compute, version=version)


def rank_statements(
    code: str, figures: dict[str, tuple[int, int, int]], tree: CountyTree
) -> list[RankStatement]:
    """County ``code``'s sentence for each of the three figures that can be ranked: none at all
    where fewer than two counties have that figure (a single-county deployment), or when ``code``
    is not a county of the tree. No query."""
    statements = []
    for i, measure in enumerate((RankedMeasure.SCHEMES, RankedMeasure.ENTERPRISES, RankedMeasure.RESULTS)):
        ranks = county_ranks(code, {c: f[i] for c, f in figures.items()}, tree.places)
        if ranks is not None:
            statements.append(
                RankStatement(
                    measure=measure, text=statement_text(measure, ranks), highlight=rank_highlight(ranks)
                )
            )
    return statements


@dataclass(frozen=True)
class CountyMeasure:
    """One county's figure on one measure with its places (None: no ranks, e.g. one county)."""

    measure: RankedMeasure
    figure: int
    ranks: CountyRanks | None
    statement: str  # ``statement_text``; "" without ranks


@dataclass(frozen=True)
class CountyFigures:
    """One county's three published figures as of a day, ranked as its dashboard ranks them."""

    code: str
    name: str
    prefecture: str  # the prefecture's code
    measures: tuple[CountyMeasure, ...]  # schemes, enterprises, results


def public_county_figures(as_of: dt.date, region: RegionScope | None = None) -> list[CountyFigures]:
    """Every county of ``region`` (all, when None) with its three figures at the end of ``as_of``
    and its ranks among all counties (a county's rank is the province's, whichever part is
    asked for). The figures and the tree come from the shared cache the dashboards fill: at most
    three queries, usually one (the counts version)."""
    tree = county_tree()
    figures = county_figures_on(as_of)
    measures = (RankedMeasure.SCHEMES, RankedMeasure.ENTERPRISES, RankedMeasure.RESULTS)
    ranked = [
        ranks_by_county({code: f[i] for code, f in figures.items()}, tree.places)
        for i in range(len(measures))
    ]
    rows = []
    for code in sorted(tree.places):
        if region is not None and not region.covers(code):
            continue
        counts = figures.get(code, (0, 0, 0))
        rows.append(
            CountyFigures(
                code=code,
                name=tree.names.get(code, ""),
                prefecture=tree.places[code].prefecture,
                measures=tuple(
                    CountyMeasure(
                        measure=measure,
                        figure=counts[i],
                        ranks=ranked[i].get(code),
                        statement=statement_text(measure, ranked[i][code]) if code in ranked[i] else "",
                    )
                    for i, measure in enumerate(measures)
                ),
            )
        )
    return rows
