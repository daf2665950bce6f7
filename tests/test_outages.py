"""While the database cannot be reached, pages answer 503 "try again shortly", never a 500."""

import pytest
from django.db import InterfaceError, OperationalError
from django.urls import reverse


def lose_the_database(*args, **kwargs):
    raise OperationalError("server closed the connection unexpectedly")


@pytest.mark.django_db
def test_a_lost_connection_is_a_503_with_retry_after(client, monkeypatch):
    monkeypatch.setattr("benchmarking.views.public.published_results", lose_the_database)
    response = client.get(reverse("public-results"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    page = response.content.decode()
    assert "系统暂时无法访问" in page and "稍候几秒后刷新页面重试" in page


@pytest.mark.django_db
def test_a_closed_connection_while_logged_in_is_a_503_too(client, enterprise_user, monkeypatch):
    def closed(*args, **kwargs):
        raise InterfaceError("connection already closed")

    client.force_login(enterprise_user)
    monkeypatch.setattr("benchmarking.views.public.published_results", closed)
    assert client.get(reverse("public-results")).status_code == 503


@pytest.mark.django_db
def test_other_errors_stay_errors(client, monkeypatch):
    """Only the database being away is "try again": a bug still surfaces as one."""

    def bug(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr("benchmarking.views.public.published_results", bug)
    client.raise_request_exception = True
    with pytest.raises(ValueError):
        client.get(reverse("public-results"))


@pytest.mark.django_db
def test_any_other_error_gets_the_sites_own_500_page(client, monkeypatch):
    def bug(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr("benchmarking.views.public.published_results", bug)
    client.raise_request_exception = False
    response = client.get(reverse("public-results"))
    assert response.status_code == 500
    assert "系统出错" in response.content.decode()


# -- the outage met in a middleware, not the view ----------------------------------------------
#
# A logged-in request reads the session and the user before the view runs, and the idle timeout
# touches (saves) the session after it. Losing the database at any of those points is the same
# outage as losing it in the view: a 503 with Retry-After, never a 500.

LOST = [
    OperationalError("server closed the connection unexpectedly"),
    InterfaceError("connection already closed"),
]


def _failing(error):
    def fail(*args, **kwargs):
        raise error

    return fail


def _assert_unavailable(response) -> None:
    assert response.status_code == 503, response.status_code
    assert response["Retry-After"] == "5"
    assert "系统暂时无法访问" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("error", LOST, ids=type)
@pytest.mark.parametrize(
    "where",
    [
        # SessionMiddleware's lazy session, loaded when anything first reads it
        "django.contrib.sessions.backends.db.SessionStore.load",
        # AuthenticationMiddleware's lazy user (the login backend's read of user and profile)
        "benchmarking.backends.ProfileLoadingModelBackend.get_user",
        # the role lookup every page and the navigation ask
        "benchmarking.access._group_names",
    ],
)
def test_losing_the_database_while_reading_who_is_asking_is_a_503(
    client, bureau_staff, monkeypatch, where, error
):
    client.force_login(bureau_staff)
    client.raise_request_exception = False  # as a real server: the error becomes a response
    monkeypatch.setattr(where, _failing(error))
    for url in (reverse("home"), reverse("progress-dashboard"), reverse("public-results")):
        _assert_unavailable(client.get(url))


@pytest.mark.django_db
@pytest.mark.parametrize("error", LOST, ids=type)
def test_losing_the_database_when_the_idle_timeout_saves_the_session_is_a_503(
    client, bureau_staff, monkeypatch, settings, error
):
    client.force_login(bureau_staff)
    client.raise_request_exception = False
    settings.SESSION_TOUCH_SECONDS = 0  # every request pushes the expiry back, so saves the session
    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.save", _failing(error))
    _assert_unavailable(client.get(reverse("home")))


@pytest.mark.django_db
@pytest.mark.parametrize("error", LOST, ids=type)
def test_losing_the_database_while_the_login_throttle_checks_is_a_503(
    client, bureau_staff, monkeypatch, error
):
    client.raise_request_exception = False
    # django-axes asks the database for the address's failed attempts before any login.
    monkeypatch.setattr("axes.handlers.proxy.AxesProxyHandler.is_allowed", _failing(error))
    response = client.post(reverse("login"), {"username": bureau_staff.username, "password": "wrong"})
    _assert_unavailable(response)


@pytest.mark.django_db
def test_a_session_that_fails_to_load_is_not_touched_on_the_way_out(client, bureau_staff, monkeypatch):
    """The idle timeout asks the session again after the view; with the database away it leaves
    the session alone instead of failing a second time."""
    client.force_login(bureau_staff)
    client.raise_request_exception = False
    loads = []

    def lost(self):
        loads.append(1)
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.load", lost)
    _assert_unavailable(client.get(reverse("home")))
    assert len(loads) == 2  # the view's read, and the idle timeout's one try: then it lets go


@pytest.mark.django_db
def test_an_error_raised_in_a_middleware_that_is_not_the_database_is_still_a_500(
    client, bureau_staff, monkeypatch
):
    client.force_login(bureau_staff)
    client.raise_request_exception = False
    monkeypatch.setattr("benchmarking.access._group_names", _failing(ValueError("a bug")))
    response = client.get(reverse("home"))
    assert response.status_code == 500
    assert "系统出错" in response.content.decode()
