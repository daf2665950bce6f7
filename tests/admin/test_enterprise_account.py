"""The enterprise's logins page in the admin (开通企业账号), and the whole road of a new login:
opened by bureau staff, invited by mail, password set through the link, logged in on the site,
kept out of the admin."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from benchmarking.choices import Role
from tests.factories import make_user

User = get_user_model()
LINK = re.compile(r"https?://[^/\s]+(/accounts/reset/[^/\s]+/[^/\s]+/)")
PASSWORD = "Lantern-Tiger-7391"


def account_url(enterprise) -> str:
    return reverse("admin:benchmarking_enterprise_account", args=[enterprise.pk])


def form(**overrides) -> dict:
    return {"username": "jia_cup", "first_name": "张三", "email": "zhang@jia.example.cn", **overrides}


@pytest.fixture
def staff_client(client, bureau_staff):
    client.force_login(bureau_staff)
    return client


@pytest.mark.django_db
def test_the_change_page_links_to_the_logins_page_for_bureau_staff_only(
    client, enterprise, bureau_staff, branch_staff
):
    change_url = reverse("admin:benchmarking_enterprise_change", args=[enterprise.pk])
    client.force_login(bureau_staff)
    page = client.get(change_url).content.decode()
    assert f'href="{account_url(enterprise)}"' in page and "开通企业账号" in page

    client.force_login(branch_staff)
    response = client.get(change_url)
    assert response.status_code == 200
    assert account_url(enterprise) not in response.content.decode()


@pytest.mark.django_db
def test_the_page_lists_the_enterprises_logins_and_prefills_its_address(
    staff_client, enterprise, enterprise_user, other_enterprise_user
):
    enterprise.email = "office@jia.example.cn"
    enterprise.save()
    enterprise_user.first_name, enterprise_user.email = "王五", "wang@jia.example.cn"
    enterprise_user.save()

    response = staff_client.get(account_url(enterprise))
    assert response.status_code == 200
    page = response.content.decode()
    assert list(response.context["logins"]) == [enterprise_user]
    for text in (
        "ent_a",
        "王五",
        "wang@jia.example.cn",
        "尚未设置" if not enterprise_user.has_usable_password() else "已设置",
    ):
        assert text in page
    assert other_enterprise_user.username not in page
    assert 'value="office@jia.example.cn"' in page
    assert f'name="resend" value="{enterprise_user.pk}"' in page


@pytest.mark.django_db
def test_from_the_form_to_a_password_and_a_site_login_but_not_the_admin(
    client, staff_client, enterprise, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(account_url(enterprise), form())
    assert response.status_code == 302 and response.url == account_url(enterprise)
    user = User.objects.get(username="jia_cup")
    assert not user.is_staff and not user.has_usable_password()
    assert user.profile.enterprise == enterprise
    assert "已开通企业账号" in staff_client.get(account_url(enterprise)).content.decode()

    # The invitation, and its link followed by someone not logged in.
    assert [m.to for m in mailoutbox] == [["zhang@jia.example.cn"]]
    path = LINK.search(mailoutbox[0].body).group(1)
    client.logout()
    response = client.get(path)
    assert response.status_code == 302  # to the same page without the token in the address
    form_page = client.get(response.url)
    assert form_page.status_code == 200 and "设置新密码" in form_page.content.decode()
    response = client.post(response.url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("password_reset_complete")
    assert "密码已设置" in client.get(response.url).content.decode()
    user.refresh_from_db()
    assert user.has_usable_password() and user.check_password(PASSWORD)

    # The link is spent.
    assert "链接无效" in client.get(path).content.decode()

    # The site's login lets the enterprise user in; the admin does not.
    response = client.post(reverse("login"), {"username": "jia_cup", "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.session["_auth_user_id"] == str(user.pk)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    response = client.post(reverse("admin:login"), {"username": "jia_cup", "password": PASSWORD})
    assert response.status_code == 200  # the admin's login form refuses non-staff


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "phrase"),
    [
        ({"username": "ENT_A"}, "已被使用"),  # enterprise_user is "ent_a"
        ({"email": "zhang-at-jia"}, "请填写有效的电子邮箱地址"),
        ({"email": ""}, "这个字段是必填项"),
    ],
)
def test_bad_input_is_answered_on_the_form_in_chinese_with_nothing_created(
    staff_client,
    enterprise,
    enterprise_user,
    overrides,
    phrase,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    users_before = User.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(account_url(enterprise), form(**overrides))
    assert response.status_code == 200
    assert phrase in response.content.decode()
    assert User.objects.count() == users_before and mailoutbox == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"), [("branch_staff", 403), ("manager", 403), ("other_branch_staff", 404)]
)
def test_other_staff_are_refused_and_create_nothing(
    request, client, enterprise, who, status, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(request.getfixturevalue(who))
    users_before = User.objects.count()
    assert client.get(account_url(enterprise)).status_code == status
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(account_url(enterprise), form()).status_code == status
    assert User.objects.count() == users_before and mailoutbox == []


@pytest.mark.django_db
@pytest.mark.parametrize("who", [None, "enterprise_user"])
def test_outside_the_admin_one_meets_its_login(request, client, enterprise, who):
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.post(account_url(enterprise), form())
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    assert not User.objects.filter(username="jia_cup").exists()


@pytest.mark.django_db
def test_an_enterprise_that_does_not_exist_is_a_404(staff_client):
    assert (
        staff_client.get(reverse("admin:benchmarking_enterprise_account", args=[999999])).status_code == 404
    )


@pytest.mark.django_db
def test_resend_mails_the_enterprises_own_login(staff_client, enterprise, enterprise_user, mailoutbox):
    enterprise_user.email = "ent@jia.example.cn"
    enterprise_user.save()
    response = staff_client.post(account_url(enterprise), {"resend": enterprise_user.pk}, follow=True)
    assert "已向 ent@jia.example.cn 重新发送" in response.content.decode()
    assert [m.to for m in mailoutbox] == [["ent@jia.example.cn"]]
    assert LINK.search(mailoutbox[0].body)


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["other_enterprise_user", "branch_staff", "abc"])
def test_resend_finds_nobody_outside_the_enterprise(request, staff_client, enterprise, target, mailoutbox):
    if target == "abc":
        user_id = "abc"
    else:
        user = request.getfixturevalue(target)
        user.email = "someone@example.cn"
        user.save()
        user_id = user.pk
    response = staff_client.post(account_url(enterprise), {"resend": user_id}, follow=True)
    assert response.status_code == 200
    assert "该企业没有这个账号" in response.content.decode()
    assert mailoutbox == []


ARABIC_INDIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.mark.django_db
@pytest.mark.parametrize("posted", ["²", "abc", "", "-1", "0", "9" * 30, "own pk in Arabic-Indic digits"])
def test_a_resend_id_that_is_no_id_is_a_message_not_a_500(
    staff_client, enterprise, enterprise_user, posted, mailoutbox
):
    # "²" passes str.isdigit but not int(); int() would read "١٢" as 12, which no page posts.
    enterprise_user.email = "ent@jia.example.cn"
    enterprise_user.save()
    if posted == "own pk in Arabic-Indic digits":
        posted = str(enterprise_user.pk).translate(ARABIC_INDIC_DIGITS)
    response = staff_client.post(account_url(enterprise), {"resend": posted})
    assert response.status_code == 302
    page = staff_client.get(response["Location"])
    assert page.status_code == 200
    assert "该企业没有这个账号，请刷新页面后重试。" in page.content.decode()
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_failed_resend_says_so(staff_client, enterprise, enterprise_user, settings, mailoutbox):
    settings.EMAIL_BACKEND = "tests.services.test_accounts.FailingBackend"
    enterprise_user.email = "ent@jia.example.cn"
    enterprise_user.save()
    response = staff_client.post(account_url(enterprise), {"resend": enterprise_user.pk}, follow=True)
    assert "邀请邮件未能发出" in response.content.decode()


@pytest.mark.django_db
def test_the_login_page_offers_password_reset(client):
    page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}"' in page and "忘记密码？" in page


@pytest.mark.django_db
def test_forgotten_password_mail_is_chinese_and_its_pages_have_no_inline_script_or_style(
    client, enterprise, mailoutbox
):
    user = make_user(Role.ENTERPRISE, username="ding", enterprise=enterprise, email="ding@jia.example.cn")
    pages = [reverse("password_reset"), reverse("password_reset_done"), reverse("password_reset_complete")]
    response = client.post(reverse("password_reset"), {"email": "DING@jia.example.cn"})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.subject == "永康市对标达标工作台：重新设置密码" and "ding" in message.body
    path = LINK.search(message.body).group(1)
    pages.append(client.get(path).url)  # the set-password form
    pages.append(reverse("password_reset_confirm", args=["MQ", "bad-token"]))  # an invalid link
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert 'href="/static/css/site.css"' in page, url  # the site's own layout
        assert not re.search(r"<script(?![^>]*\bsrc=)", page), url
        assert "<style" not in page and " style=" not in page, url
    assert user.has_usable_password()
