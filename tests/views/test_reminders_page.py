"""The 提醒 page: every role sees its own digests only, marked read once shown, in a fixed number
of queries; the digest-mail switch."""

import pytest
from django.urls import reverse

from benchmarking.choices import DigestKind
from benchmarking.models import Digest, UserProfile


def _digest(user, period, text):
    return Digest.objects.create(
        user=user,
        kind=DigestKind.STAFF,
        period=period,
        sections=[
            {"title": "等待审核", "count": 1, "items": [{"text": text, "url": "/review/"}], "more_url": ""}
        ],
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["bureau_staff", "branch_staff", "manager", "enterprise_user"])
def test_each_role_sees_only_its_own_digests(client, request, role, other_enterprise_user):
    user = request.getfixturevalue(role)
    mine = _digest(user, "2026-12-07", "我的提醒事项")
    _digest(other_enterprise_user, "2026-12-07", "别人的提醒事项")
    client.force_login(user)
    page = client.get(reverse("reminders")).content.decode()
    unread_badge = '<span class="status status-submitted">新</span>'
    assert "我的提醒事项" in page and unread_badge in page
    assert "2026年12月7日" in page  # the period as a clerk reads it, not its key
    assert "别人的提醒事项" not in page
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert unread_badge not in client.get(reverse("reminders")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("n", [3, 30])
def test_page_costs_fixed_queries(client, branch_staff, n, django_assert_max_num_queries):
    for i in range(n):
        _digest(branch_staff, f"2026-11-{i + 1:02d}", f"事项 {i}")
    client.force_login(branch_staff)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("reminders")).status_code == 200


@pytest.mark.django_db
def test_toggle_digest_mails(client, enterprise_user):
    client.force_login(enterprise_user)
    response = client.post(reverse("reminders-settings"), {"receives_digests": "off"}, follow=True)
    assert "已关闭提醒摘要邮件" in response.content.decode()
    profile = UserProfile.objects.get(user=enterprise_user)
    assert profile.receives_digests is False
    assert profile.history.latest().history_user == enterprise_user
    client.post(reverse("reminders-settings"), {"receives_digests": "on"})
    profile.refresh_from_db()
    assert profile.receives_digests is True


@pytest.mark.django_db
def test_toggle_refuses_nonsense_in_chinese(client, enterprise_user):
    client.force_login(enterprise_user)
    response = client.post(reverse("reminders-settings"), {"receives_digests": "maybe"}, follow=True)
    assert "提醒摘要邮件：请选择" in response.content.decode()
    assert UserProfile.objects.get(user=enterprise_user).receives_digests is True


@pytest.mark.django_db
def test_user_without_profile_can_turn_mails_off(client, bureau_staff):
    client.force_login(bureau_staff)
    client.post(reverse("reminders-settings"), {"receives_digests": "off"})
    assert UserProfile.objects.get(user=bureau_staff).receives_digests is False


@pytest.mark.django_db
def test_anonymous_goes_to_login(client):
    assert reverse("login") in client.get(reverse("reminders")).url


@pytest.mark.parametrize(
    ("period", "label"),
    [
        ("2026-12-07", "2026年12月7日"),
        ("2026-W47", "2026年第47周（11月16日—11月22日）"),
        ("2027-W01", "2027年第1周（1月4日—1月10日）"),
        ("2026-11", "2026年11月"),
        ("garbled", "garbled"),
    ],
)
def test_a_digest_names_its_period_in_words(period, label):
    from benchmarking.models import Digest

    assert Digest(period=period).period_label == label
