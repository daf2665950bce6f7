"""The demo's declarations: products, values that grade as planned, and their workflow moves."""

import datetime as dt
import math
from decimal import Decimal

from ...choices import DeclarationStatus, Direction, Grade
from ...rules import grade_items
from ...validators import (
    normalize_standard_number,
)
from .. import names
from ..specs import (
    EXPECTED_ENTERPRISES,
    EXPECTED_RESULTS,
    LAST_EVENT,
    LAST_PUBLICATION,
    MAX_RESULTS_PER_ENTERPRISE,
    OPEN_GRADES,
    PENDING_ONLY_ENTERPRISES,
    REDECLARED,
    RESULT_GRADES,
    UNCOUNTED,
    DeclarationSpec,
    DeclaredItem,
    EnterpriseSpec,
    IndicatorSpec,
    SchemeSpec,
    Step,
)
from .helpers import chain_back, day_between, office_hours, quantize, workday_back


class DeclarationsPart:
    """Builds ``declarations`` (see ``_Builder``)."""

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
            low = low if low is not None else quantize(high * Decimal("0.6"), step)
            high = high if high is not None else quantize(low * Decimal("1.4"), step)
            return low + step * rng.randint(0, int((high - low) / step))
        benchmark = indicator.benchmark_value
        if outcome == "equal":
            return benchmark
        delta = max(step, quantize(benchmark * Decimal(str(round(rng.uniform(0.03, 0.25), 3))), step))
        up = (outcome == "better") == (indicator.direction == Direction.HIGHER_BETTER)
        if up:
            return benchmark + delta
        return max(benchmark - delta, Decimal(0))

    def _values(self, scheme: SchemeSpec, grade: str) -> tuple[dict[str, Decimal | bool], str]:
        outcomes = self._outcomes(scheme.indicators, grade)
        values = {i.name: self._value(i, outcomes[i.name]) for i in scheme.indicators}
        return values, grade_items((DeclaredItem.of(values[i.name]), i) for i in scheme.indicators)

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
        moments = chain_back(rng, last_day, gaps)
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
                    day_between(rng, start, LAST_PUBLICATION),
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
                    day_between(rng, start, LAST_EVENT),
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
        published_on = day_between(
            rng, earliest, min(earliest + dt.timedelta(days=120), latest_withdrawal - dt.timedelta(days=60))
        )
        spec = self._declare(
            enterprise, scheme, self._published_actions(enterprise, None), published_on, OPEN_GRADES
        )
        if product:
            self.used_models.discard((enterprise.credit_code, scheme.code, spec.product_model))
            spec.product_name, spec.product_model = product
        withdrawn_on = workday_back(day_between(rng, published_on + dt.timedelta(days=45), latest_withdrawal))
        spec.steps.append(
            Step("withdraw", "bureau", office_hours(rng, withdrawn_on), self._comment(reasons, scheme))
        )
        return spec
