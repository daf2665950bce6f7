"""What every page carries: lang="zh-CN" (so browsers lay dates out in Chinese order), the
favicon, and a word after logging out."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["login", "public-results", "home"])
def test_site_pages_say_zh_cn_and_link_the_favicon(client, bureau_staff, url_name):
    client.force_login(bureau_staff)
    response = client.get(reverse(url_name), follow=True)
    page = response.content.decode()
    assert '<html lang="zh-CN">' in page
    assert re.search(r'<link rel="icon" href="/static/favicon\.svg" type="image/svg\+xml">', page)


def test_the_favicon_is_a_local_static_file():
    path = finders.find("favicon.svg")
    assert path is not None
    with open(path, encoding="utf-8") as icon:
        assert icon.read().startswith("<svg")


@pytest.mark.django_db
def test_favicon_ico_leads_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.svg"


@pytest.mark.django_db
def test_logging_out_says_so_on_the_page_one_lands_on(client, bureau_staff):
    client.force_login(bureau_staff)
    response = client.post(reverse("logout"), follow=True)
    assert response.redirect_chain[0][0] == reverse("home")  # LOGOUT_REDIRECT_URL
    page = response.content.decode()
    assert "您已退出登录。" in page
    assert "退出登录</button>" not in page  # logged out indeed
    # Said once: the next page does not repeat it.
    assert "您已退出登录。" not in client.get(reverse("login")).content.decode()


@pytest.mark.django_db
def test_logging_out_of_the_admin_says_so_too(client, bureau_staff):
    client.force_login(bureau_staff)
    response = client.post(reverse("admin:logout"), follow=True)
    assert "您已退出登录。" in response.content.decode()
