"""factory_boy factories for the domain, producing valid records by default."""

import itertools
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from benchmarking import models
from benchmarking.access import ROLE_GROUP_NAMES
from benchmarking.choices import Direction, Role
from benchmarking.validators import CREDIT_CODE_ALPHABET, credit_code_check_character

_org_counter = itertools.count(1)


def make_credit_code(n: int | None = None) -> str:
    """A valid Yongkang credit code (91 330784 …) unique per call."""
    n = next(_org_counter) if n is None else n
    body = ""
    for _ in range(9):
        n, r = divmod(n, 31)
        body = CREDIT_CODE_ALPHABET[r] + body
    first17 = "91330784" + body
    return first17 + credit_code_check_character(first17)


class BranchOfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.BranchOffice
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"测试{n}市场监管所")
    code = factory.Sequence(lambda n: f"T{n}")


class IndustryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Industry
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试行业{n}")
    gb_code = "C3381"


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Enterprise

    name = factory.Sequence(lambda n: f"永康测试{n}有限公司")
    credit_code = factory.LazyFunction(make_credit_code)
    branch_office = factory.SubFactory(BranchOfficeFactory)
    industry = factory.SubFactory(IndustryFactory)


class StandardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Standard

    number = factory.Sequence(lambda n: f"GB/T {10000 + n}—2020")
    title = factory.Sequence(lambda n: f"测试标准{n}")
    kind = "national"


class SchemeFactory(factory.django.DjangoModelFactory):
    """A draft scheme; use ``published_scheme`` for one enterprises can declare against."""

    class Meta:
        model = models.TechnicalScheme

    code = factory.Sequence(lambda n: f"YKDB-T-{n:04d}")
    title = factory.Sequence(lambda n: f"测试产品{n}对标技术方案")
    product_category = "保温杯"
    industry = factory.SubFactory(IndustryFactory)
    publisher = "永康市标准化研究院"


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Indicator

    scheme = factory.SubFactory(SchemeFactory)
    name = factory.Sequence(lambda n: f"指标{n}")
    unit = "h"
    order = factory.Sequence(lambda n: n)
    direction = Direction.HIGHER_BETTER
    benchmark_value = Decimal("10")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-only")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=ROLE_GROUP_NAMES[extracted]))
            if extracted != Role.ENTERPRISE:
                self.is_staff = True
        self.save()


def make_user(role: Role, *, branch_office=None, enterprise=None, region: str | None = None, **kwargs):
    """A login in ``role``; with a profile when it works for an office or an enterprise (in their
    county, as UserProfile.clean has it) or in a ``region`` (a county, prefecture or province code)."""
    user = UserFactory(role=role, **kwargs)
    if branch_office or enterprise or region:
        owner = branch_office or enterprise
        models.UserProfile.objects.create(
            user=user,
            branch_office=branch_office,
            enterprise=enterprise,
            region_id=owner.region_id if owner else region,
        )
    return user
