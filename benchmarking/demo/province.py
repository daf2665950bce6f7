"""The rest of Zhejiang in the demo: the other 89 county-level units beside Yongkang.

Each county gets what its three figures are counted from and no more: branch offices,
enterprises (valid credit codes registered in that county), published technical schemes (its
bureau the publisher), published results of its enterprises, and its own 千项计划 with a quota
per office. Schemes have no indicators and results no items or events: the figures, the ranks
and the roll-up pages need none, and writing them would cost the time ``seed_demo`` must keep.

Like the Yongkang demo, ``build_province`` is pure (one ``random.Random`` drawn in a fixed
order, from the region list the migrations load), so every run plans the same records;
``seed_province`` bulk-writes the ones whose natural key (county × office code, credit code,
scheme code, enterprise × scheme × product model, county × plan name, plan × office) the
database lacks, so a second run creates nothing. No per-row services and no history rows:
these counties are scenery for the ranks, not a story to replay.

The sizes are believable, not real: each county's figures scale with a rough size of its
manufacturing (the districts of Hangzhou and Ningbo largest, the mountain counties of Lishui and
Quzhou and the islands smallest), and ``check_province`` refuses a plan that would not reproduce
the bureau's article: Yongkang's 61 schemes first among the province's 县级市, its 230
enterprises and 480 results first in 金华 and in the province's front (docs/domain.md, "Ranks").
"""

import datetime as dt
import math
import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..choices import COUNTY_LEVEL_KINDS, DeclarationStatus, RegionKind, Role, SchemeStatus
from ..models import (
    BranchOffice,
    Declaration,
    Enterprise,
    Industry,
    Plan,
    PlanQuota,
    Region,
    Standard,
    TechnicalScheme,
)
from ..ranks import CountyPlace, RankedMeasure, rank_highlight, ranks_by_county, tree_from_rows
from ..validators import CREDIT_CODE_ALPHABET, credit_code_check_character, normalize_standard_number
from . import data, names
from .builder.helpers import day_between, gb11714_check, largest_remainder, office_hours
from .specs import (
    EXPECTED_ENTERPRISES,
    EXPECTED_RESULTS,
    EXPECTED_SCHEMES,
    LAST_PUBLICATION,
    PLAN_ENDS,
    PLAN_STARTS,
    RESULT_GRADES,
    SCHEME_YEAR_WINDOWS,
    SCHEMES_PER_YEAR,
    SEED,
)

# Its own stream, so the Yongkang demo's draws (specs.SEED) stay exactly as they were.
PROVINCE_SEED = SEED + 330000
# Rows per INSERT; SQLite's limit on query parameters is applied by Django on top.
BATCH_SIZE = 2000

