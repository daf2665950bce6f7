"""The demo as plain data: what ``builder`` produces and ``seed`` writes.

Also the numbers and dates the demo is built around, and ``check_demo``, which
refuses a plan that would not reproduce them.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from ..choices import DeclarationStatus, Grade, Role
from ..models import DECLARATION_TRANSITIONS, DeclarationAction
from . import data, names

SEED = 20240301
SHANGHAI = ZoneInfo("Asia/Shanghai")

# What the bureau reported when the plan was set (docs/domain.md, "Counting"): the demo reproduces it.
EXPECTED_SCHEMES = 61
EXPECTED_ENTERPRISES = 230
EXPECTED_RESULTS = 480

# Enterprises with only uncounted declarations (draft, submitted, returned, withdrawn), and with none.
PENDING_ONLY_ENTERPRISES = 22
SILENT_ENTERPRISES = 16
MAX_RESULTS_PER_ENTERPRISE = 6
# Declarations that do not count, by final status; plus published ones withdrawn and declared again.
UNCOUNTED = {
    DeclarationStatus.DRAFT: 14,
    DeclarationStatus.SUBMITTED: 12,
    DeclarationStatus.RETURNED: 8,
    DeclarationStatus.WITHDRAWN: 5,
}
REDECLARED = 3

# The demo's history: schemes from spring 2022, counted records up to the end of October 2026,
# open work (drafts, reviews in progress) up to 20 November 2026.
HISTORY_START = dt.date(2022, 3, 1)
LAST_PUBLICATION = dt.date(2026, 10, 30)
LAST_EVENT = dt.date(2026, 11, 20)
SCHEMES_PER_YEAR = {2022: 8, 2023: 11, 2024: 15, 2025: 16, 2026: 11}
SCHEME_YEAR_WINDOWS = {
    2022: (dt.date(2022, 3, 1), dt.date(2022, 12, 30)),
    2026: (dt.date(2026, 1, 5), dt.date(2026, 8, 31)),
}

RESULT_GRADES = {Grade.LEADING: 22, Grade.ADVANCED: 43, Grade.AVERAGE: 25, Grade.BEHIND: 10}
OPEN_GRADES = {Grade.LEADING: 15, Grade.ADVANCED: 35, Grade.AVERAGE: 30, Grade.BEHIND: 20}

PLAN_STARTS = dt.date(2024, 1, 1)
PLAN_ENDS = dt.date(2026, 12, 31)
PLAN_TARGETS = (100, 300, 600)


# ---------------------------------------------------------------------------
# The plan's records
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StandardSpec:
    number: str
    title: str
    kind: str


@dataclass
class EnterpriseSpec:
    credit_code: str
    name: str
    office: str
    industry: str
    address: str
    legal_representative: str
    contact_person: str
    phone: str
    email: str
    zhejiang_made: bool
    standard_leader: bool
    model_prefix: str
    main_category: str
    own_standard: StandardSpec | None = None


@dataclass
class IndicatorSpec:
    name: str
    unit: str
    direction: str
    benchmark_value: Decimal | None
    benchmark_min: Decimal | None
    benchmark_max: Decimal | None
    requirement: str
    test_method: str
    order: int
    is_core: bool
    step: Decimal
    # (standard number, the value that standard gives), shown beside the benchmark.
    references: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class SchemeSpec:
    code: str
    title: str
    product_category: str
    industry: str
    publisher: str
    benchmarks: list[str]
    indicators: list[IndicatorSpec]
    published_at: dt.datetime | None = None
    withdrawn_at: dt.datetime | None = None
    withdraw_reason: str = ""

    @property
    def counts(self) -> bool:
        return self.published_at is not None and self.withdrawn_at is None


@dataclass(frozen=True)
class Step:
    """One workflow move: ``create`` then submit / return / publish / withdraw."""

    action: str
    actor: str
    at: dt.datetime
    comment: str = ""


@dataclass
class DeclaredItem:
    """One declared value as the grading path (``rules.grade_items``) reads an item."""

    value: Decimal | None
    passed: bool | None
    comparison: str = ""

    @classmethod
    def of(cls, declared: Decimal | bool) -> "DeclaredItem":
        """A plan's value: a number, or True/False for a pass/fail indicator."""
        if isinstance(declared, bool):
            return cls(value=None, passed=declared)
        return cls(value=declared, passed=None)


