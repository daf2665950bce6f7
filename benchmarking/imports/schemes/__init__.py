"""Importing technical schemes with their benchmark standards and key indicators.

The file has one row per indicator, the scheme's own columns repeated on each of its rows
(a scheme with no indicator yet: one row, the indicator columns blank) — the format of the
scheme list's export, so export → edit → import is a round trip. Schemes are matched on
方案编号, indicators on (scheme, 指标名称).

Historic schemes come in as records with their real status and dates, so the schemes the
bureau published before the system existed count by the one counting rule (docs/domain.md,
"Imports": historic records come in as records, never as bare opening numbers).

Rules:
- a new scheme takes its status, dates and reason from the file;
- an existing scheme's title, product category, industry and publisher may change; its
  status and dates only through the publish/withdraw actions, so a file that differs there
  is refused;
- a published or withdrawn scheme is a published document: its indicators and benchmark
  standards cannot change by import;
- a draft's indicators are added and updated, never deleted: a file need not list them all,
  and a missing row is far more often a filtered export than a decision to delete;
- a draft's 对标标准 cell is its whole list: standards added, reordered or removed.

``rows`` holds the columns and how each cell reads; this module plans the rows and writes the plan.
"""

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ...choices import Direction, SchemeStatus
from ...columns import SCHEME_EXPORT, SCHEME_FIELDS
from ...models import Indicator, Industry, SchemeAction, SchemeBenchmark, Standard, TechnicalScheme
from ...services.errors import CLOCK_TOLERANCE
from ...services.workflow import apply_scheme_move
from ..common import (
    BATCH,
    changed_fields,
    for_new,
    is_backdated,
    locked,
    message_of,
    note_change,
    read_back_pks,
    reference_lookup,
    same_moment,
    save_in_bulk,
    squeezed_text,
)
from ..engine import (
    NOT_GIVEN,
    Blank,
    Cleared,
    FieldChange,
    ImportKind,
    ImportPlan,
    RowReader,
    unmarked,
)
from .rows import (
    COLUMNS,
    HEADER_OF,
    INDICATOR_COLUMNS,
    INDICATOR_HEADER_OF,
    SCHEME_COLUMNS,
    STATUS_COLUMNS,
    SchemeInFile,
    listed_standards,
    standard_numbers,
)

__all__ = ["SchemeImport"]

_PUBLISHED_DOCUMENT = (SchemeStatus.PUBLISHED, SchemeStatus.WITHDRAWN)

__all__ = ["SchemeImport"]

_PUBLISHED_DOCUMENT = (SchemeStatus.PUBLISHED, SchemeStatus.WITHDRAWN)


