"""The demo's technical schemes with their benchmarks and indicators."""

import datetime as dt
import math
from collections import Counter
from decimal import Decimal

from ...choices import Direction
from ...validators import (
    normalize_standard_number,
)
from .. import data
from ..specs import (
    HISTORY_START,
    SCHEME_YEAR_WINDOWS,
    SCHEMES_PER_YEAR,
    IndicatorSpec,
    SchemeSpec,
)
from .helpers import day_between, decimal_text, office_hours, quantize, workday_back


class SchemesPart:
    """Builds ``schemes`` (see ``_Builder``)."""

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
                    value = quantize(
                        value * Decimal(rng.choice(("0.9", "0.95", "1", "1", "1.05", "1.1"))), step
                    )
                higher = t.direction == Direction.HIGHER_BETTER
                sign = "≥" if higher else "≤"
                unit = f" {t.unit}" if t.unit else ""
                if advanced:
                    references.append((advanced[0], f"{sign} {decimal_text(value)}{unit}"))
                if national:
                    weaker = quantize(value * Decimal("0.9" if higher else "1.1"), step)
                    if weaker == value:
                        weaker = value - step if higher else value + step
                    if weaker > 0:
                        references.append((national[0], f"{sign} {decimal_text(weaker)}{unit}"))
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
                    published_at=office_hours(rng, workday_back(day_between(rng, start, end))),
                )
                published.append(spec)
                dated.append((spec.published_at, spec))
            # An older edition, withdrawn when the current one replaced it.
            replaceable = [s for s in published if s.published_at.date() >= dt.date(2023, 9, 1)]
            for current in rng.sample(replaceable, template.withdrawn):
                category = next(c for c in categories if c.name == current.product_category)
                first = office_hours(rng, workday_back(day_between(rng, HISTORY_START, dt.date(2023, 2, 28))))
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
