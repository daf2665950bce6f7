"""Identifiers typed or pasted where people enter them (docs/domain.md, "Identifiers"): invisible
characters from web pages and Word vanish from credit codes, standard numbers and scheme codes
in the portal's form, the admin, the imports and the lists' search, and a length counts what
the person sees; an enterprise registered outside Yongkang is accepted, and said so to staff on
its page, in the enterprise list and in the import preview."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from benchmarking.forms.portal import DeclarationForm
from benchmarking.imports.cells import CellError, required_text, scheme_code
from benchmarking.imports.engine import commit_import, plan_import
from benchmarking.imports.enterprises import EnterpriseImport, StandardImport
from benchmarking.models import Enterprise, Standard, TechnicalScheme
from tests.admin.test_admin_entry import enterprise_form, scheme_form
from tests.factories import EnterpriseFactory, IndustryFactory, make_credit_code

pytestmark = pytest.mark.django_db

ZW, BOM, WJ, SHY, NBSP = "\u200b", "\ufeff", "\u2060", "\u00ad", "\u00a0"
OUTSIDE = "91350200MA2YJ1XR9G"  # registered in 厦门市 (350200)


def sprinkled(text: str, char: str = ZW) -> str:
    """``text`` as it comes off a web page: an invisible character between every two."""
    return BOM + char.join(text) + SHY


@pytest.fixture
def staff_client(client, bureau_staff):
    client.force_login(bureau_staff)
    return client


def csv_upload(rows, name="导入.csv") -> SimpleUploadedFile:
    text = "\n".join(",".join(cells) for cells in rows) + "\n"
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


# -- the portal's form --------------------------------------------------------------------------


def test_the_portal_form_drops_invisible_characters_and_counts_the_visible_length(scheme, executed_standard):
    def form(number):
        data = {"product_name": "真空保温杯", "product_model": "YK-1", "standard_number": number}
        return DeclarationForm(data=data, indicators=scheme.indicators.all())

    pasted = form(f"{BOM}Q/YKJB{NBSP}001{ZW}-2024{WJ}")
    pasted.is_valid()
    assert "standard_number" not in pasted.errors
    assert "standard_title" not in pasted.errors  # found: it is the registered one
    assert pasted.cleaned_data["standard_number"] == executed_standard.number

    sixty = "Q/YK " + "1" * 50 + "-2024"  # 60 characters, the field's limit, once stored
    long = form(sprinkled(sixty))
    long.is_valid()
    assert "standard_number" not in long.errors
    too_long = form(sprinkled("Q/YK " + "1" * 52 + "-2024"))
    too_long.is_valid()
    assert "(目前字符数 62)" in too_long.errors["standard_number"][0]  # the visible count


# -- the admin ----------------------------------------------------------------------------------


def test_admin_stores_each_identifier_without_its_invisible_characters(staff_client, office):
    code = make_credit_code()
    response = staff_client.post(
        reverse("admin:benchmarking_enterprise_add"),
        enterprise_form(office, IndustryFactory(), credit_code=sprinkled(code)),
    )
    assert response.status_code == 302
    assert Enterprise.objects.get().credit_code == code

    response = staff_client.post(
        reverse("admin:benchmarking_standard_add"),
        {
            "number": f"{BOM}GB{ZW}T 4754{SHY}-2017",
            "title": "国民经济行业分类",
            "kind": "",
            "status": "current",
        },
    )
    assert response.status_code == 302
    assert Standard.objects.values_list("number", "kind").get() == ("GB/T 4754—2017", "national")

    forty = "YKDB-" + "9" * 35
    response = staff_client.post(
        reverse("admin:benchmarking_technicalscheme_add"),
        scheme_form(IndustryFactory(), code=sprinkled(forty)),
    )
    assert response.status_code == 302  # 40 visible characters fit a 40-character code
    assert TechnicalScheme.objects.get().code == forty


def test_admin_length_message_counts_the_visible_characters(staff_client, office):
    response = staff_client.post(
        reverse("admin:benchmarking_enterprise_add"),
        enterprise_form(office, IndustryFactory(), credit_code=sprinkled(make_credit_code()[:17])),
    )
    assert response.status_code == 200
    assert "统一社会信用代码应为 18 位，当前为 17 位。" in response.content.decode()
    assert not Enterprise.objects.exists()


def test_admin_and_list_search_find_a_pasted_code(staff_client, enterprise):
    pasted = sprinkled(enterprise.credit_code[:10])
    page = staff_client.get(reverse("admin:benchmarking_enterprise_changelist"), {"q": pasted})
    assert enterprise.name in page.content.decode()
    page = staff_client.get(reverse("enterprise-list"), {"q": pasted})
    assert enterprise.name in page.content.decode()


def test_a_standard_typed_as_gbt_is_the_registered_gb_t_one_in_the_admin(staff_client):
    Standard.objects.create(number="GB/T 4754—2017", title="国民经济行业分类", kind="national")
    response = staff_client.post(
        reverse("admin:benchmarking_standard_add"), {"number": "GBT 4754-2017", "title": "重复", "kind": ""}
    )
    assert response.status_code == 200
    assert "该标准编号已存在" in response.content.decode()
    assert Standard.objects.count() == 1


# -- imports ------------------------------------------------------------------------------------


def test_imports_drop_invisible_characters_and_count_what_is_seen(bureau_staff, office):
    industry = IndustryFactory(name="杯业")
    code = make_credit_code()
    rows = [
        ("统一社会信用代码", "企业名称", "所属监管所", "行业"),
        (sprinkled(code), "永康市新杯业有限公司", office.name, "杯业"),
    ]
    plan = commit_import(EnterpriseImport(), "企业.csv", csv_upload(rows).read(), bureau_staff)
    assert plan.ok, [str(p) for p in plan.problems]
    assert Enterprise.objects.get().credit_code == code
    assert industry.enterprises.count() == 1

    Standard.objects.create(number="GB/T 4754—2017", title="国民经济行业分类", kind="national")
    rows = [
        ("标准编号", "标准名称"),
        (f"{BOM}GBT{ZW} 4754-2017", "国民经济行业分类"),
        ("DB33T 123-2020", "地方标准"),
    ]
    plan = commit_import(StandardImport(), "标准.csv", csv_upload(rows).read(), bureau_staff)
    assert plan.ok, [str(p) for p in plan.problems]
    assert (len(plan.creates), plan.unchanged) == (1, 1)  # the GBT row is the stored GB/T standard
    assert sorted(Standard.objects.values_list("number", flat=True)) == ["DB33/T 123—2020", "GB/T 4754—2017"]

    assert scheme_code(sprinkled("ykdb-" + "9" * 35)) == "YKDB-" + "9" * 35
    assert required_text(sprinkled("永康市示例杯业有限公司"), max_length=11) == "永康市示例杯业有限公司"
    with pytest.raises(CellError) as excinfo:
        required_text(sprinkled("永康市示例杯业有限公司"), max_length=10)
    assert excinfo.value.message == "过长：最多 10 个字，现有 11 个。"


# -- registered outside Yongkang ----------------------------------------------------------------


def test_the_enterprise_page_says_when_a_code_is_registered_outside_yongkang(staff_client, office):
    outside = EnterpriseFactory(credit_code=OUTSIDE, branch_office=office)
    here = EnterpriseFactory(branch_office=office)
    page = staff_client.get(
        reverse("admin:benchmarking_enterprise_change", args=[outside.pk])
    ).content.decode()
    assert 'data-testid="region-note"' in page
    assert "登记机关行政区划码为 350200，不是永康市（330784）" in page
    page = staff_client.get(reverse("admin:benchmarking_enterprise_change", args=[here.pk])).content.decode()
    assert "region-note" not in page

    listing = staff_client.get(reverse("enterprise-list")).content.decode()
    assert listing.count("永康市外登记") == 1


def test_the_import_preview_has_a_notice_per_row_outside_yongkang(staff_client, bureau_staff, office):
    IndustryFactory(name="杯业")
    rows = [
        ("统一社会信用代码", "企业名称", "所属监管所", "行业"),
        (OUTSIDE, "厦门某杯业有限公司", office.name, "杯业"),
        (make_credit_code(), "永康市本地杯业有限公司", office.name, "杯业"),
        ("91440101MA5CJQ4N59", "广州某杯业有限公司", office.name, "杯业"),
    ]
    plan = plan_import(EnterpriseImport(), "企业.csv", csv_upload(rows).read(), bureau_staff)
    assert plan.ok
    assert [(n.row, n.column) for n in plan.notices] == [(2, "统一社会信用代码"), (4, "统一社会信用代码")]
    assert "440101" in plan.notices[1].message

    response = staff_client.post(reverse("import-upload", args=["enterprises"]), {"file": csv_upload(rows)})
    page = response.content.decode()
    assert "第 2 行，列「统一社会信用代码」：该统一社会信用代码的登记机关行政区划码为 350200" in page
    assert "第 4 行" in page
    assert "第 3 行" not in page
