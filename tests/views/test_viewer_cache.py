"""Logged-in pages served from the shared cache never cross viewers: the dashboard kept whole
per viewer (views.viewer_cache) and its content per scope, the home page's figures per scope.
Two branch offices, a manager and a branch login each get their own page however warm the
cache; the CSRF token is fresh on every answer; a pending message is shown; what waits for a
reviewer is read live. And a warm page costs a pinned number of queries."""

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import translation

from benchmarking.access import set_only_role
from benchmarking.choices import Role
from benchmarking.selectors.progress import counts_version
from benchmarking.views.viewer_cache import CSRF_PLACEHOLDER, viewer_identity
from tests.views.test_home import submit  # noqa: F401 (a fixture)

DASHBOARD = reverse("progress-dashboard")
HOME = reverse("home")
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def opened(client, user, url):
    # Everyone here has the same name: only who they are and what they may see tells them apart.
    if user.first_name != "王芳":
        user.first_name, user.last_name = "王芳", ""
        user.save()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def heading(html: str) -> str:
    return re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)


def office_rows(html: str) -> list[str]:
    """The office names of the dashboard's 考核 table."""
    return re.findall(r"<td>([^<]*市场监管所)</td>", html)


@pytest.fixture
def warm_twice():
    """Open a page twice (the second from the cache) and check both are the same page."""

    def open_twice(client, user, url):
        first = opened(client, user, url)
        second = opened(client, user, url)
        assert CSRF_INPUT.sub("", first) == CSRF_INPUT.sub("", second)
        return second

    return open_twice


# -- the dashboard --------------------------------------------------------------------------------


def test_two_branch_offices_each_see_their_own_share(branch_staff, other_branch_staff, records, warm_twice):
    own = warm_twice(Client(), branch_staff, DASHBOARD)
    other = warm_twice(Client(), other_branch_staff, DASHBOARD)
    assert heading(own).endswith("东城市场监管所")
    assert heading(other).endswith("西城市场监管所")
    assert office_rows(own) == ["东城市场监管所"] and office_rows(other) == ["西城市场监管所"]
    # And the first office's page, warm, is still its own.
    assert heading(opened(Client(), branch_staff, DASHBOARD)).endswith("东城市场监管所")


def test_a_manager_after_a_branch_login_sees_the_city_and_every_office(
    branch_staff, manager, records, warm_twice
):
    branch = warm_twice(Client(), branch_staff, DASHBOARD)
    city = warm_twice(Client(), manager, DASHBOARD)
    assert "东城市场监管所" in heading(branch)
    assert "市场监管所" not in heading(city)
    assert sorted(office_rows(city)) == ["东城市场监管所", "西城市场监管所"]
    # The layout is each viewer's own: a branch login reviews, a manager does not.
    assert reverse("review-queue") in branch and reverse("review-queue") not in city


def test_each_answer_carries_a_fresh_token_that_works(manager, plan):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    tokens = []
    for _ in range(2):
        html = client.get(DASHBOARD).content.decode()
        assert CSRF_PLACEHOLDER not in html
        tokens.append(CSRF_INPUT.search(html).group(1))
    assert tokens[0] != tokens[1], "a masked token is made per answer"
    # The cached page's logout form works.
    response = client.post(reverse("logout"), {"csrfmiddlewaretoken": tokens[1]})
    assert response.status_code == 302
    assert client.get(DASHBOARD).status_code == 302  # logged out: to the login page


def test_a_pending_message_is_shown_on_a_warm_page(client, manager, plan):
    opened(client, manager, DASHBOARD)
    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    client.cookies["messages"] = storage._encode([Message(constants.SUCCESS, "您已保存。")])
    assert "您已保存。" in client.get(DASHBOARD).content.decode()
    assert "您已保存。" not in client.get(DASHBOARD).content.decode()


def test_a_new_name_and_role_show_at_once(settings, client, manager, plan):
    settings.BENCHMARKING_USER_CACHE_SECONDS = 300
    assert reverse("review-queue") not in opened(client, manager, DASHBOARD)
    manager.first_name, manager.last_name = "应立新", ""
    manager.save()
    set_only_role(manager, Role.BUREAU_STAFF)
    html = client.get(DASHBOARD).content.decode()
    assert "应立新" in html
    assert reverse("review-queue") in html


