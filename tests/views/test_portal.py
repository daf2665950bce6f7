"""The enterprise portal: declaring online, from choosing a scheme to resubmitting after a return.

The ``scheme`` fixture has three indicators: 保温效能 (core, higher is better, 12 h),
铅迁移量 (core, lower is better, 0.01 mg/dm²) and 外观 (pass/fail).
"""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from benchmarking.choices import Comparison, DeclarationStatus, Grade, StandardKind
from benchmarking.models import Declaration, DeclarationEvent, DeclarationEvidence, Standard
from benchmarking.services.declarations import (
    declaration_create,
    declaration_publish,
    declaration_return,
    declaration_submit,
)

PDF = b"%PDF-1.4\n%portal test\n"


def value_field(indicator) -> str:
    return f"value_{indicator.pk}"


def indicators(scheme):
    return {indicator.name: indicator for indicator in scheme.indicators.all()}


def form_data(scheme, *, intent="draft", heat="13", lead="0.008", looks="1", **overrides):
    by_name = indicators(scheme)
    data = {
        "product_name": "真空保温杯",
        "product_model": "YK-500",
        "standard_number": "Q/YKJB 001-2024",  # typed with a plain dash; stored with the em dash
        "standard_title": "",
        "national_platform_url": "",
        value_field(by_name["保温效能"]): heat,
        value_field(by_name["铅迁移量"]): lead,
        value_field(by_name["外观"]): looks,
        "intent": intent,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def ent_client(client, enterprise_user, executed_standard):
    # The form's default standard number is the executed_standard fixture's.
    client.force_login(enterprise_user)
    return client


def create_url(scheme):
    return reverse("portal-declaration-create", args=[scheme.pk])


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()]


def make_declaration(actor, enterprise, scheme, standard, *, model="YK-1", heat="13"):
    by_name = indicators(scheme)
    return declaration_create(
        actor=actor,
        enterprise=enterprise,
        scheme=scheme,
        product_name="真空保温杯",
        product_model=model,
        executed_standard=standard,
        values={
            by_name["保温效能"].pk: Decimal(heat),
            by_name["铅迁移量"].pk: Decimal("0.008"),
            by_name["外观"].pk: True,
        },
    )


# -- the happy path ---------------------------------------------------------------------------


def test_create_draft_with_values_and_evidence(
    ent_client, enterprise, enterprise_user, scheme, executed_standard
):
    data = form_data(scheme, evidence_files=SimpleUploadedFile("检测报告 2024-01.pdf", PDF))
    response = ent_client.post(create_url(scheme), data)

    declaration = Declaration.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("portal-declaration-detail", args=[declaration.pk])
    assert declaration.enterprise == enterprise
    assert declaration.status == DeclarationStatus.DRAFT
    assert declaration.executed_standard == executed_standard
    assert declaration.created_by == enterprise_user
    assert not declaration.entered_on_paper
    comparisons = {
        item.indicator.name: item.comparison for item in declaration.items.select_related("indicator")
    }
    assert comparisons == {
        "保温效能": Comparison.BETTER,
        "铅迁移量": Comparison.BETTER,
        "外观": Comparison.PASS,
    }
    assert declaration.grade == Grade.LEADING
    (evidence,) = declaration.evidence.all()
    assert evidence.title == "检测报告 2024-01"
    assert evidence.file.read() == PDF


def test_one_worse_indicator_is_shown_before_submitting(ent_client, scheme):
    response = ent_client.post(create_url(scheme), form_data(scheme, intent="submit", heat="10"))
    assert response.status_code == 302, response.context["form"].errors

    declaration = Declaration.objects.get()
    assert response.url == reverse("portal-declaration-submit", args=[declaration.pk])
    assert declaration.status == DeclarationStatus.DRAFT  # not yet: the person confirms first

    page = ent_client.get(response.url)
    html = page.content.decode()
    assert page.status_code == 200
    # 保温效能 10 h against ≥ 12 h: worse; half of the two core indicators meet it: 平均.
    assert declaration.grade == Grade.AVERAGE
    assert "grade-average" in html and "平均" in html
    assert "comparison-worse" in html and "劣于" in html
    assert "未达到对标值 1 项" in html
    # One line saying how the grade follows from the indicators, by the rule in rules.py.
    assert "达到对标值的 1 项不少于一半但未全部达到，故为“平均”" in html
    assert "确认提交审核" in html

    ent_client.post(response.url)
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.SUBMITTED
    assert declaration.events.last().action == "submit"


