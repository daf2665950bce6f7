"""The permission matrix across counties and levels: every URL pattern of the project, opened by
logins of other regions over the same sample world (all of it in 永康市 330784, under 金华市).

- Above the county (金华's and the province's bureau staff and managers): exactly what Yongkang's
  manager gets on every URL. They read the counties under them and change nothing.
- Beside it (东阳市's bureau and manager, a county of the same prefecture; 杭州's prefecture
  manager): what Yongkang's bureau or manager gets, except that every record of Yongkang is not
  there (404): its enterprises and everything of theirs, its offices, its plan, its logins.

The expectations come from the hand-written matrix (test_permission_matrix) by those two rules,
so a URL added there is checked here too.
"""

import re

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import get_resolver

from benchmarking import models
from benchmarking.choices import Role
from benchmarking.scoping import visible_to
from tests.access.matrix_api import token_headers
from tests.access.test_permission_matrix import (
    FORBIDDEN,
    NOT_FOUND,
    OK,
    all_rules,
    checks_for,
    outcome_of,
    walk,
)
from tests.factories import make_user

# Records that belong to a county: another county's logins must not learn they exist.
COUNTY_RECORDS = {
    models.ZhejiangMadeStandard,
    models.PinCertificate,
    models.BeltRoadCertificate,
    models.BranchOffice,
    models.Plan,
    models.PlanQuota,
    models.Enterprise,
    models.Declaration,
    models.DeclarationItem,
    models.DeclarationEvidence,
    models.DeclarationEvent,
    models.UserProfile,
    models.ApiToken,
    get_user_model(),
}

ABOVE = {
    "jinhua_staff": (Role.BUREAU_STAFF, "330700"),
    "jinhua_manager": (Role.MANAGER, "330700"),
    "zhejiang_staff": (Role.BUREAU_STAFF, "330000"),
    "zhejiang_manager": (Role.MANAGER, "330000"),
}
# login -> (role, region, the Yongkang login whose outcomes it shares outside Yongkang's records)
BESIDE = {
    "dongyang_bureau": (Role.BUREAU_STAFF, "330783", "bureau"),
    "dongyang_manager": (Role.MANAGER, "330783", "manager"),
    "hangzhou_manager": (Role.MANAGER, "330100", "manager"),
}


# The county dashboard and its workbook: of one county (test_rollup covers ?region=).
COUNTY_DASHBOARD = {"progress-dashboard", "progress-report", "progress-report-pdf"}


def above_a_county(login) -> bool:
    _, region, *_ = {**ABOVE, **BESIDE}[login]
    return region.endswith("00")


@pytest.fixture
def region_users(db):
    logins = {name: (role, region) for name, (role, region) in ABOVE.items()}
    logins.update({name: (role, region) for name, (role, region, _) in BESIDE.items()})
    return {name: make_user(role, username=name, region=region) for name, (role, region) in logins.items()}


def _model_of_admin_url(name):
    """The model and action of a per-model admin URL name, else (None, None)."""
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            return model, name[len(prefix) :]
    return None, None


def _outcome_beside(name, url, expected, like):
    """What a login of another county gets where Yongkang's ``like`` login gets ``expected[like]``:
    the same, except on a page of one of Yongkang's records, which is not there for them."""
    outcome = expected[like]
    model, _ = _model_of_admin_url(name)
    if model is not None and model in all_rules():
        # An admin page of one record (its number in the URL): refused or not, it is not there.
        of_yongkang = model in COUNTY_RECORDS and re.search(r"/\d+/", url)
        return NOT_FOUND if of_yongkang and outcome in (OK, FORBIDDEN) else outcome
    # The site's pages of enterprise A's records: hidden from another office's staff too. (A page
    # its capability refuses stays refused first: a 403 that says nothing of the record.)
    of_yongkang = expected["branch_other"] == NOT_FOUND and expected["branch_same"] == OK
    # An export belongs to the login that asked for it.
    of_yongkang |= name in {"export-job", "export-job-status", "export-job-download"}
    return NOT_FOUND if of_yongkang and outcome == OK else outcome


@pytest.mark.django_db
def test_every_url_for_logins_of_other_regions(client, world, region_users):
    failures, checked = [], 0
    names = sorted({name for name, _ in walk(get_resolver().url_patterns)})
    for name in names:
        for url, expected in checks_for(world, name):
            wanted = {login: expected["manager"] for login in ABOVE}
            for login, (_, _, like) in BESIDE.items():
                wanted[login] = _outcome_beside(name, url, expected, like)
            if name in COUNTY_DASHBOARD:
                # Above a county, the county dashboard without a county named sends to the roll-up.
                wanted.update({login: 302 for login in wanted if above_a_county(login)})
            if name == "api-staff-progress":
                # Above a county, the API's progress asks which county (a 400 naming region),
                # where the page sends them to the roll-up.
                wanted.update({login: 400 for login in wanted if above_a_county(login)})
            if name == "region_dashboard":
                # 金华's roll-up: for 金华's and the province's logins; 杭州's finds no such page.
                wanted.update(dict.fromkeys(ABOVE, OK))
            for login, outcome in wanted.items():
                if url.startswith("/api/"):
                    # The API is reached by token only (tests/access/matrix_api.py).
                    client.logout()
                    got = outcome_of(client.get(url, **token_headers(world, region_users[login])))
                else:
                    client.force_login(region_users[login])
                    got = outcome_of(client.get(url))
                checked += 1
                if got != outcome:
                    failures.append(f"{login:17} GET {url}: expected {outcome}, got {got}")
    assert not failures, "\n".join(failures)
    assert checked >= len(region_users) * len(names)


@pytest.mark.django_db
def test_another_county_sees_none_of_yongkangs_records_and_its_own(world, region_users):
    """The lists behind the pages: Dongyang's bureau reads Dongyang's enterprises, not Yongkang's;
    金华 reads both; 杭州 neither."""
    from tests.factories import EnterpriseFactory

    dongyang = EnterpriseFactory(region_id="330783")
    yongkang = world["samples"]["enterprise_a"]
    assert set(visible_to(region_users["dongyang_bureau"], models.Enterprise)) == {dongyang}
    assert {yongkang, dongyang} <= set(visible_to(region_users["jinhua_manager"], models.Enterprise))
    assert not visible_to(region_users["hangzhou_manager"], models.Enterprise).filter(
        pk__in=[yongkang.pk, dongyang.pk]
    )
    assert not visible_to(region_users["dongyang_bureau"], models.Declaration).exists()
    assert not visible_to(region_users["dongyang_bureau"], models.Plan).exists()
    # The published scheme is the province's to benchmark against, whoever published it.
    assert visible_to(region_users["dongyang_bureau"], models.TechnicalScheme).filter(
        pk=world["samples"]["scheme"].pk
    )


@pytest.mark.django_db
def test_a_declaration_waiting_is_told_to_its_countys_reviewers_only(world, region_users):
    from django.contrib.auth import get_user_model

    from benchmarking.access import is_reviewer_for, reviewers_for_q

    enterprise = world["samples"]["enterprise_a"]
    told = set(
        get_user_model().objects.filter(reviewers_for_q(enterprise)).values_list("username", flat=True)
    )
    assert "bureau" in told and "branch" in told
    assert not told & set(region_users), "no other county's or level's login reviews Yongkang"
    assert not any(is_reviewer_for(user, enterprise) for user in region_users.values())
