"""/api/v1/enterprise/: an enterprise's program creates, fills, documents and submits its own
declarations through the portal's services, and reads the review result; nobody else's."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from benchmarking.choices import DeclarationStatus, Direction, StandardStatus
from benchmarking.models import Declaration, DeclarationEvidence, DeclarationItem, Standard
from benchmarking.services.declarations import (
    declaration_create,
    declaration_publish,
    declaration_return,
    declaration_submit,
)
from tests.factories import IndicatorFactory, SchemeFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%api test\n"


def url(name, *args):
    return reverse(f"api-enterprise-{name}", args=args)


def ids(scheme) -> dict[str, int]:
    return {indicator.name: indicator.pk for indicator in scheme.indicators.all()}


def all_values(scheme) -> list[dict]:
    by_name = ids(scheme)
    return [
        {"indicator": by_name["保温效能"], "value": "15"},
        {"indicator": by_name["铅迁移量"], "value": "0.005"},
        {"indicator": by_name["外观"], "value": True},
    ]


def new_draft(scheme, **changes) -> dict:
    data = {
        "scheme": scheme.pk,
        "product_name": "真空保温杯",
        "product_model": "YK-500",
        "standard_number": "Q/YKJB 001—2024",
        "standard_title": "企业标准 保温杯",
        "values": [],
    }
    data.update(changes)
    return data


def current(pk: int) -> dict:
    """The If-Match of the declaration's stored version, as a client that has just read it sends."""
    return {"HTTP_IF_MATCH": f'"{Declaration.objects.get(pk=pk).version}"'}


def create(api, scheme, **changes):
    return api.post(url("declaration-list"), new_draft(scheme, **changes), format="json")


def draft_of(user, enterprise, scheme, executed_standard, *, model="YK-500", complete=True):
    """A draft made by the portal's service, as if typed on the web."""
    values = {item["indicator"]: item["value"] for item in all_values(scheme)} if complete else {}
    values = {k: (v if isinstance(v, bool) else Decimal(v)) for k, v in values.items()}
    return declaration_create(
        actor=user,
        enterprise=enterprise,
        scheme=scheme,
        product_name="真空保温杯",
        product_model=model,
        executed_standard=executed_standard,
        values=values,
    )


@pytest.fixture
def ent(api_as, enterprise_user):
    return api_as(enterprise_user)


@pytest.fixture
def mail_addresses(enterprise_user, bureau_staff, branch_staff):
    for user in (enterprise_user, bureau_staff, branch_staff):
        user.email = f"{user.username}@example.cn"
        user.save()


# -- schemes ----------------------------------------------------------------------------------


def test_schemes_are_the_published_ones_with_what_each_indicator_takes(ent, scheme):
    SchemeFactory(code="YKDB-DRAFT-1")  # a draft: not offered
    response = ent.get(url("scheme-list"))

    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row["code"] == scheme.code
    assert row["indicator_count"] == 3
    indicators = {indicator["name"]: indicator for indicator in row["indicators"]}
    assert indicators["保温效能"]["value_type"] == "number"
    assert indicators["保温效能"]["benchmark_display"] == "≥ 12 h"
    assert indicators["外观"]["value_type"] == "boolean"
    assert indicators["外观"]["direction"] == Direction.PASS_FAIL

    detail = ent.get(url("scheme-detail", scheme.pk))
    assert detail.status_code == 200
    assert [i["id"] for i in detail.json()["indicators"]] == [i["id"] for i in row["indicators"]]


def test_a_draft_scheme_is_not_there(ent):
    draft = SchemeFactory(code="YKDB-DRAFT-2")
    assert ent.get(url("scheme-detail", draft.pk)).status_code == 404


# -- the round trip: create, fill, attach, submit ----------------------------------------------


