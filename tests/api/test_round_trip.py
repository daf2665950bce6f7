"""The API's round trip, end to end through real requests: an enterprise's program creates,
fills, documents and submits a declaration by token; bureau staff publish it on the web review
page; the public API lists it and the county's published figures move by one, as the staff
API's progress does."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from benchmarking.choices import DeclarationStatus
from benchmarking.models import Declaration
from benchmarking.models.regions import home_region_code


def county_results(api) -> int:
    body = api.get(reverse("api-public-figures"), {"region": home_region_code()}).json()
    (county,) = body["counties"]
    return county["results"]["count"]


def test_an_enterprise_declares_by_api_staff_publish_on_the_web_the_public_api_shows_it(
    api_as, client, scheme, enterprise, enterprise_user, bureau_staff
):
    program = api_as(enterprise_user)
    public = api_as(None)
    staff = api_as(bureau_staff)
    results_before = county_results(public)
    progress_before = staff.get(reverse("api-staff-progress")).json()
    indicators = {
        i["name"]: i["id"]
        for i in program.get(reverse("api-enterprise-scheme-detail", args=[scheme.pk])).json()["indicators"]
    }

    # 1. The enterprise's program creates a draft with part of its values...
    created = program.post(
        reverse("api-enterprise-declaration-list"),
        {
            "scheme": scheme.pk,
            "product_name": "真空保温杯（接口）",
            "product_model": "API-ROUND-1",
            "standard_number": "Q/YKJB 009—2025",
            "standard_title": "企业标准 真空保温杯",
            "values": [{"indicator": indicators["保温效能"], "value": "15"}],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    declaration_url = reverse("api-enterprise-declaration-detail", args=[created.json()["id"]])
    etag = created["ETag"]

    # ...fills the rest (with the version it read)...
    filled = program.patch(
        declaration_url,
        {
            "values": [
                {"indicator": indicators["铅迁移量"], "value": "0.005"},
                {"indicator": indicators["外观"], "value": True},
            ]
        },
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert filled.status_code == 200, filled.json()
    assert filled["ETag"] != etag

    # ...attaches its test report...
    attached = program.post(
        reverse("api-enterprise-declaration-evidence", args=[created.json()["id"]]),
        {"file": SimpleUploadedFile("检测报告.pdf", b"%PDF-1.4\n%round trip\n", "application/pdf")},
        format="multipart",
        HTTP_IF_MATCH=filled["ETag"],
    )
    assert attached.status_code == 201, attached.json()

    # ...and submits it.
    submitted = program.post(
        reverse("api-enterprise-declaration-submit", args=[created.json()["id"]]),
        {},
        format="json",
        HTTP_IF_MATCH=attached["ETag"],
    )
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["status"] == DeclarationStatus.SUBMITTED
    declaration = Declaration.objects.get(pk=created.json()["id"])
    # Every write is in the change history under the token's user.
    assert {record.history_user for record in declaration.history.all()} == {enterprise_user}

    # Nothing is public yet.
    assert "API-ROUND-1" not in [
        r["product_model"] for r in public.get(reverse("api-public-results")).json()["results"]
    ]

    # 2. Bureau staff publish it on the web, from the review page.
    client.force_login(bureau_staff)
    response = client.post(reverse("review-publish", args=[declaration.pk]), {"comment": "材料齐全"})
    assert response.status_code == 302
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.PUBLISHED

    # 3. The public API lists it, with its indicators...
    rows = public.get(reverse("api-public-results"), {"q": "API-ROUND-1"}).json()["results"]
    assert [row["product_model"] for row in rows] == ["API-ROUND-1"]
    detail = public.get(rows[0]["url"]).json()
    assert detail["product_name"] == "真空保温杯（接口）"
    assert [item["value"] for item in detail["items"]] == ["15", "0.005", "符合"]

    # ...the county's published figures move by one...
    assert county_results(public) == results_before + 1
    progress_after = staff.get(reverse("api-staff-progress")).json()
    assert figure(progress_after, "results") == figure(progress_before, "results") + 1

    # ...and the enterprise's program reads the result of the review.
    review = program.get(declaration_url).json()
    assert review["status"] == DeclarationStatus.PUBLISHED
    assert review["review"]["published_on"] is not None


def figure(progress: dict, key: str) -> int:
    return next(m["count"] for m in progress["measures"] if m["key"] == key)
