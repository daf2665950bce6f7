"""Importing self-declared results, one row per declaration, the indicator values as column
pairs 指标1 | 声明值1 | 指标2 | 声明值2 | … (any number of pairs).

A row is matched on (统一社会信用代码, 方案编号, 产品型号) among the declarations that are not
withdrawn, as the database's one-per-product constraint is; a 已撤回 row on the same key and
its 发布时间 among the withdrawn ones. Historic records import as records: a 已发布 or
已撤回 row is written with its dates, its comparisons and grade computed by ``rules`` (never
typed), and the workflow events that lead to its status, so the history never disagrees
with the status and the counts count it from its publication.

A declaration still being written (草稿, 已退回) may be updated by the import; one that left
the enterprise's hands (已提交, 已发布, 已撤回) may not: its status changes go through the
workflow in the app, and a published result is withdrawn and declared again.

The import reads in three steps, one module each: ``rows`` reads a row's cells and the
records they name, ``planning`` matches and plans, ``committing`` writes the plan.
"""

from ...columns import DECLARATION_EXPORT, DECLARATION_FIELDS
from ..common import headers
from ..engine import ImportColumn, ImportKind, ImportPlan, RowReader
from . import committing, planning
from .rows import COLUMNS, example_row, find_pairs, is_pair_header, template_pairs

__all__ = ["DeclarationImport"]


class DeclarationImport(ImportKind):
    key = "declarations"
    label = "自我声明对标结果"
    columns = COLUMNS
    export_only = frozenset(headers(DECLARATION_EXPORT)) - frozenset(headers(DECLARATION_FIELDS))

    def template_columns(self) -> tuple[ImportColumn, ...]:
        """The fixed columns, then the 指标N / 声明值N pairs."""
        return (*self.columns, *template_pairs())

    def template_example(self, actor) -> dict[str, object]:
        return example_row(actor)

    def is_known_header(self, text: str) -> bool:
        return super().is_known_header(text) or is_pair_header(text)

    def _positions(self, table, plan: ImportPlan) -> dict[str, int]:
        positions = super()._positions(table, plan)
        find_pairs(table, plan)
        return positions

    def plan_rows(self, plan: ImportPlan, rows: list[RowReader], actor) -> None:
        planning.plan_rows(plan, rows, actor)

    def write(self, plan: ImportPlan, actor) -> None:
        committing.write(plan, actor)
