"""The yearly statistics a region reports upward, as one workbook: regions × figures × months
(docs/domain.md, "Roll-ups"). A sheet per figure; a row per county (with each prefecture's
subtotal after its counties, for the province, and the region's total); a column per month of the
year, the figure cumulative at that month end, and the year's new records. Written through
``exports`` like every other workbook (formula-safe cells, real numbers, ``sheet_layout``).
"""

from django.utils import timezone

from .exports import Column, Sheet
from .selectors.dashboard import MEASURE_LABELS
from .selectors.rollup import RegionStatistics, StatisticsRow, region_statistics

ROW_KINDS = {"county": "县（市、区）", "subtotal": "设区市小计", "total": "合计"}


def statistics_sheets(code: str, year: int) -> tuple[RegionStatistics, list[Sheet]] | None:
    """The statistics of region ``code`` in ``year`` and their sheets; None for an unknown code.
    Three queries whatever the number of counties (``selectors.rollup.region_statistics``)."""
    statistics = region_statistics(code, year)
    if statistics is None:
        return None
    counted_to = timezone.localtime(statistics.counted_to)
    preamble_base = [
        f"截至 {counted_to:%Y-%m-%d %H:%M}（北京时间）统计；各月为月末累计数，本年新增为截至最后统计月末累计数减上年末累计数",
        "计数口径：方案按发布单位所在县（市、区）统计，企业及其结果按企业所属县（市、区）统计；"
        "均为当时已发布且未撤销/撤回的记录，企业为至少有一项计入结果的企业",
    ]
    sheets = []
    for key, label in MEASURE_LABELS.items():
        columns = [
            Column("行政区划代码", lambda r: r.code),
            Column("地区", lambda r: r.name),
            Column("所属设区市", lambda r: r.parent_name),
            Column("类别", lambda r: ROW_KINDS[r.kind]),
        ]
        columns += [
            Column(f"{month.month}月", lambda r, i=i: r.monthly[i])
            for i, month in enumerate(statistics.months)
        ]
        columns.append(Column(f"{year}年新增", lambda r: r.new_in_year))
        sheets.append(
            Sheet(
                label,
                columns,
                statistics.sheets[key],
                preamble=[f"{statistics.region.name}{year}年{label}月度统计表", *preamble_base],
            )
        )
    return statistics, sheets


def statistics_filename(statistics: RegionStatistics) -> str:
    return f"{statistics.region.name}_{statistics.year}年对标达标月度统计.xlsx"


__all__ = ["ROW_KINDS", "StatisticsRow", "statistics_filename", "statistics_sheets"]
