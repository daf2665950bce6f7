"""Importing the bureau's quality records (docs/domain.md "Quality figures"): 浙江制造 standards
with their drafting enterprises, matched on the normalised T/ZZB number, and 品字标 and 一带一路
certificates, matched on the certificate number.

An enterprise is named by its 统一社会信用代码 and must be one the importing user may change
(``scoping.editable_by``): one outside their scope reads exactly as one that does not exist. A
stored standard is changed only by whoever may change every one of its drafters, a stored
certificate only by whoever may change its enterprise (``scoping``'s rules, as in the admin).
"""

import re
from collections import Counter

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ..choices import CertificateStatus, DrafterRole, ZhejiangStandardStage
from ..models import (
    BeltRoadCertificate,
    Enterprise,
    PinCertificate,
    ZhejiangMadeDrafter,
    ZhejiangMadeStandard,
)
from ..scoping import editable_by
from ..validators import normalize_standard_number
from . import cells
from .common import (
    BATCH,
    changed_fields,
    first_rows,
    for_new,
    given,
    locked,
    note_change,
    problems_on_row,
    read_back_pks,
    save_in_bulk,
)
from .engine import (
    NOT_GIVEN,
    Blank,
    Cleared,
    FieldChange,
    ImportColumn,
    ImportKind,
    ImportPlan,
    RowReader,
    unmarked,
)
from .enterprises import _credit_code

__all__ = ["BeltRoadCertificateImport", "PinCertificateImport", "ZhejiangMadeImport"]

# What separates the credit codes of one cell: 、 ； ; ， , and line breaks (a code has none of them).
_CODE_SEPARATORS = re.compile(r"[、；;，,\r\n]+")
_CODE_NOTE = "填写统一社会信用代码（18 位），须为您负责范围内已有的企业。"


def _required_choice(choices):
    def parse(value):
        if not cells.text(value):
            raise cells.CellError(_("不能为空。"))
        return cells.choice(value, choices)

    return parse


def _optional_choice(choices):
    """A choice whose blank cell keeps the stored value (a new record gets the model's default)."""
    return lambda value: cells.choice(value, choices) if cells.text(value) else ""


def _required_date(value):
    day = cells.date(value)
    if day is None:
        raise cells.CellError(_("不能为空。"))
    return day


def _optional_code(value) -> str:
    return _credit_code(value) if cells.text(value) else ""


def _codes(value) -> tuple[str, ...]:
    """The cell's credit codes, each normalised and of the right form, in order (split before
    the text is read, which would fold a line break into a space)."""
    if value is None:
        return ()
    raw = value if isinstance(value, str) else cells.text(value)
    codes = []
    for part in _CODE_SEPARATORS.split(raw):
        text = cells.text(part)
        if not text:
            continue
        try:
            codes.append(_credit_code(text))
        except cells.CellError as error:
            raise cells.CellError(f"“{text}”：{error.message}") from None
    return tuple(codes)


def _unknown_enterprise(code: str) -> str:
    return _(
        "您负责的企业中没有统一社会信用代码为“%(code)s”的企业：请核对代码，或先导入、录入该企业"
        "（其他监管所或县市的企业不能填写）。"
    ) % {"code": code}


def _enterprises(actor, codes) -> dict[str, Enterprise]:
    """The enterprises the actor may change, of those ``codes``, by code (one query)."""
    return {
        e.credit_code: e
        for e in editable_by(actor, Enterprise)
        .filter(credit_code__in=list(codes))
        .only("pk", "credit_code", "name", "branch_office_id", "region_id")
    }


def _refused_cells(values: dict) -> list[str]:
    """Take out of ``values`` the fields whose cell its parser refused (read as None: every
    column here reads a blank cell as a value, Blank or Cleared), and name them, so the model's
    checks leave them alone: the cell's problem is already said."""
    refused = [name for name, value in values.items() if value is None]
    for name in refused:
        del values[name]
    return refused