# A rough size of each county's manufacturing, Yongkang = 1: the enterprises it benchmarks are
# about 230 × size, its schemes about 61 × size (less steeply, see _figures). Believable, not real.
# fmt: off
COUNTY_SIZES: dict[str, float] = {
    # 杭州
    "330102": 0.85, "330105": 0.75, "330106": 0.85, "330108": 1.20, "330109": 1.35, "330110": 1.30,
    "330111": 0.80, "330112": 0.60, "330113": 0.90, "330114": 0.88, "330122": 0.45, "330127": 0.22,
    "330182": 0.40,
    # 宁波
    "330203": 0.80, "330205": 0.60, "330206": 1.15, "330211": 0.80, "330212": 1.25, "330213": 0.55,
    "330225": 0.45, "330226": 0.55, "330281": 0.85, "330282": 0.90,
    # 温州
    "330302": 0.60, "330303": 0.65, "330304": 0.70, "330305": 0.12, "330324": 0.50, "330326": 0.45,
    "330327": 0.40, "330328": 0.14, "330329": 0.13, "330381": 0.80, "330382": 0.85, "330383": 0.40,
    # 嘉兴
    "330402": 0.60, "330411": 0.60, "330421": 0.60, "330424": 0.45, "330481": 0.75, "330482": 0.65,
    "330483": 0.70,
    # 湖州
    "330502": 0.55, "330503": 0.50, "330521": 0.55, "330522": 0.60, "330523": 0.50,
    # 绍兴
    "330602": 0.60, "330603": 0.80, "330604": 0.70, "330624": 0.50, "330681": 0.85, "330683": 0.50,
    # 金华 (永康, 330784, is the Yongkang demo itself)
    "330702": 0.60, "330703": 0.45, "330723": 0.55, "330726": 0.45, "330727": 0.18, "330781": 0.45,
    "330782": 0.90, "330783": 0.70,
    # 衢州
    "330802": 0.35, "330803": 0.30, "330822": 0.24, "330824": 0.18, "330825": 0.30, "330881": 0.35,
    # 舟山
    "330902": 0.30, "330903": 0.25, "330921": 0.14, "330922": 0.07,
    # 台州
    "331002": 0.60, "331003": 0.60, "331004": 0.60, "331022": 0.25, "331023": 0.30, "331024": 0.30,
    "331081": 0.85, "331082": 0.60, "331083": 0.55,
    # 丽水
    "331102": 0.35, "331121": 0.25, "331122": 0.35, "331123": 0.15, "331124": 0.15, "331125": 0.12,
    "331126": 0.12, "331127": 0.10, "331181": 0.20,
}
# fmt: on
# Where a county is missing above (a region list changed by a later migration): by its kind.
DEFAULT_SIZES = {
    RegionKind.DISTRICT: 0.6,
    RegionKind.COUNTY_CITY: 0.6,
    RegionKind.COUNTY: 0.35,
    RegionKind.AUTONOMOUS_COUNTY: 0.1,
}
# The few manufacturing districts of Hangzhou and Ningbo whose enterprises and results may pass
# Yongkang's (the article's "全省前列", not 全省第一). Every other county stays below it.
AHEAD_OF_HOME = frozenset({"330108", "330109", "330110", "330206", "330212"})
# Below Yongkang means at most this share of its figure.
BELOW_HOME = 0.95
# The most schemes any other 县级市 publishes, against Yongkang's 61 (居全省县级市第一).
MOST_COUNTY_CITY_SCHEMES = 52

# Results published per year, shaped like the Yongkang demo's (most in the plan's last years).
RESULTS_PER_YEAR = {2022: 3, 2023: 31, 2024: 59, 2025: 132, 2026: 255}
# A result is published at least this long after its scheme.
DAYS_AFTER_SCHEME = 14
# Share of results declared online by the enterprise (the rest entered by staff on paper).
ONLINE_SHARE = 0.15
# Enterprises on the books with nothing published yet, as a share of the benchmarked ones.
SILENT_SHARE = 0.12
# Share of results against a scheme of another county of the same prefecture.
BORROWED_SCHEME_SHARE = 0.12

OFFICE_AREAS = (
    "城区", "城东", "城西", "城南", "城北", "开发区", "高新区", "工业园区", "北部", "南部", "东部",
    "西部", "滨江", "新城",
)  # fmt: skip
AREA_CODES = {
    "330100": "0571", "330200": "0574", "330300": "0577", "330400": "0573", "330500": "0572",
    "330600": "0575", "330700": "0579", "330800": "0570", "330900": "0580", "331000": "0576",
    "331100": "0578",
}  # fmt: skip
ROADS = ("人民路", "解放路", "中山路", "工业路", "兴业路", "创业路", "科技路", "环城路", "振兴路", "园区路")


# Demo-only passwords, printed by the command; never use them anywhere real. 局领导 of 金华市 and
# of the province: they read the counties under their region (UserProfile.region).
REGION_LOGINS: tuple[names.LoginTemplate, ...] = (
    names.LoginTemplate("jinhua", "Demo-Jinhua-2026", Role.MANAGER, "楼", "志刚"),
    names.LoginTemplate("zhejiang", "Demo-Zhejiang-2026", Role.MANAGER, "沈", "建华"),
)
LOGIN_REGIONS = {"jinhua": "330700", "zhejiang": "330000"}


# ---------------------------------------------------------------------------
# The plan of records (plain data)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class County:
    """A county-level unit as the builder reads it from the region list."""

    code: str
    name: str
    short_name: str
    kind: str
    prefecture: str
    prefecture_name: str
    prefecture_short_name: str

    @property
    def size(self) -> float:
        return COUNTY_SIZES.get(self.code, DEFAULT_SIZES.get(self.kind, 0.3))