@dataclass
class DeclarationSpec:
    enterprise: str  # credit code
    scheme: str  # scheme code
    product_name: str
    product_model: str
    executed_standard: str
    declared_on: dt.date | None
    values: dict[str, Decimal | bool]
    grade: str
    steps: list[Step]

    @property
    def status(self) -> str:
        last = self.steps[-1].action
        if last == DeclarationAction.CREATE:
            return DeclarationStatus.DRAFT
        return DECLARATION_TRANSITIONS[last].target

    @property
    def starts_at(self) -> dt.datetime:
        return self.steps[0].at


@dataclass(frozen=True)
class QuotaSpec:
    office: str
    enterprises: int
    results: int


@dataclass(frozen=True)
class PlanSpec:
    name: str
    starts_on: dt.date
    ends_on: dt.date
    target_schemes: int
    target_enterprises: int
    target_results: int
    quotas: tuple[QuotaSpec, ...]


@dataclass
class Demo:
    offices: tuple[data.OfficeTemplate, ...]
    industries: tuple[data.IndustryTemplate, ...]
    standards: list[StandardSpec]
    enterprises: list[EnterpriseSpec]
    schemes: list[SchemeSpec]
    declarations: list[DeclarationSpec]
    plan: PlanSpec
    logins: tuple[names.LoginTemplate, ...]
    # Credit codes of the enterprises the two enterprise logins act for.
    login_enterprises: dict[str, str]


def check_demo(demo: Demo) -> None:
    """Refuse a plan that would not reproduce the reported numbers or would break a rule."""
    problems = []
    schemes = sum(1 for s in demo.schemes if s.counts)
    results = [d for d in demo.declarations if d.status == DeclarationStatus.PUBLISHED]
    enterprises = {d.enterprise for d in results}
    if (schemes, len(enterprises), len(results)) != (
        EXPECTED_SCHEMES,
        EXPECTED_ENTERPRISES,
        EXPECTED_RESULTS,
    ):
        problems.append(f"counts {schemes}/{len(enterprises)}/{len(results)}")
    if {d.status for d in demo.declarations} != set(DeclarationStatus.values):
        problems.append("a declaration status is missing")
    last = dt.datetime.combine(LAST_EVENT, dt.time.max, tzinfo=SHANGHAI)
    schemes_by_code = {s.code: s for s in demo.schemes}
    for d in demo.declarations:
        moments = [step.at for step in d.steps]
        if moments != sorted(moments) or len(set(moments)) != len(moments) or moments[-1] > last:
            problems.append(f"steps of {d.scheme} {d.product_model} out of order")
        if moments[0] <= schemes_by_code[d.scheme].published_at:
            problems.append(f"{d.product_model} declared before {d.scheme} was published")
    live = {}
    for d in demo.declarations:
        if d.status != DeclarationStatus.WITHDRAWN:
            key = (d.enterprise, d.scheme, d.product_model)
            if key in live:
                problems.append(f"two live declarations for {d.product_model}")
            live[key] = d
    for d in demo.declarations:
        again = live.get((d.enterprise, d.scheme, d.product_model))
        if d.status == DeclarationStatus.WITHDRAWN and again and again.starts_at <= d.steps[-1].at:
            problems.append(f"{d.product_model} declared again before it was withdrawn")
    plan = demo.plan
    if (sum(q.enterprises for q in plan.quotas), sum(q.results for q in plan.quotas)) != (
        plan.target_enterprises,
        plan.target_results,
    ):
        problems.append("quotas do not add up to the targets")
    if any(not 4 <= len(s.indicators) <= 10 for s in demo.schemes):
        problems.append("a scheme without 4–10 indicators")
    roles = {login.role for login in demo.logins}
    if roles != set(Role.values):
        problems.append("a role without a login")
    if problems:
        raise ValueError("the demo plan is inconsistent: " + "; ".join(problems))