def test_returned_declaration_shows_the_reason_and_can_be_fixed_and_resubmitted(
    ent_client, enterprise, enterprise_user, bureau_staff, scheme, executed_standard
):
    declaration = make_declaration(enterprise_user, enterprise, scheme, executed_standard, heat="10")
    declaration_submit(declaration=declaration, actor=enterprise_user)
    declaration_return(
        declaration=declaration, actor=bureau_staff, comment="保温效能检测报告与声明值不一致，请核对。"
    )

    home = ent_client.get(reverse("portal-home")).content.decode()
    assert "需要您处理" in home and "保温效能检测报告与声明值不一致" in home
    detail = ent_client.get(reverse("portal-declaration-detail", args=[declaration.pk])).content.decode()
    assert "保温效能检测报告与声明值不一致" in detail

    declaration.refresh_from_db()
    edit_url = reverse("portal-declaration-edit", args=[declaration.pk])
    assert ent_client.get(edit_url).status_code == 200
    response = ent_client.post(
        edit_url,
        form_data(
            scheme, intent="submit", heat="12.5", product_model="YK-1", seen_version=str(declaration.version)
        ),
    )
    assert response.status_code == 302
    ent_client.post(response.url)
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.SUBMITTED
    assert declaration.grade == Grade.LEADING
    assert [e.action for e in declaration.events.all()] == ["create", "submit", "return", "submit"]

    # The history says who changed which value from what to what.
    history = ent_client.get(reverse("portal-declaration-detail", args=[declaration.pk])).content.decode()
    assert "保温效能：10 → 12.5" in history
    assert "已提交 → 已退回" in history


def test_a_new_executed_standard_needs_its_title_then_is_recorded(ent_client, scheme):
    data = form_data(scheme, standard_number="q/ykxx 009-2025")
    response = ent_client.post(create_url(scheme), data)
    assert response.status_code == 200
    assert (
        "标准「Q/YKXX 009—2025」尚未收录，请填写标准名称。"
        in response.context["form"].errors["standard_title"]
    )
    assert not Declaration.objects.exists()

    ent_client.post(create_url(scheme), {**data, "standard_title": "真空保温杯企业标准"})
    standard = Declaration.objects.get().executed_standard
    assert (standard.number, standard.kind) == ("Q/YKXX 009—2025", StandardKind.ENTERPRISE)


# -- bad input: answered beside the field, in Chinese, nothing saved -------------------------


def _assert_refused(response, field, message, settings):
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    html = response.content.decode()
    # Beside the field: the error list carries the field's own id.
    assert f'id="{form[field].auto_id}_errors"' in html
    assert "本次未保存任何内容" in html
    assert not Declaration.objects.exists()
    assert not Standard.objects.exclude(number="Q/YKJB 001—2024").exists()
    assert not stored_files(settings)


def test_a_letter_where_a_number_is_due(ent_client, scheme, settings):
    heat = indicators(scheme)["保温效能"]
    response = ent_client.post(create_url(scheme), form_data(scheme, heat="12h"))
    _assert_refused(response, value_field(heat), "输入一个数字", settings)


def test_an_empty_required_value(ent_client, scheme, settings):
    response = ent_client.post(create_url(scheme), form_data(scheme, product_name="  "))
    _assert_refused(response, "product_name", "这个字段是必填项", settings)


@pytest.mark.parametrize("blank", ["", None], ids=["empty", "missing from the post"])
def test_an_indicator_value_missing_before_submitting(ent_client, scheme, settings, blank):
    lead = indicators(scheme)["铅迁移量"]
    data = form_data(scheme, intent="submit", evidence_files=SimpleUploadedFile("r.pdf", PDF))
    if blank is None:
        del data[value_field(lead)]
    else:
        data[value_field(lead)] = blank
    response = ent_client.post(create_url(scheme), data)
    _assert_refused(response, value_field(lead), "提交审核前请填写此项指标的声明值", settings)
    # The chosen file is gone from the page: the person is told to choose it again.
    assert "未保存，改正后请重新选择文件" in response.content.decode()


