"""Importing enterprises (matched on 统一社会信用代码) and standards (matched on the
normalised standard number)."""

import copy

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access import enterprise_scope
from ..choices import AdoptionDegree, StandardKind, StandardStatus
from ..columns import ENTERPRISE_EXPORT, ENTERPRISE_FIELDS
from ..models import BranchOffice, Enterprise, Industry, Standard
from ..scoping import editable_by, visible_to
from ..selectors.organisation import importable_offices
from ..selectors.regions import enterprise_region_code, served_county_codes
from ..services.standards import record_replacements, replacement_change, status_on_saving
from ..validators import (
    CREDIT_CODE_ALPHABET,
    credit_code_check_character,
    credit_code_region_note,
    normalize_credit_code,
    normalize_standard_number,
    standard_kind_for,
    validate_credit_code,
    validate_credit_code_format,
    validate_standard_number,
)
from . import cells
from .common import (
    changed_fields,
    first_rows,
    for_new,
    given,
    headers,
    locked,
    message_of,
    note_change,
    problems_on_row,
    reference_lookup,
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


def _credit_code(value) -> str:
    """A 统一社会信用代码, normalised and of the right form. Its check character is tested
    only for a new enterprise (plan_rows): an existing one may carry the staff's override for
    an early code that fails it, and must import back as it exported."""
    code = normalize_credit_code(cells.text(value))
    if not code:
        raise cells.CellError(_("不能为空。"))
    try:
        validate_credit_code_format(code)
    except ValidationError as error:
        raise cells.CellError(error.messages[0]) from None
    return code


# A code that passes the GB 32100 check (validators.validate_credit_code), as every example must.
EXAMPLE_CREDIT_CODE = "91330784MA2E8RKX24"


def unused_credit_code() -> str:
    """``EXAMPLE_CREDIT_CODE``, or the first valid code after it that no enterprise has: the
    template's example is a new enterprise, never an edit of a real one."""
    taken = set(
        Enterprise.objects.filter(credit_code__startswith=EXAMPLE_CREDIT_CODE[:15]).values_list(
            "credit_code", flat=True
        )
    )
    stem = EXAMPLE_CREDIT_CODE[:15]
    candidates = [
        EXAMPLE_CREDIT_CODE[:17],
        *(stem + a + b for a in CREDIT_CODE_ALPHABET for b in CREDIT_CODE_ALPHABET),
    ]
    for first17 in candidates:
        code = first17 + credit_code_check_character(first17)
        if code not in taken:
            return code
    return EXAMPLE_CREDIT_CODE


def industry_options(actor) -> list[str]:
    """Every industry's name: industries are reference data every importer reads."""
    return list(Industry.objects.values_list("name", flat=True))


def credit_code_check_problem(code: str) -> str:
    """What is wrong with a new enterprise's code by the check character, in the import's own
    words: the model's sentence points to the staff's 核验例外, which a file cannot supply (an
    early code that fails the check is entered in the enterprise form, with its reason)."""
    try:
        validate_credit_code(code)
    except ValidationError as error:
        if error.code != "credit_code_check":
            return error.messages[0]
        return (
            _(
                "统一社会信用代码校验位不正确：第 18 位应为「%(expected)s」，实际为「%(actual)s」。"
                "请对照营业执照核对后改正。"
            )
            % error.params
        )
    return ""


class EnterpriseImport(ImportKind):
    key = "enterprises"
    label = "企业"
    columns = (
        ImportColumn(
            "统一社会信用代码",
            _credit_code,
            required=True,
            note="18 位，空格、小写和全角字符会自动规范；用于匹配已有企业。",
            example=EXAMPLE_CREDIT_CODE,
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
            note="监管所名称、简码或简称（如“方岩所”），须为系统中已有的监管所。",
            options=lambda actor: [office.name for office in importable_offices(actor)],
        ),
        ImportColumn(
            "行业",
            lambda v: cells.required_text(v, max_length=60),
            required=True,
            note="行业名称、别名或国民经济行业代码，须为系统中已有的行业。",
            options=industry_options,
        ),
        ImportColumn(
            "地址", lambda v: cells.optional_text(v, max_length=200), example="浙江省永康市五金大道 1 号"
        ),
        ImportColumn("法定代表人", lambda v: cells.optional_text(v, max_length=40), example="王永康"),
        ImportColumn("联系人", lambda v: cells.optional_text(v, max_length=40), example="李明"),
        ImportColumn("联系电话", lambda v: cells.optional_text(v, max_length=30), example="0579-87000000"),
        ImportColumn(
            "电子邮箱", lambda v: cells.optional_text(v, max_length=254), example="contact@example.com"
        ),
        ImportColumn(
            "浙江制造/品字标认证",
            cells.boolean,
            note=cells.YES_NO_NOTE,
            choices=("是", "否"),
            example="否",
        ),
        ImportColumn(
            "企业标准“领跑者”", cells.boolean, note=cells.YES_NO_NOTE, choices=("是", "否"), example="否"
        ),
    )
    export_only = frozenset(headers(ENTERPRISE_EXPORT)) - frozenset(headers(ENTERPRISE_FIELDS))
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

    # The reference columns: the header, the field compared (by id, so comparing costs no
    # query per row) and the lookup's model.
    references = (("所属监管所", "branch_office_id", BranchOffice), ("行业", "industry_id", Industry))

    def template_example(self, actor) -> dict[str, object]:
        # A code no enterprise has yet, an office the user may import into, an industry.
        office = importable_offices(actor).first()
        industry = Industry.objects.first()
        return {
            "统一社会信用代码": unused_credit_code(),
            "所属监管所": office.name if office else "",
            "行业": industry.name if industry else "",
        }

    def plan_rows(self, plan: ImportPlan, rows: list[RowReader], actor) -> None:
        # Among the offices the importer sees (their county's): another county's 东城所 is not theirs.
        lookups = {
            header: reference_lookup(model, visible_to(actor, model)) for header, _f, model in self.references
        }
        # Bureau staff import for any office; branch-office staff for their own (the scope rule).
        scope = enterprise_scope(actor, write=True)
        parsed = []
        for row in rows:
            code = row["统一社会信用代码"]
            values = given({field: row[header] for header, field in self.fields.items()})
            for header, field, _model in self.references:
                name = values.pop(self.fields[header])
                values[field] = None
                if name:
                    found = lookups[header].get(name)  # by name, code or alias
                    if found is None:
                        row.problem(_("系统中没有“%(name)s”。") % {"name": name}, header)
                    else:
                        values[field] = found.pk
            parsed.append((row, code, values))
        first_row_of = first_rows(
            ((row, code) for row, code, _v in parsed),
            _("与第 %(row)d 行的统一社会信用代码相同，但内容不同：请核对后只保留一行。"),
            "统一社会信用代码",
        )

        existing = {
            enterprise.credit_code: enterprise
            for enterprise in locked(Enterprise.objects.filter(credit_code__in=list(first_row_of)))
        }
        editable = set(
            editable_by(actor, Enterprise)
            .filter(credit_code__in=list(existing))
            .values_list("credit_code", flat=True)
        )
        header_of = {**{f: h for h, f in self.fields.items()}, **{f: h for h, f, _m in self.references}}
        county_codes = None
        for row, code, values in parsed:
            if row.failed:
                continue
            office_id = values["branch_office_id"]
            record = existing.get(code)
            if record is not None and code not in editable:
                row.problem(_("该企业不属于您负责的监管所，不能修改。"), "统一社会信用代码")
                continue
            office = lookups["所属监管所"].by_pk(office_id)
            office_region = office.region_id if office is not None else None
            if not scope.covers(Enterprise(branch_office_id=office_id, region_id=office_region)):
                row.problem(
                    _("只能导入本所的企业，不能导入“%(office)s”的企业。") % {"office": office.name},
                    "所属监管所",
                )
                continue
            if record is None:
                problem = credit_code_check_problem(code)
                if problem:
                    row.problem(problem, "统一社会信用代码")
                    continue
                record = Enterprise(credit_code=code, **for_new(values))
                # The county its credit code names when served here, else its office's (one
                # query per file); one that is not its office's is refused below (Enterprise.clean).
                if county_codes is None:
                    county_codes = served_county_codes()
                record.region_id = enterprise_region_code(code, county_codes, otherwise=office_region)
                changed = None
            else:
                changed = changed_fields(record, values)
                if not changed:
                    plan.unchanged += 1
                    continue
            # The office as looked up: its county is compared with the enterprise's without a query.
            if lookups["所属监管所"].by_pk(record.branch_office_id) is not None:
                record.branch_office = lookups["所属监管所"].by_pk(record.branch_office_id)
            try:
                # The office and industry came from the lookups above, the region from the county
                # codes, so they exist: checking them again would be three queries per row (a
                # ForeignKey's validate() asks the database).
                record.full_clean(
                    exclude=["branch_office", "industry", "region"],
                    validate_unique=False,
                    validate_constraints=False,
                )
            except ValidationError as error:
                for name, messages in message_of(error).items():
                    header = header_of.get(name, "统一社会信用代码")
                    for message in messages:
                        row.problem(message, header if name != "__all__" else None)
                continue
            if changed is None:
                plan.creates.append(record)
            else:
                plan.updates.append((record, changed))
            # Accepted, but staff should know (validators.credit_code_region_note).
            note = credit_code_region_note(code)
            if note:
                plan.notice(note, row=row.number, column="统一社会信用代码")

    def write(self, plan: ImportPlan, actor) -> None:
        save_in_bulk(
            Enterprise, plan, actor, fields=sorted({f for _r, changed in plan.updates for f in changed})
        )


# The standard's own columns beyond its number, name and kind, with their fields.
STANDARD_LIFE_FIELDS = {
    "标准状态": "status",
    "发布日期": "published_on",
    "实施日期": "implemented_on",
    "废止日期": "withdrawn_on",
    "采标程度": "adoption_degree",
    "采用的国际/国外标准": "adopted_standard",
}
STANDARD_HEADERS = {"number": "标准编号", "title": "标准名称", "kind": "标准类别"} | {
    f: h for h, f in STANDARD_LIFE_FIELDS.items()
}


def _standard_status(value) -> str:
    return cells.choice(value, StandardStatus.choices) if cells.text(value) else ""


def _adoption_degree(value) -> str:
    raw = cells.text(value)
    return cells.choice(raw.upper() if raw.isascii() else raw, AdoptionDegree.choices) if raw else ""


def _replaced_numbers(value) -> tuple[str, ...]:
    from .schemes.rows import standard_numbers  # the 对标标准 cell's reading: same separators

    return standard_numbers(value) if not cells.is_blank(value) else ()


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
            note="新标准留空时按编号前缀自动判断；已有标准留空保持不变，填〔清空〕则改回按编号判断的类别。",
            choices=tuple(str(label) for _v, label in StandardKind.choices),
            example=str(StandardKind.ENTERPRISE.label),
        ),
        ImportColumn(
            "标准状态",
            _standard_status,
            note="新标准留空为现行，已有标准留空保持不变。实施日期晚于今天的“现行”导入为“即将实施”，到日期自动改为现行。",
            choices=tuple(str(label) for _v, label in StandardStatus.choices),
            example=str(StandardStatus.CURRENT.label),
            clearable=False,
        ),
        ImportColumn("发布日期", cells.date, note="如 2024-01-15。", example="2024-01-15"),
        ImportColumn("实施日期", cells.date, note="如 2024-08-01。", example="2024-08-01"),
        ImportColumn("废止日期", cells.date, note="状态为废止或被代替时必填。"),
        ImportColumn(
            "代替标准",
            _replaced_numbers,
            note="本标准代替的标准编号，多项用“；”“、”或换行分隔；须为系统中或本文件中已有的标准。"
            "所列标准中仍为现行或即将实施的，废止日期记为本标准的实施日期，到日期即为被代替。",
        ),
        ImportColumn(
            "采标程度",
            _adoption_degree,
            note="IDT / MOD / NEQ，未采用国际或国外标准时留空。",
            choices=("IDT", "MOD", "NEQ"),
        ),
        ImportColumn(
            "采用的国际/国外标准",
            lambda v: cells.optional_text(v, max_length=60),
            note="填写了采标程度时必填，如 ISO 8442-1:2008。",
        ),
    )

    def plan_rows(self, plan: ImportPlan, rows: list[RowReader], actor) -> None:
        today = timezone.localdate()
        parsed = []
        for row in rows:
            raw = row["标准编号"]
            number = normalize_standard_number(raw) if raw else ""
            if raw:
                try:
                    validate_standard_number(raw)
                except ValidationError as error:
                    row.problem(error.messages[0], "标准编号")
            parsed.append((row, number))
        first_row_of = first_rows(
            parsed,
            _("与第 %(row)d 行的标准编号相同（按统一格式比对），但内容不同：请核对后只保留一行。"),
            "标准编号",
        )
        listed = {n for row, _n in parsed for n in unmarked(row["代替标准"]) or ()}
        existing = {
            s.number: s
            for s in locked(Standard.objects.filter(number__in=[*first_row_of, *listed])).prefetch_related(
                "replaces"
            )
        }
        planned: dict[str, tuple[RowReader, Standard, list | None]] = {}
        for row, number in parsed:
            if row.failed:
                continue
            kind = row["标准类别"]
            values = given({"title": row["标准名称"]})
            if isinstance(kind, Cleared):  # as a blank on a new standard: the kind its number implies
                values["kind"] = Cleared(standard_kind_for(number))
            elif kind:  # blank or not given: by the number's prefix, or as stored
                values["kind"] = kind
            for header, name in STANDARD_LIFE_FIELDS.items():
                value = row[header]
                if value is not NOT_GIVEN and value != "":  # a blank status keeps the stored one
                    values[name] = value
            if row.failed:  # a cell refused as it was read: the model would only say it again
                continue
            record = existing.get(number)
            if record is None:
                record = Standard(number=number, **for_new(values))
                changed = None
            else:
                changed = changed_fields(record, values)
            status = status_on_saving(status=record.status, implemented_on=record.implemented_on, today=today)
            if status != record.status:
                if changed is not None:
                    note_change(record, FieldChange("status", record.status, status))
                    changed.append("status")
                record.status = status
            try:
                record.full_clean(validate_unique=False, validate_constraints=False)
            except ValidationError as error:
                problems_on_row(row, error, STANDARD_HEADERS)
                continue
            planned[number] = (row, record, changed)
        for number, (row, record, changed) in planned.items():
            self._plan_replacements(plan, row, record, changed, number, planned, existing, actor, today)
        plan.standard_replacements = {}
        for number, (row, record, changed) in planned.items():
            if row.failed:
                continue
            if getattr(record, "_import_replaces", None) is not None or getattr(
                record, "_import_replacing", False
            ):
                plan.standard_replacements[number] = record
            plan.count_in(record, changed)

    def _plan_replacements(self, plan, row, record, changed, number, planned, existing, actor, today) -> None:
        """Check the 代替标准 cell: every number known (stored or in this file), not the standard
        itself, listed once; and each replaced standard still valid once withdrawn (the admin's
        rule, services.standards.replacement_change). Notes on ``record`` what write() does."""
        cell = row["代替标准"]
        if cell is NOT_GIVEN or isinstance(cell, Blank) or cell is None:
            return  # no column, a blank cell (the relation stays) or a cell already refused
        numbers = unmarked(cell) or ()
        targets = []
        for listed in numbers:
            target = planned[listed][1] if listed in planned else existing.get(listed)
            if listed == number:
                row.problem(_("标准不能代替它自己。"), "代替标准")
            elif target is None:
                row.problem(
                    _("标准库和本文件中都没有“%(number)s”，请先导入或录入该标准。") % {"number": listed},
                    "代替标准",
                )
            elif target in targets:
                row.problem(_("“%(number)s”列出了两次。") % {"number": listed}, "代替标准")
            else:
                targets.append(target)
        if row.failed:
            return
        writable = None
        for target in targets:
            change = replacement_change(replacing=record, replaced=target, today=today)
            if change is None:
                continue
            if target.pk is not None and target.number not in planned:
                if writable is None:
                    writable = set(
                        editable_by(actor, Standard)
                        .filter(pk__in=[t.pk for t in targets if t.pk])
                        .values_list("pk", flat=True)
                    )
                if target.pk not in writable:
                    row.problem(_("您无权修改“%(number)s”的状态。") % {"number": target.number}, "代替标准")
                    continue
            after = copy.copy(target)
            for name, value in change.items():
                setattr(after, name, value)
            try:
                after.full_clean(validate_unique=False, validate_constraints=False)
            except ValidationError as error:
                for message in error.messages:
                    row.problem(
                        _("“%(number)s”被代替后：%(message)s")
                        % {"number": target.number, "message": message},
                        "代替标准",
                    )
                continue
            record._import_replacing = True
            plan.notice(
                _("“%(number)s”将记为%(date)s废止%(then)s。")
                % {
                    "number": target.number,
                    "date": change.get("withdrawn_on", target.withdrawn_on).isoformat(),
                    "then": _("，即为被代替") if change.get("status") else _("，到日期自动改为被代替"),
                },
                row=row.number,
                column="代替标准",
            )
        stored = sorted(s.number for s in record.replaces.all()) if record.pk else []
        wanted = sorted(t.number for t in targets)
        if wanted != stored:
            record._import_replaces = wanted
            if changed is not None:
                note_change(
                    record, FieldChange("replaces", stored, wanted, cleared=isinstance(cell, Cleared))
                )
                changed.append("replaces")

    def write(self, plan: ImportPlan, actor) -> None:
        fields = sorted({f for _r, changed in plan.updates for f in changed} - {"replaces"})
        save_in_bulk(Standard, plan, actor, fields=fields)
        records = getattr(plan, "standard_replacements", {})
        if not records:
            return
        relations = {
            n: r._import_replaces
            for n, r in records.items()
            if getattr(r, "_import_replaces", None) is not None
        }
        numbers = set(records) | {n for wanted in relations.values() for n in wanted}
        pk_of = dict(Standard.objects.filter(number__in=numbers).values_list("number", "pk"))
        through = Standard.replaces.through
        through.objects.filter(from_standard_id__in=[pk_of[n] for n in relations]).delete()
        through.objects.bulk_create(
            [
                through(from_standard_id=pk_of[n], to_standard_id=pk_of[m])
                for n, wanted in relations.items()
                for m in wanted
            ]
        )
        # The same rule as the admin's, for the few rows that replace a standard still in force.
        for standard in Standard.objects.filter(
            number__in=[n for n, r in records.items() if getattr(r, "_import_replacing", False)]
        ):
            record_replacements(standard=standard, actor=actor)
