"""The region tree as the rank rules (``benchmarking.ranks``) take it, and a county's rank
statements as its dashboard and its Excel report show them."""

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache

from ..choices import COUNTY_LEVEL_KINDS
from ..models import Region
from ..ranks import CountyPlace, RankedMeasure, county_ranks, rank_highlight, statement_text, tree_from_rows
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
