"""The admin speaks Chinese throughout: django-axes' login records, simple-history's history pages,
Django's email message; the html tag says zh-CN; the translations we add are compiled."""

import gettext
import json
import re
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.conf import settings
from django.template.loader import get_template
from django.urls import reverse

from benchmarking.services.declarations import declaration_publish

LOCALE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"


def read_po(path: Path) -> dict[str, str]:
    """msgid → msgstr of a .po file of single-line, non-plural entries (ours are)."""

    def text(line: str, keyword: str) -> str:
        return line[len(keyword) + 2 : -1].replace('\\"', '"')

    catalog, msgid = {}, None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgid "):
            msgid = text(line, "msgid")
        elif line.startswith("msgstr ") and msgid:
            catalog[msgid] = text(line, "msgstr")
    return catalog


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_compiled_catalog_matches_its_source(domain):
    """The .mo is committed (msgfmt need not be installed where the app runs): it must say what
    the .po says. If this fails, run msgfmt -o DOMAIN.mo DOMAIN.po in locale/zh_Hans/LC_MESSAGES."""
    with (LOCALE / f"{domain}.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog
    source = read_po(LOCALE / f"{domain}.po")
    assert source and {k: v for k, v in compiled.items() if k} == source


def test_the_admin_base_template_is_djangos_but_for_the_language():
    """templates/admin/base.html is Django's own with lang="zh-CN" (no block reaches the html tag).
    After a Django upgrade, copy the new one again and change that one attribute."""
    ours = get_template("admin/base.html").template.source
    djangos = (Path(forms.__file__).parent.parent / "contrib/admin/templates/admin/base.html").read_text()
    assert ours == djangos.replace('<html lang="{{ LANGUAGE_CODE|default:"en-us" }}"', '<html lang="zh-CN"')


@pytest.fixture
def login_records(db):
    AccessAttempt.objects.create(
        username="someone",
        ip_address="10.0.0.9",
        user_agent="UA",
        http_accept="*/*",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=2,
    )
    AccessFailureLog.objects.create(
        username="someone",
        ip_address="10.0.0.9",
        user_agent="UA",
        http_accept="*/*",
        path_info="/accounts/login/",
    )
    AccessLog.objects.create(
        username="bureau",
        ip_address="10.0.0.8",
        user_agent="UA",
        http_accept="*/*",
        path_info="/accounts/login/",
    )


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.django_db
def test_the_login_records_read_chinese_in_the_app_list_and_their_pages(client, bureau_staff, login_records):
    client.force_login(bureau_staff)
    index = client.get(reverse("admin:index")).content.decode()
    for words in ("登录保护", "登录失败计数", "登录失败记录", "登录记录"):
        assert words in index
    for english in ("Axes", "Access attempts", "Access failures", "Access logs", "Model name", "Add link"):
        assert english not in visible_text(index)

    pages = {
        "admin:axes_accessattempt_changelist": (
            "网络地址",
            "浏览器标识",
            "访问路径",
            "连续失败次数",
            "状态",
            "次后锁定",
        ),
        "admin:axes_accessfailurelog_changelist": ("网络地址", "导致锁定"),
        "admin:axes_accesslog_changelist": ("退出时间", "用户名"),
    }
    for name, words in pages.items():
        text = visible_text(client.get(reverse(name)).content.decode())
        for word in words:
            assert word in text, (name, word)
        for english in (
            "IP Address",
            "User Agent",
            "Attempt Time",
            "Path",
            "Status",
            "Failed Logins",
            "Locked",
        ):
            assert english not in text, (name, english)

    attempt = AccessAttempt.objects.get()
    text = visible_text(
        client.get(reverse("admin:axes_accessattempt_change", args=[attempt.pk])).content.decode()
    )
    for word in ("表单数据", "请求信息", "地址参数", "提交的表单数据", "失效时间"):
        assert word in text
    for english in ("Form Data", "Meta Data", "GET Data", "POST Data", "Expiration"):
        assert english not in text


@pytest.mark.django_db
def test_the_history_page_is_in_chinese_without_none(client, declare, enterprise, bureau_staff):
    declaration = declare(enterprise, model="A-1")
    declaration_publish(declaration=declaration, actor=bureau_staff)
    client.force_login(bureau_staff)
    page = client.get(
        reverse("admin:benchmarking_declaration_history", args=[declaration.pk])
    ).content.decode()
    text = visible_text(page)
    assert "修改内容" in text and "修改原因" in text
    assert "Changes" not in text
    # No change reason and an empty earlier value read as a dash, not "None".
    assert "None" not in text
    assert "—" in text


@pytest.mark.django_db
def test_email_validation_reads_naturally_everywhere(client, bureau_staff):
    field = forms.EmailField()
    with pytest.raises(forms.ValidationError) as refused:
        field.clean("not-an-address")
    assert refused.value.messages == ["请输入有效的电子邮件地址，例如 name@example.com。"]

    client.force_login(bureau_staff)
    response = client.post(
        reverse("admin:auth_user_change", args=[bureau_staff.pk]),
        {
            "username": "bureau",
            "email": "not-an-address",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 200  # the form again, with the message
    page = response.content.decode()
    assert "请输入有效的电子邮件地址，例如 name@example.com。" in page
    assert "输入一个有效的 Email 地址" not in page


@pytest.mark.django_db
def test_the_admins_two_box_selector_reads_chinese(client, bureau_staff):
    """Django 5's selector of groups and permissions asks for strings its zh_Hans catalog lacks."""
    client.force_login(bureau_staff)
    script = client.get(reverse("admin:jsi18n")).content.decode()
    for words in ("全部选择%s", "移除全部%s", "选中要添加的%s，然后点击“选择”箭头按钮。"):
        assert json.dumps(words)[1:-1] in script  # the catalog is JSON with \\u escapes


@pytest.mark.django_db
def test_admin_pages_say_zh_cn_and_link_the_favicon(client, bureau_staff):
    client.force_login(bureau_staff)
    for url in (reverse("admin:index"), reverse("admin:benchmarking_declaration_changelist")):
        page = client.get(url).content.decode()
        assert '<html lang="zh-CN"' in page
        assert re.search(r'<link rel="icon" href="[^"]*favicon\.svg"', page)


@pytest.mark.django_db
def test_permissions_read_chinese_where_staff_assign_them(admin_client, bureau_staff):
    from django.contrib.auth.models import Group

    group = Group.objects.get(name="市局工作人员")
    for url in (
        reverse("admin:auth_group_change", args=[group.pk]),
        reverse("admin:auth_user_change", args=[bureau_staff.pk]),
    ):
        text = visible_text(admin_client.get(url).content.decode())
        assert "对标达标 | 企业 | 新增" in text and "登录保护 | 登录失败计数 | 删除" in text
        assert "Can add" not in text and "Can view" not in text
