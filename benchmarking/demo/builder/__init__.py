"""Turn the reference lists of ``data`` into one plan of demo records.

Pure Python, no database: every choice comes from ``random.Random(SEED)`` in a
fixed order, so the plan is identical on every run and ``seed`` can match each
record on its natural key. The plan is checked against the numbers the bureau
reported (61 schemes, 230 enterprises, 480 results) before anything is written.

The builder is split by the records it plans: ``enterprises`` (with the standards),
``schemes`` and ``declarations``, over the small ``helpers``.
"""

import random

from .. import data, names
from ..specs import (
    PLAN_ENDS,
    PLAN_STARTS,
    PLAN_TARGETS,
    SEED,
    DeclarationSpec,
    Demo,
    EnterpriseSpec,
    PlanSpec,
    QuotaSpec,
    SchemeSpec,
    StandardSpec,
    check_demo,
)
from .declarations import DeclarationsPart
from .enterprises import EnterprisesPart
from .helpers import largest_remainder
from .schemes import SchemesPart


class _Builder(EnterprisesPart, SchemesPart, DeclarationsPart):
    """One random stream, drawn in a fixed order by each part in turn: standards and
    enterprises, schemes, declarations, then the plan."""

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
