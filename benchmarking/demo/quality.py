"""The demo's 质量强市 records for Yongkang (docs/domain.md "Quality figures"): as of the demo's
last day (``LAST_EVENT``) they give the bureau's reported figures exactly — 64 浙江制造 standards
led by 30 enterprises, 11 of them published this year, 8 new 品字标 enterprises, 35 一带一路
certificates — plus standards still at 立项 / 研制, co-drafters, older 品字标 enterprises and
certificates that expired, were revoked or expire soon (for the reminders), none of them counted.

Every record is matched on its natural key (a standard's title, a certificate's number, a
drafter's standard × enterprise), so a second run creates nothing."""

import datetime as dt
import random

from ..choices import CertificateStatus, DrafterRole, ZhejiangStandardStage
from ..models import BeltRoadCertificate, PinCertificate, ZhejiangMadeDrafter, ZhejiangMadeStandard
from .specs import LAST_EVENT, LAST_PUBLICATION, SEED, Demo

STANDARDS, LEAD_ENTERPRISES, STANDARDS_THIS_YEAR = 64, 30, 11
NEW_PIN_ENTERPRISES, OLDER_PIN_ENTERPRISES = 8, 14
BELT_ROAD_CERTIFICATES = 35
IN_PROGRESS = 11  # 立项 and 研制, not counted

TITLES = {
    "杯业": ("不锈钢真空保温杯", "不锈钢真空焖烧杯", "儿童用不锈钢真空保温杯", "不锈钢真空保温饭盒",
             "钛真空保温杯", "不锈钢真空冰霸杯", "智能温显保温杯", "户外用不锈钢真空保温壶",
             "不锈钢真空茶水分离杯", "车载不锈钢真空杯"),
    "门业": ("钢质防盗安全门", "钢木室内门", "防火防盗门", "钢质隔声门", "不锈钢庭院门",
             "智能指纹锁防盗门", "铝木复合门", "钢质平开防火门", "铸铝装甲门", "保温节能入户门"),
    "电动工具": ("电动工具用无刷直流电机", "锂电无刷电钻", "锂电冲击扳手", "角向磨光机", "电锤",
                 "电圆锯", "往复锯", "手持式电动抛光机", "园林用锂电修枝剪", "锂电链锯"),
    "炊具": ("不锈钢复合底炒锅", "不锈钢汤锅", "不粘涂层铝合金煎锅", "复合底奶锅", "不锈钢蒸锅",
             "电磁炉用不锈钢压力锅", "铸铁搪瓷炖锅", "多层钢复合炒锅", "不锈钢厨用刀具", "钛复合炒锅"),
    "健身器材": ("家用跑步机", "磁控健身车", "划船器", "踏步机", "椭圆交叉训练器",
                 "多功能综合训练器", "电动筋膜按摩器", "可调式哑铃", "商用跑步机", "智能动感单车"),
    "衡器": ("电子计价秤", "电子台秤", "电子体重秤", "厨房电子秤", "电子吊秤", "智能体脂秤",
             "防爆电子台秤", "称重传感器"),
    "有色金属": ("铝合金板带", "铜合金带材", "炊具用铝合金圆片", "门业用铝合金型材",
                 "保温杯用不锈钢带", "锌合金压铸件"),
    "平衡车": ("双轮电动平衡车", "电动滑板车", "儿童电动平衡车", "独轮电动平衡车", "折叠电动自行车",
               "电动平衡车用锂离子电池组", "电动滑板车用轮毂电机", "儿童电动滑板车"),
}  # fmt: skip
FALLBACK_PREFIXES = ("高效", "轻量化", "智能", "商用", "家用", "大容量", "低噪声", "长寿命")
MARKETS = ("哈萨克斯坦", "乌兹别克斯坦", "俄罗斯", "沙特阿拉伯", "阿联酋", "马来西亚", "泰国",
           "越南", "印度尼西亚", "埃及", "土耳其", "巴基斯坦")  # fmt: skip


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _years_later(day: dt.date, years: int) -> dt.date:
    """The day before the same date ``years`` later: a certificate's last day of validity."""
    return day.replace(year=day.year + years, day=min(day.day, 28)) - dt.timedelta(days=1)


