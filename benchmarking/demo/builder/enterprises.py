"""The demo's standards and enterprises: the first part of the builder."""

from ...validators import (
    normalize_standard_number,
    standard_kind_for,
)
from .. import data, names
from ..specs import (
    EXPECTED_ENTERPRISES,
    PENDING_ONLY_ENTERPRISES,
    SILENT_ENTERPRISES,
    EnterpriseSpec,
    StandardSpec,
)
from .helpers import credit_code, largest_remainder


class EnterprisesPart:
    """Builds ``standards`` and ``enterprises`` (see ``_Builder``)."""

    def add_standard(self, number: str, title: str, kind: str = "") -> str:
        number = normalize_standard_number(number)
        self.standards.setdefault(number, StandardSpec(number, title, kind or standard_kind_for(number)))
        return number

    def build_standards(self) -> None:
        for number, (title, kind) in data.STANDARDS.items():
            self.add_standard(number, title, kind)
        for template in data.INDUSTRIES:
            for number in (*template.advanced, *template.domestic, *template.group):
                if normalize_standard_number(number) not in self.standards:
                    raise ValueError(
                        f"demo standard {number} of {template.name} has no title in data.STANDARDS"
                    )

    def _person(self) -> str:
        rng = self.rng
        given = "".join(rng.choice(names.GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2, 2))))
        return rng.choice(names.SURNAMES) + given

    def _phone(self) -> str:
        rng = self.rng
        if rng.random() < 0.55:
            return f"0579-87{rng.randint(0, 999999):06d}"
        return f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}"

    def build_enterprises(self) -> None:
        rng = self.rng
        login_count = 2
        total = EXPECTED_ENTERPRISES + PENDING_ONLY_ENTERPRISES + SILENT_ENTERPRISES
        per_office = largest_remainder(total, [o.weight for o in data.OFFICES])
        offices = [o.code for o, n in zip(data.OFFICES, per_office, strict=True) for _ in range(n)]
        # The two enterprise logins: a cup maker under 东城 (the branch login's office)
        # and a power-tool maker in the development zone.
        offices.remove("DC")
        offices.remove("KFQ")
        rng.shuffle(offices)
        offices = ["DC", "KFQ", *offices]
        industry_names = [t.name for t in data.INDUSTRIES]
        weights = [t.weight for t in data.INDUSTRIES]
        industries = [
            "杯业",
            "电动工具",
            *rng.choices(industry_names, weights=weights, k=total - login_count),
        ]

        brands_used: set[str] = set()
        codes_used: set[str] = set()
        emails_used: set[str] = set()
        q_codes_used: set[str] = set()
        for office_code, industry_name in zip(offices, industries, strict=True):
            template = self.industries[industry_name]
            office = next(o for o in data.OFFICES if o.code == office_code)
            while True:
                (c1, p1), (c2, p2) = rng.sample(names.BRAND_CHARS, 2)
                brand, pinyin = c1 + c2, p1 + p2
                if brand not in brands_used and brand not in names.RESERVED_BRANDS:
                    break
            brands_used.add(brand)
            word = rng.choice(template.company_words)
            if rng.random() < 0.3:
                form = "股份有限公司" if rng.random() < 0.3 else "有限公司"
                name = f"浙江{brand}{word}{form}"
            else:
                name = f"永康市{brand}{word}有限公司"
            code = credit_code(rng)
            while code in codes_used:
                code = credit_code(rng)
            codes_used.add(code)
            road = rng.choice(office.roads)
            address = f"浙江省{office.place}{road}{rng.randint(1, 399)}号"
            email = f"{rng.choice(('', 'info.', 'sales.', 'zhiliang.'))}{pinyin}@example.com"
            while email in emails_used:
                email = email.replace("@", f"{rng.randint(1, 99)}@", 1)
            emails_used.add(email)
            zhejiang_made = rng.random() < 0.18
            standard_leader = rng.random() < (0.35 if zhejiang_made else 0.06)
            initials = "".join(p[0] for p in (p1, p2)).upper()
            main_category = rng.choice(template.categories).name
            own = None
            if rng.random() < 0.45:
                q_code = "YK" + initials
                suffix = iter("ABCDEFGHJKLMNPRTUWXY")
                while q_code in q_codes_used:
                    q_code = "YK" + initials + next(suffix)
                q_codes_used.add(q_code)
                number = self.add_standard(
                    f"Q/{q_code} {rng.randint(1, 12):03d}—{rng.randint(2019, 2025)}", main_category
                )
                own = self.standards[number]
            self.enterprises.append(
                EnterpriseSpec(
                    credit_code=code,
                    name=name,
                    office=office_code,
                    industry=industry_name,
                    address=address,
                    legal_representative=self._person(),
                    contact_person=self._person(),
                    phone=self._phone(),
                    email=email,
                    zhejiang_made=zhejiang_made,
                    standard_leader=standard_leader,
                    model_prefix=initials,
                    main_category=main_category,
                    own_standard=own,
                )
            )