class SchemeImport(ImportKind):
    key = "schemes"
    label = "对标技术方案"
    columns = COLUMNS
    export_only = frozenset(c.header for c in SCHEME_EXPORT) - frozenset(c.header for c in SCHEME_FIELDS)

    def template_example(self, actor) -> dict[str, object]:
        # A new draft (a code no scheme has) of an industry the system has, benchmarking
        # standards the library has: importing it by mistake publishes nothing.
        year = timezone.localdate().year
        codes = set(
            TechnicalScheme.objects.filter(code__startswith=f"YKDB-{year}-").values_list("code", flat=True)
        )
        code = next(
            f"YKDB-{year}-{n:03d}" for n in range(1, len(codes) + 2) if f"YKDB-{year}-{n:03d}" not in codes
        )
        industry = Industry.objects.first()
        wanted = standard_numbers(next(c.example for c in self.columns if c.header == "对标标准"))
        numbers = list(Standard.objects.filter(number__in=wanted).values_list("number", flat=True)) or list(
            Standard.objects.order_by("number").values_list("number", flat=True)[:2]
        )
        return {"方案编号": code, "行业": industry.name if industry else "", "对标标准": "；".join(numbers)}

    # -- planning ----------------------------------------------------------------------------

    def plan_rows(self, plan: ImportPlan, rows: list[RowReader], actor) -> None:
        schemes = self._read(plan, rows)
        industries = reference_lookup(Industry)
        numbers = {n for s in schemes.values() for n in listed_standards(s.values["对标标准"])}
        standards = {s.number: s for s in Standard.objects.filter(number__in=numbers)}
        existing = {
            s.code: s
            # Locked inside the commit: the bulk write's version is the one read here, plus one.
            for s in locked(TechnicalScheme.objects.filter(code__in=list(schemes)))
            .select_related("industry")
            .prefetch_related(
                Prefetch("indicators", queryset=locked(Indicator.objects.order_by("order", "id"))),
                Prefetch(
                    "schemebenchmark_set",
                    queryset=locked(
                        SchemeBenchmark.objects.select_related("standard").order_by("order", "id")
                    ),
                ),
            )
        }
        for code, scheme in schemes.items():
            row = scheme.first_row
            industry = None
            if scheme.values["行业"]:
                name = scheme.values["行业"]
                industry = industries.get(name)  # by name, code or alias
                if industry is None:
                    row.problem(_("系统中没有“%(name)s”。") % {"name": name}, "行业")
            wanted = []
            for number in listed_standards(scheme.values["对标标准"]):
                if number not in standards:
                    row.problem(
                        _("标准库中没有“%(number)s”，请先导入或录入该标准。") % {"number": number}, "对标标准"
                    )
                elif standards[number] in wanted:
                    row.problem(_("“%(number)s”列出了两次。") % {"number": number}, "对标标准")
                else:
                    wanted.append(standards[number])
            if scheme.failed or row.failed:
                continue
            values = {f: scheme.values[h] for h, f in SCHEME_COLUMNS.items()}
            values["industry"] = industry
            if code in existing:
                self._plan_existing(plan, scheme, existing[code], values, wanted)
            else:
                self._plan_new(plan, scheme, code, values, wanted)
        # A scheme is written whole or not at all: when the clerk imports only the rows without
        # problems, a scheme's other rows are skipped with the row that has one, and say so.
        for scheme in schemes.values():
            failed = [row.number for row in scheme.rows if row.failed]
            if failed:
                for row in scheme.rows:
                    if not row.failed:
                        row.hold(
                            _("同一方案的第 %(rows)s 行有问题，本行随该方案一并跳过。")
                            % {"rows": "、".join(map(str, failed))}
                        )

    def _read(self, plan: ImportPlan, rows: list[RowReader]) -> dict[str, SchemeInFile]:
        """Every row parsed and grouped by scheme; the problems a row shows on its own."""
        schemes: dict[str, SchemeInFile] = {}
        scheme_headers = ("对标标准", *SCHEME_COLUMNS, *STATUS_COLUMNS)
        for row in rows:
            code = row["方案编号"]
            values, unreadable = {}, set()
            for header in scheme_headers:
                before = len(plan.problems)
                values[header] = row[header]
                if len(plan.problems) > before:
                    unreadable.add(header)
                if header in STATUS_COLUMNS and values[header] is NOT_GIVEN:
                    values[header] = None  # as blank: a new scheme is a draft, an existing one keeps its own
            before = len(plan.problems)
            indicator = {f: row[h] for h, f in INDICATOR_COLUMNS.items()}
            indicator_readable = len(plan.problems) == before
            if not code:
                continue
            scheme = schemes.get(code)
            if scheme is None:
                scheme = schemes[code] = SchemeInFile(first_row=row, values=values)
            else:
                for header in scheme_headers:
                    if header not in unreadable and values[header] != scheme.values[header]:
                        row.problem(
                            _("与第 %(row)d 行的同一方案信息不一致。") % {"row": scheme.first_row.number},
                            header,
                        )
            scheme.rows.append(row)
            if indicator["name"]:
                if indicator["name"] in scheme.indicator_rows:
                    row.problem(
                        _("与第 %(row)d 行的指标名称重复。")
                        % {"row": scheme.indicator_rows[indicator["name"]]},
                        "指标名称",
                    )
                else:
                    scheme.indicator_rows[indicator["name"]] = row.number
                    # An unreadable cell was blamed already; one that keeps the stored value (a
                    # blank cell, a missing column) is checked once merged with it (_checked).
                    if indicator_readable and not any(
                        v is NOT_GIVEN or isinstance(v, Blank) for v in indicator.values()
                    ):
                        self._check_indicator(row, {f: unmarked(v) for f, v in indicator.items()})
                    scheme.indicators.append((row, indicator))
            # Blank, cleared, zero and no: nothing filled in (the markers are falsy).
            elif any(indicator[f] for f in INDICATOR_COLUMNS.values() if f != "name"):
                row.problem(_("填写了指标的内容，但没有填写指标名称。"), "指标名称")
            scheme.failed = scheme.failed or row.failed
        return schemes

    @staticmethod
    def _check_indicator(row: RowReader, values: dict) -> None:
        """The Indicator table's check constraints, as sentences on the row (never an IntegrityError)."""
        direction = values["direction"]
        if not direction:
            row.problem(_("有指标名称时必须填写比较方式。"), "比较方式")
        elif (
            direction in (Direction.HIGHER_BETTER, Direction.LOWER_BETTER)
            and values["benchmark_value"] is None
        ):
            row.problem(_("“越高越好”或“越低越好”的指标必须填写对标值。"), "对标值")
        elif (
            direction == Direction.RANGE
            and values["benchmark_min"] is None
            and values["benchmark_max"] is None
        ):
            row.problem(_("“区间内达标”的指标至少要填写区间下限或上限。"), "区间下限")
        low, high = values["benchmark_min"], values["benchmark_max"]
        if low is not None and high is not None and low > high:
            row.problem(_("区间下限不能大于上限。"), "区间下限")

    def _status_problems(self, scheme: SchemeInFile) -> dict | None:
        """A new scheme's status and dates from the file, or None after recording what is wrong."""
        row, cells_ = scheme.first_row, scheme.values
        status = cells_["状态"] or SchemeStatus.DRAFT
        published, withdrawn, reason = cells_["发布时间"], cells_["撤销时间"], cells_["撤销理由"]
        before = len(row.plan.problems)
        latest = timezone.now() + CLOCK_TOLERANCE
        for header, moment in (("发布时间", published), ("撤销时间", withdrawn)):
            if moment is not None and moment > latest:
                row.problem(_("不能晚于当前时间。"), header)
        if status == SchemeStatus.DRAFT:
            for header, value in (("发布时间", published), ("撤销时间", withdrawn), ("撤销理由", reason)):
                if value:
                    row.problem(_("草稿方案不填写此项。"), header)
        else:
            if published is None:
                row.problem(_("已发布或已撤销的方案必须填写发布时间。"), "发布时间")
            if not scheme.indicators:
                row.problem(_("方案至少要有一项关键指标才能发布。"), "指标名称")
            if status == SchemeStatus.PUBLISHED:
                for header, value in (("撤销时间", withdrawn), ("撤销理由", reason)):
                    if value:
                        row.problem(_("未撤销的方案不填写此项。"), header)
            else:
                if withdrawn is None:
                    row.problem(_("已撤销的方案必须填写撤销时间。"), "撤销时间")
                elif published is not None and withdrawn < published:
                    row.problem(_("撤销时间不能早于发布时间。"), "撤销时间")
                if not reason:
                    row.problem(_("已撤销的方案必须填写撤销理由。"), "撤销理由")
        if len(row.plan.problems) > before:
            return None
        return {
            "status": status,
            "published_at": published,
            "withdrawn_at": withdrawn,
            "withdraw_reason": reason,
        }

    def _plan_new(
        self, plan: ImportPlan, scheme: SchemeInFile, code: str, values: dict, wanted: list
    ) -> None:
        status = self._status_problems(scheme)
        if status is None:
            return
        # A historic scheme is recorded as it was, at its real dates, in one bulk insert: the
        # moves that led to its status are applied here, not by scheme_publish/scheme_withdraw.
        record = TechnicalScheme(code=code, **values)
        if status["status"] != SchemeStatus.DRAFT:
            apply_scheme_move(record, SchemeAction.PUBLISH, at=status["published_at"])
        if status["status"] == SchemeStatus.WITHDRAWN:
            apply_scheme_move(
                record, SchemeAction.WITHDRAW, at=status["withdrawn_at"], reason=status["withdraw_reason"]
            )
        if is_backdated(record.published_at, timezone.now()):
            # Its creation's history record says so (``write`` gives it the reason).
            record._import_backdated = True
        if not self._clean(record, scheme.first_row, HEADER_OF, exclude=["industry", "publisher_region"]):
            return
        record._import_benchmarks = (wanted, [])
        indicators = []
        for row, indicator_values in scheme.indicators:
            indicator = Indicator(scheme=record, **for_new(indicator_values))
            if self._checked(indicator, row):
                indicators.append(indicator)
        if scheme.first_row.failed or any(row.failed for row, _v in scheme.indicators):
            return
        plan.creates.append(record)
        plan.creates.extend(indicators)

    def _plan_existing(
        self, plan: ImportPlan, scheme: SchemeInFile, record: TechnicalScheme, values: dict, wanted: list
    ) -> None:
        row = scheme.first_row
        published = record.status in _PUBLISHED_DOCUMENT
        # Status and dates change only through the publish/withdraw actions; a file that
        # repeats them (an export) is fine, one that differs is refused. Blank: not given.
        if any(scheme.values[h] not in (None, "") for h in STATUS_COLUMNS):
            file_status = scheme.values["状态"] or SchemeStatus.DRAFT
            same = {
                "状态": file_status == record.status,
                "发布时间": same_moment(scheme.values["发布时间"], record.published_at),
                "撤销时间": same_moment(scheme.values["撤销时间"], record.withdrawn_at),
                "撤销理由": squeezed_text(record.withdraw_reason) == (scheme.values["撤销理由"] or ""),
            }
            for header, agrees in same.items():
                if not agrees:
                    row.problem(_("状态请在系统中通过发布/撤销操作修改。"), header)
        current = list(record.schemebenchmark_set.all())
        # No 对标标准 column, or a blank cell: the benchmarks stay as they are; 〔清空〕 removes them all.
        in_file = scheme.values["对标标准"]
        benchmarks_changed = (
            in_file is not NOT_GIVEN
            and not isinstance(in_file, Blank)
            and [b.standard_id for b in current] != [s.pk for s in wanted]
        )
        if benchmarks_changed and published:
            row.problem(_("已发布的方案，其对标标准不能修改。"), "对标标准")
        changed = changed_fields(record, values)
        if changed:
            self._clean(record, row, HEADER_OF, exclude=["industry", "publisher_region"])
        # By name as the importer reads it: "双  空格" typed in the app is the file's "双 空格".
        by_name = {squeezed_text(i.name): i for i in record.indicators.all()}
        creates, updates, unchanged = [], [], 0
        for indicator_row, indicator_values in scheme.indicators:
            indicator = by_name.get(indicator_values["name"])
            if indicator is None:
                if published:
                    indicator_row.problem(_("已发布的方案，其指标不能修改（不能新增指标）。"), "指标名称")
                    continue
                indicator = Indicator(scheme=record, **for_new(indicator_values))
                if self._checked(indicator, indicator_row):
                    creates.append(indicator)
                continue
            indicator_changed = changed_fields(indicator, indicator_values)
            if not indicator_changed:
                unchanged += 1
            elif published:
                indicator_row.problem(
                    _("已发布的方案，其指标不能修改。"), INDICATOR_HEADER_OF[indicator_changed[0]]
                )
            elif self._checked(indicator, indicator_row):
                updates.append((indicator, indicator_changed))
        # Indicators absent from the file are left alone (see the module's docstring).
        if row.failed or any(r.failed for r, _v in scheme.indicators):
            return
        if benchmarks_changed:
            record._import_benchmarks = (wanted, current)
            note_change(
                record,
                FieldChange(
                    "benchmark_standards",
                    [b.standard.number for b in current],
                    [s.number for s in wanted],
                    cleared=isinstance(in_file, Cleared),
                    label=_("对标标准"),
                ),
            )
            changed.append("benchmark_standards")
        if changed:
            plan.updates.append((record, changed))
        else:
            plan.unchanged += 1
        plan.creates.extend(creates)
        plan.updates.extend(updates)
        plan.unchanged += unchanged

    def _checked(self, indicator: Indicator, row: RowReader) -> bool:
        """The indicator (the file's values over the stored or default ones: a blank cell or
        a missing column keeps what is there) is valid."""
        before = len(row.plan.problems)
        self._check_indicator(row, {f: getattr(indicator, f) for f in INDICATOR_COLUMNS.values()})
        if len(row.plan.problems) > before:
            return False
        return self._clean(indicator, row, INDICATOR_HEADER_OF, exclude=["scheme"])

    @staticmethod
    def _clean(record, row: RowReader, header_of: dict, *, exclude: list[str]) -> bool:
        """full_clean without the queries: the foreign keys were looked up (or are being
        created) by the import, and uniqueness is the matching's job."""
        try:
            record.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for name, messages in message_of(error).items():
                for message in messages:
                    row.problem(message, header_of.get(name))
            return False
        return True

    # -- writing -----------------------------------------------------------------------------

    def write(self, plan: ImportPlan, actor) -> None:
        def part(model):
            sub = ImportPlan(kind=self, file_name=plan.file_name)
            sub.creates = [r for r in plan.creates if isinstance(r, model)]
            sub.updates = [(r, c) for r, c in plan.updates if isinstance(r, model)]
            fields = sorted({f for _r, c in sub.updates for f in c} - {"benchmark_standards"})
            return sub, fields

        schemes, fields = part(TechnicalScheme)
        for scheme in schemes.creates:
            if getattr(scheme, "_import_backdated", False):
                scheme._change_reason = plan.backdated_history_reason  # simple-history reads it per row
        save_in_bulk(TechnicalScheme, schemes, actor, fields=fields)
        if schemes.creates and not connection.features.can_return_rows_from_bulk_insert:
            read_back_pks(schemes.creates, TechnicalScheme, fields=("code",))
        indicators, fields = part(Indicator)
        for indicator in indicators.creates:
            indicator.scheme_id = indicator.scheme.pk  # the scheme may have been created above
        save_in_bulk(Indicator, indicators, actor, fields=fields)
        self._write_benchmarks(
            [
                s
                for s in [*schemes.creates, *(r for r, _c in schemes.updates)]
                if hasattr(s, "_import_benchmarks")
            ],
            actor,
            reason=plan.history_reason,
        )

    @staticmethod
    def _write_benchmarks(schemes: list[TechnicalScheme], actor, *, reason: str) -> None:
        """Make each scheme's benchmark standards the file's list, in its order, with history."""
        now = timezone.now()
        by = {"default_user": actor, "default_date": now, "default_change_reason": reason}
        adds, moves, removes = [], [], []
        for scheme in schemes:
            wanted, current = scheme._import_benchmarks
            left = {b.standard_id: b for b in current}
            for order, standard in enumerate(wanted, start=1):
                benchmark = left.pop(standard.pk, None)
                if benchmark is None:
                    adds.append(SchemeBenchmark(scheme_id=scheme.pk, standard=standard, order=order))
                elif benchmark.order != order:
                    benchmark.order = order
                    moves.append(benchmark)
            removes.extend(left.values())
        if removes:
            # QuerySet.delete() cannot fast-delete a model with post_delete receivers: it loads
            # the rows and simple-history writes each one's "-" record by the signal, one INSERT a
            # row. So the "-" records go in one insert above and the rows in one DELETE by the
            # private _raw_delete (SchemeBenchmark has no dependants to cascade to).
            history = SchemeBenchmark.history.model
            history.objects.bulk_create(
                [
                    history(
                        id=b.pk,
                        scheme_id=b.scheme_id,
                        standard_id=b.standard_id,
                        order=b.order,
                        history_date=now,
                        history_user=actor,
                        history_type="-",
                        history_change_reason=reason,
                    )
                    for b in removes
                ],
                batch_size=BATCH,
            )
            SchemeBenchmark.objects.filter(pk__in=[b.pk for b in removes])._raw_delete(
                SchemeBenchmark.objects.db
            )
        if moves:
            bulk_update_with_history(moves, SchemeBenchmark, ["order"], batch_size=BATCH, **by)
        if adds:
            bulk_create_with_history(adds, SchemeBenchmark, batch_size=BATCH, **by)