def quality_plan(demo: Demo):
    """The records as plain tuples, the same for the same demo: (standards, drafters, pins, belt roads).
    A standard: (title, stage, number, approved_on, published_on); a drafter: (title, credit code,
    role); a certificate: (credit code, number, product, issued_on, expires_on, status[, market])."""
    rng = random.Random(SEED + 19)
    specs = demo.enterprises
    # Leads: the 浙江制造 enterprises first, then standard leaders, then the rest.
    ranked = sorted(specs, key=lambda e: (not e.zhejiang_made, not e.standard_leader, e.credit_code))
    leads = ranked[:LEAD_ENTERPRISES]
    others = ranked[LEAD_ENTERPRISES:]
    used: set[str] = set()

    def title_for(spec) -> str:
        for title in (*TITLES.get(spec.industry, ()), spec.main_category):
            if title not in used:
                used.add(title)
                return title
        for prefix in FALLBACK_PREFIXES:
            title = f"{prefix}{spec.main_category}"
            if title not in used:
                used.add(title)
                return title
        raise RuntimeError(f"no title left for {spec.name}")

    owners = list(leads) + [rng.choice(leads) for _ in range(STANDARDS - LEAD_ENTERPRISES)]
    this_year = {*rng.sample(range(STANDARDS), STANDARDS_THIS_YEAR)}
    standards, drafters = [], []
    for n, spec in enumerate(owners):
        if n in this_year:
            published = _day(rng, dt.date(LAST_EVENT.year, 1, 6), LAST_PUBLICATION)
        else:
            published = _day(rng, dt.date(2016, 3, 1), dt.date(LAST_EVENT.year - 1, 12, 28))
        approved = published - dt.timedelta(days=rng.randint(240, 420))
        title = title_for(spec)
        number = f"T/ZZB {1000 + n * 29:04d}—{published.year}"
        standards.append((title, ZhejiangStandardStage.PUBLISHED, number, approved, published))
        drafters.append((title, spec.credit_code, DrafterRole.LEAD))
        for co in rng.sample(others, rng.choice((0, 0, 1, 2))):
            drafters.append((title, co.credit_code, DrafterRole.CO_DRAFTER))
    for n in range(IN_PROGRESS):
        spec = rng.choice(ranked[: LEAD_ENTERPRISES + 15])
        stage = ZhejiangStandardStage.APPROVED if n % 2 else ZhejiangStandardStage.DRAFTING
        approved = _day(rng, dt.date(LAST_EVENT.year - 1, 6, 1), LAST_EVENT - dt.timedelta(days=20))
        title = title_for(spec)
        standards.append((title, stage, None, approved, None))
        drafters.append((title, spec.credit_code, DrafterRole.LEAD))

    # 品字标: the new enterprises' first certificates this year; the older ones renewed every three
    # years since their first; a few extra products expiring soon, one revoked, one lapsed holder.
    holders = rng.sample(ranked[: LEAD_ENTERPRISES + 30], NEW_PIN_ENTERPRISES + OLDER_PIN_ENTERPRISES + 1)
    new, older, lapsed = holders[:NEW_PIN_ENTERPRISES], holders[NEW_PIN_ENTERPRISES:-1], holders[-1]
    pins = []

    def pin(spec, issued, expires, status=CertificateStatus.VALID, product=None):
        number = f"PZB{issued.year}{len(pins) + 101:05d}"
        pins.append((spec.credit_code, number, product or spec.main_category, issued, expires, status))

    for spec in new:
        issued = _day(rng, dt.date(LAST_EVENT.year, 1, 10), LAST_PUBLICATION)
        pin(spec, issued, _years_later(issued, 3))
    for k, spec in enumerate(older):
        issued = _day(rng, dt.date(2017, 3, 1), dt.date(LAST_EVENT.year - 1, 11, 30))
        first_year = issued.year
        while True:
            expires = _years_later(issued, 3)
            pin(spec, issued, expires)
            if expires >= LAST_EVENT:
                break
            issued = expires - dt.timedelta(days=30)
        if k < 3 and first_year <= 2023:  # a second product, due for renewal in the coming weeks
            second = _day(rng, dt.date(2023, 12, 20), dt.date(2024, 2, 20))
            pin(spec, second, _years_later(second, 3), product=f"{spec.main_category}（出口型）")
        if k == 3:
            revoked = _day(rng, dt.date(2024, 3, 1), dt.date(2024, 12, 1))
            pin(
                spec,
                revoked,
                _years_later(revoked, 3),
                CertificateStatus.REVOKED,
                f"{spec.main_category}（礼品型）",
            )
    lapsed_on = dt.date(2019, 5, 16)
    pin(lapsed, lapsed_on, _years_later(lapsed_on, 3), CertificateStatus.EXPIRED)

    # 一带一路: 35 valid on the demo's last day (three expire in the coming weeks), some expired, one revoked.
    exporters = rng.sample(ranked, 22)
    belt_roads = []

    def belt_road(issued, expires, status=CertificateStatus.VALID):
        spec = exporters[len(belt_roads) % len(exporters)]
        number = f"YDYL-{issued.year}-{len(belt_roads) + 1:04d}"
        belt_roads.append(
            (spec.credit_code, number, spec.main_category, issued, expires, status, rng.choice(MARKETS))
        )

    for k in range(BELT_ROAD_CERTIFICATES):
        if k < 3:
            issued = _day(rng, dt.date(2023, 12, 20), dt.date(2024, 2, 20))
        else:
            issued = _day(rng, dt.date(2024, 3, 1), LAST_PUBLICATION)
        belt_road(issued, _years_later(issued, 3))
    for _ in range(6):
        issued = _day(rng, dt.date(2020, 1, 1), dt.date(2023, 6, 30))
        belt_road(issued, _years_later(issued, 3), CertificateStatus.EXPIRED)
    issued = _day(rng, dt.date(2025, 1, 1), dt.date(2025, 12, 1))
    belt_road(issued, _years_later(issued, 3), CertificateStatus.REVOKED)
    return standards, drafters, pins, belt_roads