def _example_credit_code(actor) -> str:
    """A credit code of an enterprise the user may import for, so the template's example imports."""
    return editable_by(actor, Enterprise).order_by("pk").values_list("credit_code", flat=True).first() or ""


# -- 浙江制造 standards ----------------------------------------------------------------------------

LEAD = "主导企业统一社会信用代码"
CO_DRAFTERS = "参与企业统一社会信用代码"
ZHEJIANG_MADE_FIELDS = {
    "标准名称": "title",
    "阶段": "stage",
    "立项日期": "approved_on",
    "发布日期": "published_on",
}
ZHEJIANG_MADE_HEADERS = {"number": "标准编号", **{f: h for h, f in ZHEJIANG_MADE_FIELDS.items()}}


class ZhejiangMadeImport(ImportKind):
    """One row per standard, its drafters in two columns: the 主导 enterprise's code, and the
    参与 enterprises' codes in one cell. It is the bureau's ledger as kept (a standard a line),
    and a clerk never has to repeat a standard's title, stage and dates on several rows that must
    then agree."""

    key = "zhejiang_made"
    label = "“浙江制造”标准"
    columns = (
        ImportColumn(
            "标准编号",
            lambda v: cells.optional_text(v, max_length=80),
            note="如 T/ZZB 1234—2026，大小写、空格和连接号会自动统一，用于匹配已有标准。立项、研制阶段可留空："
            "留空时按标准名称匹配尚无编号的标准，发布后填上编号即更新该标准。",
            clearable=False,
        ),
        ImportColumn(
            "标准名称",
            lambda v: cells.required_text(v, max_length=200),
            required=True,
            example="不锈钢真空保温杯",
        ),
        ImportColumn(
            "阶段",
            _required_choice(ZhejiangStandardStage.choices),
            required=True,
            note="发布阶段须填写标准编号和发布日期；只有已发布的标准计入“浙江制造”标准数。",
            choices=tuple(str(label) for _v, label in ZhejiangStandardStage.choices),
            example=str(ZhejiangStandardStage.DRAFTING.label),
        ),
        ImportColumn("立项日期", cells.date, note="如 2026-03-01。", example="2026-03-01"),
        ImportColumn("发布日期", cells.date, note="阶段为发布时必填，不能早于立项日期。"),
        ImportColumn(
            LEAD,
            _optional_code,
            required=True,
            note=_CODE_NOTE + "每项标准一家主导企业；新标准必填，已有标准留空保持不变。",
            clearable=False,
        ),
        ImportColumn(
            CO_DRAFTERS,
            _codes,
            note=_CODE_NOTE + "多家用“、”或“；”分隔。填写即为全部参与企业（替换原有的）；"
            "留空保持不变，填〔清空〕则不再有参与企业。",
        ),
    )

    def template_example(self, actor) -> dict[str, object]:
        # A title no unnumbered standard has, so the example is a new standard, never an edit.
        taken = set(
            ZhejiangMadeStandard.objects.filter(number__isnull=True, title__startswith="（示例").values_list(
                "title", flat=True
            )
        )
        title, serial = "（示例）不锈钢真空保温杯", 1
        while title in taken:
            serial += 1
            title = f"（示例{serial}）不锈钢真空保温杯"
        return {"标准名称": title, LEAD: _example_credit_code(actor)}

    def plan_rows(self, plan: ImportPlan, rows: list[RowReader], actor) -> None:
        # Every cell of every row read once, so each cell's problem is said however the row fares.
        parsed = []
        for row in rows:
            raw = row["标准编号"]
            number = normalize_standard_number(raw) if raw else raw  # None: refused by its parser
            values = given({field: row[header] for header, field in ZHEJIANG_MADE_FIELDS.items()})
            parsed.append((row, number, values, row[LEAD], row[CO_DRAFTERS]))
        keys = [
            (row, ("标准编号", number) if number else ("标准名称", values["title"]))
            for row, number, values, _l, _c in parsed
            if number is not None and values["title"] is not None
        ]
        first_rows(
            ((row, key) for row, key in keys if key[0] == "标准编号"),
            _("与第 %(row)d 行的标准编号相同（按统一格式比对），但内容不同：请核对后只保留一行。"),
            "标准编号",
        )
        first_rows(
            ((row, key) for row, key in keys if key[0] == "标准名称"),
            _("与第 %(row)d 行的标准名称相同（均未填编号），但内容不同：请核对后只保留一行。"),
            "标准名称",
        )
        title_of = {row.number: values["title"] for row, _n, values, _l, _c in parsed}
        repeated = {key for key, count in Counter(key for _r, key in keys).items() if count > 1}
        by_number = {
            s.number: s
            for s in locked(
                ZhejiangMadeStandard.objects.filter(number__in=[n for _r, n, _v, _l, _c in parsed if n])
            )
        }
        # Standards not yet numbered (立项, 研制) are matched on their title.
        numberless: dict[str, list[ZhejiangMadeStandard]] = {}
        for standard in locked(
            ZhejiangMadeStandard.objects.filter(
                number__isnull=True, title__in=[v["title"] for _r, _n, v, _l, _c in parsed if v["title"]]
            ).order_by("pk")
        ):
            numberless.setdefault(standard.title, []).append(standard)
        # The rows whose standard is known (new, or the stored one they update): row number ->
        # the stored standard or None, and the column it was matched on.
        determined: dict[int, tuple[ZhejiangMadeStandard | None, str]] = {}
        matched: dict[int, RowReader] = {}
        for row, key in keys:
            if key in repeated:
                continue
            column, value = key
            record = by_number.get(value) if column == "标准编号" else None
            if record is None:
                column = "标准名称"
                same_title = numberless.get(title_of[row.number], [])
                if len(same_title) > 1:
                    row.problem(
                        _(
                            "系统中有 %(count)d 项名为“%(title)s”且未填编号的标准，无法确定更新哪一项：请在后台核对。"
                        )
                        % {"count": len(same_title), "title": same_title[0].title},
                        "标准名称",
                    )
                    continue
                record = same_title[0] if same_title else None
            if record is not None and record.pk in matched:
                first = matched[record.pk]
                message = _("与第 %(row)d 行对应系统中的同一项标准“%(standard)s”：请核对后只保留一行。")
                row.problem(message % {"row": first.number, "standard": record}, "标准名称")
                first.problem(message % {"row": row.number, "standard": record}, "标准名称")
                determined.pop(first.number, None)
                continue
            if record is not None:
                matched[record.pk] = row
            determined[row.number] = (record, column)
        editable = set(
            editable_by(actor, ZhejiangMadeStandard).filter(pk__in=list(matched)).values_list("pk", flat=True)
        )
        stored_drafters: dict[int, list[ZhejiangMadeDrafter]] = {}
        for drafter in locked(
            ZhejiangMadeDrafter.objects.filter(standard_id__in=list(matched)).select_related("enterprise")
        ):
            stored_drafters.setdefault(drafter.standard_id, []).append(drafter)
        codes = set()
        for _row, _n, _v, lead, co in parsed:
            codes.update([lead] if lead else [])
            codes.update(co.value if isinstance(co, Blank | Cleared) else co or ())
        enterprises = _enterprises(actor, codes)

        for row, number, values, lead, co in parsed:
            if row.number not in determined:
                # Which standard is the row's is unclear; its enterprises are still checked.
                for header, listed in ((LEAD, [lead] if lead else []), (CO_DRAFTERS, unmarked(co) or ())):
                    for code in listed:
                        if code not in enterprises:
                            row.problem(_unknown_enterprise(code), header)
                continue
            record, matched_on = determined[row.number]
            if record is not None and record.pk not in editable:
                row.problem(_("该标准的起草企业不全在您负责的范围内，不能修改。"), matched_on)
                continue
            refused = _refused_cells(values)
            if number:
                values["number"] = number
            if record is None:
                record = ZhejiangMadeStandard(**for_new(values))
                changed = None
            else:
                changed = changed_fields(record, values)
            self._plan_drafters(
                row, record, changed, stored_drafters.get(record.pk, []), enterprises, lead, co
            )
            try:
                record.full_clean(exclude=refused, validate_unique=False, validate_constraints=False)
            except ValidationError as error:
                problems_on_row(row, error, ZHEJIANG_MADE_HEADERS)
            if row.failed:
                continue
            plan.count_in(record, changed)

    @staticmethod
    def _plan_drafters(row, record, changed, stored: list, enterprises: dict, lead_code, cell) -> None:
        """Check the two drafter columns and note on ``record`` the drafters ``write`` makes its
        own (``_import_drafters``: lead enterprise, [co-drafter enterprises], stored drafters)
        when they differ from the stored ones; a change is noted for the preview."""
        stored_lead = next((d.enterprise for d in stored if d.role == DrafterRole.LEAD), None)
        stored_co = [d.enterprise for d in stored if d.role != DrafterRole.LEAD]
        lead = stored_lead
        if lead_code:
            lead = enterprises.get(lead_code)
            if lead is None:
                row.problem(_unknown_enterprise(lead_code), LEAD)
        elif lead_code is not None and lead is None:  # blank, and no lead stored
            row.problem(_("请填写主导企业：每项“浙江制造”标准须有一家主导企业。"), LEAD)
        if cell is None:  # refused by its parser
            return
        if cell is NOT_GIVEN or isinstance(cell, Blank):
            # As stored; a co-drafter named the lead is the lead now.
            co = [e for e in stored_co if lead is None or e.pk != lead.pk]
        else:
            co = []
            for code in cell.value if isinstance(cell, Cleared) else cell:
                enterprise = enterprises.get(code)
                if enterprise is None:
                    row.problem(_unknown_enterprise(code), CO_DRAFTERS)
                elif lead is not None and enterprise.pk == lead.pk:
                    row.problem(
                        _("“%(code)s”已是主导企业，不能同时列为参与企业。") % {"code": code}, CO_DRAFTERS
                    )
                elif enterprise in co:
                    row.problem(_("“%(code)s”列出了两次。") % {"code": code}, CO_DRAFTERS)
                else:
                    co.append(enterprise)
        if row.failed:
            return
        if lead == stored_lead and {e.pk for e in co} == {e.pk for e in stored_co}:
            return
        record._import_drafters = (lead, co, stored)
        if changed is not None:
            if lead != stored_lead:
                note_change(
                    record,
                    FieldChange(
                        "lead", stored_lead.name if stored_lead else None, lead.name, label="主导企业"
                    ),
                )
                changed.append("lead")
            if {e.pk for e in co} != {e.pk for e in stored_co}:
                note_change(
                    record,
                    FieldChange(
                        "co_drafters",
                        [e.name for e in stored_co],
                        [e.name for e in co],
                        cleared=isinstance(cell, Cleared),
                        label="参与企业",
                    ),
                )
                changed.append("co_drafters")

    def write(self, plan: ImportPlan, actor) -> None:
        drafter_changes = {"lead", "co_drafters"}
        standards = ImportPlan(kind=self, file_name=plan.file_name)
        standards.creates = plan.creates
        standards.updates = [(r, c) for r, c in plan.updates if set(c) - drafter_changes]
        save_in_bulk(
            ZhejiangMadeStandard,
            standards,
            actor,
            fields=sorted({f for _r, c in standards.updates for f in c} - drafter_changes),
        )
        if plan.creates and not connection.features.can_return_rows_from_bulk_insert:
            read_back_pks(
                plan.creates,
                ZhejiangMadeStandard,
                fields=("title",),
                key=lambda s: (s.number or None, s.title),
                load=("number",),
            )
        self._write_drafters(
            [s for s in [*plan.creates, *(r for r, _c in plan.updates)] if hasattr(s, "_import_drafters")],
            actor,
            reason=plan.history_reason,
        )

    @staticmethod
    def _write_drafters(standards: list[ZhejiangMadeStandard], actor, *, reason: str) -> None:
        """Make each standard's drafters the file's, with history: the drafters dropped first,
        then the lead made a co-drafter, then a co-drafter made the lead, then the new ones —
        so no statement ever sees two leads of one standard (a partial unique index, checked
        row by row)."""
        now = timezone.now()
        by = {"default_user": actor, "default_date": now, "default_change_reason": reason}
        removes, demotions, promotions, adds = [], [], [], []
        for standard in standards:
            lead, co, stored = standard._import_drafters
            wanted = {lead.pk: DrafterRole.LEAD, **{e.pk: DrafterRole.CO_DRAFTER for e in co}}
            for drafter in stored:
                role = wanted.pop(drafter.enterprise_id, None)
                if role is None:
                    removes.append(drafter)
                elif role != drafter.role:
                    drafter.role = role
                    (promotions if role == DrafterRole.LEAD else demotions).append(drafter)
            adds.extend(
                ZhejiangMadeDrafter(standard_id=standard.pk, enterprise_id=pk, role=role)
                for pk, role in wanted.items()
            )
        if removes:
            # As a scheme's benchmark standards (imports.schemes): the "-" records in one insert,
            # the rows in one DELETE (a drafter has no dependants to cascade to).
            history = ZhejiangMadeDrafter.history.model
            history.objects.bulk_create(
                [
                    history(
                        id=d.pk,
                        standard_id=d.standard_id,
                        enterprise_id=d.enterprise_id,
                        role=d.role,
                        history_date=now,
                        history_user=actor,
                        history_type="-",
                        history_change_reason=reason,
                    )
                    for d in removes
                ],
                batch_size=BATCH,
            )
            ZhejiangMadeDrafter.objects.filter(pk__in=[d.pk for d in removes])._raw_delete(
                ZhejiangMadeDrafter.objects.db
            )
        for moved in (demotions, promotions):
            if moved:
                bulk_update_with_history(moved, ZhejiangMadeDrafter, ["role"], batch_size=BATCH, **by)
        if adds:
            bulk_create_with_history(adds, ZhejiangMadeDrafter, batch_size=BATCH, **by)


