"""A county's scheme figure lists the schemes its county published. Every county's staff read
every county's published schemes, so where other counties count too the figure's link names the
county; a single-county deployment's links and lists stay as they were."""

import re
from html import unescape

import pytest
from django.urls import reverse

from tests.test_region_counting import YIWU, YONGKANG
from tests.test_region_counting import counties as counties

pytestmark = pytest.mark.django_db


def scheme_link(client) -> str:
    page = client.get(reverse("progress-dashboard")).content.decode()
    (link,) = re.findall(r'data-measure="schemes">.*?<p class="figure"><a href="([^"]+)"', page, re.S)
    return unescape(link)


def listed_codes(response) -> set[str]:
    assert response.status_code == 200
    return set(re.findall(r"\b(?:YKDB-LIST-001|YW-\d|SC-\d)\b", response.content.decode()))


def test_a_countys_scheme_figure_lists_its_own_schemes(client, bureau_staff, counties):
    client.force_login(bureau_staff)
    link = scheme_link(client)
    assert f"region={YONGKANG}" in link

    listed = client.get(link)

    # 1 counted scheme of Yongkang's; Yiwu's and Shangcheng's, readable too, are not among them.
    assert listed_codes(listed) == {"YKDB-LIST-001"}
    assert "所属县（市、区）" in listed.content.decode()  # the filter says what narrowed it
    # Without the county, the list is every county's published schemes, as staff read them.
    assert listed_codes(client.get(reverse("scheme-list"))) == {"YKDB-LIST-001", "YW-1", "YW-2", "SC-1"}


def test_another_countys_code_is_refused_not_listed(client, bureau_staff, counties):
    client.force_login(bureau_staff)
    response = client.get(reverse("scheme-list") + f"?region={YIWU}")
    assert response.status_code == 200
    assert "所选县（市、区）不在您可查看的范围内" in response.content.decode()
    assert not listed_codes(response)


def test_one_county_keeps_its_links_and_lists_plain(client, bureau_staff, list_scheme):
    client.force_login(bureau_staff)
    assert "region=" not in scheme_link(client)
    assert "所属县（市、区）" not in client.get(reverse("scheme-list")).content.decode()