@dataclass
class OfficeRow:
    code: str
    name: str
    county: str
    order: int
    weight: int


@dataclass
class EnterpriseRow:
    credit_code: str
    name: str
    county: str
    office: str
    industry: str
    address: str
    legal_representative: str
    contact_person: str
    phone: str
    initials: str


@dataclass
class SchemeRow:
    code: str
    title: str
    product_category: str
    industry: str
    publisher: str
    county: str
    published_at: dt.datetime


@dataclass
class ResultRow:
    enterprise: str  # credit code
    scheme: str  # scheme code
    product_name: str
    product_model: str
    executed_standard: str
    grade: str
    published_at: dt.datetime
    submitted_at: dt.datetime | None  # declared online; None: entered by staff on paper


@dataclass
class PlanRow:
    name: str
    county: str
    target_schemes: int
    target_enterprises: int
    target_results: int
    # (office code, enterprises, results)
    quotas: list[tuple[str, int, int]]


@dataclass
class Province:
    counties: list[County]
    offices: list[OfficeRow] = field(default_factory=list)
    enterprises: list[EnterpriseRow] = field(default_factory=list)
    schemes: list[SchemeRow] = field(default_factory=list)
    results: list[ResultRow] = field(default_factory=list)
    plans: list[PlanRow] = field(default_factory=list)

    def figures(self) -> dict[RankedMeasure, dict[str, int]]:
        """Each county's three figures as the plan counts them (every scheme and result here is
        published and never withdrawn)."""
        county_of = {e.credit_code: e.county for e in self.enterprises}
        schemes = Counter(s.county for s in self.schemes)
        results = Counter(county_of[r.enterprise] for r in self.results)
        enterprises = Counter(county_of[code] for code in {r.enterprise for r in self.results})
        return {
            RankedMeasure.SCHEMES: dict(schemes),
            RankedMeasure.ENTERPRISES: dict(enterprises),
            RankedMeasure.RESULTS: dict(results),
        }


def build_province(counties: Iterable[County], seed: int = PROVINCE_SEED) -> Province:
    """The records of every county of ``counties`` but the home county (the Yongkang demo),
    the same for the same seed and region list; checked against the article."""
    counties = sorted(counties, key=lambda c: c.code)
    home = settings.BENCHMARKING_HOME_REGION
    province = _ProvinceBuilder([c for c in counties if c.code != home], seed).build()
    check_province(province, tree=_tree(counties))
    return province


def _tree(counties: Iterable[County]) -> dict[str, CountyPlace]:
    return tree_from_rows((c.code, c.kind, c.prefecture, c.prefecture_short_name) for c in counties)