def test_create_fill_attach_and_submit(
    ent, scheme, enterprise, enterprise_user, mail_addresses, django_capture_on_commit_callbacks, mailoutbox
):
    by_name = ids(scheme)
    created = create(ent, scheme, values=[{"indicator": by_name["保温效能"], "value": "15"}])

    assert created.status_code == 201, created.json()
    body = created.json()
    assert created["ETag"] == f'"{body["version"]}"'
    assert created["Location"].endswith(url("declaration-detail", body["id"]))
    assert body["status"] == DeclarationStatus.DRAFT
    assert body["executed_standard"]["number"] == "Q/YKJB 001—2024"  # recorded as new, as on the web
    declaration = Declaration.objects.get(pk=body["id"])
    assert declaration.enterprise == enterprise
    assert declaration.created_by == enterprise_user
    items = {item["indicator_name"]: item for item in body["items"]}
    assert items["保温效能"]["value"] == "15.000000"
    assert items["保温效能"]["comparison"] == "better"
    assert items["外观"]["value"] is None

    filled = ent.patch(
        url("declaration-detail", body["id"]),
        {"values": all_values(scheme)[1:], "product_name": "真空保温杯（升级版）"},
        format="json",
        HTTP_IF_MATCH=created["ETag"],
    )
    assert filled.status_code == 200, filled.json()
    assert filled["ETag"] != created["ETag"]
    filled_items = {item["indicator_name"]: item for item in filled.json()["items"]}
    assert filled_items["保温效能"]["value"] == "15.000000"  # left out: kept
    assert filled_items["外观"]["value"] is True
    assert filled_items["外观"]["value_display"] == "符合"
    assert filled.json()["product_name"] == "真空保温杯（升级版）"
    assert filled.json()["grade"]

    attached = ent.post(
        url("declaration-evidence", body["id"]),
        {"file": SimpleUploadedFile("检测报告 2024-01.pdf", PDF)},
        format="multipart",
        **current(body["id"]),
    )
    assert attached.status_code == 201, attached.json()
    assert attached.json()["file_name"] == "检测报告 2024-01.pdf"
    assert attached.json()["size"] == len(PDF)
    read = ent.get(url("declaration-detail", body["id"]))
    (evidence,) = read.json()["evidence"]
    assert evidence["id"] == attached.json()["id"]
    assert "/files/evidence/" in evidence["download_url"]
    # A file attached is a change: the version moves, and the answer gave the new ETag.
    assert read["ETag"] == attached["ETag"] != filled["ETag"]

    with django_capture_on_commit_callbacks(execute=True):
        submitted = ent.post(url("declaration-submit", body["id"]), HTTP_IF_MATCH=read["ETag"])

    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["status"] == DeclarationStatus.SUBMITTED
    assert submitted.json()["submitted_at"]
    assert [event["action"] for event in submitted.json()["events"]] == ["create", "submit"]
    assert submitted["ETag"] == f'"{submitted.json()["version"]}"'
    # reviewers are told, as when the portal submits
    assert sorted(m.to[0] for m in mailoutbox) == ["branch@example.cn", "bureau@example.cn"]


