"""Turn the reference lists of ``data`` into one plan of demo records.

Pure Python, no database: every choice comes from ``random.Random(SEED)`` in a
fixed order, so the plan is identical on every run and ``seed`` can match each
record on its natural key. The plan is checked against the numbers the bureau
reported (61 schemes, 230 enterprises, 480 results) before anything is written.
"""

import datetime as dt
import math
import random
from collections import Counter
from decimal import Decimal

from ..choices import DeclarationStatus, Direction, Grade
from ..rules import GradedItem, compare_to_indicator, grade_declaration
from ..validators import (
    CREDIT_CODE_ALPHABET,
    credit_code_check_character,
    normalize_standard_number,
    standard_kind_for,
)
from . import data, names
from .specs import (
    EXPECTED_ENTERPRISES,
    EXPECTED_RESULTS,
    HISTORY_START,
    LAST_EVENT,
    LAST_PUBLICATION,
    MAX_RESULTS_PER_ENTERPRISE,
    OPEN_GRADES,
    PENDING_ONLY_ENTERPRISES,
    PLAN_ENDS,
    PLAN_STARTS,
    PLAN_TARGETS,
    REDECLARED,
    RESULT_GRADES,
    SCHEME_YEAR_WINDOWS,
    SCHEMES_PER_YEAR,
    SEED,
    SHANGHAI,
    SILENT_ENTERPRISES,
    UNCOUNTED,
    YONGKANG_REGION,
    DeclarationSpec,
    Demo,
    EnterpriseSpec,
    IndicatorSpec,
    PlanSpec,
    QuotaSpec,
    SchemeSpec,
    StandardSpec,
    Step,
    check_demo,
)

# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def largest_remainder(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` into integers that sum to it exactly."""
    whole = sum(weights)
    shares = [total * w / whole for w in weights]
    counts = [math.floor(s) for s in shares]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(shares[i] - counts[i]), i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _day_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _workday_back(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def _office_hours(rng: random.Random, day: dt.date) -> dt.datetime:
    minutes = rng.randint(8 * 60 + 30, 17 * 60 + 30)
    return dt.datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, tzinfo=SHANGHAI)


def _chain_back(rng: random.Random, last: dt.date, gaps: list[int]) -> list[dt.datetime]:
    """Working-day moments ending on (or just before) ``last``, separated by ``gaps`` days
    at least; strictly increasing, because each day lies before the next."""
    days = [_workday_back(last)]
    for gap in reversed(gaps):
        days.append(_workday_back(days[-1] - dt.timedelta(days=gap)))
    return [_office_hours(rng, day) for day in reversed(days)]


