"""Error pages (400, 403, 404, 405, 500) in production: in Chinese, in the site's layout, with a
way back, and with their status codes (and the 405's Allow header) kept."""

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

NAVIGATION = 'class="site-header"'
HOME_LINK = "返回首页"


@pytest.fixture
def production(settings):
    # DEBUG off is what makes Django render 404.html instead of its yellow technical page.
    settings.DEBUG = False
    return settings


def page_of(response) -> str:
    return response.content.decode()


def assert_site_page(page: str, title: str) -> None:
    assert '<html lang="zh-CN">' in page
    assert NAVIGATION in page and 'class="site-footer"' in page
    assert title in page
    assert HOME_LINK in page
    for english in ("Not Found", "Forbidden", "Server Error", "Bad Request", "Method Not Allowed"):
        assert english not in page


@pytest.mark.django_db
def test_404_in_production_is_the_sites_chinese_page(client, production, bureau_staff):
    client.force_login(bureau_staff)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = page_of(response)
    assert_site_page(page, "页面不存在")
    # The header is the user's own: navigation for their role and their name.
    assert reverse("progress-dashboard") in page and "退出登录" in page
    assert "返回上一页" in page


@pytest.mark.django_db
def test_404_for_an_anonymous_visitor_offers_the_login(client, production):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = page_of(response)
    assert_site_page(page, "页面不存在")
    assert reverse("login") in page


@pytest.mark.django_db
def test_403_in_production_is_the_sites_chinese_page(client, production, enterprise_user):
    client.force_login(enterprise_user)
    response = client.get(reverse("progress-dashboard"))  # staff only
    assert response.status_code == 403
    page = page_of(response)
    assert_site_page(page, "无权访问")
    assert "没有打开这个页面或执行这项操作的权限" in page
    assert reverse("portal-home") in page  # the enterprise user's own navigation


@pytest.mark.django_db
def test_403_shows_the_refusals_own_sentence(rf, production, bureau_staff):
    from django.core.exceptions import PermissionDenied
    from django.views.defaults import permission_denied

    request = rf.get("/")
    request.user = bureau_staff
    response = permission_denied(
        request, PermissionDenied("该账号尚未关联基层市场监管所，请联系市局管理员。")
    )
    assert response.status_code == 403
    page = page_of(response)
    assert "该账号尚未关联基层市场监管所" in page
    assert "没有打开这个页面或执行这项操作的权限" not in page


@pytest.mark.django_db
def test_a_refused_csrf_check_is_a_chinese_403_with_navigation(production, bureau_staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(bureau_staff)
    response = client.post(reverse("logout"))  # no token
    assert response.status_code == 403
    page = page_of(response)
    assert_site_page(page, "页面已过期，提交未生效")
    assert "CSRF" not in page
    # Rendered with the request: the header knows who is logged in (the logout did not happen).
    assert reverse("progress-dashboard") in page


@pytest.mark.django_db
def test_a_refused_method_is_a_chinese_405_keeping_allow(client, production, bureau_staff):
    client.force_login(bureau_staff)
    response = client.get(reverse("logout"))  # Django's LogoutView takes POST only
    assert response.status_code == 405
    assert "POST" in response["Allow"] and "GET" not in response["Allow"]
    page = page_of(response)
    assert_site_page(page, "无法以这种方式访问")
    assert reverse("progress-dashboard") in page


@pytest.mark.django_db
def test_a_405_in_the_admin_gets_the_page_too(client, production, bureau_staff):
    client.force_login(bureau_staff)
    response = client.get(reverse("admin:logout"))  # POST only, as the site's logout
    assert response.status_code == 405
    assert "POST" in response["Allow"]
    assert "无法以这种方式访问" in page_of(response)


def test_a_405_whose_view_wrote_a_body_keeps_that_body(rf):
    from django.http import HttpResponseNotAllowed

    from benchmarking.error_pages import MethodNotAllowedPageMiddleware

    middleware = MethodNotAllowedPageMiddleware(lambda request: HttpResponseNotAllowed(["POST"], "own words"))
    response = middleware(rf.get("/"))
    assert response.status_code == 405 and response.content == b"own words"
    assert response["Allow"] == "POST"


@pytest.mark.django_db
def test_500_is_the_sites_chinese_page(client, production, monkeypatch):
    def bug(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr("benchmarking.views.public.published_results", bug)
    client.raise_request_exception = False
    response = client.get(reverse("public-results"))
    assert response.status_code == 500
    assert_site_page(page_of(response), "系统出错")


@pytest.mark.django_db
def test_an_api_500_is_json_in_chinese(client, production, monkeypatch):
    def bug(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr("benchmarking.api.public.published_results", bug)
    client.raise_request_exception = False
    response = client.get(reverse("api-public-results"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "服务器内部错误，已记录，请稍后再试。"}


@pytest.mark.django_db
def test_the_500_and_503_pages_render_without_the_database(django_assert_num_queries):
    # handler500 renders them with no request: nothing on them may ask the database.
    with django_assert_num_queries(0):
        for template in ("500.html", "503.html", "400.html"):
            page = render_to_string(template)
            assert HOME_LINK in page and NAVIGATION in page


@pytest.mark.django_db
def test_a_nul_in_the_address_is_a_chinese_400(client, production):
    response = client.get(reverse("public-results") + "?q=%00")
    assert response.status_code == 400
    page = page_of(response)
    assert_site_page(page, "请求无效")
    assert "空字符" in page


@pytest.mark.django_db
def test_djangos_own_400_reads_the_general_sentence(client, production):
    # An unknown Host is refused by Django itself (handler400), with no message of ours.
    response = client.get(reverse("public-results"), HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    page = page_of(response)
    assert_site_page(page, "请求无效")
    assert "地址或提交的内容不完整或格式不对" in page
