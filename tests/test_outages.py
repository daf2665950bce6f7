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