def _quantize(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value() * step


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _gb11714_check(body: str) -> str:
    """The GB 11714 check digit of an 8-character organisation code."""
    total = sum(int(ch, 36) * w for ch, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def credit_code(rng: random.Random) -> str:
    """A 统一社会信用代码 of a Yongkang enterprise: 9 (market regulation), 1 (enterprise),
    330784, an organisation code with its own GB 11714 check digit, then the GB 32100
    check character."""
    if rng.random() < 0.45:
        # Codes issued since 2015 start with MA; Jinhua's run MA28…, MA2D…, MA2E…, MA2H….
        body = "MA2" + rng.choice("8DEH") + "".join(rng.choice(CREDIT_CODE_ALPHABET) for _ in range(4))
    else:
        body = rng.choice("17") + "".join(rng.choice("0123456789") for _ in range(7))
    first17 = "91" + YONGKANG_REGION + body + _gb11714_check(body)
    return first17 + credit_code_check_character(first17)


# ---------------------------------------------------------------------------
# The builder
# ---------------------------------------------------------------------------


class _Builder:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.industries = {t.name: t for t in data.INDUSTRIES}
        self.standards: dict[str, StandardSpec] = {}
        self.enterprises: list[EnterpriseSpec] = []
        self.schemes: list[SchemeSpec] = []
        self.declarations: list[DeclarationSpec] = []
        self.used_models: set[tuple[str, str, str]] = set()
        # (older edition, the scheme that replaced it)
        self.withdrawn_pairs: list[tuple[SchemeSpec, SchemeSpec]] = []

    # -- standards ---------------------------------------------------------

    def add_standard(self, number: str, title: str, kind: str = "") -> str:
        number = normalize_standard_number(number)
        self.standards.setdefault(number, StandardSpec(number, title, kind or standard_kind_for(number)))
        return number

    def build_standards(self) -> None:
        for number, (title, kind) in data.STANDARDS.items():
            self.add_standard(number, title, kind)
        for template in data.INDUSTRIES:
            for number in (*template.advanced, *template.domestic, *template.group):
                if normalize_standard_number(number) not in self.standards:
                    raise ValueError(
                        f"demo standard {number} of {template.name} has no title in data.STANDARDS"
                    )

    # -- enterprises -------------------------------------------------------

    def _person(self) -> str:
        rng = self.rng
        given = "".join(rng.choice(names.GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2, 2))))
        return rng.choice(names.SURNAMES) + given

    def _phone(self) -> str:
        rng = self.rng
        if rng.random() < 0.55:
            return f"0579-87{rng.randint(0, 999999):06d}"
        return f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}"

    def build_enterprises(self) -> None:
        rng = self.rng
        login_count = 2
        total = EXPECTED_ENTERPRISES + PENDING_ONLY_ENTERPRISES + SILENT_ENTERPRISES
        per_office = largest_remainder(total, [o.weight for o in data.OFFICES])
        offices = [o.code for o, n in zip(data.OFFICES, per_office, strict=True) for _ in range(n)]
        # The two enterprise logins: a cup maker under 东城 (the branch login's office)
        # and a power-tool maker in the development zone.
        offices.remove("DC")
        offices.remove("KFQ")
        rng.shuffle(offices)
        offices = ["DC", "KFQ", *offices]
        industry_names = [t.name for t in data.INDUSTRIES]
        weights = [t.weight for t in data.INDUSTRIES]
        industries = [
            "杯业",
            "电动工具",
            *rng.choices(industry_names, weights=weights, k=total - login_count),
        ]

        brands_used: set[str] = set()
        codes_used: set[str] = set()
        emails_used: set[str] = set()
        q_codes_used: set[str] = set()
        for office_code, industry_name in zip(offices, industries, strict=True):
            template = self.industries[industry_name]
            office = next(o for o in data.OFFICES if o.code == office_code)
            while True:
                (c1, p1), (c2, p2) = rng.sample(names.BRAND_CHARS, 2)
                brand, pinyin = c1 + c2, p1 + p2
                if brand not in brands_used and brand not in names.RESERVED_BRANDS:
                    break
            brands_used.add(brand)
            word = rng.choice(template.company_words)
            if rng.random() < 0.3:
                form = "股份有限公司" if rng.random() < 0.3 else "有限公司"
                name = f"浙江{brand}{word}{form}"
            else:
                name = f"永康市{brand}{word}有限公司"
            code = credit_code(rng)
            while code in codes_used:
                code = credit_code(rng)
            codes_used.add(code)
            road = rng.choice(office.roads)
            address = f"浙江省{office.place}{road}{rng.randint(1, 399)}号"
            email = f"{rng.choice(('', 'info.', 'sales.', 'zhiliang.'))}{pinyin}@example.com"
            while email in emails_used:
                email = email.replace("@", f"{rng.randint(1, 99)}@", 1)
            emails_used.add(email)
            zhejiang_made = rng.random() < 0.18
            standard_leader = rng.random() < (0.35 if zhejiang_made else 0.06)
            initials = "".join(p[0] for p in (p1, p2)).upper()
            main_category = rng.choice(template.categories).name
            own = None
            if rng.random() < 0.45:
                q_code = "YK" + initials
                suffix = iter("ABCDEFGHJKLMNPRTUWXY")
                while q_code in q_codes_used:
                    q_code = "YK" + initials + next(suffix)
                q_codes_used.add(q_code)
                number = self.add_standard(
                    f"Q/{q_code} {rng.randint(1, 12):03d}—{rng.randint(2019, 2025)}", main_category
                )
                own = self.standards[number]
            self.enterprises.append(
                EnterpriseSpec(
                    credit_code=code,
                    name=name,
                    office=office_code,
                    industry=industry_name,
                    address=address,
                    legal_representative=self._person(),
                    contact_person=self._person(),
                    phone=self._phone(),
                    email=email,
                    zhejiang_made=zhejiang_made,
                    standard_leader=standard_leader,
                    model_prefix=initials,
                    main_category=main_category,
                    own_standard=own,
                )
            )

    # -- schemes -----------------------------------------------------------

    def _indicators(
        self, template: data.IndustryTemplate, category: data.CategoryTemplate, benchmarks: list[str]
    ):
        rng = self.rng
        specific = list(category.specific)
        common = [t for t in template.common if t.name not in {s.name for s in specific}]
        while True:
            size = rng.randint(max(4, len(specific) + 2), min(10, len(specific) + len(common)))
            picked = specific + sorted(rng.sample(common, size - len(specific)), key=common.index)
            graded = [t for t in picked if t.direction in (Direction.HIGHER_BETTER, Direction.LOWER_BETTER)]
            if len(graded) >= 2:
                break
        # Core indicators: two to four graded ones, the category's own first, sometimes a
        # qualitative or range one too; one scheme in ten marks none (all indicators count).
        half = math.ceil(len(picked) / 2)
        if rng.random() < 0.1 and len(graded) >= half:
            core: set[str] = set()
        else:
            ordered = [t for t in graded if t in specific] + rng.sample(
                [t for t in graded if t not in specific], len([t for t in graded if t not in specific])
            )
            core = {t.name for t in ordered[: rng.randint(2, min(4, len(graded)))]}
            others = [t for t in picked if t not in graded]
            if others and rng.random() < 0.35:
                core.add(rng.choice(others).name)
        advanced = [b for b in benchmarks if self.standards[b].kind in ("international", "foreign")]
        national = [b for b in benchmarks if self.standards[b].kind in ("national", "industry", "local")]
        indicators = []
        for order, t in enumerate(picked, start=1):
            step = Decimal(t.step)
            value = vmin = vmax = None
            references = []
            if t.benchmark is not None:
                value = Decimal(t.benchmark)
                if value / step >= 20:
                    value = _quantize(
                        value * Decimal(rng.choice(("0.9", "0.95", "1", "1", "1.05", "1.1"))), step
                    )
                higher = t.direction == Direction.HIGHER_BETTER
                sign = "≥" if higher else "≤"
                unit = f" {t.unit}" if t.unit else ""
                if advanced:
                    references.append((advanced[0], f"{sign} {_fmt(value)}{unit}"))
                if national:
                    weaker = _quantize(value * Decimal("0.9" if higher else "1.1"), step)
                    if weaker == value:
                        weaker = value - step if higher else value + step
                    if weaker > 0:
                        references.append((national[0], f"{sign} {_fmt(weaker)}{unit}"))
            else:
                vmin = Decimal(t.minimum) if t.minimum is not None else None
                vmax = Decimal(t.maximum) if t.maximum is not None else None
            indicators.append(
                IndicatorSpec(
                    name=t.name,
                    unit=t.unit,
                    direction=t.direction,
                    benchmark_value=value,
                    benchmark_min=vmin,
                    benchmark_max=vmax,
                    requirement=t.requirement,
                    test_method=t.method,
                    order=order,
                    is_core=t.name in core,
                    step=step,
                    references=references,
                )
            )
        return indicators

    def _benchmarks(self, template: data.IndustryTemplate) -> list[str]:
        rng = self.rng
        chosen = rng.sample(template.advanced, rng.randint(1, min(2, len(template.advanced))))
        chosen += rng.sample(template.domestic, rng.randint(1, min(2, len(template.domestic))))
        if template.group and rng.random() < 0.3:
            chosen.append(rng.choice(template.group))
        return [normalize_standard_number(n) for n in chosen]

    def build_schemes(self) -> None:
        rng = self.rng
        years = [year for year, n in SCHEMES_PER_YEAR.items() for _ in range(n)]
        rng.shuffle(years)
        years_iter = iter(years)
        dated: list[tuple[dt.datetime, SchemeSpec]] = []
        drafts: list[SchemeSpec] = []
        for template in data.INDUSTRIES:
            published: list[SchemeSpec] = []
            categories = list(template.categories)
            for category in categories[: template.published]:
                year = next(years_iter)
                start, end = SCHEME_YEAR_WINDOWS.get(year, (dt.date(year, 1, 4), dt.date(year, 12, 30)))
                benchmarks = self._benchmarks(template)
                spec = SchemeSpec(
                    code="",
                    title=f"{category.name}对标技术方案",
                    product_category=category.name,
                    industry=template.name,
                    publisher=rng.choice(template.publishers),
                    benchmarks=benchmarks,
                    indicators=self._indicators(template, category, benchmarks),
                    published_at=_office_hours(rng, _workday_back(_day_between(rng, start, end))),
                )
                published.append(spec)
                dated.append((spec.published_at, spec))
            # An older edition, withdrawn when the current one replaced it.
            replaceable = [s for s in published if s.published_at.date() >= dt.date(2023, 9, 1)]
            for current in rng.sample(replaceable, template.withdrawn):
                category = next(c for c in categories if c.name == current.product_category)
                first = _office_hours(
                    rng, _workday_back(_day_between(rng, HISTORY_START, dt.date(2023, 2, 28)))
                )
                benchmarks = self._benchmarks(template)
                old = SchemeSpec(
                    code="",
                    title=f"{category.name}对标技术方案（{first.year}年版）",
                    product_category=category.name,
                    industry=template.name,
                    publisher=current.publisher,
                    benchmarks=benchmarks,
                    indicators=self._indicators(template, category, benchmarks),
                    published_at=first,
                    withdrawn_at=current.published_at + dt.timedelta(hours=1),
                )
                dated.append((first, old))
                self.withdrawn_pairs.append((old, current))
            for category in categories[template.published : template.published + template.drafts]:
                benchmarks = self._benchmarks(template)
                drafts.append(
                    SchemeSpec(
                        code="",
                        title=f"{category.name}对标技术方案（征求意见稿）",
                        product_category=category.name,
                        industry=template.name,
                        publisher=rng.choice(template.publishers),
                        benchmarks=benchmarks,
                        indicators=self._indicators(template, category, benchmarks),
                    )
                )
        # Codes number the schemes of each year in the order they were published.
        sequence: Counter[int] = Counter()
        for published_at, spec in sorted(dated, key=lambda pair: pair[0]):
            sequence[published_at.year] += 1
            spec.code = f"YKDB-{published_at.year}-{sequence[published_at.year]:03d}"
        for spec in drafts:
            sequence[2026] += 1
            spec.code = f"YKDB-2026-{sequence[2026]:03d}"
        for old, current in self.withdrawn_pairs:
            old.withdraw_reason = f"已由新版方案 {current.code} 替代。"
        self.schemes = [spec for _, spec in sorted(dated, key=lambda pair: pair[0])] + drafts

    # -- declarations ------------------------------------------------------

    def _outcomes(self, indicators: list[IndicatorSpec], grade: str) -> dict[str, str]:
        """better / equal / worse for each indicator, so that the grade rule gives ``grade``."""
        rng = self.rng
        counted = [i for i in indicators if i.is_core] or indicators
        graded = [i for i in counted if i.direction in (Direction.HIGHER_BETTER, Direction.LOWER_BETTER)]
        n = len(counted)
        half = math.ceil(n / 2)
        if grade == Grade.LEADING and len(graded) < half:
            grade = Grade.ADVANCED
        if grade == Grade.AVERAGE and n < 2:
            grade = Grade.BEHIND
        outcome = {i.name: "equal" for i in counted}
        if grade == Grade.LEADING:
            for i in rng.sample(graded, rng.randint(half, len(graded))):
                outcome[i.name] = "better"
        elif grade == Grade.ADVANCED:
            for i in rng.sample(graded, rng.randint(0, min(half - 1, len(graded)))):
                outcome[i.name] = "better"
        else:
            meeting = rng.randint(half, n - 1) if grade == Grade.AVERAGE else rng.randint(0, half - 1)
            worse = rng.sample(counted, n - meeting)
            for i in graded:
                if i not in worse and rng.random() < 0.4:
                    outcome[i.name] = "better"
            for i in worse:
                outcome[i.name] = "worse"
        for i in indicators:
            if i.name not in outcome:
                r = rng.random()
                is_graded = i.direction in (Direction.HIGHER_BETTER, Direction.LOWER_BETTER)
                outcome[i.name] = "worse" if r < 0.2 else "better" if r < 0.55 and is_graded else "equal"
        return outcome

    def _value(self, indicator: IndicatorSpec, outcome: str) -> Decimal | bool:
        rng = self.rng
        step = indicator.step
        if indicator.direction == Direction.PASS_FAIL:
            return outcome != "worse"
        if indicator.direction == Direction.RANGE:
            low, high = indicator.benchmark_min, indicator.benchmark_max
            if outcome == "worse":
                off = step * rng.randint(1, 8)
                if high is not None and (low is None or rng.random() < 0.5):
                    return high + off
                return low - off
            low = low if low is not None else _quantize(high * Decimal("0.6"), step)
            high = high if high is not None else _quantize(low * Decimal("1.4"), step)
            return low + step * rng.randint(0, int((high - low) / step))
        benchmark = indicator.benchmark_value
        if outcome == "equal":
            return benchmark
        delta = max(step, _quantize(benchmark * Decimal(str(round(rng.uniform(0.03, 0.25), 3))), step))
        up = (outcome == "better") == (indicator.direction == Direction.HIGHER_BETTER)
        if up:
            return benchmark + delta
        return max(benchmark - delta, Decimal(0))

    def _values(self, scheme: SchemeSpec, grade: str) -> tuple[dict[str, Decimal | bool], str]:
        outcomes = self._outcomes(scheme.indicators, grade)
        values = {i.name: self._value(i, outcomes[i.name]) for i in scheme.indicators}
        computed = grade_declaration(
            GradedItem(
                comparison=compare_to_indicator(
                    i,
                    value=None if isinstance(values[i.name], bool) else values[i.name],
                    passed=values[i.name] if isinstance(values[i.name], bool) else None,
                ),
                is_core=i.is_core,
            )
            for i in scheme.indicators
        )
        return values, computed

    def _grade(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def _product(self, enterprise: EnterpriseSpec, scheme: SchemeSpec) -> tuple[str, str]:
        rng = self.rng
        template = self.industries[enterprise.industry]
        name = rng.choice(template.product_prefixes) + scheme.product_category
        while True:
            model = (
                f"{enterprise.model_prefix}{rng.choice(('-', '', '-'))}"
                f"{rng.randint(100, 9899)}{rng.choice(('', '', 'A', 'B', 'S', 'Pro', 'Plus'))}"
            )
            key = (enterprise.credit_code, scheme.code, model)
            if key not in self.used_models:
                self.used_models.add(key)
                return name, model

    def _executed(self, enterprise: EnterpriseSpec, scheme: SchemeSpec) -> str:
        """The standard the product is made to: the enterprise's own Q/ standard for its main
        product, else a group (浙江制造, for certified firms) or national/industry/local
        standard the scheme lists, else one of the industry's."""
        rng = self.rng
        if (
            enterprise.own_standard
            and scheme.product_category == enterprise.main_category
            and rng.random() < 0.9
        ):
            return enterprise.own_standard.number
        kinds = {number: self.standards[number].kind for number in scheme.benchmarks}
        group = [n for n, kind in kinds.items() if kind == "group"]
        domestic = [n for n, kind in kinds.items() if kind in ("national", "industry", "local")]
        if group and (enterprise.zhejiang_made or rng.random() < 0.2):
            return rng.choice(group)
        if domestic:
            return rng.choice(domestic)
        return normalize_standard_number(rng.choice(self.industries[enterprise.industry].domestic))

    def _reviewer(self, enterprise: EnterpriseSpec) -> str:
        return "branch" if enterprise.office == "DC" else "bureau"

    def _comment(self, reasons: tuple[str, ...], scheme: SchemeSpec) -> str:
        indicator = self.rng.choice(scheme.indicators).name
        return self.rng.choice(reasons).format(indicator=indicator)

    def _declare(
        self, enterprise, scheme, actions, last_day, grade_weights, *, login=None
    ) -> DeclarationSpec:
        """A declaration whose moves (``actions``: (action, actor) pairs) end on ``last_day``."""
        rng = self.rng
        gaps = [rng.randint(1, 6) for _ in actions[1:]]
        moments = _chain_back(rng, last_day, gaps)
        name, model = self._product(enterprise, scheme)
        values, grade = self._values(scheme, self._grade(grade_weights))
        steps = []
        for (action, actor), at in zip(actions, moments, strict=True):
            comment = ""
            if action == "return":
                comment = self._comment(names.RETURN_REASONS, scheme)
            elif action == "submit":
                comment = rng.choice(names.SUBMIT_COMMENTS) if actor != login else ""
            steps.append(Step(action, actor, at, comment))
        on_paper = actions[0][1] != login
        return DeclarationSpec(
            enterprise=enterprise.credit_code,
            scheme=scheme.code,
            product_name=name,
            product_model=model,
            executed_standard=self._executed(enterprise, scheme),
            declared_on=moments[0].date() if on_paper else None,
            values=values,
            grade=grade,
            steps=steps,
        )

    def _published_actions(self, enterprise: EnterpriseSpec, login: str | None) -> list[tuple[str, str]]:
        rng = self.rng
        if login == "enterprise_a":
            path = [("create", login), ("submit", login)]
            if rng.random() < 0.5:
                path += [("return", "branch"), ("submit", login)]
            return [*path, ("publish", "branch")]
        if login == "enterprise_b":
            return [("create", login), ("submit", login), ("publish", "bureau")]
        r = rng.random()
        if enterprise.office == "DC":
            if r < 0.5:
                return [("create", "branch"), ("publish", "branch")]
            if r < 0.7:
                return [("create", "branch"), ("submit", "branch"), ("publish", "bureau")]
            if r < 0.8:
                return [
                    ("create", "branch"),
                    ("submit", "branch"),
                    ("return", "bureau"),
                    ("submit", "branch"),
                    ("publish", "bureau"),
                ]
            return [("create", "bureau"), ("publish", "bureau")]
        if r < 0.1:
            return [("create", "bureau"), ("submit", "bureau"), ("publish", "bureau")]
        return [("create", "bureau"), ("publish", "bureau")]

    def _open_actions(
        self, enterprise: EnterpriseSpec, status: str, login: str | None
    ) -> list[tuple[str, str]]:
        maker = login or self._reviewer(enterprise)
        reviewer = "branch" if enterprise.office == "DC" and login else "bureau"
        if status == DeclarationStatus.DRAFT:
            return [("create", maker)]
        if status == DeclarationStatus.SUBMITTED:
            return [("create", maker), ("submit", maker)]
        if status == DeclarationStatus.RETURNED:
            return [("create", maker), ("submit", maker), ("return", reviewer)]
        raise ValueError(status)

    def _scheme_for(self, enterprise: EnterpriseSpec, latest_publication: dt.date) -> SchemeSpec:
        """A published scheme of the enterprise's industry, often the one for its main product."""
        candidates = [
            s
            for s in self.schemes
            if s.industry == enterprise.industry and s.counts and s.published_at.date() <= latest_publication
        ]
        main = [s for s in candidates if s.product_category == enterprise.main_category]
        if main and self.rng.random() < 0.5:
            return self.rng.choice(main)
        return self.rng.choice(candidates)

    def build_declarations(self, login_codes: dict[str, str]) -> None:
        rng = self.rng
        logins = {code: username for username, code in login_codes.items()}
        order = list(range(2, len(self.enterprises)))
        rng.shuffle(order)
        counted = [0, 1, *order[: EXPECTED_ENTERPRISES - 2]]
        pending = order[EXPECTED_ENTERPRISES - 2 : EXPECTED_ENTERPRISES - 2 + PENDING_ONLY_ENTERPRISES]

        # Results per counted enterprise: one each, then the rest by size (浙江制造 and
        # 领跑者 firms declare more products); the two login enterprises are fixed.
        results = {i: 1 for i in counted}
        results[0], results[1] = 3, 2
        spare = [i for i in counted[2:]]
        weights = [
            3 if self.enterprises[i].zhejiang_made else 2 if self.enterprises[i].standard_leader else 1
            for i in spare
        ]
        while sum(results.values()) < EXPECTED_RESULTS:
            i = rng.choices(spare, weights=weights)[0]
            if results[i] < MAX_RESULTS_PER_ENTERPRISE:
                results[i] += 1

        published: list[DeclarationSpec] = []
        for i in counted:
            enterprise = self.enterprises[i]
            login = logins.get(enterprise.credit_code)
            for _ in range(results[i]):
                scheme = self._scheme_for(enterprise, LAST_PUBLICATION - dt.timedelta(days=45))
                start = scheme.published_at.date() + dt.timedelta(days=40)
                spec = self._declare(
                    enterprise,
                    scheme,
                    self._published_actions(enterprise, login),
                    _day_between(rng, start, LAST_PUBLICATION),
                    RESULT_GRADES,
                    login=login,
                )
                published.append(spec)

        # Uncounted ones: the logins get a returned (A), a draft and a submitted one (B);
        # every pending-only enterprise gets one, the rest go to random enterprises.
        statuses = [status for status, n in UNCOUNTED.items() for _ in range(n)]
        for status in (DeclarationStatus.RETURNED, DeclarationStatus.DRAFT, DeclarationStatus.SUBMITTED):
            statuses.remove(status)
        rng.shuffle(statuses)
        owners = [*pending, *rng.choices(counted[2:] + pending, k=len(statuses) - len(pending))]
        assignments = [
            (0, DeclarationStatus.RETURNED),
            (1, DeclarationStatus.DRAFT),
            (1, DeclarationStatus.SUBMITTED),
        ]
        assignments += list(zip(owners, statuses, strict=True))
        uncounted: list[DeclarationSpec] = []
        windows = {
            DeclarationStatus.DRAFT: dt.date(2026, 8, 1),
            DeclarationStatus.SUBMITTED: dt.date(2026, 9, 15),
            DeclarationStatus.RETURNED: dt.date(2026, 7, 1),
        }
        for i, status in assignments:
            enterprise = self.enterprises[i]
            login = logins.get(enterprise.credit_code)
            if status == DeclarationStatus.WITHDRAWN:
                scheme = self._scheme_for(enterprise, dt.date(2025, 6, 30))
                spec = self._withdrawn(enterprise, scheme, scheme.published_at.date() + dt.timedelta(days=40))
            else:
                scheme = self._scheme_for(enterprise, LAST_EVENT - dt.timedelta(days=60))
                start = max(windows[status], scheme.published_at.date() + dt.timedelta(days=30))
                spec = self._declare(
                    enterprise,
                    scheme,
                    self._open_actions(enterprise, status, login),
                    _day_between(rng, start, LAST_EVENT),
                    OPEN_GRADES,
                    login=login,
                )
            uncounted.append(spec)

        # Withdrawn and declared again: the same product, published, withdrawn, then a new
        # declaration (one of the counted results) after the withdrawal.
        by_code = {s.code: s for s in self.schemes}
        by_credit = {e.credit_code: e for e in self.enterprises}
        candidates = [
            spec
            for spec in published
            if spec.enterprise not in login_codes.values()
            and spec.steps[-1].at.date() - by_code[spec.scheme].published_at.date() >= dt.timedelta(days=320)
        ]
        for spec in rng.sample(candidates, REDECLARED):
            scheme = by_code[spec.scheme]
            old = self._withdrawn(
                by_credit[spec.enterprise],
                scheme,
                scheme.published_at.date() + dt.timedelta(days=40),
                latest_withdrawal=spec.steps[0].at.date() - dt.timedelta(days=15),
                product=(spec.product_name, spec.product_model),
                reasons=names.REDECLARE_REASONS,
            )
            uncounted.append(old)
        self.declarations = sorted(published + uncounted, key=lambda d: d.starts_at)

    def _withdrawn(
        self,
        enterprise,
        scheme,
        earliest: dt.date,
        *,
        latest_withdrawal=None,
        product=None,
        reasons=names.WITHDRAW_REASONS,
    ):
        """A declaration published after ``earliest`` and withdrawn by ``latest_withdrawal``;
        ``product`` (name, model) when the same product is declared again afterwards."""
        rng = self.rng
        latest_withdrawal = latest_withdrawal or LAST_PUBLICATION
        published_on = _day_between(
            rng, earliest, min(earliest + dt.timedelta(days=120), latest_withdrawal - dt.timedelta(days=60))
        )
        spec = self._declare(
            enterprise, scheme, self._published_actions(enterprise, None), published_on, OPEN_GRADES
        )
        if product:
            self.used_models.discard((enterprise.credit_code, scheme.code, spec.product_model))
            spec.product_name, spec.product_model = product
        withdrawn_on = _workday_back(
            _day_between(rng, published_on + dt.timedelta(days=45), latest_withdrawal)
        )
        spec.steps.append(
            Step("withdraw", "bureau", _office_hours(rng, withdrawn_on), self._comment(reasons, scheme))
        )
        return spec

    # -- plan --------------------------------------------------------------

    def plan(self) -> PlanSpec:
        weights = [o.weight for o in data.OFFICES]
        target_schemes, target_enterprises, target_results = PLAN_TARGETS
        enterprises = largest_remainder(target_enterprises, weights)
        results = largest_remainder(target_results, weights)
        quotas = tuple(
            QuotaSpec(o.code, e, max(r, e))
            for o, e, r in zip(data.OFFICES, enterprises, results, strict=True)
        )
        return PlanSpec(
            names.PLAN_NAME,
            PLAN_STARTS,
            PLAN_ENDS,
            target_schemes,
            target_enterprises,
            target_results,
            quotas,
        )


def build_demo(seed: int = SEED) -> Demo:
    """The whole demo as plain data, the same for the same seed."""
    builder = _Builder(seed)
    builder.build_standards()
    builder.build_enterprises()
    builder.build_schemes()
    login_codes = {
        "enterprise_a": builder.enterprises[0].credit_code,
        "enterprise_b": builder.enterprises[1].credit_code,
    }
    builder.build_declarations(login_codes)
    demo = Demo(
        offices=data.OFFICES,
        industries=data.INDUSTRIES,
        standards=sorted(builder.standards.values(), key=lambda s: s.number),
        enterprises=builder.enterprises,
        schemes=builder.schemes,
        declarations=builder.declarations,
        plan=builder.plan(),
        logins=names.LOGINS,
        login_enterprises=login_codes,
    )
    check_demo(demo)
    return demo
