"""Importing enterprises (matched on 统一社会信用代码) and standards (matched on the
normalised standard number)."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ..access import enterprise_scope, role_of
from ..choices import Role, StandardKind
from ..columns import ENTERPRISE_EXPORT, ENTERPRISE_FIELDS
from ..models import BranchOffice, Enterprise, Industry, Standard
from ..scoping import editable_by
from ..validators import normalize_standard_number, validate_standard_number
from . import cells
from .engine import ImportColumn, ImportKind, ImportPlan, RowReader

BATCH = 1000


def _headers(columns) -> list[str]:
    return [column.header for column in columns]


def reference_lookup(model) -> dict[str, object]:
    """Branch offices or industries by name, and by code (an office's code, an industry's
    GB/T 4754 code) where that code names just one of them."""
    records = list(model.objects.all())
    lookup = {record.name: record for record in records}
    by_code: dict[str, list] = {}
    for record in records:
        code = (getattr(record, "code", "") or getattr(record, "gb_code", "") or "").upper()
        if code:
            by_code.setdefault(code, []).append(record)
    for code, named in by_code.items():
        if len(named) == 1:
            lookup.setdefault(code, named[0])
    return lookup


def message_of(error: ValidationError) -> dict[str, list[str]]:
    """A model's ValidationError as {field name or "__all__": [sentences]}."""
    if hasattr(error, "error_dict"):
        return {
            name: [str(m) for e in errors for m in e.messages] for name, errors in error.error_dict.items()
        }
    return {"__all__": list(error.messages)}


def changed_fields(record, values: dict) -> list[str]:
    """Set ``values`` on ``record``; the names of the fields whose value really changed."""
    changed = []
    for name, value in values.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed.append(name)
    return changed


def save_in_bulk(model, plan: ImportPlan, actor, *, fields: list[str]) -> None:
    """Write the plan's new and changed records, a history record for each, in batches."""
    now = timezone.now()
    if plan.creates:
        bulk_create_with_history(plan.creates, model, batch_size=BATCH, default_user=actor, default_date=now)
    if plan.updates:
        records = []
        for record, _changed in plan.updates:
            if hasattr(record, "version"):
                record.version += 1  # an import is an edit like any other: a stale open form must notice
            if hasattr(record, "updated_at"):
                record.updated_at = now
            records.append(record)
        extra = [name for name in ("version", "updated_at") if hasattr(model, name)]
        bulk_update_with_history(
            records, model, [*fields, *extra], batch_size=BATCH, default_user=actor, default_date=now
        )