def test_mistyped_parameters_are_shown_back_and_never_cached(client, manager, plan):
    url = DASHBOARD + "?as_of=2026-13-40"
    client.force_login(manager)
    for _ in range(2):
        response = client.get(url)
        assert "请输入有效日期" in response.content.decode()
    key = f"viewer-page:{counts_version()}:{viewer_identity(response.wsgi_request)}"
    assert cache.get(key) is None
    # Where a valid address is kept under the same kind of key.
    response = client.get(DASHBOARD)
    assert cache.get(f"viewer-page:{counts_version()}:{viewer_identity(response.wsgi_request)}")


def test_the_key_is_the_viewers_and_the_languages(rf, manager, other_branch_staff):
    def identity(user, language="zh-hans"):
        request = rf.get(DASHBOARD)
        request.user = user
        with translation.override(language):
            return viewer_identity(request)

    assert identity(manager) == identity(manager)
    assert identity(manager) != identity(other_branch_staff)
    assert identity(manager) != identity(manager, "en")


# -- the home page --------------------------------------------------------------------------------


def test_two_branch_offices_each_see_their_own_home_figures(
    branch_staff, other_branch_staff, records, warm_twice
):
    own = warm_twice(Client(), branch_staff, HOME)
    other = warm_twice(Client(), other_branch_staff, HOME)
    assert "东城市场监管所考核" in own and "西城市场监管所" not in own
    assert "西城市场监管所考核" in other and "东城市场监管所" not in other


def test_a_manager_after_a_branch_login_sees_the_citys_home_figures(
    branch_staff, manager, records, warm_twice
):
    warm_twice(Client(), branch_staff, HOME)
    city = warm_twice(Client(), manager, HOME)
    assert "考核</h2>" not in city.split("完成率最低的基层所")[0]
    assert "完成率最低的基层所" in city


def test_what_waits_is_read_live_on_a_warm_home_page(client, branch_staff, enterprise, submit):  # noqa: F811
    submit(enterprise, model="W-1", days_ago=3)
    html = opened(client, branch_staff, HOME)
    assert re.search(r'data-tile="pending".*?home-tile-figure">1<', html, re.S)
    # A submission does not change a count, so the figures stay cached; the queue is read anew.
    submit(enterprise, model="W-2", days_ago=1)
    html = client.get(HOME).content.decode()
    assert re.search(r'data-tile="pending".*?home-tile-figure">2<', html, re.S)


# -- what a warm page costs ---------------------------------------------------------------------

# With the sessions and the user in the shared cache (as production with Redis has them): the
# counts version; a reviewer's home page also reads what waits (queue count, its oldest row,
# returned count). Measured and pinned, the same at 5 and at 40 declarations.
WARM_QUERIES = {
    ("manager", DASHBOARD): 1,
    ("branch_staff", DASHBOARD): 1,
    ("manager", HOME): 1,
    ("bureau_staff", HOME): 4,
    ("branch_staff", HOME): 4,
}


@pytest.mark.parametrize("n", [5, 40])
@pytest.mark.parametrize("who,url", list(WARM_QUERIES))
@override_settings(SESSION_ENGINE="django.contrib.sessions.backends.cached_db")
def test_a_warm_page_costs_a_fixed_number_of_queries(
    settings,
    request,
    who,
    url,
    n,
    submit,  # noqa: F811 (the fixture imported above)
    plan,
    enterprise,
    other_enterprise,
    django_assert_num_queries,
):
    settings.BENCHMARKING_USER_CACHE_SECONDS = 300
    for i in range(n):
        submit(enterprise if i % 2 else other_enterprise, model=f"Q-{i}", days_ago=i % 7 + 1)
    client = Client()  # its own middleware, which picks the session engine once
    client.force_login(request.getfixturevalue(who))
    client.get(url)  # fills the caches; the first request after a login touches the session
    with django_assert_num_queries(WARM_QUERIES[(who, url)]):
        assert client.get(url).status_code == 200
