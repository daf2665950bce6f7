"""The columns of the list exports, defined once per kind of record.

The headers are full Chinese field names (统一社会信用代码, not 代码), so a file
reads on its own and the import template (issue 6) can reuse the same headers.
Each row is a model instance from the list's FilterSet, with the related rows
named in ``EXPORT_SELECT_RELATED`` already joined and ``counted_results``
annotated by the FilterSet: a cell never runs a query.

``*_FIELDS`` are the record's own fields (what an import would fill in);
``*_EXPORT`` adds what the system works out (status, grade, counts, dates).
The headers are plain strings, not translated: a file's headers are its format,
and an import must recognise them whatever the interface language.
"""

from .exports import Column

# Excel number formats: real dates and numbers, sortable and summable.
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"
COUNT = "0"

ENTERPRISE_FIELDS: tuple[Column, ...] = (
    Column("统一社会信用代码", lambda e: e.credit_code, width=22),
    Column("企业名称", lambda e: e.name, width=30),
    Column("所属监管所", lambda e: e.branch_office.name, width=16),
    Column("行业", lambda e: e.industry.name, width=12),
    Column("地址", lambda e: e.address, width=30),
    Column("法定代表人", lambda e: e.legal_representative),
    Column("联系人", lambda e: e.contact_person),
    Column("联系电话", lambda e: e.phone, width=16),
    Column("电子邮箱", lambda e: e.email, width=24),
    Column("浙江制造/品字标认证", lambda e: e.zhejiang_made, width=12),
    Column("企业标准“领跑者”", lambda e: e.standard_leader, width=12),
)
ENTERPRISE_EXPORT: tuple[Column, ...] = (
    *ENTERPRISE_FIELDS,
    Column("已计入对标结果数", lambda e: e.counted_results, number_format=COUNT, width=12),
)

SCHEME_FIELDS: tuple[Column, ...] = (
    Column("方案编号", lambda s: s.code, width=18),
    Column("方案名称", lambda s: s.title, width=36),
    Column("产品类别", lambda s: s.product_category, width=16),
    Column("行业", lambda s: s.industry.name, width=12),
    Column("发布机构", lambda s: s.publisher, width=24),
)
SCHEME_EXPORT: tuple[Column, ...] = (
    *SCHEME_FIELDS,
    Column("状态", lambda s: s.get_status_display(), width=10),
    Column("发布时间", lambda s: s.published_at, number_format=DATETIME, width=17),
    Column("撤销时间", lambda s: s.withdrawn_at, number_format=DATETIME, width=17),
    Column("已计入对标结果数", lambda s: s.counted_results, number_format=COUNT, width=12),
)

DECLARATION_FIELDS: tuple[Column, ...] = (
    Column("统一社会信用代码", lambda d: d.enterprise.credit_code, width=22),
    Column("企业名称", lambda d: d.enterprise.name, width=30),
    Column("方案编号", lambda d: d.scheme.code, width=18),
    Column("产品名称", lambda d: d.product_name, width=20),
    Column("产品型号", lambda d: d.product_model, width=16),
    Column("执行标准编号", lambda d: d.executed_standard.number, width=22),
    Column("声明日期", lambda d: d.declared_on, number_format=DATE, width=12),
    Column("企业标准信息公共服务平台链接", lambda d: d.national_platform_url, width=30),
)
DECLARATION_EXPORT: tuple[Column, ...] = (
    *DECLARATION_FIELDS,
    Column("所属监管所", lambda d: d.enterprise.branch_office.name, width=16),
    Column("行业", lambda d: d.enterprise.industry.name, width=12),
    Column("方案名称", lambda d: d.scheme.title, width=36),
    Column("对标水平", lambda d: d.get_grade_display(), width=10),
    Column("状态", lambda d: d.get_status_display(), width=10),
    Column("发布时间", lambda d: d.published_at, number_format=DATETIME, width=17),
    Column("撤回时间", lambda d: d.withdrawn_at, number_format=DATETIME, width=17),
)

# The joins each export's cells read (the select_related of its rows).
EXPORT_SELECT_RELATED: dict[str, tuple[str, ...]] = {
    "enterprise": ("branch_office", "industry"),
    "scheme": ("industry",),
    "declaration": (
        "enterprise__branch_office",
        "enterprise__industry",
        "scheme",
        "executed_standard",
    ),
}