def test_submitting_by_api_mails_what_submitting_on_the_web_mails(
    ent,
    client,
    scheme,
    enterprise,
    enterprise_user,
    executed_standard,
    mail_addresses,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    by_api = draft_of(enterprise_user, enterprise, scheme, executed_standard, model="A-1")
    on_web = draft_of(enterprise_user, enterprise, scheme, executed_standard, model="A-2")

    with django_capture_on_commit_callbacks(execute=True):
        response = ent.post(url("declaration-submit", by_api.pk), HTTP_IF_MATCH=f'"{by_api.version}"')
    assert response.status_code == 200
    api_mails = [(m.to, m.subject, m.body) for m in mailoutbox]
    mailoutbox.clear()
    client.force_login(enterprise_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal-declaration-submit", args=[on_web.pk]))
    web_mails = [(m.to, m.subject, m.body) for m in mailoutbox]

    def as_if_the_other(mails):
        # The same mail but for the model and the review link of the other declaration.
        review = reverse("review-detail", args=[by_api.pk]), reverse("review-detail", args=[on_web.pk])
        return sorted(
            (to, subject.replace("A-1", "A-2"), body.replace("A-1", "A-2").replace(*review))
            for to, subject, body in mails
        )

    assert api_mails
    assert as_if_the_other(api_mails) == sorted(web_mails)


def test_history_names_the_tokens_user(ent, scheme, enterprise_user):
    body = create(ent, scheme, values=all_values(scheme)[:1]).json()
    ent.patch(
        url("declaration-detail", body["id"]),
        {"product_model": "YK-600", "values": all_values(scheme)},
        format="json",
        HTTP_IF_MATCH=f'"{body["version"]}"',
    )
    ent.post(
        url("declaration-evidence", body["id"]),
        {"file": SimpleUploadedFile("r.pdf", PDF)},
        **current(body["id"]),
    )

    records = Declaration.history.filter(id=body["id"])
    assert records.count() == 3  # made, changed, a file attached (the version moves)
    assert {record.history_user for record in records} == {enterprise_user}
    assert records.latest().product_model == "YK-600"
    item_records = DeclarationItem.history.filter(declaration_id=body["id"])
    assert item_records.exists()
    assert {record.history_user for record in item_records} == {enterprise_user}
    assert DeclarationEvidence.history.get(declaration_id=body["id"]).history_user == enterprise_user


# -- If-Match ---------------------------------------------------------------------------------


def test_a_change_without_if_match_is_refused_with_428(
    ent, scheme, enterprise, enterprise_user, executed_standard
):
    draft = draft_of(enterprise_user, enterprise, scheme, executed_standard)

    changed = ent.patch(url("declaration-detail", draft.pk), {"product_name": "别的杯"}, format="json")
    submitted = ent.post(url("declaration-submit", draft.pk))

    assert changed.status_code == 428
    assert "If-Match" in changed.json()["detail"]
    assert submitted.status_code == 428
    draft.refresh_from_db()
    assert (draft.product_name, draft.status, draft.version) == ("真空保温杯", DeclarationStatus.DRAFT, 1)


def test_a_stale_if_match_is_refused_with_412_and_nothing_is_written(
    ent, scheme, enterprise, enterprise_user, executed_standard
):
    draft = draft_of(enterprise_user, enterprise, scheme, executed_standard)
    seen = ent.get(url("declaration-detail", draft.pk))["ETag"]
    # meanwhile, someone saves it on the web
    ent.patch(
        url("declaration-detail", draft.pk), {"product_name": "网页上改的"}, format="json", HTTP_IF_MATCH=seen
    )

    changed = ent.patch(
        url("declaration-detail", draft.pk), {"product_name": "程序改的"}, format="json", HTTP_IF_MATCH=seen
    )
    submitted = ent.post(url("declaration-submit", draft.pk), HTTP_IF_MATCH=seen)

    assert changed.status_code == 412
    assert "ETag" in changed.json()["detail"]
    assert submitted.status_code == 412
    draft.refresh_from_db()
    assert (draft.product_name, draft.status) == ("网页上改的", DeclarationStatus.DRAFT)
    assert ent.get(url("declaration-detail", draft.pk))["ETag"] == f'"{draft.version}"'


@pytest.mark.parametrize("header", ["3", "*", 'W/"1"', '"1", "2"'])
def test_an_if_match_that_is_no_version_is_a_400_naming_it(
    ent, scheme, enterprise, enterprise_user, executed_standard, header
):
    draft = draft_of(enterprise_user, enterprise, scheme, executed_standard)
    response = ent.patch(
        url("declaration-detail", draft.pk), {"product_name": "x"}, format="json", HTTP_IF_MATCH=header
    )
    assert response.status_code == 400
    assert "If-Match" in response.json()["errors"]


# -- refusals, by field, in Chinese ------------------------------------------------------------


def test_a_missing_product_name_is_named(ent, scheme):
    data = new_draft(scheme)
    del data["product_name"]
    response = ent.post(url("declaration-list"), data, format="json")

    assert response.status_code == 400
    (message,) = response.json()["errors"]["product_name"]
    assert "必填" in message
    assert "product_name" in response.json()["detail"]
    assert not Declaration.objects.exists()


def test_an_unknown_indicator_is_named_under_values(ent, scheme):
    response = create(ent, scheme, values=[{"indicator": 999_999, "value": "1"}])
    assert response.status_code == 400
    assert response.json()["errors"]["values"] == ["填写的指标不属于该声明的技术方案。"]
    assert not Declaration.objects.exists()


def test_an_indicator_of_another_scheme_is_refused(
    ent, scheme, enterprise, enterprise_user, executed_standard
):
    other = SchemeFactory(code="YKDB-OTHER")
    foreign = IndicatorFactory(scheme=other, name="别的指标")
    draft = draft_of(enterprise_user, enterprise, scheme, executed_standard, complete=False)

    created = create(ent, scheme, product_model="YK-9", values=[{"indicator": foreign.pk, "value": "1"}])
    changed = ent.patch(
        url("declaration-detail", draft.pk),
        {"values": [{"indicator": foreign.pk, "value": "1"}]},
        format="json",
        HTTP_IF_MATCH=f'"{draft.version}"',
    )

    for response in (created, changed):
        assert response.status_code == 400
        assert response.json()["errors"]["values"] == ["填写的指标不属于该声明的技术方案。"]
    assert not draft.items.exclude(value=None).exists()


def test_values_of_the_wrong_kind_are_named(ent, scheme):
    by_name = ids(scheme)
    pass_fail_as_number = create(ent, scheme, values=[{"indicator": by_name["外观"], "value": "12"}])
    number_as_pass_fail = create(ent, scheme, values=[{"indicator": by_name["保温效能"], "value": True}])
    not_a_number = create(ent, scheme, values=[{"indicator": by_name["保温效能"], "value": "十五"}])
    twice = create(
        ent,
        scheme,
        values=[
            {"indicator": by_name["保温效能"], "value": "1"},
            {"indicator": by_name["保温效能"], "value": "2"},
        ],
    )

    assert pass_fail_as_number.json()["errors"]["values"] == [
        "指标“外观”为合格/不合格指标，请选择“符合”或“不符合”。"
    ]
    assert number_as_pass_fail.json()["errors"]["values"] == ["指标“保温效能”需要填写数值。"]
    assert not_a_number.status_code == 400
    assert "values" in not_a_number.json()["errors"]
    assert twice.json()["errors"]["values"] == [f"指标 {by_name['保温效能']} 填写了不止一次。"]
    assert not Declaration.objects.exists()


def test_the_executed_standard_is_judged_as_on_the_portal(ent, scheme):
    untitled = create(ent, scheme, standard_number="Q/YKJB 999—2025", standard_title="")
    national = create(ent, scheme, standard_number="GB/T 99999—2025", standard_title="某国家标准")
    misshapen = create(ent, scheme, standard_number="随便写的")

    assert untitled.json()["errors"]["standard_title"] == [
        "标准「Q/YKJB 999—2025」尚未收录，请填写标准名称。"
    ]
    assert "企业可自行登记企业标准" in national.json()["errors"]["standard_number"][0]
    assert misshapen.status_code == 400
    assert "standard_number" in misshapen.json()["errors"]
    assert not Standard.objects.filter(number__in=["Q/YKJB 999—2025", "GB/T 99999—2025"]).exists()


def test_the_same_product_model_twice_is_refused(ent, scheme):
    assert create(ent, scheme).status_code == 201
    again = create(ent, scheme)
    assert again.status_code == 400
    assert "同一产品型号" in " ".join(again.json()["errors"]["non_field_errors"])


def test_an_unknown_or_unpublished_scheme_is_named(ent, scheme):
    draft_scheme = SchemeFactory(code="YKDB-DRAFT-3")
    for scheme_id in (999_999, draft_scheme.pk):
        response = ent.post(
            url("declaration-list"), {**new_draft(scheme), "scheme": scheme_id}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["errors"]["scheme"] == ["没有这个技术方案，或本企业不能据此声明。"]
    assert not Declaration.objects.exists()


def test_a_submitted_declaration_cannot_be_changed(
    ent, scheme, enterprise, enterprise_user, executed_standard
):
    draft = draft_of(enterprise_user, enterprise, scheme, executed_standard)
    evidence = ent.post(
        url("declaration-evidence", draft.pk), {"file": SimpleUploadedFile("r.pdf", PDF)}, **current(draft.pk)
    ).json()
    draft.refresh_from_db()
    submitted = declaration_submit(declaration=draft, actor=enterprise_user)
    etag = f'"{submitted.version}"'

    changed = ent.patch(
        url("declaration-detail", draft.pk), {"product_name": "改"}, format="json", HTTP_IF_MATCH=etag
    )
    attached = ent.post(
        url("declaration-evidence", draft.pk), {"file": SimpleUploadedFile("s.pdf", PDF)}, **current(draft.pk)
    )
    removed = ent.delete(url("declaration-evidence-detail", draft.pk, evidence["id"]), **current(draft.pk))
    again = ent.post(url("declaration-submit", draft.pk), HTTP_IF_MATCH=etag)

    assert changed.status_code == 400
    assert changed.json()["errors"]["non_field_errors"] == [
        "“已提交”状态的声明不能直接修改；已发布的声明请撤回后重新声明。"
    ]
    assert attached.status_code == removed.status_code == again.status_code == 400
    assert "已提交" in again.json()["detail"]
    assert DeclarationEvidence.objects.filter(declaration=draft).count() == 1
    assert Declaration.objects.get(pk=draft.pk).product_name == "真空保温杯"


def test_an_incomplete_declaration_is_not_submitted(
    ent, scheme, enterprise, enterprise_user, executed_standard
):
    draft = draft_of(enterprise_user, enterprise, scheme, executed_standard, complete=False)
    response = ent.post(url("declaration-submit", draft.pk), HTTP_IF_MATCH=f'"{draft.version}"')

    assert response.status_code == 400
    assert response.json()["errors"]["non_field_errors"] == [
        "以下指标尚未填写声明值：保温效能、铅迁移量、外观。"
    ]
    draft.refresh_from_db()
    assert draft.status == DeclarationStatus.DRAFT


def test_evidence_is_checked_as_on_the_portal(
    ent, scheme, enterprise, enterprise_user, executed_standard, settings
):
    draft = draft_of(enterprise_user, enterprise, scheme, executed_standard)
    renamed = ent.post(
        url("declaration-evidence", draft.pk),
        {"file": SimpleUploadedFile("virus.pdf", b"MZ\x90\x00")},
        **current(draft.pk),
    )
    settings.BENCHMARKING_MAX_UPLOAD_BYTES = 10
    too_big = ent.post(
        url("declaration-evidence", draft.pk),
        {"file": SimpleUploadedFile("big.pdf", PDF)},
        **current(draft.pk),
    )
    nothing = ent.post(url("declaration-evidence", draft.pk), {}, **current(draft.pk))

    assert renamed.status_code == 400
    assert renamed.json()["errors"]["file"] == [
        "文件内容与扩展名「.pdf」不符，可能已损坏或被改名，请上传原始文件。"
    ]
    assert too_big.status_code == 400
    assert too_big.json()["errors"]["file"][0].startswith("文件过大")
    assert "file" in nothing.json()["errors"]
    assert not DeclarationEvidence.objects.exists()


def test_evidence_is_removed(ent, scheme, enterprise, enterprise_user, executed_standard):
    draft = draft_of(enterprise_user, enterprise, scheme, executed_standard)
    evidence = ent.post(
        url("declaration-evidence", draft.pk), {"file": SimpleUploadedFile("r.pdf", PDF)}, **current(draft.pk)
    ).json()

    removed = ent.delete(url("declaration-evidence-detail", draft.pk, evidence["id"]), **current(draft.pk))
    assert removed.status_code == 204
    assert ent.get(url("declaration-detail", draft.pk)).json()["evidence"] == []
    assert ent.delete(url("declaration-evidence-detail", draft.pk, evidence["id"])).status_code == 404


def test_evidence_changes_need_the_version_and_move_it(
    ent, scheme, enterprise, enterprise_user, executed_standard
):
    # Two programs read the same draft; one attaches a file: the other's copy is stale.
    draft = draft_of(enterprise_user, enterprise, scheme, executed_standard)
    read = current(draft.pk)
    missing = ent.post(url("declaration-evidence", draft.pk), {"file": SimpleUploadedFile("r.pdf", PDF)})
    attached = ent.post(
        url("declaration-evidence", draft.pk), {"file": SimpleUploadedFile("r.pdf", PDF)}, **read
    )
    stale = ent.delete(url("declaration-evidence-detail", draft.pk, attached.json()["id"]), **read)
    stale_submit = ent.post(url("declaration-submit", draft.pk), **read)

    assert missing.status_code == 428
    assert attached.status_code == 201 and attached["ETag"] != read["HTTP_IF_MATCH"]
    assert stale.status_code == 412 and stale_submit.status_code == 412
    assert DeclarationEvidence.objects.filter(declaration=draft).count() == 1
    draft.refresh_from_db()
    assert draft.status == DeclarationStatus.DRAFT
    # With the new ETag the file goes.
    removed = ent.delete(
        url("declaration-evidence-detail", draft.pk, attached.json()["id"]), HTTP_IF_MATCH=attached["ETag"]
    )
    assert removed.status_code == 204 and removed["ETag"] != attached["ETag"]


# -- the review result and the 对标标准已更新 mark ------------------------------------------------


def test_the_review_result_is_read_back(
    ent, scheme, enterprise, enterprise_user, executed_standard, bureau_staff
):
    returned = draft_of(enterprise_user, enterprise, scheme, executed_standard, model="R-1")
    declaration_submit(declaration=returned, actor=enterprise_user)
    declaration_return(declaration=returned, actor=bureau_staff, comment="检测报告缺少盖章页，请补充。")
    published = draft_of(enterprise_user, enterprise, scheme, executed_standard, model="P-1")
    declaration_submit(declaration=published, actor=enterprise_user)
    published = declaration_publish(declaration=published, actor=bureau_staff)

    detail = ent.get(url("declaration-detail", returned.pk)).json()
    rows = {row["id"]: row for row in ent.get(url("declaration-list")).json()["results"]}

    assert detail["status"] == DeclarationStatus.RETURNED
    assert detail["review"]["return_comment"] == "检测报告缺少盖章页，请补充。"
    assert rows[returned.pk]["review"]["return_comment"] == "检测报告缺少盖章页，请补充。"
    assert rows[published.pk]["review"]["return_comment"] is None
    published_on = timezone.localdate(published.published_at).isoformat()
    assert rows[published.pk]["review"]["published_on"] == published_on
    # a returned declaration is changed and submitted again by the API
    etag = ent.get(url("declaration-detail", returned.pk))["ETag"]
    fixed = ent.patch(
        url("declaration-detail", returned.pk), {"product_name": "补充后"}, format="json", HTTP_IF_MATCH=etag
    )
    assert fixed.status_code == 200
    assert ent.post(url("declaration-submit", returned.pk), HTTP_IF_MATCH=fixed["ETag"]).status_code == 200


def test_a_replaced_executed_standard_marks_the_declaration(
    ent, scheme, enterprise, enterprise_user, executed_standard
):
    draft = draft_of(enterprise_user, enterprise, scheme, executed_standard)
    assert ent.get(url("declaration-detail", draft.pk)).json()["standard_updated"] is False
    Standard.objects.filter(pk=executed_standard.pk).update(status=StandardStatus.ABOLISHED)

    detail = ent.get(url("declaration-detail", draft.pk)).json()
    (row,) = ent.get(url("declaration-list")).json()["results"]

    assert detail["standard_updated"] is True
    assert detail["standard_update"]["reasons"] == ["执行标准 Q/YKJB 001—2024 已废止"]
    assert row["standard_update"] == detail["standard_update"]


# -- who may use it ---------------------------------------------------------------------------


def every_route(declaration, evidence_id, scheme):
    """(method, url, extra) for every route of the enterprise part."""
    etag = {"HTTP_IF_MATCH": f'"{declaration.version}"'}
    return [
        ("get", url("scheme-list"), {}),
        ("get", url("scheme-detail", scheme.pk), {}),
        ("get", url("declaration-list"), {}),
        ("post", url("declaration-list"), {"data": new_draft(scheme), "format": "json"}),
        ("get", url("declaration-detail", declaration.pk), {}),
        (
            "patch",
            url("declaration-detail", declaration.pk),
            {"data": {"product_name": "x"}, "format": "json", **etag},
        ),
        (
            "post",
            url("declaration-evidence", declaration.pk),
            {"data": {"file": SimpleUploadedFile("r.pdf", PDF)}},
        ),
        ("delete", url("declaration-evidence-detail", declaration.pk, evidence_id), {}),
        ("post", url("declaration-submit", declaration.pk), etag),
    ]


@pytest.fixture
def theirs(other_enterprise, other_enterprise_user, scheme, executed_standard):
    declaration = draft_of(other_enterprise_user, other_enterprise, scheme, executed_standard)
    evidence = DeclarationEvidence.objects.create(
        declaration=declaration, title="乙的报告", file=SimpleUploadedFile("b.pdf", PDF)
    )
    return declaration, evidence


def test_another_enterprises_declaration_is_not_there_on_any_route(ent, theirs, scheme):
    declaration, evidence = theirs
    for method, address, extra in every_route(declaration, evidence.pk, scheme):
        if "declarations/" + str(declaration.pk) not in address:
            continue
        response = getattr(ent, method)(address, **extra)
        assert response.status_code == 404, (method, address, response.content)
    declaration.refresh_from_db()
    assert (declaration.product_name, declaration.status, declaration.version) == ("真空保温杯", "draft", 1)
    assert DeclarationEvidence.objects.filter(pk=evidence.pk).exists()
    assert ent.get(url("declaration-list")).json()["results"] == []


def test_own_declaration_with_another_declarations_evidence_is_a_404(
    ent, theirs, scheme, enterprise, enterprise_user, executed_standard
):
    _declaration, evidence = theirs
    own = draft_of(enterprise_user, enterprise, scheme, executed_standard)
    assert ent.delete(url("declaration-evidence-detail", own.pk, evidence.pk)).status_code == 404
    assert DeclarationEvidence.objects.filter(pk=evidence.pk).exists()


@pytest.mark.parametrize("role", ["bureau_staff", "branch_staff", "manager"])
def test_staff_tokens_are_refused_with_403(api_as, request, theirs, scheme, role):
    staff = api_as(request.getfixturevalue(role))
    declaration, evidence = theirs
    for method, address, extra in every_route(declaration, evidence.pk, scheme):
        response = getattr(staff, method)(address, **extra)
        assert response.status_code == 403, (method, address)
        assert "企业用户" in response.json()["detail"]


def test_no_token_is_a_401(api_as, theirs, scheme):
    anonymous = api_as(None)
    declaration, evidence = theirs
    for method, address, extra in every_route(declaration, evidence.pk, scheme):
        response = getattr(anonymous, method)(address, **extra)
        assert response.status_code == 401, (method, address)
        assert response["WWW-Authenticate"].startswith("Bearer")


# -- cost -------------------------------------------------------------------------------------


def test_the_list_costs_the_same_at_1x_and_10x(
    ent, scheme, enterprise, enterprise_user, executed_standard, bureau_staff
):
    def add(batch: int):
        for n in range(batch):
            draft_of(enterprise_user, enterprise, scheme, executed_standard, model=f"D-{batch}-{n}")
            returned = draft_of(
                enterprise_user, enterprise, scheme, executed_standard, model=f"R-{batch}-{n}"
            )
            declaration_submit(declaration=returned, actor=enterprise_user)
            declaration_return(declaration=returned, actor=bureau_staff, comment="请补充")

    def cost() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = ent.get(url("declaration-list"))
        assert response.status_code == 200
        return len(queries), len(response.json()["results"])

    ent.get(url("declaration-list"))  # the token's last use is written once a minute, not counted here
    add(1)
    once, rows_once = cost()
    add(9)
    tenfold, rows_tenfold = cost()

    assert (rows_once, rows_tenfold) == (2, 20)
    assert once == tenfold


def test_the_scheme_list_costs_the_same_at_1x_and_10x(ent, bureau_staff):
    from benchmarking.services.schemes import scheme_publish

    def add(n: int):
        for _ in range(n):
            scheme = SchemeFactory()
            for order in (1, 2):
                IndicatorFactory(scheme=scheme, order=order)
            scheme_publish(scheme=scheme, actor=bureau_staff)

    def cost() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = ent.get(url("scheme-list"), {"page_size": 200})
        assert response.status_code == 200
        return len(queries), len(response.json()["results"])

    ent.get(url("scheme-list"))  # the token's last use is written once a minute, not counted here
    add(2)
    once, rows_once = cost()
    add(18)
    tenfold, rows_tenfold = cost()
    assert (rows_once, rows_tenfold) == (2, 20)
    assert once == tenfold