class EnterpriseImport(ImportKind):
    key = "enterprises"
    label = "企业"
    columns = (
        ImportColumn(
            "统一社会信用代码",
            cells.credit_code,
            required=True,
            note="18 位，空格、小写和全角字符会自动规范；用于匹配已有企业。",
            example="91330784MA2E8RKX2P",
        ),
        ImportColumn(
            "企业名称",
            lambda v: cells.required_text(v, max_length=120),
            required=True,
            example="永康市示例杯业有限公司",
        ),
        ImportColumn(
            "所属监管所",
            lambda v: cells.required_text(v, max_length=60),
            required=True,
            note="监管所名称或代码，须为系统中已有的监管所。",
        ),
        ImportColumn(
            "行业",
            lambda v: cells.required_text(v, max_length=60),
            required=True,
            note="行业名称或国民经济行业代码，须为系统中已有的行业。",
        ),
        ImportColumn("地址", lambda v: cells.optional_text(v, max_length=200)),
        ImportColumn("法定代表人", lambda v: cells.optional_text(v, max_length=40)),
        ImportColumn("联系人", lambda v: cells.optional_text(v, max_length=40)),
        ImportColumn("联系电话", lambda v: cells.optional_text(v, max_length=30)),
        ImportColumn("电子邮箱", lambda v: cells.optional_text(v, max_length=254)),
        ImportColumn(
            "浙江制造/品字标认证",
            cells.boolean,
            note="是 / 否，空白为否。",
            choices=("是", "否"),
            example="否",
        ),
        ImportColumn(
            "企业标准“领跑者”", cells.boolean, note="是 / 否，空白为否。", choices=("是", "否"), example="否"
        ),
    )
    export_only = frozenset(_headers(ENTERPRISE_EXPORT)) - frozenset(_headers(ENTERPRISE_FIELDS))
    fields = {
        "企业名称": "name",
        "地址": "address",
        "法定代表人": "legal_representative",
        "联系人": "contact_person",
        "联系电话": "phone",
        "电子邮箱": "email",
        "浙江制造/品字标认证": "zhejiang_made",
        "企业标准“领跑者”": "standard_leader",
        "所属监管所": "branch_office",
        "行业": "industry",
    }

    def may_import(self, actor) -> bool:
        return role_of(actor) in (Role.BUREAU_STAFF, Role.BRANCH_STAFF)

    def plan_rows(self, plan: ImportPlan, rows: list[RowReader], actor) -> None:
        offices, industries = reference_lookup(BranchOffice), reference_lookup(Industry)
        # Bureau staff import for any office; branch-office staff for their own (the scope rule).
        scope = enterprise_scope(actor, write=True)
        parsed = []
        first_row_of: dict[str, int] = {}
        for row in rows:
            code = row["统一社会信用代码"]
            values = {field: row[header] for header, field in self.fields.items()}
            if code in first_row_of:
                row.problem(
                    _("与第 %(row)d 行的统一社会信用代码重复。") % {"row": first_row_of[code]},
                    "统一社会信用代码",
                )
            elif code:
                first_row_of[code] = row.number
            for header, lookup in (("所属监管所", offices), ("行业", industries)):
                field = self.fields[header]
                name = values[field]
                if name:
                    values[field] = lookup.get(name) or lookup.get(name.upper())
                    if values[field] is None:
                        row.problem(_("系统中没有“%(name)s”。") % {"name": name}, header)
            parsed.append((row, code, values))

        existing = {
            enterprise.credit_code: enterprise
            for enterprise in Enterprise.objects.filter(credit_code__in=list(first_row_of))
        }
        editable = set(
            editable_by(actor, Enterprise)
            .filter(credit_code__in=list(existing))
            .values_list("credit_code", flat=True)
        )
        for row, code, values in parsed:
            if row.failed:
                continue
            office = values["branch_office"]
            record = existing.get(code)
            if record is not None and code not in editable:
                row.problem(_("该企业不属于您负责的监管所，不能修改。"), "统一社会信用代码")
                continue
            if not scope.covers(Enterprise(branch_office=office)):
                row.problem(
                    _("只能导入本所的企业，不能导入“%(office)s”的企业。") % {"office": office.name},
                    "所属监管所",
                )
                continue
            if record is None:
                record = Enterprise(credit_code=code, **values)
                changed = None
            else:
                changed = changed_fields(record, values)
                if not changed:
                    plan.unchanged += 1
                    continue
            try:
                # The office and industry came from the lookups above, so they exist: checking them
                # again would be two queries per row (a ForeignKey's validate() asks the database).
                record.full_clean(
                    exclude=["branch_office", "industry"], validate_unique=False, validate_constraints=False
                )
            except ValidationError as error:
                for name, messages in message_of(error).items():
                    header = next((h for h, f in self.fields.items() if f == name), "统一社会信用代码")
                    for message in messages:
                        row.problem(message, header if name != "__all__" else None)
                continue
            if changed is None:
                plan.creates.append(record)
            else:
                plan.updates.append((record, changed))

    def write(self, plan: ImportPlan, actor) -> None:
        save_in_bulk(
            Enterprise, plan, actor, fields=sorted({f for _r, changed in plan.updates for f in changed})
        )


class StandardImport(ImportKind):
    key = "standards"
    label = "标准"
    columns = (
        ImportColumn(
            "标准编号",
            lambda v: cells.required_text(v, max_length=60),
            required=True,
            note="例如 GB/T 1.1—2020、ISO 8442-1:2008；大小写、空格和连接号会自动统一，用于匹配已有标准。",
            example="Q/YKSL 001—2024",
        ),
        ImportColumn(
            "标准名称", lambda v: cells.required_text(v, max_length=200), required=True, example="真空保温杯"
        ),
        ImportColumn(
            "标准类别",
            lambda v: cells.choice(v, StandardKind.choices) if cells.text(v) else "",
            note="留空时按编号前缀自动判断。",
            choices=tuple(str(label) for _v, label in StandardKind.choices),
        ),
    )

    def may_import(self, actor) -> bool:
        return role_of(actor) == Role.BUREAU_STAFF

    def plan_rows(self, plan: ImportPlan, rows: list[RowReader], actor) -> None:
        parsed, first_row_of = [], {}
        for row in rows:
            raw = row["标准编号"]
            title, kind = row["标准名称"], row["标准类别"]
            number = normalize_standard_number(raw) if raw else ""
            if raw:
                try:
                    validate_standard_number(raw)
                except ValidationError as error:
                    row.problem(error.messages[0], "标准编号")
            if number in first_row_of:
                row.problem(
                    _("与第 %(row)d 行的标准编号重复（按统一格式比对）。") % {"row": first_row_of[number]},
                    "标准编号",
                )
            elif number:
                first_row_of[number] = row.number
            parsed.append((row, number, title, kind))
        existing = {s.number: s for s in Standard.objects.filter(number__in=list(first_row_of))}
        for row, number, title, kind in parsed:
            if row.failed:
                continue
            record = existing.get(number)
            values = {"title": title}
            if kind:
                values["kind"] = kind
            if record is None:
                record = Standard(number=number, **values)
                record.full_clean(validate_unique=False, validate_constraints=False)
                plan.creates.append(record)
            else:
                changed = changed_fields(record, values)
                if changed:
                    plan.updates.append((record, changed))
                else:
                    plan.unchanged += 1

    def write(self, plan: ImportPlan, actor) -> None:
        save_in_bulk(
            Standard, plan, actor, fields=sorted({f for _r, changed in plan.updates for f in changed})
        )
