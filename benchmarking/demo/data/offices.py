"""The branch offices of the demo: one per town or street of Yongkang, plus the development zone."""

from dataclasses import dataclass


@dataclass(frozen=True)
class OfficeTemplate:
    code: str
    name: str
    # How an address in this office's area starts, after "浙江省".
    place: str
    # Relative number of enterprises (and the share of the plan's quota).
    weight: int
    roads: tuple[str, ...]
    # The short names staff write (方岩所): the office's aliases (docs/domain.md, "Offices and
    # industries by the names staff write").
    aliases: tuple[str, ...] = ()


OFFICES: tuple[OfficeTemplate, ...] = (
    OfficeTemplate(
        "DC",
        "东城市场监督管理所",
        "永康市东城街道",
        30,
        ("九铃东路", "金城路", "望春东路", "城东工业区兴业路"),
        aliases=("东城所",),
    ),
    OfficeTemplate(
        "XC",
        "西城市场监督管理所",
        "永康市西城街道",
        24,
        ("九铃西路", "城西工业区创业路", "五金大道", "永拖路"),
        aliases=("西城所",),
    ),
    OfficeTemplate(
        "JN",
        "江南市场监督管理所",
        "永康市江南街道",
        24,
        ("紫微南路", "南苑路", "江南工业区科源路", "园周路"),
        aliases=("江南所",),
    ),
    OfficeTemplate(
        "KFQ",
        "经济开发区市场监督管理所",
        "永康经济开发区",
        34,
        ("长城路", "金都路", "黄金大道", "科技五路", "花川路"),
        aliases=("开发区所",),
    ),
    OfficeTemplate(
        "ZY",
        "芝英市场监督管理所",
        "永康市芝英街道",
        18,
        ("芝英工业区振兴路", "柿后路", "芝英大道"),
        aliases=("芝英所",),
    ),
    OfficeTemplate(
        "SZ",
        "石柱市场监督管理所",
        "永康市石柱镇",
        14,
        ("石柱工业区兴业路", "下里溪路", "石柱大道"),
        aliases=("石柱所",),
    ),
    OfficeTemplate(
        "QC", "前仓市场监督管理所", "永康市前仓镇", 10, ("前仓工业区创新路", "前仓大道"), aliases=("前仓所",)
    ),
    OfficeTemplate(
        "ZS", "舟山市场监督管理所", "永康市舟山镇", 8, ("舟山工业区纬一路", "舟山大道"), aliases=("舟山所",)
    ),
    OfficeTemplate(
        "GS",
        "古山市场监督管理所",
        "永康市古山镇",
        18,
        ("古山工业区胜利路", "世雅路", "古山大道"),
        aliases=("古山所",),
    ),
    OfficeTemplate(
        "FY", "方岩市场监督管理所", "永康市方岩镇", 8, ("方岩工业区岩下路", "橙麓路"), aliases=("方岩所",)
    ),
    OfficeTemplate(
        "LS", "龙山市场监督管理所", "永康市龙山镇", 10, ("龙山工业区龙腾路", "桥下路"), aliases=("龙山所",)
    ),
    OfficeTemplate(
        "XX", "西溪市场监督管理所", "永康市西溪镇", 8, ("西溪工业区溪岸路", "西溪大道"), aliases=("西溪所",)
    ),
    OfficeTemplate(
        "XZ", "象珠市场监督管理所", "永康市象珠镇", 12, ("象珠工业区珠山路", "象珠大道"), aliases=("象珠所",)
    ),
    OfficeTemplate(
        "TX", "唐先市场监督管理所", "永康市唐先镇", 12, ("唐先工业区金山路", "唐先大道"), aliases=("唐先所",)
    ),
    OfficeTemplate(
        "HJ", "花街市场监督管理所", "永康市花街镇", 8, ("花街工业区园区路", "花街大道"), aliases=("花街所",)
    ),
)
