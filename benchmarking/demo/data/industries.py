"""The demo's industries: their product categories and the indicator templates of each."""

from dataclasses import dataclass, field

from ...choices import Direction


@dataclass(frozen=True)
class IndicatorTemplate:
    """One key indicator a scheme may compare; ``step`` is the resolution values are declared in."""

    name: str
    unit: str
    direction: str
    benchmark: str | None = None
    minimum: str | None = None
    maximum: str | None = None
    requirement: str = ""
    step: str = "1"
    method: str = ""


def hi(name: str, unit: str, benchmark: str, step: str, method: str = "") -> IndicatorTemplate:
    return IndicatorTemplate(
        name, unit, Direction.HIGHER_BETTER, benchmark=benchmark, step=step, method=method
    )


def lo(name: str, unit: str, benchmark: str, step: str, method: str = "") -> IndicatorTemplate:
    return IndicatorTemplate(
        name, unit, Direction.LOWER_BETTER, benchmark=benchmark, step=step, method=method
    )


def within(
    name: str, unit: str, minimum: str | None, maximum: str | None, step: str, method: str = ""
) -> IndicatorTemplate:
    return IndicatorTemplate(
        name, unit, Direction.RANGE, minimum=minimum, maximum=maximum, step=step, method=method
    )


def ok(name: str, requirement: str, method: str = "") -> IndicatorTemplate:
    return IndicatorTemplate(name, "", Direction.PASS_FAIL, requirement=requirement, method=method)


@dataclass(frozen=True)
class CategoryTemplate:
    """A product category a scheme is written for, with the indicators only it has."""

    name: str
    specific: tuple[IndicatorTemplate, ...] = ()


@dataclass(frozen=True)
class IndustryTemplate:
    name: str
    gb_code: str
    # Relative number of enterprises in the industry.
    weight: int
    # How many of its schemes end up published, withdrawn (replaced by a newer one) and still drafts.
    published: int
    withdrawn: int
    drafts: int
    company_words: tuple[str, ...]
    product_prefixes: tuple[str, ...]
    publishers: tuple[str, ...]
    common: tuple[IndicatorTemplate, ...]
    categories: tuple[CategoryTemplate, ...]
    # Standards a scheme of this industry benchmarks against (international/foreign ones first in spirit).
    advanced: tuple[str, ...]
    domestic: tuple[str, ...]
    # Group standards (浙江制造) its certified enterprises execute.
    group: tuple[str, ...] = field(default=())


INSTITUTE = "永康市标准化研究院"
METAL_CENTRE = "国家日用金属制品质量检验检测中心（永康）"

_FOOD_METALS = (
    lo("铅迁移量", "mg/kg", "0.01", "0.001", "GB 31604.49—2023"),
    lo("镍迁移量", "mg/kg", "0.10", "0.01", "GB 31604.49—2023"),
    lo("铬迁移量", "mg/kg", "0.50", "0.01", "GB 31604.49—2023"),
)