# -- certificates ----------------------------------------------------------------------------------

CERTIFICATE_FIELDS = {
    "认证产品": "product",
    "目标市场": "market",
    "发证日期": "issued_on",
    "有效期至": "expires_on",
    "证书状态": "status",
}
CERTIFICATE_HEADERS = {
    "number": "证书编号",
    "enterprise": "统一社会信用代码",
    "enterprise_id": "统一社会信用代码",
    **{f: h for h, f in CERTIFICATE_FIELDS.items()},
}


def _certificate_columns(*, expiry_required: bool, market: bool) -> tuple[ImportColumn, ...]:
    return tuple(
        column
        for column in (
            ImportColumn(
                "证书编号",
                lambda v: cells.required_text(v, max_length=60),
                required=True,
                note="用于匹配已有证书：编号相同即为同一张证书。",
                example="示例-2026-0001",
            ),
            ImportColumn("统一社会信用代码", _credit_code, required=True, note="持证企业的" + _CODE_NOTE),
            ImportColumn(
                "认证产品",
                lambda v: cells.required_text(v, max_length=200),
                required=True,
                example="不锈钢真空保温杯",
            ),
            ImportColumn(
                "目标市场",
                lambda v: cells.optional_text(v, max_length=100),
                note="证书适用的国家或地区。",
                example="哈萨克斯坦",
            )
            if market
            else None,
            ImportColumn(
                "发证日期", _required_date, required=True, note="如 2026-03-01。", example="2026-03-01"
            ),
            ImportColumn(
                "有效期至",
                _required_date if expiry_required else cells.date,
                required=expiry_required,
                note="不能早于发证日期。" if expiry_required else "不能早于发证日期；证书无有效期时留空。",
                example="2029-02-28",
            ),
            ImportColumn(
                "证书状态",
                _optional_choice(CertificateStatus.choices),
                note="新证书留空为有效，已有证书留空保持不变。是否过期按有效期至判断。",
                choices=tuple(str(label) for _v, label in CertificateStatus.choices),
                example=str(CertificateStatus.VALID.label),
                clearable=False,
            ),
        )
        if column is not None
    )