def seed_quality(demo: Demo, enterprises: dict, create_missing) -> None:
    """Write the plan's missing records. ``enterprises``: credit code -> Enterprise (Yongkang's);
    ``create_missing(model, rows, existing keys, key)``: the seeder's validated bulk insert."""
    standards, drafters, pins, belt_roads = quality_plan(demo)
    titles = [s[0] for s in standards]
    existing = set(ZhejiangMadeStandard.objects.filter(title__in=titles).values_list("title", flat=True))
    rows = [
        ZhejiangMadeStandard(title=t, stage=stage, number=number, approved_on=a, published_on=p)
        for t, stage, number, a, p in standards
    ]
    create_missing(ZhejiangMadeStandard, rows, existing, lambda s: s.title)
    # Titles are the demo's key, unique among its standards (not a database constraint).
    by_title = {s.title: s for s in ZhejiangMadeStandard.objects.filter(title__in=titles).order_by("pk")}
    existing = set(
        ZhejiangMadeDrafter.objects.filter(standard__in=by_title.values()).values_list(
            "standard_id", "enterprise_id"
        )
    )
    rows = [
        ZhejiangMadeDrafter(standard=by_title[t], enterprise=enterprises[code], role=role)
        for t, code, role in drafters
    ]
    create_missing(ZhejiangMadeDrafter, rows, existing, lambda d: (d.standard_id, d.enterprise_id))
    for model, plan in ((PinCertificate, pins), (BeltRoadCertificate, belt_roads)):
        numbers = [row[1] for row in plan]
        existing = set(model.objects.filter(number__in=numbers).values_list("number", flat=True))
        rows = [
            model(
                enterprise=enterprises[code],
                number=number,
                product=product,
                issued_on=issued,
                expires_on=expires,
                status=status,
                **({"market": rest[0]} if rest else {}),
            )
            for code, number, product, issued, expires, status, *rest in plan
        ]
        create_missing(model, rows, existing, lambda c: c.number)