class _ProvinceBuilder:
    def __init__(self, counties: list[County], seed: int):
        self.rng = random.Random(seed)
        self.province = Province(counties=counties)
        self.industries = {t.name: t for t in data.INDUSTRIES}
        self.codes_used: set[str] = set()
        self.names_used: set[str] = set()

    def build(self) -> Province:
        schemes_by_county: dict[str, list[SchemeRow]] = {}
        enterprises_by_county: dict[str, list[EnterpriseRow]] = {}
        figures = {}
        for county in self.province.counties:
            figures[county.code] = self._figures(county)
            industries = self._local_industries()
            offices = self._offices(county)
            schemes_by_county[county.code] = self._schemes(county, industries, figures[county.code][0])
            enterprises_by_county[county.code] = self._enterprises(
                county, industries, offices, figures[county.code][1]
            )
        by_prefecture: dict[str, list[SchemeRow]] = {}
        for county in self.province.counties:
            by_prefecture.setdefault(county.prefecture, []).extend(schemes_by_county[county.code])
        for county in self.province.counties:
            _, enterprises, results = figures[county.code]
            self._results(
                county,
                enterprises_by_county[county.code][:enterprises],
                results,
                own=schemes_by_county[county.code],
                nearby=[s for s in by_prefecture[county.prefecture] if s.county != county.code],
            )
            self._plan(county, figures[county.code])
        return self.province

    # -- how much -------------------------------------------------------------------

    def _figures(self, county: County) -> tuple[int, int, int]:
        """Schemes, benchmarked enterprises and results of ``county``, by its size."""
        rng = self.rng
        size = county.size
        schemes = max(2, round(EXPECTED_SCHEMES * size**0.8 * rng.uniform(0.85, 1.15)))
        enterprises = max(3, round(EXPECTED_ENTERPRISES * size * rng.uniform(0.9, 1.1)))
        results = max(enterprises, round(enterprises * rng.uniform(1.55, 2.3)))
        if county.kind == RegionKind.COUNTY_CITY:
            schemes = self._at_most(schemes, MOST_COUNTY_CITY_SCHEMES)
        if county.code not in AHEAD_OF_HOME:
            enterprises = self._at_most(enterprises, int(EXPECTED_ENTERPRISES * BELOW_HOME))
            results = self._at_most(results, int(EXPECTED_RESULTS * BELOW_HOME))
        return schemes, enterprises, max(results, enterprises)

    def _at_most(self, figure: int, most: int) -> int:
        """``figure``, or when above ``most`` a little below it (not all the capped ones equal)."""
        return figure if figure <= most else most - self.rng.randint(0, most // 12)

    def _local_industries(self) -> list[str]:
        """Three to five of the demo's industries, the county's own mix."""
        templates = list(data.INDUSTRIES)
        picked: list[str] = []
        for _ in range(self.rng.randint(3, 5)):
            choice = self.rng.choices(templates, weights=[t.weight for t in templates])[0]
            templates.remove(choice)
            picked.append(choice.name)
        return picked

    # -- records --------------------------------------------------------------------

    def _offices(self, county: County) -> list[OfficeRow]:
        count = min(len(OFFICE_AREAS), max(2, round(3 + county.size * 8)))
        rows = [
            OfficeRow(
                code=f"{county.code}-{n:02d}",
                name=f"{county.short_name}{area}市场监督管理所",
                county=county.code,
                order=n,
                # The town centre's office has the most enterprises.
                weight=6 if n == 1 else self.rng.randint(2, 5),
            )
            for n, area in enumerate(OFFICE_AREAS[:count], start=1)
        ]
        self.province.offices += rows
        return rows

    def _schemes(self, county: County, industries: list[str], count: int) -> list[SchemeRow]:
        rng = self.rng
        years = list(SCHEMES_PER_YEAR)
        per_year = largest_remainder(count, [SCHEMES_PER_YEAR[y] for y in years])
        rows = []
        titles: Counter = Counter()
        for year, n in zip(years, per_year, strict=True):
            start, end = SCHEME_YEAR_WINDOWS.get(year, (dt.date(year, 1, 3), dt.date(year, 12, 28)))
            days = sorted(day_between(rng, start, end) for _ in range(n))
            for number, day in enumerate(days, start=1):
                industry = self.industries[rng.choice(industries)]
                category = rng.choice(industry.categories).name
                titles[category] += 1
                edition = f"（{year}年版）" if titles[category] > 1 else ""
                publisher = rng.choice(
                    (
                        f"{county.name}标准化协会",
                        f"{county.prefecture_name}标准化研究院",
                        f"{county.name}{industry.name}行业协会",
                        "浙江省标准化研究院",
                    )
                )
                rows.append(
                    SchemeRow(
                        code=f"DB{county.code}-{year}-{number:03d}",
                        title=f"{category}对标技术方案{edition}",
                        product_category=category,
                        industry=industry.name,
                        publisher=publisher,
                        county=county.code,
                        published_at=office_hours(rng, _workday(day)),
                    )
                )
        self.province.schemes += rows
        return rows

    def _enterprises(
        self, county: County, industries: list[str], offices: list[OfficeRow], benchmarked: int
    ) -> list[EnterpriseRow]:
        """``benchmarked`` enterprises that will have results, then the silent ones."""
        rng = self.rng
        total = benchmarked + round(benchmarked * SILENT_SHARE)
        area_code = AREA_CODES.get(county.prefecture, "0571")
        # A district's firms carry the city's name (杭州…), a county's or county city's its own.
        place = county.prefecture_short_name if county.kind == RegionKind.DISTRICT else county.name
        city = county.prefecture_name if county.kind == RegionKind.DISTRICT else ""
        rows = []
        for _ in range(total):
            office = rng.choices(offices, weights=[o.weight for o in offices])[0]
            industry = self.industries[rng.choice(industries)]
            while True:
                (c1, p1), (c2, p2) = rng.sample(names.BRAND_CHARS, 2)
                name = f"{place}{c1}{c2}{rng.choice(industry.company_words)}有限公司"
                if c1 + c2 not in names.RESERVED_BRANDS and name not in self.names_used:
                    break
            self.names_used.add(name)
            rows.append(
                EnterpriseRow(
                    credit_code=self._credit_code(county.code),
                    name=name,
                    county=county.code,
                    office=office.code,
                    industry=industry.name,
                    address=f"浙江省{city}{county.name}{rng.choice(ROADS)}{rng.randint(1, 599)}号",
                    legal_representative=self._person(),
                    contact_person=self._person(),
                    phone=(
                        f"{area_code}-{rng.randint(10_000_000, 89_999_999)}"
                        if rng.random() < 0.5
                        else f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}"
                    ),
                    initials=(p1[0] + p2[0]).upper(),
                )
            )
        self.province.enterprises += rows
        return rows

    def _credit_code(self, region: str) -> str:
        """A valid 统一社会信用代码 registered in ``region``: 9 (market regulation), 1
        (enterprise), the region code, an organisation code with its GB 11714 check digit,
        then the GB 32100 check character (as builder.helpers.credit_code for Yongkang)."""
        rng = self.rng
        while True:
            if rng.random() < 0.45:
                body = "MA2" + "".join(rng.choice(CREDIT_CODE_ALPHABET) for _ in range(5))
            else:
                body = rng.choice("137") + "".join(rng.choice("0123456789") for _ in range(7))
            first17 = "91" + region + body + gb11714_check(body)
            code = first17 + credit_code_check_character(first17)
            if code not in self.codes_used:
                self.codes_used.add(code)
                return code

    def _person(self) -> str:
        rng = self.rng
        given = "".join(rng.choice(names.GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2, 2))))
        return rng.choice(names.SURNAMES) + given

    def _results(
        self,
        county: County,
        enterprises: list[EnterpriseRow],
        count: int,
        *,
        own: list[SchemeRow],
        nearby: list[SchemeRow],
    ) -> None:
        """``count`` published results among ``enterprises``, every one of them with at least
        one, against ``own`` schemes mostly and now and then a ``nearby`` county's."""
        rng = self.rng
        per_enterprise = [1] * len(enterprises)
        for _ in range(count - len(enterprises)):
            per_enterprise[rng.randrange(len(enterprises))] += 1
        years = list(RESULTS_PER_YEAR)
        grades = list(RESULT_GRADES)
        models_used: set[tuple[str, str, str]] = set()
        for enterprise, n in zip(enterprises, per_enterprise, strict=True):
            industry = self.industries[enterprise.industry]
            for _ in range(n):
                while True:
                    year = rng.choices(years, weights=[RESULTS_PER_YEAR[y] for y in years])[0]
                    end = min(dt.date(year, 12, 28), LAST_PUBLICATION)
                    day = _workday(day_between(rng, dt.date(year, 1, 3), end))
                    published_at = office_hours(rng, day)
                    cutoff = published_at - dt.timedelta(days=DAYS_AFTER_SCHEME)
                    pool = nearby if nearby and rng.random() < BORROWED_SCHEME_SHARE else own
                    ready = [s for s in pool if s.published_at <= cutoff]
                    if ready:
                        break
                same_industry = [s for s in ready if s.industry == industry.name]
                scheme = rng.choice(same_industry or ready)
                scheme_industry = self.industries[scheme.industry]
                model = f"{enterprise.initials}-{rng.randint(100, 9999)}"
                while (enterprise.credit_code, scheme.code, model) in models_used:
                    model = f"{enterprise.initials}-{rng.randint(100, 9999)}{rng.choice('ABCDEFGHJK')}"
                models_used.add((enterprise.credit_code, scheme.code, model))
                online = rng.random() < ONLINE_SHARE
                submitted_at = None
                if online:
                    submitted_at = office_hours(rng, _workday(day - dt.timedelta(days=rng.randint(2, 9))))
                    if submitted_at >= published_at:
                        submitted_at = published_at - dt.timedelta(hours=2)
                prefix = rng.choice(scheme_industry.product_prefixes)
                self.province.results.append(
                    ResultRow(
                        enterprise=enterprise.credit_code,
                        scheme=scheme.code,
                        product_name=f"{prefix}{scheme.product_category}",
                        product_model=model,
                        executed_standard=normalize_standard_number(
                            rng.choice((*scheme_industry.domestic, *scheme_industry.group))
                        ),
                        grade=rng.choices(grades, weights=[RESULT_GRADES[g] for g in grades])[0],
                        published_at=published_at,
                        submitted_at=submitted_at,
                    )
                )

    def _plan(self, county: County, figures: tuple[int, int, int]) -> None:
        """The county's 千项计划: targets its figures reach some 55–95 % of, like Yongkang's
        (61 / 100, 230 / 300, 480 / 600), split over its offices."""
        rng = self.rng
        schemes, enterprises, results = figures

        def target(figure: int, step: int) -> int:
            return max(step, math.ceil(figure / rng.uniform(0.55, 0.95) / step) * step)

        target_schemes = target(schemes, 5)
        target_enterprises = target(enterprises, 10)
        target_results = max(target(results, 10), target_enterprises + 10)
        offices = [o for o in self.province.offices if o.county == county.code]
        weights = [o.weight for o in offices]
        per_office = largest_remainder(target_enterprises, weights)
        extra = largest_remainder(target_results - target_enterprises, weights)
        self.province.plans.append(
            PlanRow(
                name=f"{county.name}对标达标千项计划（2024—2026年）",
                county=county.code,
                target_schemes=target_schemes,
                target_enterprises=target_enterprises,
                target_results=target_results,
                quotas=[(o.code, e, e + x) for o, e, x in zip(offices, per_office, extra, strict=True)],
            )
        )