def test_a_50_mb_file(ent_client, scheme, settings):
    big = SimpleUploadedFile("检测报告.pdf", PDF + b"0" * (50 * 1024 * 1024))
    response = ent_client.post(create_url(scheme), form_data(scheme, evidence_files=big))
    _assert_refused(response, "evidence_files", "文件过大", settings)
    assert "「检测报告.pdf」" in response.context["form"].errors["evidence_files"][0]


def test_an_exe_renamed_pdf(ent_client, scheme, settings):
    exe = SimpleUploadedFile("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64)
    response = ent_client.post(
        create_url(scheme),
        form_data(scheme, evidence_files=[SimpleUploadedFile("ok.pdf", PDF), exe]),
    )
    _assert_refused(response, "evidence_files", "文件内容与扩展名「.pdf」不符", settings)


def test_a_product_model_already_declared(ent_client, enterprise, enterprise_user, scheme, executed_standard):
    make_declaration(enterprise_user, enterprise, scheme, executed_standard, model="YK-500")
    response = ent_client.post(create_url(scheme), form_data(scheme, product_model="YK-500"))
    assert response.status_code == 200
    assert "该企业已就此技术方案为同一产品型号作出声明" in response.content.decode()
    assert Declaration.objects.count() == 1


def test_an_edit_saved_elsewhere_meanwhile_is_not_overwritten(
    ent_client, enterprise, enterprise_user, scheme, executed_standard
):
    declaration = make_declaration(enterprise_user, enterprise, scheme, executed_standard)
    stale = declaration.version
    edit_url = reverse("portal-declaration-edit", args=[declaration.pk])
    ent_client.post(edit_url, form_data(scheme, product_model="YK-1", heat="14", seen_version=str(stale)))
    response = ent_client.post(
        edit_url, form_data(scheme, product_model="YK-1", heat="9", seen_version=str(stale))
    )
    assert response.status_code == 200
    assert "已在别处被修改" in response.content.decode()
    item = declaration.items.get(indicator__name="保温效能")
    assert item.value == Decimal("14")


def test_evidence_is_removed_on_edit(ent_client, enterprise, enterprise_user, scheme, executed_standard):
    declaration = make_declaration(enterprise_user, enterprise, scheme, executed_standard)
    ent_client.post(
        reverse("portal-declaration-edit", args=[declaration.pk]),
        form_data(
            scheme,
            product_model="YK-1",
            seen_version=str(declaration.version),
            evidence_files=[SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.pdf", PDF)],
        ),
    )
    keep, drop = declaration.evidence.order_by("title")
    declaration.refresh_from_db()
    ent_client.post(
        reverse("portal-declaration-edit", args=[declaration.pk]),
        form_data(
            scheme, product_model="YK-1", seen_version=str(declaration.version), remove_evidence=[drop.pk]
        ),
    )
    assert list(declaration.evidence.all()) == [keep]
    timeline = ent_client.get(reverse("portal-declaration-detail", args=[declaration.pk])).content.decode()
    assert "删除证明材料" in timeline and "上传证明材料" in timeline


# -- what an enterprise may not do ------------------------------------------------------------


@pytest.mark.parametrize("status", ["submitted", "published"])
def test_submitted_and_published_declarations_are_not_edited(
    ent_client, enterprise, enterprise_user, bureau_staff, scheme, executed_standard, status
):
    declaration = make_declaration(enterprise_user, enterprise, scheme, executed_standard)
    declaration_submit(declaration=declaration, actor=enterprise_user)
    if status == "published":
        declaration_publish(declaration=declaration, actor=bureau_staff)
    declaration.refresh_from_db()
    edit_url = reverse("portal-declaration-edit", args=[declaration.pk])

    page = ent_client.get(edit_url, follow=True)
    assert page.redirect_chain[-1][0] == reverse("portal-declaration-detail", args=[declaration.pk])
    assert "状态的声明不能修改" in page.content.decode()
    ent_client.post(
        edit_url, form_data(scheme, product_model="HACKED", heat="1", seen_version=str(declaration.version))
    )
    submit = ent_client.post(reverse("portal-declaration-submit", args=[declaration.pk]), follow=True)
    assert "不能提交" in submit.content.decode()

    after = Declaration.objects.get(pk=declaration.pk)
    assert (after.product_model, after.status, after.version) == ("YK-1", status, declaration.version)
    assert after.items.get(indicator__name="保温效能").value == Decimal("13")


def test_an_enterprise_cannot_publish_its_own_declaration(
    ent_client, enterprise, enterprise_user, scheme, executed_standard
):
    declaration = make_declaration(enterprise_user, enterprise, scheme, executed_standard)
    declaration_submit(declaration=declaration, actor=enterprise_user)
    response = ent_client.post(reverse("review-publish", args=[declaration.pk]))
    assert response.status_code == 403
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.SUBMITTED
    assert not DeclarationEvent.objects.filter(action="publish").exists()


def test_another_enterprises_declaration_is_not_there(
    client, other_enterprise_user, enterprise, enterprise_user, scheme, executed_standard, settings
):
    declaration = make_declaration(enterprise_user, enterprise, scheme, executed_standard)
    evidence = DeclarationEvidence.objects.create(
        declaration=declaration, title="检测报告", file=SimpleUploadedFile("r.pdf", PDF)
    )
    client.force_login(other_enterprise_user)
    for name in ("portal-declaration-detail", "portal-declaration-edit", "portal-declaration-submit"):
        assert client.get(reverse(name, args=[declaration.pk])).status_code == 404, name
    for name in ("portal-declaration-edit", "portal-declaration-submit"):
        response = client.post(reverse(name, args=[declaration.pk]), form_data(scheme, product_model="X"))
        assert response.status_code == 404, name
    assert client.get(evidence.file.url).status_code == 404
    assert declaration.enterprise.name not in client.get(reverse("portal-home")).content.decode()
    declaration.refresh_from_db()
    assert (declaration.status, declaration.product_model) == (DeclarationStatus.DRAFT, "YK-1")


def test_staff_have_no_portal(client, bureau_staff):
    client.force_login(bureau_staff)
    assert client.get(reverse("portal-home")).status_code == 403


def test_enterprise_users_land_in_their_portal(ent_client):
    assert ent_client.get(reverse("home")).url == reverse("portal-home")


# -- the scheme finder --------------------------------------------------------------------------


def test_scheme_search_finds_published_schemes_only(ent_client, scheme, bureau_staff):
    from tests.factories import SchemeFactory

    SchemeFactory(code="YKDB-DRAFT-01", title="草稿方案 保温杯")  # a draft: the bureau's working paper
    # industry="": every industry (the scheme fixture's industry is not the enterprise's).
    found = ent_client.get(reverse("portal-scheme-choose"), {"q": scheme.title[:4], "industry": ""})
    assert list(found.context["object_list"]) == [scheme]
    nothing = ent_client.get(reverse("portal-scheme-choose"), {"q": "草稿方案", "industry": ""})
    assert list(nothing.context["object_list"]) == []
    bad = ent_client.get(reverse("portal-scheme-choose"), {"industry": "not-a-number"})
    assert "所选行业不存在" in bad.content.decode()
    assert list(bad.context["object_list"]) == []


# -- a fixed number of queries, whatever the number of declarations ----------------------------


def _declarations(n, enterprise, enterprise_user, scheme, executed_standard, bureau_staff):
    made = []
    for i in range(n):
        declaration = make_declaration(enterprise_user, enterprise, scheme, executed_standard, model=f"M-{i}")
        if i % 3 == 1:
            declaration_submit(declaration=declaration, actor=enterprise_user)
            declaration_return(declaration=declaration, actor=bureau_staff, comment=f"理由 {i}")
        made.append(declaration)
    return made


@pytest.mark.parametrize("n", [5, 50])
def test_portal_pages_cost_a_fixed_number_of_queries(
    ent_client,
    enterprise,
    enterprise_user,
    scheme,
    executed_standard,
    bureau_staff,
    n,
    django_assert_num_queries,
):
    made = _declarations(n, enterprise, enterprise_user, scheme, executed_standard, bureau_staff)
    target = made[1]  # returned: its page shows the reason and a longer history
    # session, the user with profile (benchmarking.backends), role groups, then the page's own reads.
    pages = {
        reverse("portal-home"): 6,
        # and the enterprise's industry, preset in the industry select.
        reverse("portal-scheme-choose"): 7,
        reverse("portal-declaration-detail", args=[target.pk]): 11,
        reverse("portal-declaration-edit", args=[target.pk]): 8,
        reverse("portal-declaration-submit", args=[target.pk]): 11,
    }
    for url, queries in pages.items():
        with django_assert_num_queries(queries):
            assert ent_client.get(url).status_code == 200, url


# -- review findings: each a way the form could mislead or lose work ------------------------------


def test_an_enterprise_adds_only_its_own_or_group_standards(ent_client, scheme, settings):
    data = form_data(scheme, standard_number="ISO 99999:2020", standard_title="随便写的标题")
    response = ent_client.post(create_url(scheme), data)
    _assert_refused(response, "standard_number", "企业可自行登记企业标准（Q/）和团体标准（T/）", settings)

    ent_client.post(
        create_url(scheme), {**data, "standard_number": "T/ZZB 0999-2025", "standard_title": "保温杯"}
    )
    assert Declaration.objects.get().executed_standard.number == "T/ZZB 0999—2025"


def test_a_scheme_withdrawn_while_the_form_was_open_keeps_the_input(ent_client, scheme, bureau_staff):
    from benchmarking.services.schemes import scheme_withdraw

    assert ent_client.get(create_url(scheme)).status_code == 200
    scheme_withdraw(scheme=scheme, actor=bureau_staff, reason="标准更新")
    response = ent_client.post(create_url(scheme), form_data(scheme, product_model="KEEP-ME"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "只能对已发布的技术方案作出声明" in html
    assert 'value="KEEP-ME"' in html
    assert not Declaration.objects.exists()


def test_a_second_window_removing_the_same_file_is_told_what_happened(
    ent_client,
    enterprise,
    enterprise_user,
    scheme,
    executed_standard,
    settings,
    django_capture_on_commit_callbacks,
):
    declaration = make_declaration(enterprise_user, enterprise, scheme, executed_standard)
    ent_client.post(
        reverse("portal-declaration-edit", args=[declaration.pk]),
        form_data(
            scheme,
            product_model="YK-1",
            seen_version=str(declaration.version),
            evidence_files=SimpleUploadedFile("a.pdf", PDF),
        ),
    )
    declaration.refresh_from_db()
    evidence = declaration.evidence.get()
    both_saw = str(declaration.version)
    edit_url = reverse("portal-declaration-edit", args=[declaration.pk])
    first = form_data(scheme, product_model="YK-1", seen_version=both_saw, remove_evidence=[evidence.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert ent_client.post(edit_url, first).status_code == 302
    assert not declaration.evidence.exists()
    assert not stored_files(settings)  # the file went with its record

    second = ent_client.post(edit_url, {**first, value_field(indicators(scheme)["保温效能"]): "9"})
    assert second.status_code == 200
    assert "已在别处被修改" in second.content.decode()


def test_an_edit_without_the_version_seen_is_refused(
    ent_client, enterprise, enterprise_user, scheme, executed_standard
):
    declaration = make_declaration(enterprise_user, enterprise, scheme, executed_standard)
    response = ent_client.post(
        reverse("portal-declaration-edit", args=[declaration.pk]),
        form_data(scheme, product_model="YK-1", heat="20"),
    )
    assert response.status_code == 200
    assert "页面缺少版本信息" in response.content.decode()
    assert declaration.items.get(indicator__name="保温效能").value == Decimal("13")


def test_a_returned_declaration_on_a_withdrawn_scheme_says_it_cannot_be_submitted(
    ent_client, enterprise, enterprise_user, bureau_staff, scheme, executed_standard
):
    from benchmarking.services.schemes import scheme_withdraw

    declaration = make_declaration(enterprise_user, enterprise, scheme, executed_standard)
    scheme_withdraw(scheme=scheme, actor=bureau_staff, reason="标准更新")
    html = ent_client.get(reverse("portal-declaration-detail", args=[declaration.pk])).content.decode()
    assert "不能再提交" in html
    assert reverse("portal-declaration-submit", args=[declaration.pk]) not in html


@pytest.mark.parametrize("url_name", ["public-results", "portal-scheme-choose"])
def test_an_overlong_search_is_refused_not_run(client, enterprise_user, scheme, url_name):
    client.force_login(enterprise_user)
    response = client.get(reverse(url_name), {"q": "a " * 3500})
    assert response.status_code == 200
    assert "搜索内容过长" in response.content.decode()
    assert list(response.context["object_list"]) == []
    # Many short words within the limit: the first eight are used, the rest ignored.
    title_word = scheme.title[:4]
    words = " ".join([title_word] + ["x"] * 30)
    found = client.get(reverse(url_name), {"q": words})
    assert "搜索内容过长" not in found.content.decode()


@pytest.mark.parametrize("page", ["999", "abc", "0"])
def test_a_page_number_out_of_range_shows_a_page_not_a_404(ent_client, scheme, page):
    response = ent_client.get(reverse("portal-scheme-choose"), {"page": page, "industry": ""})
    assert response.status_code == 200
    assert list(response.context["object_list"]) == [scheme]


# -- the national platform link -----------------------------------------------------------------


def test_a_platform_link_elsewhere_is_refused_beside_the_field(ent_client, scheme):
    data = form_data(scheme, national_platform_url="https://phish.example/cpbz.gov.cn")
    response = ent_client.post(create_url(scheme), data)

    assert response.status_code == 200
    assert not Declaration.objects.exists()
    assert response.context["form"].errors["national_platform_url"] == [
        "只接受企业标准信息公共服务平台的链接（www.cpbz.gov.cn）。"
    ]
    page = response.content.decode()
    assert re.search(
        r'<ul class="errorlist" id="id_national_platform_url_errors"><li>只接受企业标准信息公共服务平台的链接（www.cpbz.gov.cn）。</li>',
        page,
    )


def test_a_link_to_the_platform_is_kept_and_shown_as_a_link(ent_client, scheme):
    link = "https://www.cpbz.gov.cn/user/detail/ABC123"
    ent_client.post(create_url(scheme), form_data(scheme, national_platform_url=link))
    declaration = Declaration.objects.get()
    assert declaration.national_platform_url == link
    page = ent_client.get(reverse("portal-declaration-detail", args=[declaration.pk])).content.decode()
    assert f'<a href="{link}" rel="noopener noreferrer nofollow">' in page


def test_a_stored_link_elsewhere_shows_as_text_asking_for_a_fix(ent_client, scheme):
    ent_client.post(create_url(scheme), form_data(scheme))
    declaration = Declaration.objects.get()
    Declaration.objects.filter(pk=declaration.pk).update(national_platform_url="https://phish.example/x")
    page = ent_client.get(reverse("portal-declaration-detail", args=[declaration.pk])).content.decode()
    assert "https://phish.example/x" in page
    assert 'href="https://phish.example/x"' not in page
    assert "不是企业标准信息公共服务平台的地址" in page


# -- the scheme chooser opens on the enterprise's own industry ------------------------------------


@pytest.fixture
def industry_schemes(enterprise, bureau_staff):
    """Two published schemes in the enterprise's industry (one with its document uploaded),
    one in another industry, and a draft in its industry."""
    from benchmarking.services.schemes import scheme_publish
    from tests.factories import IndicatorFactory, SchemeFactory

    def published(**fields):
        scheme = SchemeFactory(**fields)
        IndicatorFactory(scheme=scheme, is_core=True)  # a scheme is published with a core indicator
        return scheme_publish(scheme=scheme, actor=bureau_staff)

    own = [published(code=f"YKDB-OWN-0{i}", industry=enterprise.industry) for i in (1, 2)]
    own[0].document.save("方案.pdf", SimpleUploadedFile("方案.pdf", PDF))
    elsewhere = published(code="YKDB-ELSE-01")
    SchemeFactory(code="YKDB-DRAFT-09", industry=enterprise.industry)
    return own, elsewhere


def test_the_chooser_opens_on_the_enterprises_own_industry(ent_client, enterprise, industry_schemes):
    own, _ = industry_schemes
    response = ent_client.get(reverse("portal-scheme-choose"))
    assert list(response.context["object_list"]) == own
    html = response.content.decode()
    assert re.search(rf'<option value="{enterprise.industry.pk}" selected>', html)
    assert f"只显示本企业所属行业“{enterprise.industry}”的方案" in html
    # The way out: every industry, keeping the search.
    widen = re.search(r'<a href="\?([^"]*)" data-widen>', html).group(1)
    assert widen == "industry="
    assert ">全部行业</option>" in html


def test_the_chooser_widens_to_every_industry_and_searches_within_it(ent_client, industry_schemes):
    own, elsewhere = industry_schemes
    everything = ent_client.get(reverse("portal-scheme-choose"), {"industry": ""})
    assert list(everything.context["object_list"]) == [elsewhere, *own]  # by code
    assert "data-widen" not in everything.content.decode()
    found = ent_client.get(reverse("portal-scheme-choose"), {"industry": "", "q": "ELSE"})
    assert list(found.context["object_list"]) == [elsewhere]
    # Searching the default view stays in the industry, and offers to look in every one.
    narrowed = ent_client.get(reverse("portal-scheme-choose"), {"q": "ELSE"})
    assert list(narrowed.context["object_list"]) == []
    assert "在全部行业中查找" in narrowed.content.decode()


def test_each_card_links_to_its_document_which_the_enterprise_may_download(ent_client, industry_schemes):
    own, _ = industry_schemes
    html = ent_client.get(reverse("portal-scheme-choose")).content.decode()
    link = re.search(r'<a href="([^"]+)" target="_blank" rel="noopener" data-document>查看方案文本</a>', html)
    assert link and link.group(1) == own[0].document.url
    assert html.count("data-document") == 1  # the other scheme has no document yet
    assert "方案文本暂未上传" in html
    download = ent_client.get(link.group(1))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


# -- the portal home puts what needs doing first ---------------------------------------------------


def test_the_portal_home_lists_returns_then_drafts_then_the_rest(
    ent_client, enterprise, enterprise_user, scheme, executed_standard, bureau_staff
):
    draft = make_declaration(enterprise_user, enterprise, scheme, executed_standard, model="DRAFT-1")
    returned = make_declaration(enterprise_user, enterprise, scheme, executed_standard, model="BACK-1")
    declaration_submit(declaration=returned, actor=enterprise_user)
    declaration_return(declaration=returned, actor=bureau_staff, comment="请补充检测报告")
    waiting = make_declaration(enterprise_user, enterprise, scheme, executed_standard, model="WAIT-1")
    declaration_submit(declaration=waiting, actor=enterprise_user)
    html = ent_client.get(reverse("portal-home")).content.decode()
    attention, drafts, rest, details = (
        html.index('id="attention-title"'),
        html.index('id="drafts-title"'),
        html.index('id="declarations-title"'),
        html.index('id="enterprise-title"'),
    )
    assert attention < drafts < rest < details
    assert "请补充检测报告" in html[attention:drafts]
    assert reverse("portal-declaration-edit", args=[returned.pk]) in html[attention:drafts]
    assert reverse("portal-declaration-edit", args=[draft.pk]) in html[drafts:rest]
    assert "继续填写" in html[drafts:rest]
    # Each declaration once: the returned and the draft are not listed again below.
    assert "WAIT-1" in html[rest:details] and "DRAFT-1" not in html[rest:details]
    assert "BACK-1" not in html[rest:details]
