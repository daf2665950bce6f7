"""The deployment names itself (settings.BENCHMARKING_SITE_NAME): a province's platform is not
"永康市…" in its header and titles, error pages included."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_default_name_is_yongkangs(client, manager):
    client.force_login(manager)
    page = client.get(reverse("enterprise-list")).content.decode()
    assert '<a class="brand" href="/">永康市对标达标工作台</a>' in page


def test_a_province_deployment_names_itself_on_every_page(client, manager, settings):
    settings.BENCHMARKING_SITE_NAME = "浙江省对标达标工作台"
    client.force_login(manager)
    for url in (reverse("home"), reverse("enterprise-list"), reverse("public-results"), "/no-such-page/"):
        page = client.get(url).content.decode()
        assert '<a class="brand" href="/">浙江省对标达标工作台</a>' in page, url
        assert "永康市对标达标工作台" not in page, url
    # The outage page is rendered without a request.
    assert "浙江省对标达标工作台" in render_to_string("503.html")