def _workday(day: dt.date) -> dt.date:
    """The Friday before a weekend day (records are entered on working days)."""
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


# ---------------------------------------------------------------------------
# The article's ranks, refused if not reproduced
# ---------------------------------------------------------------------------

HOME_FIGURES = {
    RankedMeasure.SCHEMES: EXPECTED_SCHEMES,
    RankedMeasure.ENTERPRISES: EXPECTED_ENTERPRISES,
    RankedMeasure.RESULTS: EXPECTED_RESULTS,
}


def article_problems(figures: dict[RankedMeasure, dict[str, int]], tree: dict, home: str) -> list[str]:
    """What of the article the figures (county code → figure, per measure) fail to state for
    ``home``: 对标技术方案发布数 居全省县级市第 1; 完成对标企业数 and 自我声明对标结果数 居金华第 1、
    全省前列. Through the rank rules themselves (benchmarking.ranks). [] when all holds."""
    problems = []
    for measure, by_county in figures.items():
        ranks = ranks_by_county(by_county, tree).get(home)
        if ranks is None:
            problems.append(f"{measure}: no ranks")
            continue
        highlight = rank_highlight(ranks) or ""
        if measure == RankedMeasure.SCHEMES:
            if ranks.kind is None or ranks.kind.rank != 1 or ranks.kind.tied:
                problems.append(f"schemes: {ranks.kind} among its kind, not first")
        else:
            if ranks.prefecture is None or ranks.prefecture.rank != 1 or ranks.prefecture.tied:
                problems.append(f"{measure}: {ranks.prefecture} in its prefecture, not first")
            if not ranks.province.front:
                problems.append(f"{measure}: {ranks.province} in the province, not in its front")
        if not highlight:
            problems.append(f"{measure}: nothing to boast")
    return problems