class CertificateImport(ImportKind):
    """A certificate a row, matched on its number; its enterprise by credit code."""

    model: type = PinCertificate

    @property
    def fields(self) -> dict[str, str]:
        """The kind's columns that set a field of the certificate, with their fields."""
        headers = {column.header for column in self.columns}
        return {h: f for h, f in CERTIFICATE_FIELDS.items() if h in headers}

    def template_example(self, actor) -> dict[str, object]:
        number = "示例-2026-0001"
        taken = set(self.model.objects.filter(number__startswith="示例-").values_list("number", flat=True))
        serial = 1
        while number in taken:
            serial += 1
            number = f"示例-2026-{serial:04d}"
        return {"证书编号": number, "统一社会信用代码": _example_credit_code(actor)}

    def plan_rows(self, plan: ImportPlan, rows: list[RowReader], actor) -> None:
        # Every cell of every row read once, so each cell's problem is said however the row fares.
        read = [
            (
                row,
                row["证书编号"],
                row["统一社会信用代码"],
                given({field: row[header] for header, field in self.fields.items()}),
            )
            for row in rows
        ]
        first_rows(
            ((row, number) for row, number, _c, _v in read),
            _("与第 %(row)d 行的证书编号相同，但内容不同：请核对后只保留一行。"),
            "证书编号",
        )
        existing = {
            c.number: c
            for c in locked(self.model.objects.filter(number__in=[n for _r, n, _c, _v in read if n]))
        }
        editable = set(
            editable_by(actor, self.model)
            .filter(pk__in=[c.pk for c in existing.values()])
            .values_list("pk", flat=True)
        )
        enterprises = _enterprises(actor, {code for _r, _n, code, _v in read if code})
        for row, number, code, values in read:
            record = existing.get(number) if number else None
            if record is not None and record.pk not in editable:
                row.problem(_("该证书属于您负责范围以外的企业，不能修改。"), "证书编号")
                continue
            refused = _refused_cells(values)
            if code:  # None: refused by its parser
                enterprise = enterprises.get(code)
                if enterprise is None:
                    row.problem(_unknown_enterprise(code), "统一社会信用代码")
                else:
                    values["enterprise_id"] = enterprise.pk
            if values.get("status") == "":  # a blank status keeps the stored one
                del values["status"]
            if not number:
                refused.append("number")
            if record is None:
                record = self.model(number=number or "", **for_new(values))
                changed = None
            else:
                changed = changed_fields(record, values)
            try:
                # The enterprise came from the lookup above: checking it again is a query a row.
                record.full_clean(
                    exclude=["enterprise", *refused], validate_unique=False, validate_constraints=False
                )
            except ValidationError as error:
                problems_on_row(row, error, CERTIFICATE_HEADERS)
            if row.failed:
                continue
            plan.count_in(record, changed)

    def write(self, plan: ImportPlan, actor) -> None:
        save_in_bulk(
            self.model, plan, actor, fields=sorted({f for _r, changed in plan.updates for f in changed})
        )


class PinCertificateImport(CertificateImport):
    key = "pin_certificates"
    label = "品字标证书"
    model = PinCertificate
    columns = _certificate_columns(expiry_required=True, market=False)


class BeltRoadCertificateImport(CertificateImport):
    key = "belt_road_certificates"
    label = "“一带一路”认证证书"
    model = BeltRoadCertificate
    columns = _certificate_columns(expiry_required=False, market=True)
