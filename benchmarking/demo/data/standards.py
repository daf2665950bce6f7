"""The demo's standards: number → (title, kind). Kind "" means: judge it by the number's prefix."""

from ...choices import StandardKind

STANDARDS: dict[str, tuple[str, str]] = {
    # 杯业
    "GB/T 29606—2013": ("不锈钢真空杯", ""),
    "GB 4806.9—2016": ("食品安全国家标准 食品接触用金属材料及制品", ""),
    "EN 12546-1:2000": (
        "Materials and articles in contact with foodstuffs — Insulated containers for domestic use — "
        "Part 1: Specification for vacuum ware, thermal flasks and jugs",
        "",
    ),
    "JIS S 2053:2015": ("真空断熱携帯用容器（Vacuum-insulated portable containers）", ""),
    "ISO 8442-2:1997": (
        "Materials and articles in contact with foodstuffs — Cutlery and table holloware — "
        "Part 2: Requirements for stainless steel and silver-plated cutlery",
        "",
    ),
    "QB/T 5384—2019": ("不锈钢真空焖烧容器", ""),
    "DB33/T 2350—2021": ("不锈钢真空保温容器质量安全控制规范", ""),
    "T/ZZB 0125—2016": ("不锈钢真空保温杯", ""),
    "T/ZZB 0788—2018": ("不锈钢真空保温壶", ""),
    "T/ZZB 1956—2020": ("儿童用不锈钢真空保温杯", ""),
    # 门业
    "GB 17565—2022": ("防盗安全门通用技术条件", ""),
    "GB/T 20909—2017": ("钢门窗", ""),
    "JG/T 122—2000": ("建筑木门、木窗", ""),
    "DB33/T 2245—2020": ("钢质入户门质量分级评价规范", ""),
    "EN 1627:2011": (
        "Pedestrian doorsets, windows, curtain walling, grilles and shutters — Burglar resistance — "
        "Requirements and classification",
        "",
    ),
    "EN 14351-1:2006+A2:2016": (
        "Windows and doors — Product standard, performance characteristics — Part 1: Windows and "
        "external pedestrian doorsets",
        "",
    ),
    "BS EN 1634-1:2014+A1:2018": (
        "Fire resistance and smoke control tests for door and shutter assemblies, openable windows and "
        "elements of building hardware — Part 1",
        "",
    ),
    "DIN 18101:2014": ("Türen — Türblattgrößen, Bandsitz und Schlosssitz", ""),
    "ISO 10077-1:2017": (
        "Thermal performance of windows, doors and shutters — Calculation of thermal transmittance — Part 1: General",
        "",
    ),
    "T/ZZB 0234—2017": ("钢质入户门", ""),
    "T/ZZB 1078—2019": ("钢质防盗安全门", ""),
    # 电动工具
    "GB/T 3883.1—2014": ("手持式、可移式电动工具和园林工具的安全 第1部分：通用要求", ""),
    "GB 4343.1—2018": ("电磁兼容 家用电器、电动工具和类似器具的要求 第1部分：发射", ""),
    "GB/T 7442—2007": ("角向磨光机", ""),
    "JB/T 11305—2013": ("锂离子电池供电的电动工具 通用技术条件", ""),
    "IEC 62841-1:2014": (
        "Electric motor-operated hand-held tools, transportable tools and lawn and garden machinery — "
        "Safety — Part 1: General requirements",
        "",
    ),
    "IEC 62841-2-1:2017": (
        "Electric motor-operated hand-held tools … — Safety — Part 2-1: Particular requirements for "
        "hand-held drills and impact drills",
        "",
    ),
    "EN 62841-1:2015": (
        "Electric motor-operated hand-held tools … — Safety — Part 1: General requirements",
        "",
    ),
    "UL 62841-1:2015": (
        "Electric Motor-Operated Hand-Held Tools … — Safety — Part 1: General Requirements",
        "",
    ),
    "ISO 28927-1:2009": (
        "Hand-held portable power tools — Test methods for evaluation of vibration emission — "
        "Part 1: Angle and vertical grinders",
        "",
    ),
    "T/ZZB 0560—2018": ("锂电冲击扳手", ""),
    "T/ZZB 2108—2021": ("无刷锂电电钻", ""),
    # 炊具
    "GB 15066—2004": ("不锈钢压力锅", ""),
    "GB/T 13623—2003": ("铝压力锅安全及性能要求", ""),
    "GB/T 32095.1—2015": ("家用食品金属烹饪器具不粘表面性能技术要求 第1部分：不粘性能", ""),
    "QB/T 2174—2006": ("不锈钢厨具", ""),
    "EN 12983-1:2000": (
        "Cookware — Domestic cookware for use on top of a stove, cooker or hob — Part 1: General requirements",
        "",
    ),
    "BS EN 12983-2:2005": (
        "Cookware — Domestic cookware … — Part 2: Additional requirements for ceramic cookware",
        "",
    ),
    "ISO 8442-1:1997": (
        "Materials and articles in contact with foodstuffs — Cutlery and table holloware — "
        "Part 1: Requirements for cutlery for the preparation of food",
        "",
    ),
    "T/ZZB 0085—2016": ("不锈钢炒锅", ""),
    "T/ZZB 0476—2018": ("铝合金不粘锅", ""),
    # 健身器材
    "GB 17498.1—2008": ("固定式健身器材 第1部分：通用安全要求和试验方法", ""),
    "GB 17498.5—2008": (
        "固定式健身器材 第5部分：固定式健身车和上肢曲柄训练器 附加的特殊安全要求和试验方法",
        "",
    ),
    "GB 17498.6—2008": ("固定式健身器材 第6部分：跑步机 附加的特殊安全要求和试验方法", ""),
    "ISO 20957-1:2013": (
        "Stationary training equipment — Part 1: General safety requirements and test methods",
        "",
    ),
    "ISO 20957-6:2020": (
        "Stationary training equipment — Part 6: Treadmills, additional specific safety requirements and test methods",
        "",
    ),
    "EN 957-6:2010+A1:2014": ("Stationary training equipment — Part 6: Treadmills", ""),
    "ASTM F2115-21": ("Standard Specification for Motorized Treadmills", ""),
    "T/ZZB 0937—2019": ("家用电动跑步机", ""),
    # 衡器
    "GB/T 7722—2020": ("电子台案秤", ""),
    "GB/T 11883—2017": ("电子吊秤", ""),
    "GB/T 23111—2008": ("非自动衡器", ""),
    # OIML is an intergovernmental body: its recommendations are international, not foreign.
    "OIML R 76-1:2006": (
        "Non-automatic weighing instruments — Part 1: Metrological and technical requirements — Tests",
        StandardKind.INTERNATIONAL,
    ),
    "EN 45501:2015": ("Metrological aspects of non-automatic weighing instruments", ""),
    "T/ZZB 0311—2018": ("电子计价秤", ""),
    # 有色金属
    "GB/T 3190—2020": ("变形铝及铝合金化学成分", ""),
    "GB/T 8733—2016": ("铸造铝合金锭", ""),
    "GB/T 5231—2022": ("加工铜及铜合金牌号和化学成分", ""),
    "YS/T 431—2009": ("铝及铝合金彩色涂层板、带材", ""),
    "DB33/T 2410—2021": ("再生铸造铝合金锭生产技术规范", ""),
    "ASTM B209-21": ("Standard Specification for Aluminum and Aluminum-Alloy Sheet and Plate", ""),
    "EN 573-3:2019": (
        "Aluminium and aluminium alloys — Chemical composition and form of wrought products — Part 3",
        "",
    ),
    "JIS H 3250:2015": ("Copper and copper alloy rods and bars", ""),
    "EN 12164:2016": ("Copper and copper alloys — Rod for free machining purposes", ""),
    "T/ZZB 1421—2019": ("再生铸造铝合金锭", ""),
    # 平衡车
    "GB/T 34668—2017": ("电动平衡车安全要求及测试方法", ""),
    "GB/T 36972—2018": ("电动自行车用锂离子蓄电池", ""),
    "UL 2272:2016": ("Electrical Systems for Personal E-Mobility Devices", ""),
    "EN 17128:2020": (
        "Light motorized vehicles for the transportation of persons and goods and related facilities — "
        "Personal light electric vehicles (PLEV) — Requirements and test methods",
        "",
    ),
    "IEC 62133-2:2017": (
        "Secondary cells and batteries containing alkaline or other non-acid electrolytes — Safety "
        "requirements for portable sealed secondary lithium cells — Part 2: Lithium systems",
        "",
    ),
    "T/ZZB 1152—2019": ("电动平衡车", ""),
    "T/CNHA 1018—2021": ("电动平衡车用轮毂电机", ""),
}
