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
"""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ..access import enterprise_scope
from ..choices import DeclarationStatus, Direction
from ..columns import (
    DECLARATION_EXPORT,
    DECLARATION_FIELDS,
    DECLARATION_PAIR_HEADERS,
    DECLARATION_TEMPLATE_PAIRS,
)
from ..models import (
    Declaration,
    DeclarationAction,
    DeclarationEvent,
    DeclarationItem,
    Enterprise,
    Standard,
    TechnicalScheme,
)
from ..rules import GradedItem, compare_to_indicator, grade_declaration
from ..services.errors import CLOCK_TOLERANCE
from ..validators import normalize_credit_code, normalize_standard_number
from . import cells
from .common import (
    BATCH,
    bump,
    changed_fields,
    first_rows,
    given,
    headers,
    locked,
    read_back_pks,
    same_moment,
    same_value,
    squeezed_text,
)
from .engine import NOT_GIVEN, ImportColumn, ImportKind, ImportPlan, RowReader
from .history import record_creation

S = DeclarationStatus
INDICATOR, VALUE = DECLARATION_PAIR_HEADERS
_PAIR = re.compile(rf"^({INDICATOR}|{VALUE})(\d+)$")
# The words a pass/fail indicator's cell may hold; the export writes 符合 / 不符合.
_PASS = {"符合", "是", "合格", "通过", "√", "✓", "pass", "yes", "y", "true"}
_FAIL = {"不符合", "否", "不合格", "不通过", "×", "fail", "no", "n", "false"}
_STATUSES = (S.DRAFT, S.SUBMITTED, S.RETURNED, S.PUBLISHED, S.WITHDRAWN)
# Where the workflow leaves the enterprise's hands: the import may not change these.
_FIXED = frozenset({S.SUBMITTED, S.PUBLISHED, S.WITHDRAWN})
COMMENT = "批量导入"


def _url(value) -> str:
    result = cells.optional_text(value, max_length=200)
    if result:
        try:
            URLValidator()(result)
        except ValidationError:
            raise cells.CellError(_("不是有效的网址，应以 http:// 或 https:// 开头。")) from None
    return result


def _status(value) -> str:
    if not cells.text(value):
        return S.DRAFT
    return cells.choice(value, [(s.value, s.label) for s in _STATUSES])


def _passed(raw) -> bool | None:
    word = unicodedata.normalize("NFKC", cells.text(raw)).lower()
    if not word:
        return None
    if word in _PASS:
        return True
    if word in _FAIL:
        return False
    raise cells.CellError(
        _("合格/不合格指标应填“符合”或“不符合”，而不是“%(value)s”。") % {"value": cells.text(raw)}
    )


@dataclass
class _Row:
    """One row as read: the records its cells name and the values it declares."""

    reader: RowReader
    enterprise: Enterprise | None
    scheme: TechnicalScheme | None
    product_model: str
    status: str
    published_at: dt.datetime | None
    withdrawn_at: dt.datetime | None
    details: dict
    # indicator id -> (value, passed), for the indicators the row names.
    values: dict = field(default_factory=dict)

    @property
    def key(self) -> tuple:
        return (self.enterprise.pk, self.scheme.pk, self.product_model)


class DeclarationImport(ImportKind):
    key = "declarations"
    label = "自我声明对标结果"
    columns = (
        ImportColumn(
            "统一社会信用代码",
            lambda v: normalize_credit_code(cells.text(v)),
            required=True,
            note="须为系统中已有的企业；空格、小写和全角字符会自动规范。",
            example="91330784MA2E8RKX2P",
        ),
        ImportColumn(
            "企业名称",
            lambda v: cells.optional_text(v, max_length=200),
            note="仅供核对，导入时不读取；以统一社会信用代码匹配企业。",
        ),
        ImportColumn(
            "方案编号",
            cells.scheme_code,
            required=True,
            note="须为系统中已有的对标技术方案。",
            example="YKDB-2024-001",
        ),
        ImportColumn(
            "产品名称", lambda v: cells.required_text(v, max_length=120), required=True, example="真空保温杯"
        ),
        ImportColumn(
            "产品型号",
            lambda v: cells.required_text(v, max_length=80),
            required=True,
            note="同一企业、同一方案、同一型号只能有一条未撤回的声明；用于匹配已有声明。",
            example="YK-500",
        ),
        ImportColumn(
            "执行标准编号",
            lambda v: cells.required_text(v, max_length=60),
            required=True,
            note="须为系统中已登记的标准；大小写、空格和连接号会自动统一。",
            example="Q/YKSL 001—2024",
        ),
        ImportColumn("声明日期", cells.date, note="例如 2024-03-05。", example="2024-03-05"),
        ImportColumn("企业标准信息公共服务平台链接", _url, note="可选。"),
        ImportColumn(
            "状态",
            _status,
            note="草稿、已提交、已发布或已撤回，空白为草稿。已提交、已发布、已撤回的声明须填齐方案的全部指标。",
            choices=tuple(str(s.label) for s in (S.DRAFT, S.SUBMITTED, S.PUBLISHED, S.WITHDRAWN)),
            example="已发布",
        ),
        ImportColumn(
            "发布时间",
            cells.instant,
            note="已发布、已撤回的声明必填，不能晚于当前时间。",
            example="2024-03-05 10:00",
        ),
        ImportColumn("撤回时间", cells.instant, note="已撤回的声明必填，不早于发布时间。"),
    )
    export_only = frozenset(headers(DECLARATION_EXPORT)) - frozenset(headers(DECLARATION_FIELDS))

    def template_columns(self) -> tuple[ImportColumn, ...]:
        """What the template offers: the fixed columns, then DECLARATION_TEMPLATE_PAIRS pairs of
        指标N / 声明值N (a file may have as many pairs as its widest scheme needs)."""
        pairs = []
        for n in range(1, DECLARATION_TEMPLATE_PAIRS + 1):
            first = n == 1
            pairs += [
                ImportColumn(
                    f"{INDICATOR}{n}",
                    cells.text,
                    note="该方案的一项关键指标名称，与方案中的写法一致；每项指标一对列。" if first else "",
                    example="保温效能" if first else "",
                ),
                ImportColumn(
                    f"{VALUE}{n}",
                    cells.text,
                    note="实测值（数字）；合格/不合格指标填“符合”或“不符合”。" if first else "",
                    example="12.5" if first else "",
                ),
            ]
        return (*self.columns, *pairs)

    # -- the header: the indicator pairs beside the fixed columns ----------------------------

    def _positions(self, table, plan: ImportPlan) -> dict[str, int]:
        positions = super()._positions(table, plan)
        found: dict[tuple[str, int], int] = {}
        for index, header in enumerate(table.headers):
            match = _PAIR.match(header or "")
            if not match:
                continue
            slot = (match[1], int(match[2]))
            if slot in found:
                plan.add(_("表头中「%(header)s」出现了两次。") % {"header": header}, row=table.header_row)
            found[slot] = index
        numbers = sorted({n for _part, n in found})
        for n in numbers:
            for part in (INDICATOR, VALUE):
                if (part, n) not in found:
                    plan.add(
                        _("表头有「%(have)s」而没有「%(missing)s」：指标和声明值须成对出现。")
                        % {
                            "have": f"{INDICATOR if part == VALUE else VALUE}{n}",
                            "missing": f"{part}{n}",
                        },
                        row=table.header_row,
                    )
        pair_headers = {f"{part}{n}" for part, n in found}
        plan.ignored_columns = [h for h in plan.ignored_columns if h not in pair_headers]
        # (number, position of 指标N, position of 声明值N), in the file's numbering.
        plan.pairs = [
            (n, found[(INDICATOR, n)], found[(VALUE, n)])
            for n in numbers
            if (VALUE, n) in found and (INDICATOR, n) in found
        ]
        return positions

    # -- plan --------------------------------------------------------------------------------

    def plan_rows(self, plan: ImportPlan, rows: list[RowReader], actor) -> None:
        plan.item_creates, plan.item_updates = [], []
        read = [self._read(row) for row in rows]
        enterprises = {
            e.credit_code: e
            for e in Enterprise.objects.filter(credit_code__in={r["code"] for r in read if r["code"]}).only(
                "id", "credit_code", "name", "branch_office_id"
            )
        }
        schemes = {
            s.code: s
            for s in TechnicalScheme.objects.filter(code__in={r["scheme"] for r in read if r["scheme"]})
            # The value columns need each scheme's indicators: one query for all of them.
            .prefetch_related("indicators")
        }
        standards = {
            s.number: s
            for s in Standard.objects.filter(number__in={r["standard"] for r in read if r["standard"]}).only(
                "id", "number"
            )
        }
        scope = enterprise_scope(actor, write=True)
        now = timezone.now()
        parsed = [self._resolve(plan, r, enterprises, schemes, standards, scope, now) for r in read]
        parsed = [p for p in parsed if p is not None]

        # Duplicate keys within the file: open declarations on their key, withdrawn ones on
        # their key and publication (one product may be declared, withdrawn and declared again).
        first_rows(
            ((row.reader, self._file_key(row)) for row in parsed),
            _("与第 %(row)d 行是同一企业、同一方案、同一产品型号的声明。"),
            "产品型号",
        )

        open_by_key, withdrawn_by_key = self._existing(parsed)
        items_of = self._items_of(
            [*open_by_key.values(), *(d for ds in withdrawn_by_key.values() for d in ds)]
        )
        for row in parsed:
            if row.reader.failed:
                continue
            if row.status == S.WITHDRAWN:
                record = next(
                    (
                        d
                        for d in withdrawn_by_key.get(row.key, ())
                        if same_moment(row.published_at, d.published_at)
                    ),
                    None,
                )
            else:
                record = open_by_key.get(row.key)
            if record is None:
                self._plan_create(plan, row, actor, now)
            else:
                self._plan_update(plan, row, record, items_of.get(record.pk, []))

    def _read(self, row: RowReader) -> dict:
        raw_standard = row["执行标准编号"]
        return {
            "row": row,
            "code": row["统一社会信用代码"],
            "scheme": row["方案编号"],
            "standard": normalize_standard_number(raw_standard) if raw_standard else "",
            "product_name": row["产品名称"],
            "product_model": row["产品型号"],
            "declared_on": row["声明日期"],
            "national_platform_url": row["企业标准信息公共服务平台链接"],
            # Without these columns a row reads as a blank cell would: a draft, no dates.
            "status": S.DRAFT if (status := row["状态"]) is NOT_GIVEN else status,
            "published_at": row["发布时间"] or None,
            "withdrawn_at": row["撤回时间"] or None,
        }

    def _resolve(self, plan, r, enterprises, schemes, standards, scope, now) -> _Row | None:
        row: RowReader = r["row"]
        enterprise = enterprises.get(r["code"]) if r["code"] else None
        if not r["code"]:
            row.problem(_("不能为空。"), "统一社会信用代码")
        elif enterprise is None:
            row.problem(
                _("系统中没有统一社会信用代码为 %(code)s 的企业，请先导入企业。") % {"code": r["code"]},
                "统一社会信用代码",
            )
        elif not scope.covers(enterprise):
            row.problem(_("该企业不属于您负责的监管所，不能为其导入声明。"), "统一社会信用代码")
        scheme = schemes.get(r["scheme"]) if r["scheme"] else None
        if r["scheme"] and scheme is None:
            row.problem(_("系统中没有编号为“%(code)s”的技术方案。") % {"code": r["scheme"]}, "方案编号")
        standard = standards.get(r["standard"]) if r["standard"] else None
        if r["standard"] and standard is None:
            row.problem(
                _("标准“%(number)s”尚未登记，请先在标准中登记（或导入标准）。") % {"number": r["standard"]},
                "执行标准编号",
            )
        status, published_at, withdrawn_at = r["status"], r["published_at"], r["withdrawn_at"]
        self._check_dates(row, status, published_at, withdrawn_at, now)
        values = self._values(row, scheme, status) if scheme is not None else {}
        if enterprise is None or scheme is None or row.failed:
            return None
        return _Row(
            reader=row,
            enterprise=enterprise,
            scheme=scheme,
            product_model=r["product_model"],
            status=status,
            published_at=published_at,
            withdrawn_at=withdrawn_at,
            details=given(
                {
                    "product_name": r["product_name"],
                    "executed_standard_id": standard.pk if standard else None,
                    "declared_on": r["declared_on"],
                    "national_platform_url": r["national_platform_url"],
                }
            ),
            values=values,
        )

    def _check_dates(self, row, status, published_at, withdrawn_at, now) -> None:
        if status in (S.PUBLISHED, S.WITHDRAWN) and published_at is None:
            row.problem(_("“%(status)s”的声明须填写发布时间。") % {"status": S(status).label}, "发布时间")
        if status == S.WITHDRAWN and withdrawn_at is None:
            row.problem(_("“已撤回”的声明须填写撤回时间。"), "撤回时间")
        if status not in (S.PUBLISHED, S.WITHDRAWN) and published_at is not None and status is not None:
            row.problem(_("“%(status)s”的声明不应有发布时间。") % {"status": S(status).label}, "发布时间")
        if status != S.WITHDRAWN and withdrawn_at is not None and status is not None:
            row.problem(_("“%(status)s”的声明不应有撤回时间。") % {"status": S(status).label}, "撤回时间")
        for header, moment in (("发布时间", published_at), ("撤回时间", withdrawn_at)):
            # A record published "tomorrow" would start counting by itself as the clock passes it.
            if moment is not None and moment > now + CLOCK_TOLERANCE:
                row.problem(_("不能晚于当前时间。"), header)
        if published_at and withdrawn_at and withdrawn_at < published_at:
            row.problem(_("撤回时间早于发布时间。"), "撤回时间")

    @staticmethod
    def _check_scheme(row, scheme, status, published_at) -> None:
        """A new declaration, or one whose status changes, stands against a scheme in force. An
        existing draft whose scheme was withdrawn since still imports back as it exported."""
        if status in (S.PUBLISHED, S.WITHDRAWN):
            if published_at is None:
                return
            # A historic result stands against a scheme that was in force when it was published.
            if scheme.published_at is None or scheme.published_at > published_at + CLOCK_TOLERANCE:
                row.problem(_("技术方案“%(code)s”在该发布时间尚未发布。") % {"code": scheme.code}, "发布时间")
            elif scheme.withdrawn_at is not None and scheme.withdrawn_at < published_at:
                row.problem(
                    _("技术方案“%(code)s”在该发布时间之前已撤销。") % {"code": scheme.code}, "发布时间"
                )
        elif scheme.status != "published":
            row.problem(
                _("只能对已发布的技术方案作出声明，方案“%(code)s”当前为“%(status)s”。")
                % {"code": scheme.code, "status": scheme.get_status_display()},
                "方案编号",
            )

    def _values(self, row: RowReader, scheme, status) -> dict:
        # By name as the importer reads it ("双  空格" typed in the app is the file's "双 空格").
        indicators = {squeezed_text(i.name): i for i in scheme.indicators.all()}
        values: dict[int, tuple] = {}
        for n, at_name, at_value in row.plan.pairs:
            name_cell = row.cells[at_name] if at_name < len(row.cells) else None
            value_cell = row.cells[at_value] if at_value < len(row.cells) else None
            try:
                name = cells.text(name_cell)
            except cells.CellError as error:
                row.problem(error.message, f"{INDICATOR}{n}")
                continue
            if not name:
                if value_cell is not None and str(value_cell).strip():
                    row.problem(_("填写了声明值，却没有写是哪项指标。"), f"{INDICATOR}{n}")
                continue
            indicator = indicators.get(name)
            if indicator is None:
                row.problem(
                    _("方案“%(code)s”没有指标“%(name)s”，应为：%(valid)s。")
                    % {"code": scheme.code, "name": name, "valid": "、".join(indicators)},
                    f"{INDICATOR}{n}",
                )
                continue
            if indicator.pk in values:
                row.problem(_("指标“%(name)s”在这一行出现了两次。") % {"name": name}, f"{INDICATOR}{n}")
                continue
            try:
                if indicator.direction == Direction.PASS_FAIL:
                    values[indicator.pk] = (None, _passed(value_cell))
                else:
                    values[indicator.pk] = (cells.decimal(value_cell), None)
            except cells.CellError as error:
                row.problem(error.message, f"{VALUE}{n}")
                values[indicator.pk] = None  # named but unreadable: said once, not again as missing
        if status in _FIXED:
            missing = [
                i.name for i in indicators.values() if i.pk not in values or values[i.pk] == (None, None)
            ]
            if missing:
                row.problem(
                    _("“%(status)s”的声明须填齐方案的全部指标，缺少：%(names)s。")
                    % {"status": S(status).label, "names": "、".join(missing)}
                )
        return values

    @staticmethod
    def _file_key(row: _Row) -> tuple:
        if row.status == S.WITHDRAWN:
            return (*row.key, "withdrawn", row.published_at.replace(second=0, microsecond=0))
        return row.key

    def _existing(self, parsed: list[_Row]):
        """The stored declarations the rows may match: open ones by key, withdrawn ones by key
        (a list: a product may have been withdrawn more than once)."""
        keys = {row.key for row in parsed if not row.reader.failed}
        open_by_key, withdrawn_by_key = {}, {}
        if not keys:
            return open_by_key, withdrawn_by_key
        # Not filtered on the model: a model typed in the app with two spaces is the file's
        # one-space model (cells.text), so the key is compared as the importer reads it.
        candidates = locked(
            Declaration.objects.filter(
                enterprise_id__in={k[0] for k in keys}, scheme_id__in={k[1] for k in keys}
            )
            # The preview prints str(record), which names the enterprise.
            .select_related("enterprise")
        )
        for declaration in candidates:
            key = (declaration.enterprise_id, declaration.scheme_id, squeezed_text(declaration.product_model))
            if key not in keys:
                continue
            if declaration.status == S.WITHDRAWN:
                withdrawn_by_key.setdefault(key, []).append(declaration)
            else:
                open_by_key[key] = declaration
        return open_by_key, withdrawn_by_key

    @staticmethod
    def _items_of(declarations) -> dict[int, list[DeclarationItem]]:
        items: dict[int, list[DeclarationItem]] = {}
        ids = [d.pk for d in declarations]
        if ids:
            for item in DeclarationItem.objects.filter(declaration_id__in=ids):
                items.setdefault(item.declaration_id, []).append(item)
        return items

    # -- one row: create, update, or leave --------------------------------------------------

    @staticmethod
    def _grade(declaration: Declaration, items: list[DeclarationItem], indicators: dict) -> None:
        """Every item's comparison and the declaration's grade, by the bureau's rules."""
        for item in items:
            indicator = indicators[item.indicator_id]
            item.comparison = compare_to_indicator(indicator, value=item.value, passed=item.passed) or ""
        computed = grade_declaration(
            GradedItem(comparison=item.comparison or None, is_core=indicators[item.indicator_id].is_core)
            for item in items
        )
        declaration.computed_grade = computed or ""
        declaration.grade = declaration.override_grade or declaration.computed_grade

    def _plan_create(self, plan: ImportPlan, row: _Row, actor, now) -> None:
        if row.status == S.RETURNED:
            # Returned is the bureau's answer to a submission, with its comment: not a starting state.
            row.reader.problem(_("已退回的声明请在系统中处理。"), "状态")
            return
        self._check_scheme(row.reader, row.scheme, row.status, row.published_at)
        if row.reader.failed:
            return
        indicators = {i.pk: i for i in row.scheme.indicators.all()}
        details = dict(row.details)
        if row.status in _FIXED and details.get("declared_on") is None:
            # As the workflow does: the declaration date is the day it was submitted or published.
            details["declared_on"] = timezone.localdate(row.published_at or now)
        declaration = Declaration(
            enterprise=row.enterprise,
            scheme=row.scheme,
            product_model=row.product_model,
            entered_on_paper=True,
            created_by=actor,
            status=row.status,
            submitted_at=now if row.status == S.SUBMITTED else None,
            published_at=row.published_at,
            withdrawn_at=row.withdrawn_at,
            **details,
        )
        # One item per indicator of the scheme, as a declaration made in the app has.
        items = []
        for indicator_id in indicators:
            value, passed = row.values.get(indicator_id, (None, None))
            items.append(
                DeclarationItem(
                    declaration=declaration, indicator_id=indicator_id, value=value, passed=passed
                )
            )
        self._grade(declaration, items, indicators)
        declaration._import_items = items
        declaration._import_events = self._events(declaration, actor, now)
        plan.creates.append(declaration)

    @staticmethod
    def _events(declaration: Declaration, actor, now) -> list[DeclarationEvent]:
        """The workflow steps that lead to the row's status, at the row's dates."""
        first = declaration.published_at or now
        steps = [(DeclarationAction.CREATE, "", S.DRAFT, first)]
        if declaration.status == S.SUBMITTED:
            steps.append((DeclarationAction.SUBMIT, S.DRAFT, S.SUBMITTED, now))
        if declaration.status in (S.PUBLISHED, S.WITHDRAWN):
            steps.append((DeclarationAction.PUBLISH, S.DRAFT, S.PUBLISHED, declaration.published_at))
        if declaration.status == S.WITHDRAWN:
            steps.append((DeclarationAction.WITHDRAW, S.PUBLISHED, S.WITHDRAWN, declaration.withdrawn_at))
        return [
            DeclarationEvent(
                declaration=declaration,
                action=action,
                from_status=source,
                to_status=target,
                actor=actor,
                at=at,
                comment=COMMENT,
            )
            for action, source, target, at in steps
        ]

    def _plan_update(self, plan: ImportPlan, row: _Row, record: Declaration, items: list) -> None:
        details = dict(row.details)
        if details.get("declared_on") is None:
            details.pop("declared_on", None)  # a blank date keeps the stored one
        by_indicator = {item.indicator_id: item for item in items}
        value_changes = [
            (indicator_id, value)
            for indicator_id, value in row.values.items()
            if _differs(by_indicator.get(indicator_id), value)
        ]
        editable = record.status not in _FIXED and (
            row.status == record.status or (row.status == S.DRAFT and record.status == S.RETURNED)
        )
        if not editable:
            same = (
                row.status == record.status
                and all(same_value(getattr(record, name), value) for name, value in details.items())
                and same_moment(row.published_at, record.published_at)
                and same_moment(row.withdrawn_at, record.withdrawn_at)
                and not value_changes
            )
            if same:
                plan.unchanged += 1
            elif record.status in _FIXED:
                row.reader.problem(_("已发布的声明不能通过导入修改（请撤回后重新声明）。"))
            else:
                row.reader.problem(
                    _("状态不能通过导入修改：该声明当前为“%(status)s”，提交、发布等请在系统中办理。")
                    % {"status": record.get_status_display()},
                    "状态",
                )
            return
        # A draft or a returned declaration: its details and values may change.
        changed = changed_fields(record, details)
        if not changed and not value_changes:
            plan.unchanged += 1
            return
        indicators = {i.pk: i for i in row.scheme.indicators.all()}
        for indicator_id, (value, passed) in value_changes:
            item = by_indicator.get(indicator_id)
            if item is None:
                item = DeclarationItem(declaration=record, indicator_id=indicator_id)
                plan.item_creates.append(item)
                items.append(item)
            else:
                plan.item_updates.append(item)
            item.value, item.passed = value, passed
        before = (record.computed_grade, record.grade)
        self._grade(record, [i for i in items if i.indicator_id in indicators], indicators)
        if (record.computed_grade, record.grade) != before:
            changed += ["computed_grade", "grade"]
        if value_changes:
            changed.append("items")
        plan.updates.append((record, changed))

    # -- write -------------------------------------------------------------------------------

    def write(self, plan: ImportPlan, actor) -> None:
        now = timezone.now()
        if plan.creates:
            created = Declaration.objects.bulk_create(plan.creates, batch_size=BATCH)
            if not connection.features.can_return_rows_from_bulk_insert or any(d.pk is None for d in created):
                # Open declarations are unique on their key; withdrawn ones also by their publication.
                read_back_pks(
                    plan.creates,
                    Declaration,
                    fields=("enterprise_id", "scheme_id", "product_model"),
                    load=("status", "published_at"),
                    key=lambda d: (
                        d.enterprise_id,
                        d.scheme_id,
                        d.product_model,
                        d.status == S.WITHDRAWN,
                        d.published_at,
                    ),
                )
            items = [item for d in plan.creates for item in d._import_items]
            events = [event for d in plan.creates for event in d._import_events]
            for item in items:
                item.declaration_id = item.declaration.pk
            for event in events:
                event.declaration_id = event.declaration.pk
            DeclarationItem.objects.bulk_create(items, batch_size=BATCH * 8)
            # The new rows' history, one INSERT … SELECT per batch (imports/history.py).
            ids = [d.pk for d in plan.creates]
            for start in range(0, len(ids), BATCH):
                batch = ids[start : start + BATCH]
                record_creation(Declaration.objects.filter(pk__in=batch), user=actor, at=now)
                record_creation(DeclarationItem.objects.filter(declaration_id__in=batch), user=actor, at=now)
            # Events have no change history: each one already is a record of a change.
            DeclarationEvent.objects.bulk_create(events, batch_size=BATCH * 2)
        if plan.updates:
            fields = sorted({f for _r, changed in plan.updates for f in changed if f != "items"})
            records = [record for record, _changed in plan.updates]
            extra = bump(records, Declaration, now)
            bulk_update_with_history(
                records,
                Declaration,
                [*fields, *extra],
                batch_size=BATCH,
                default_user=actor,
                default_date=now,
            )
        if plan.item_updates:
            bulk_update_with_history(
                plan.item_updates,
                DeclarationItem,
                ["value", "passed", "comparison"],
                batch_size=BATCH,
                default_user=actor,
                default_date=now,
            )
        if plan.item_creates:
            bulk_create_with_history(
                plan.item_creates, DeclarationItem, batch_size=BATCH, default_user=actor, default_date=now
            )


def _differs(item: DeclarationItem | None, value: tuple) -> bool:
    """Whether a row's (value, passed) differs from the stored item (Decimals compare by value)."""
    if item is None:
        return value != (None, None)
    return not (same_value(item.value, value[0]) and item.passed == value[1])