INDUSTRIES: tuple[IndustryTemplate, ...] = (
    IndustryTemplate(
        name="杯业",
        gb_code="C3382",  # 金属制餐具和器皿制造
        weight=22,
        published=12,
        withdrawn=1,
        drafts=1,
        company_words=("杯业", "工贸", "日用品", "保温器皿"),
        product_prefixes=("", "", "轻量款", "大容量", "双盖", "商务款"),
        publishers=(INSTITUTE, METAL_CENTRE, "永康市杯业协会"),
        common=(
            ok("密封性能", "注入 90 ℃ 以上热水，倒置 15 min 无渗漏", "GB/T 29606—2013 6.5"),
            within("容量偏差", "%", "-3", "3", "0.1", "GB/T 29606—2013 6.2"),
            *_FOOD_METALS,
            lo("涂层附着力（划格法）", "级", "1", "1", "GB/T 9286—2021"),
            ok("耐冲击性能", "1 m 高度跌落后无破损、无渗漏", "GB/T 29606—2013 6.8"),
            lo("杯体外表面温升", "℃", "8", "1", "GB/T 29606—2013 6.6"),
            ok("感官要求", "无异味，内外表面光洁、无毛刺"),
            hi("杯盖开合寿命", "次", "5000", "100"),
        ),
        categories=(
            CategoryTemplate(
                "不锈钢真空保温杯", (hi("保温效能（6 h 后水温）", "℃", "69", "1", "GB/T 29606—2013 6.4"),)
            ),
            CategoryTemplate(
                "不锈钢真空保温壶", (hi("保温效能（24 h 后水温）", "℃", "55", "1", "EN 12546-1:2000"),)
            ),
            CategoryTemplate("不锈钢真空焖烧杯", (hi("焖烧效能（6 h 后水温）", "℃", "72", "1"),)),
            CategoryTemplate(
                "儿童吸管保温杯",
                (
                    hi("保温效能（6 h 后水温）", "℃", "60", "1", "GB/T 29606—2013 6.4"),
                    ok("小零件", "不可拆卸部件无可被吞咽的小零件", "GB 6675.2—2014"),
                    lo("吸管组件增塑剂迁移量", "mg/kg", "1.5", "0.1"),
                ),
            ),
            CategoryTemplate(
                "纯钛真空杯",
                (hi("保温效能（6 h 后水温）", "℃", "66", "1"), hi("内胆钛含量", "%", "99.2", "0.1")),
            ),
            CategoryTemplate(
                "户外运动保温水壶",
                (hi("提环拉力强度", "N", "300", "10"), hi("保温效能（12 h 后水温）", "℃", "62", "1")),
            ),
            CategoryTemplate(
                "智能显温保温杯",
                (within("温度显示误差", "℃", "-2", "2", "0.1"), hi("显示屏电池续航", "d", "90", "1")),
            ),
            CategoryTemplate("不锈钢真空保温饭盒", (hi("保温效能（4 h 后温度）", "℃", "55", "1"),)),
            CategoryTemplate(
                "车载保温杯",
                (
                    hi("保温效能（6 h 后水温）", "℃", "65", "1"),
                    ok("杯座适配性", "适配直径 65 mm~75 mm 车载杯座"),
                ),
            ),
            CategoryTemplate("不锈钢真空冰霸杯", (lo("保冷效能（12 h 后水温）", "℃", "10", "1"),)),
            CategoryTemplate(
                "咖啡随行杯",
                (
                    ok("防漏杯盖", "杯盖关闭状态倾斜 90° 保持 10 s 无滴漏"),
                    hi("保温效能（3 h 后水温）", "℃", "68", "1"),
                ),
            ),
            CategoryTemplate(
                "陶瓷涂层内胆保温杯",
                (hi("陶瓷涂层耐磨性", "次", "3000", "100"), hi("保温效能（6 h 后水温）", "℃", "67", "1")),
            ),
            CategoryTemplate(
                "大容量运动水杯",
                (within("容量（标称 1.2 L）", "L", "1.18", "1.26", "0.01"), lo("空杯质量", "g", "420", "5")),
            ),
        ),
        advanced=("EN 12546-1:2000", "JIS S 2053:2015", "ISO 8442-2:1997"),
        domestic=("GB/T 29606—2013", "GB 4806.9—2016", "QB/T 5384—2019", "DB33/T 2350—2021"),
        group=("T/ZZB 0125—2016", "T/ZZB 0788—2018", "T/ZZB 1956—2020"),
    ),
    IndustryTemplate(
        name="门业",
        gb_code="C3312",  # 金属门窗制造
        weight=20,
        published=11,
        withdrawn=1,
        drafts=0,
        company_words=("门业", "工贸", "实业", "门业制造"),
        product_prefixes=("", "", "", "别墅用", "工程用"),
        publishers=(INSTITUTE, "永康市门业协会", "浙江省五金产品质量检验检测院"),
        common=(
            hi("门扇钢板厚度", "mm", "1.00", "0.01", "GB 17565—2022 附录 A"),
            hi("计权隔声量", "dB", "32", "1", "GB/T 8485—2008"),
            lo("传热系数", "W/(m²·K)", "2.0", "0.1", "GB/T 8484—2020"),
            hi("气密性能等级", "级", "6", "1", "GB/T 7106—2019"),
            hi("反复启闭耐久性", "次", "100000", "1000"),
            lo("涂层附着力（划格法）", "级", "1", "1", "GB/T 9286—2021"),
            hi("耐中性盐雾", "h", "240", "8", "GB/T 10125—2021"),
            within("门扇与门框配合间隙", "mm", "2.0", "4.0", "0.1"),
            ok("外观质量", "表面平整，无划伤、锈蚀、漏涂"),
        ),
        categories=(
            CategoryTemplate(
                "钢质防盗安全门",
                (
                    hi("防破坏时间", "min", "30", "1", "GB 17565—2022"),
                    hi("锁具防技术开启时间", "min", "10", "1"),
                ),
            ),
            CategoryTemplate("钢质入户门", (hi("防破坏时间", "min", "15", "1", "GB 17565—2022"),)),
            CategoryTemplate("钢木室内门", (lo("甲醛释放量", "mg/L", "0.5", "0.1", "GB/T 17657—2022"),)),
            CategoryTemplate(
                "实木复合门",
                (lo("甲醛释放量", "mg/L", "0.3", "0.1", "GB/T 17657—2022"), lo("含水率", "%", "10", "0.5")),
            ),
            CategoryTemplate(
                "铝合金平开门",
                (hi("抗风压性能", "kPa", "3.5", "0.1", "GB/T 7106—2019"), hi("水密性能", "Pa", "350", "50")),
            ),
            CategoryTemplate(
                "钢质防火门",
                (
                    hi("耐火完整性", "min", "90", "1", "GB/T 7633—2008"),
                    ok("闭门器自闭功能", "开启后能自动关闭"),
                ),
            ),
            CategoryTemplate(
                "智能防盗门", (lo("指纹识别拒真率", "%", "1.0", "0.1"), hi("电子锁电池续航", "月", "12", "1"))
            ),
            CategoryTemplate("不锈钢庭院门", (hi("耐中性盐雾（不锈钢）", "h", "480", "8"),)),
            CategoryTemplate(
                "铝合金推拉门",
                (
                    hi("抗风压性能", "kPa", "3.0", "0.1", "GB/T 7106—2019"),
                    hi("推拉耐久性", "次", "25000", "500"),
                ),
            ),
            CategoryTemplate("钢质隔声门", (hi("计权隔声量（隔声门）", "dB", "40", "1", "GB/T 8485—2008"),)),
            CategoryTemplate(
                "入户保温门", (lo("传热系数（保温门）", "W/(m²·K)", "1.5", "0.1", "GB/T 8484—2020"),)
            ),
        ),
        advanced=(
            "EN 1627:2011",
            "EN 14351-1:2006+A2:2016",
            "BS EN 1634-1:2014+A1:2018",
            "DIN 18101:2014",
            "ISO 10077-1:2017",
        ),
        domestic=("GB 17565—2022", "GB/T 20909—2017", "JG/T 122—2000", "DB33/T 2245—2020"),
        group=("T/ZZB 0234—2017", "T/ZZB 1078—2019"),
    ),
    IndustryTemplate(
        name="电动工具",
        gb_code="C3465",  # 风动和电动工具制造
        weight=16,
        published=10,
        withdrawn=0,
        drafts=1,
        company_words=("电动工具", "电器", "工具", "机电"),
        product_prefixes=("", "", "无刷", "专业级", "家用"),
        publishers=(INSTITUTE, "永康市电动工具行业协会", "浙江省机电产品质量检测所"),
        common=(
            within("额定输入功率偏差", "%", "-10", "5", "0.1", "GB/T 3883.1—2014"),
            within("空载转速偏差", "%", "-10", "10", "0.1"),
            lo("振动总值", "m/s²", "5.0", "0.1", "ISO 28927-1:2009"),
            lo("A 计权声功率级", "dB(A)", "95", "1", "GB/T 3883.1—2014 附录 I"),
            lo("绕组温升", "K", "75", "1", "GB/T 3883.1—2014 第 12 章"),
            hi("绝缘电阻", "MΩ", "7", "1"),
            ok("电气强度", "3750 V、1 min 无击穿或闪络", "GB/T 3883.1—2014 D.2"),
            ok("骚扰电压（端子）", "符合 GB 4343.1—2018 限值", "GB 4343.1—2018"),
            hi("整机寿命", "h", "300", "10"),
            lo("整机质量", "kg", "1.80", "0.01"),
        ),
        categories=(
            CategoryTemplate(
                "锂电冲击钻", (hi("最大扭矩", "N·m", "60", "1"), hi("单次充电工作时间", "min", "35", "1"))
            ),
            CategoryTemplate("角向磨光机", (within("砂轮空载线速度", "m/s", None, "80", "1"),)),
            CategoryTemplate("电锤", (hi("单次冲击能量", "J", "3.0", "0.1"),)),
            CategoryTemplate("电圆锯", (hi("最大切割深度（90°）", "mm", "65", "1"),)),
            CategoryTemplate(
                "锂电冲击扳手", (hi("最大扭矩", "N·m", "400", "10"), hi("电池循环寿命", "次", "800", "50"))
            ),
            CategoryTemplate(
                "充电式电钻", (hi("最大扭矩", "N·m", "45", "1"), hi("单次充电工作时间", "min", "40", "1"))
            ),
            CategoryTemplate("往复锯", (hi("往复行程", "mm", "28", "1"),)),
            CategoryTemplate(
                "电动修枝剪",
                (hi("最大剪切直径", "mm", "25", "1"), ok("双手操作安全开关", "须双手同时操作方可启动")),
            ),
            CategoryTemplate(
                "锂电链锯",
                (lo("链条制动时间", "s", "0.12", "0.01"), hi("单次充电工作时间", "min", "30", "1")),
            ),
            CategoryTemplate("手持式电动抛光机", (within("转速稳定性", "%", "-5", "5", "0.1"),)),
            CategoryTemplate(
                "锂电割草机",
                (lo("A 计权声压级（操作者位置）", "dB(A)", "80", "1"), hi("割幅", "mm", "330", "10")),
            ),
        ),
        advanced=(
            "IEC 62841-1:2014",
            "IEC 62841-2-1:2017",
            "EN 62841-1:2015",
            "UL 62841-1:2015",
            "ISO 28927-1:2009",
        ),
        domestic=("GB/T 3883.1—2014", "GB 4343.1—2018", "GB/T 7442—2007", "JB/T 11305—2013"),
        group=("T/ZZB 0560—2018", "T/ZZB 2108—2021"),
    ),
    IndustryTemplate(
        name="炊具",
        gb_code="C3381",  # 金属制厨房用器具制造
        weight=14,
        published=8,
        withdrawn=0,
        drafts=1,
        company_words=("炊具", "厨具", "工贸", "实业"),
        product_prefixes=("", "", "家用", "加厚", "商用"),
        publishers=(INSTITUTE, METAL_CENTRE, "永康市炊具行业协会"),
        common=(
            *_FOOD_METALS,
            lo("锅底平面度", "mm", "1.0", "0.1"),
            lo("锅底热分布温差", "℃", "25", "1"),
            ok("手柄连接强度", "悬挂 2 倍满水质量 30 min 无松动、无变形", "EN 12983-1:2000"),
            lo("手柄温升", "℃", "30", "1"),
            ok("耐盐水腐蚀", "5% 盐水煮沸 24 h 无锈蚀", "QB/T 2174—2006"),
            hi("复合底结合强度", "MPa", "30", "1"),
            within("容量偏差", "%", "-5", "5", "0.1"),
        ),
        categories=(
            CategoryTemplate("不锈钢炒锅", (hi("导热均匀性指数", "%", "80", "1"),)),
            CategoryTemplate(
                "不粘炒锅",
                (
                    hi("不粘涂层耐磨性", "次", "10000", "500", "GB/T 32095.1—2015"),
                    lo("不粘涂层附着力（划格法）", "级", "1", "1"),
                ),
            ),
            CategoryTemplate(
                "不锈钢压力锅",
                (
                    within("限压阀排气压力", "kPa", "70", "100", "1", "GB 15066—2004"),
                    ok("安全泄压装置", "超压时可靠泄压"),
                ),
            ),
            CategoryTemplate(
                "铝合金压铸锅",
                (hi("不粘涂层耐磨性", "次", "8000", "500"), lo("铝迁移量", "mg/kg", "5", "0.1")),
            ),
            CategoryTemplate("不锈钢汤锅", (hi("导热均匀性指数", "%", "78", "1"),)),
            CategoryTemplate(
                "铸铁锅", (lo("铸件气孔面积率", "%", "1.0", "0.1"), ok("防锈处理", "开锅后 72 h 无锈蚀"))
            ),
            CategoryTemplate("复合底奶锅", (hi("复合底导磁率", "%", "85", "1"),)),
            CategoryTemplate("不锈钢蒸锅", (lo("蒸格变形量", "mm", "1.5", "0.1"),)),
            CategoryTemplate(
                "陶瓷涂层煎锅", (hi("陶瓷涂层耐磨性", "次", "6000", "500"), hi("耐热冲击", "次", "5", "1"))
            ),
        ),
        advanced=("EN 12983-1:2000", "BS EN 12983-2:2005", "ISO 8442-1:1997"),
        domestic=(
            "GB 15066—2004",
            "GB/T 13623—2003",
            "GB/T 32095.1—2015",
            "QB/T 2174—2006",
            "GB 4806.9—2016",
        ),
        group=("T/ZZB 0085—2016", "T/ZZB 0476—2018"),
    ),
    IndustryTemplate(
        name="健身器材",
        gb_code="C2443",  # 健身器材制造
        weight=10,
        published=7,
        withdrawn=0,
        drafts=1,
        company_words=("健身器材", "运动器材", "体育用品", "工贸"),
        product_prefixes=("", "", "", "智能"),
        publishers=(INSTITUTE, "永康市健身器材行业协会"),
        common=(
            hi("最大使用者体重", "kg", "150", "5", "GB 17498.1—2008"),
            ok("静态载荷试验", "4 倍最大使用者体重加载 5 min 无断裂、无永久变形", "GB 17498.1—2008 6.2"),
            ok("挤压和剪切点防护", "可触及的挤压、剪切点均有防护", "ISO 20957-1:2013"),
            hi("耐中性盐雾（涂层）", "h", "96", "8", "GB/T 10125—2021"),
            ok("整机稳定性", "倾斜 10° 不倾倒", "ISO 20957-1:2013"),
            lo("运行噪声", "dB(A)", "65", "1"),
            hi("耐久性试验", "h", "500", "10"),
        ),
        categories=(
            CategoryTemplate(
                "家用电动跑步机",
                (
                    within("速度精度偏差", "%", "-5", "5", "0.1", "GB 17498.6—2008"),
                    hi("电机连续输出功率", "kW", "1.5", "0.1"),
                    ok("紧急停止装置", "安全钥匙拔出后 1 s 内停止"),
                ),
            ),
            CategoryTemplate(
                "商用跑步机",
                (
                    within("速度精度偏差", "%", "-3", "3", "0.1", "ISO 20957-6:2020"),
                    hi("电机连续输出功率", "kW", "2.2", "0.1"),
                ),
            ),
            CategoryTemplate(
                "磁控健身车", (within("阻力精度偏差", "%", "-10", "10", "0.1", "GB 17498.5—2008"),)
            ),
            CategoryTemplate(
                "椭圆训练机", (within("阻力精度偏差", "%", "-10", "10", "0.1"), hi("步幅", "mm", "450", "10"))
            ),
            CategoryTemplate(
                "综合训练器",
                (ok("配重片导向防脱", "配重片运行顺畅、不脱轨"), hi("钢丝绳破断拉力", "kN", "12", "0.5")),
            ),
            CategoryTemplate("划船器", (within("阻力精度偏差", "%", "-10", "10", "0.1"),)),
            CategoryTemplate(
                "可调节哑铃",
                (within("质量偏差", "%", "-2", "2", "0.1"), hi("调节机构寿命", "次", "20000", "500")),
            ),
            CategoryTemplate("踏步机", (hi("液压缸寿命", "次", "100000", "5000"),)),
        ),
        advanced=("ISO 20957-1:2013", "ISO 20957-6:2020", "EN 957-6:2010+A1:2014", "ASTM F2115-21"),
        domestic=("GB 17498.1—2008", "GB 17498.6—2008", "GB 17498.5—2008"),
        group=("T/ZZB 0937—2019",),
    ),
    IndustryTemplate(
        name="衡器",
        gb_code="C4050",  # 衡器制造
        weight=6,
        published=5,
        withdrawn=0,
        drafts=0,
        company_words=("衡器", "电子衡器", "称重设备", "电子科技"),
        product_prefixes=("", "", "防水型", "高精度"),
        publishers=(INSTITUTE, "永康市衡器行业协会"),
        common=(
            within("称量误差", "e", "-0.5", "0.5", "0.1", "GB/T 7722—2020"),
            lo("重复性", "e", "0.5", "0.1", "OIML R 76-1:2006"),
            lo("偏载误差", "e", "0.5", "0.1", "OIML R 76-1:2006"),
            ok("鉴别力", "加放 1.4 d 砝码示值改变", "GB/T 7722—2020"),
            lo("温度对空载示值的影响", "e/5 ℃", "1.0", "0.1"),
            lo("示值稳定时间", "s", "2.0", "0.1"),
            ok("静电放电抗扰度", "±8 kV 空气放电无显著增差", "GB/T 17626.2—2018"),
            hi("电池续航", "h", "100", "5"),
        ),
        categories=(
            CategoryTemplate("电子计价秤", (ok("计价功能", "单价×质量=总价，误差不超过 1 分"),)),
            CategoryTemplate("电子台秤", (hi("秤台承载能力", "%", "125", "5"),)),
            CategoryTemplate(
                "电子吊秤", (hi("吊钩安全系数", "倍", "4", "1", "GB/T 11883—2017"), ok("遥控距离", "≥ 50 m"))
            ),
            CategoryTemplate("电子体重秤", (within("体重示值误差", "kg", "-0.2", "0.2", "0.1"),)),
            CategoryTemplate("厨房电子秤", (lo("秤盘重金属迁移（铅）", "mg/kg", "0.01", "0.001"),)),
        ),
        advanced=("OIML R 76-1:2006", "EN 45501:2015"),
        domestic=("GB/T 7722—2020", "GB/T 11883—2017", "GB/T 23111—2008"),
        group=("T/ZZB 0311—2018",),
    ),
    IndustryTemplate(
        name="有色金属",
        gb_code="C325",  # 有色金属压延加工（中类）
        weight=6,
        published=4,
        withdrawn=0,
        drafts=0,
        company_words=("金属材料", "铝业", "铜业", "有色金属"),
        product_prefixes=("",),
        publishers=(INSTITUTE, "永康市有色金属行业协会"),
        common=(
            hi("抗拉强度", "MPa", "300", "5", "GB/T 228.1—2021"),
            hi("断后伸长率", "%", "12", "0.5", "GB/T 228.1—2021"),
            hi("布氏硬度", "HBW", "80", "1", "GB/T 231.1—2018"),
            lo("铁含量", "%", "0.150", "0.005"),
            ok("表面质量", "无裂纹、起皮、夹杂"),
            within("厚度（直径）偏差", "mm", "-0.05", "0.05", "0.01"),
        ),
        categories=(
            CategoryTemplate(
                "再生铸造铝合金锭",
                (
                    within("硅含量", "%", "6.50", "7.50", "0.05", "GB/T 8733—2016"),
                    lo("夹渣率", "%", "0.10", "0.01"),
                ),
            ),
            CategoryTemplate("铝合金板带", (hi("规定塑性延伸强度", "MPa", "240", "5"),)),
            CategoryTemplate(
                "无铅黄铜棒",
                (lo("铅含量", "%", "0.10", "0.01", "GB/T 5231—2022"), hi("切削性能指数", "%", "80", "1")),
            ),
            CategoryTemplate("铜合金带材", (hi("导电率", "%IACS", "60", "1"),)),
        ),
        advanced=("ASTM B209-21", "EN 573-3:2019", "JIS H 3250:2015", "EN 12164:2016"),
        domestic=("GB/T 3190—2020", "GB/T 8733—2016", "GB/T 5231—2022", "YS/T 431—2009", "DB33/T 2410—2021"),
        group=("T/ZZB 1421—2019",),
    ),
    IndustryTemplate(
        name="平衡车",
        gb_code="C3770",  # 助动车制造
        weight=6,
        published=4,
        withdrawn=0,
        drafts=1,
        company_words=("智能科技", "车业", "电动车", "智能车业"),
        product_prefixes=("",),
        publishers=(INSTITUTE, "永康市平衡车行业协会"),
        common=(
            within("最高车速", "km/h", None, "20", "0.1", "GB/T 34668—2017"),
            hi("续航里程", "km", "20", "1"),
            hi("电池循环寿命", "次", "500", "50", "IEC 62133-2:2017"),
            lo("紧急制动距离", "m", "4.0", "0.1"),
            hi("爬坡能力", "°", "15", "1"),
            lo("整车质量", "kg", "12.0", "0.1"),
            ok("过充过放保护", "过充、过放、短路时保护板可靠动作", "UL 2272:2016"),
            ok("防水等级", "IPX4", "GB/T 4208—2017"),
            ok("外壳阻燃", "外壳材料阻燃等级 V-0", "GB/T 2408—2021"),
            lo("充电时间", "h", "3.0", "0.1"),
        ),
        categories=(
            CategoryTemplate("双轮电动平衡车"),
            CategoryTemplate("电动滑板车", (lo("制动距离（干态）", "m", "3.5", "0.1", "EN 17128:2020"),)),
            CategoryTemplate("儿童电动平衡车", (within("最高车速（儿童款）", "km/h", None, "12", "0.1"),)),
            CategoryTemplate("独轮电动平衡车", (hi("最大承重", "kg", "120", "5"),)),
            CategoryTemplate(
                "平衡车用锂离子电池组", (hi("能量密度", "Wh/kg", "150", "5", "GB/T 36972—2018"),)
            ),
        ),
        advanced=("UL 2272:2016", "EN 17128:2020", "IEC 62133-2:2017"),
        domestic=("GB/T 34668—2017", "GB/T 36972—2018"),
        group=("T/ZZB 1152—2019", "T/CNHA 1018—2021"),
    ),
)