def check_province(province: Province, *, tree: dict[str, CountyPlace]) -> None:
    """Refuse a plan that would break a rule, or that would not reproduce the article with
    Yongkang's reported figures (specs.EXPECTED_*) among the counties of ``tree``."""
    home = settings.BENCHMARKING_HOME_REGION
    problems = []
    if home not in tree:
        problems.append(f"the home county {home} is missing from the region list")
    figures = province.figures()
    for measure, value in HOME_FIGURES.items():
        figures[measure][home] = value
    if not problems:
        problems += article_problems(figures, tree, home)
    for what, keys in (
        ("office code", [o.code for o in province.offices]),
        ("office name", [o.name for o in province.offices]),
        ("credit code", [e.credit_code for e in province.enterprises]),
        ("scheme code", [s.code for s in province.schemes]),
        ("plan name", [p.name for p in province.plans]),
        ("product", [(r.enterprise, r.scheme, r.product_model) for r in province.results]),
    ):
        if len(set(keys)) != len(keys):
            problems.append(f"a {what} twice")
    for e in province.enterprises:
        if e.credit_code[2:8] != e.county or e.county == home:
            problems.append(f"{e.credit_code} not registered in its county")
    published = {s.code: s.published_at for s in province.schemes}
    if any(r.published_at <= published[r.scheme] for r in province.results):
        problems.append("a result published before its scheme")
    for plan in province.plans:
        if (sum(e for _, e, _ in plan.quotas), sum(r for _, _, r in plan.quotas)) != (
            plan.target_enterprises,
            plan.target_results,
        ) or any(r < e for _, e, r in plan.quotas):
            problems.append(f"the quotas of {plan.name} do not add up")
    if problems:
        raise ValueError("the province demo plan is inconsistent: " + "; ".join(problems))


# ---------------------------------------------------------------------------
# Writing it
# ---------------------------------------------------------------------------


@dataclass
class ProvinceSeed:
    """What ``seed_province`` found and wrote."""

    counties: int
    created: Counter = field(default_factory=Counter)


def county_level_units() -> list[County]:
    """Every county-level unit of the region list, the home county too, with its prefecture."""
    rows = Region.objects.filter(kind__in=COUNTY_LEVEL_KINDS, parent__isnull=False).values_list(
        "code", "name", "short_name", "kind", "parent__code", "parent__name", "parent__short_name"
    )
    return [County(*row) for row in rows]


def seed_province(
    *, creator, industries: dict[str, Industry], standards: dict[str, Standard]
) -> ProvinceSeed:
    """Bulk-write whatever of the other counties' plan the database lacks. ``industries`` and
    ``standards`` are the demo's, by name and number (seed_demo writes them first);
    ``creator`` is named as the one who entered the results."""
    home = settings.BENCHMARKING_HOME_REGION
    counties = county_level_units()
    codes = [c.code for c in counties if c.code != home]
    result = ProvinceSeed(counties=len(codes))
    if not codes:  # no region list: a single-county deployment
        return result
    province = build_province(counties)

    # Branch offices, matched on county × code (their codes hold the county's, so are unique).
    have = set(BranchOffice.objects.filter(region_id__in=codes).values_list("region_id", "code"))
    _create(
        result,
        BranchOffice,
        [
            BranchOffice(code=o.code, name=o.name, order=o.order, region_id=o.county)
            for o in province.offices
            if (o.county, o.code) not in have
        ],
    )
    offices = dict(BranchOffice.objects.filter(region_id__in=codes).values_list("code", "pk"))

    # Enterprises, matched on their credit code.
    have = set(Enterprise.objects.filter(region_id__in=codes).values_list("credit_code", flat=True))
    _create(
        result,
        Enterprise,
        [
            Enterprise(
                name=e.name,
                credit_code=e.credit_code,
                region_id=e.county,
                branch_office_id=offices[e.office],
                industry=industries[e.industry],
                address=e.address,
                legal_representative=e.legal_representative,
                contact_person=e.contact_person,
                phone=e.phone,
            )
            for e in province.enterprises
            if e.credit_code not in have
        ],
    )
    enterprises = dict(Enterprise.objects.filter(region_id__in=codes).values_list("credit_code", "pk"))

    # Schemes, matched on their code; published when the plan says, entered then too.
    have = set(TechnicalScheme.objects.filter(publisher_region_id__in=codes).values_list("code", flat=True))
    new = _create(
        result,
        TechnicalScheme,
        [
            TechnicalScheme(
                code=s.code,
                title=s.title,
                product_category=s.product_category,
                industry=industries[s.industry],
                publisher=s.publisher,
                publisher_region_id=s.county,
                status=SchemeStatus.PUBLISHED,
                published_at=s.published_at,
            )
            for s in province.schemes
            if s.code not in have
        ],
    )
    _entered_when(TechnicalScheme, new, F("published_at"))
    schemes = dict(
        TechnicalScheme.objects.filter(code__in=[s.code for s in province.schemes]).values_list("code", "pk")
    )

    # Results, matched on enterprise × scheme × product model (as the one-live-declaration rule).
    have = set(
        Declaration.objects.filter(enterprise__region_id__in=codes)
        .exclude(status=DeclarationStatus.WITHDRAWN)
        .values_list("enterprise_id", "scheme_id", "product_model")
    )
    rows = []
    for r in province.results:
        enterprise, scheme = enterprises[r.enterprise], schemes[r.scheme]
        if (enterprise, scheme, r.product_model) in have:
            continue
        declared = r.submitted_at or r.published_at
        rows.append(
            Declaration(
                enterprise_id=enterprise,
                scheme_id=scheme,
                product_name=r.product_name,
                product_model=r.product_model,
                executed_standard=standards[r.executed_standard],
                declared_on=timezone.localtime(declared).date(),
                entered_on_paper=r.submitted_at is None,
                status=DeclarationStatus.PUBLISHED,
                computed_grade=r.grade,
                grade=r.grade,
                submitted_at=r.submitted_at,
                published_at=r.published_at,
                created_by=creator,
            )
        )
    new = _create(result, Declaration, rows)
    # Entered when declared online, or when staff entered and published the paper one.
    _entered_when(Declaration, new, Coalesce("submitted_at", "published_at"))

    # Plans, matched on their name; each the county's current plan unless it has one already.
    # Matched on county × name, the name naming a plan within its county.
    have = set(Plan.objects.filter(region_id__in=codes).values_list("region_id", "name"))
    current = set(
        Plan.objects.filter(region_id__in=codes, is_active=True).values_list("region_id", flat=True)
    )
    _create(
        result,
        Plan,
        [
            Plan(
                name=p.name,
                region_id=p.county,
                starts_on=PLAN_STARTS,
                ends_on=PLAN_ENDS,
                target_schemes=p.target_schemes,
                target_enterprises=p.target_enterprises,
                target_results=p.target_results,
                is_active=p.county not in current,
            )
            for p in province.plans
            if (p.county, p.name) not in have
        ],
    )
    plans = {
        (region, name): pk
        for region, name, pk in Plan.objects.filter(region_id__in=codes).values_list(
            "region_id", "name", "pk"
        )
    }
    have = set(
        PlanQuota.objects.filter(plan_id__in=plans.values()).values_list("plan_id", "branch_office_id")
    )
    _create(
        result,
        PlanQuota,
        [
            PlanQuota(
                plan_id=plans[p.county, p.name], branch_office_id=offices[code], enterprises=e, results=r
            )
            for p in province.plans
            for code, e, r in p.quotas
            if (plans[p.county, p.name], offices[code]) not in have
        ],
    )
    return result


def _create(result: ProvinceSeed, model: type[models.Model], rows: list[models.Model]) -> list[int]:
    """Insert ``rows`` in batches (no signals, so no history rows) and return their new keys."""
    created = model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    result.created[model] += len(created)
    return [row.pk for row in created]


def _entered_when(model: type[models.Model], pks: list[int], moment) -> None:
    """Date the entry (``created_at``) of new rows ``pks`` by ``moment``, an expression over
    their own columns: ``auto_now_add`` stamped them now, and a record entered years after it
    counted would read as 补录 on every past day (see seed._entered_as_made)."""
    for n in range(0, len(pks), BATCH_SIZE):
        model.objects.filter(pk__in=pks[n : n + BATCH_SIZE]).update(created_at=moment)


__all__ = [
    "AHEAD_OF_HOME",
    "LOGIN_REGIONS",
    "REGION_LOGINS",
    "County",
    "Province",
    "ProvinceSeed",
    "article_problems",
    "build_province",
    "check_province",
    "county_level_units",
    "seed_province",
]
