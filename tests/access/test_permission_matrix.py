"""The permission matrix: every URL pattern of the project, for every kind of user.

The test walks the URL resolver itself, so a new view without a rule here fails
it. Expectations are written out by hand (not derived from the code under test):
anonymous → login, own records → 200, anyone else's → 404, and the permission rules
for staff pages: what each kind of staff may open.
"""

from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from benchmarking import models

ROLES = ("anonymous", "enterprise_a", "enterprise_b", "branch_other", "branch_same", "manager", "bureau")
STAFF = frozenset({"branch_other", "branch_same", "manager", "bureau"})
ALL_STAFF = STAFF
BRANCH = frozenset({"branch_other", "branch_same"})
B = frozenset({"bureau"})
NONE: frozenset[str] = frozenset()
PDF = b"%PDF-1.4\n%matrix\n"

# Outcomes
OK, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 403, 404, 405
LOGIN = "login"  # 302 to the site login
ADMIN_LOGIN = "admin_login"  # 302 to the admin login


@dataclass(frozen=True)
class ModelRule:
    """Who gets what on one model's admin pages. ``sample`` names the object the
    change/delete/history pages are opened for (an object of enterprise A, or reference data)."""

    sample: str
    changelist: frozenset[str]
    add: frozenset[str]
    change: frozenset[str]  # the change page opens (200), read-only or not
    delete: frozenset[str]
    hidden: frozenset[str] = field(default=NONE)  # the object is outside their scope: 404


# Reference data: every kind of staff reads it; bureau staff maintain it.
REFERENCE = dict(changelist=ALL_STAFF, add=B, change=ALL_STAFF, delete=B)
# Enterprise A's records: branch staff of another office must not learn they exist.
OF_A = dict(changelist=ALL_STAFF, change=ALL_STAFF - {"branch_other"}, hidden=frozenset({"branch_other"}))

MODEL_RULES = {
    models.BranchOffice: ModelRule("office_a", **REFERENCE),
    models.Industry: ModelRule("industry", **REFERENCE),
    models.Standard: ModelRule("standard", changelist=ALL_STAFF, add=B | BRANCH, change=ALL_STAFF, delete=B),
    # A published scheme is never deleted (it counts), not even by bureau staff.
    models.TechnicalScheme: ModelRule("scheme", changelist=ALL_STAFF, add=B, change=ALL_STAFF, delete=NONE),
    # The sample scheme is published: its benchmarks and indicators are fixed, not even deletable.
    models.SchemeBenchmark: ModelRule("scheme_benchmark", **{**REFERENCE, "delete": NONE}),
    models.Indicator: ModelRule("indicator", **{**REFERENCE, "delete": NONE}),
    models.IndicatorReferenceValue: ModelRule("reference_value", **{**REFERENCE, "delete": NONE}),
    models.Plan: ModelRule("plan", **REFERENCE),
    models.PlanQuota: ModelRule("quota", **REFERENCE),
    models.Enterprise: ModelRule("enterprise_a", add=B | BRANCH, delete=B, **OF_A),
    # A draft: the one status in which a declaration may be deleted, by bureau staff.
    models.Declaration: ModelRule("declaration_a", add=B | BRANCH, delete=B, **OF_A),
    # Written by services only: viewable, never added or deleted in the admin.
    models.DeclarationItem: ModelRule("item_a", add=NONE, delete=NONE, **OF_A),
    models.DeclarationEvidence: ModelRule("evidence_a", add=NONE, delete=NONE, **OF_A),
    models.DeclarationEvent: ModelRule("event_a", add=NONE, delete=NONE, **OF_A),
    # Enterprise A's quality records (docs/domain.md "Quality figures"): entered as its declarations are.
    models.ZhejiangMadeStandard: ModelRule(
        "zhejiang_made_a", add=B | BRANCH, delete=B | {"branch_same"}, **OF_A
    ),
    models.PinCertificate: ModelRule("pin_a", add=B | BRANCH, delete=B | {"branch_same"}, **OF_A),
    models.BeltRoadCertificate: ModelRule("belt_road_a", add=B | BRANCH, delete=B | {"branch_same"}, **OF_A),
    # Logins and their profiles are bureau staff's business alone.
    models.UserProfile: ModelRule("profile_a", changelist=B, add=B, change=B, delete=B, hidden=STAFF - B),
    # The national standard's list (loaded by a data migration): every kind of staff reads it,
    # nobody adds, edits or deletes it (the change page opens read-only).
    models.Region: ModelRule("region", changelist=ALL_STAFF, add=NONE, change=ALL_STAFF, delete=NONE),
    # API tokens: read by those who manage logins; made and revoked on the 接口令牌 pages only.
    models.ApiToken: ModelRule(
        "api_token_a", changelist=B, add=NONE, change=B, delete=NONE, hidden=STAFF - B
    ),
}


def _auth_rules():
    from django.contrib.auth import get_user_model

    return {
        get_user_model(): ModelRule("user_a", changelist=B, add=B, change=B, delete=NONE, hidden=STAFF - B),
        Group: ModelRule("group", changelist=B, add=NONE, change=B, delete=NONE),
    }


def _axes_rules():
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    # Login records (django-axes): bureau staff read them and unlock a login by deleting its
    # access attempt; nobody adds or edits them.
    return {
        AccessAttempt: ModelRule("access_attempt", changelist=B, add=NONE, change=B, delete=B),
        AccessFailureLog: ModelRule("access_failure", changelist=B, add=NONE, change=B, delete=NONE),
        AccessLog: ModelRule("access_log", changelist=B, add=NONE, change=B, delete=NONE),
    }


def all_rules():
    return {**MODEL_RULES, **_auth_rules(), **_axes_rules()}


def walk(patterns, namespace=""):
    """Every named URL pattern of the project as (full name, pattern)."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            # Unnamed patterns are keyed by their route, so they need a rule too.
            yield f"{namespace}{pattern.name or str(pattern.pattern)}", pattern


def admin_model_checks(world, model, rule, action):
    """(url, {role: expected}) for one per-model admin URL."""
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    obj = world["samples"][rule.sample]

    def staff_outcome(allowed, role):
        if role in rule.hidden and action not in {"changelist", "add"}:
            return NOT_FOUND
        return OK if role in allowed else FORBIDDEN

    allowed = {
        "changelist": rule.changelist,
        "add": rule.add,
        "change": rule.change,
        "history": rule.change,
        "simple_history": rule.change,
        "delete": rule.delete,
    }[action]
    args = [] if action in {"changelist", "add"} else [obj.pk]
    if action == "simple_history":  # one past version of the object
        args.append(obj.history.latest().history_id)
    url = reverse(f"{info}_{action}", args=args)
    expected = {role: (staff_outcome(allowed, role) if role in STAFF else ADMIN_LOGIN) for role in ROLES}
    return [(url, expected)]


def _everyone(outcome, anonymous=None, staff=None):
    expected = dict.fromkeys(ROLES, outcome)
    if anonymous is not None:
        expected["anonymous"] = anonymous
    if staff is not None:
        expected.update(dict.fromkeys(STAFF, staff))
    return expected


def _outside_admin(outcome):
    return {role: outcome for role in ROLES if role not in STAFF}


def _admin_only(staff_outcome=OK):
    return {role: (staff_outcome if role in STAFF else ADMIN_LOGIN) for role in ROLES}


def _staff_pages():
    """The site's staff pages: anonymous → login, enterprise users → 403, every kind of staff → 200."""
    return {
        "anonymous": LOGIN,
        "enterprise_a": FORBIDDEN,
        "enterprise_b": FORBIDDEN,
        **dict.fromkeys(STAFF, OK),
    }


def site_checks(world, name):
    """(url, {role: expected}) for the named non-model URLs. None: no rule (the test fails)."""
    samples = world["samples"]
    evidence_url = samples["evidence_a"].file.url
    rules = {
        # Enterprise users go straight on to their portal.
        "home": [(reverse("home"), {**_everyone(OK), "enterprise_a": 302, "enterprise_b": 302})],
        # Progress is for staff; enterprises are refused; branch staff see their own office's share.
        "progress-dashboard": [(reverse("progress-dashboard"), _staff_pages())],
        "progress-report": [(reverse("progress-report"), _staff_pages())],
        # The same report on paper (views/reports.py): scoped as the workbook.
        "progress-report-pdf": [(reverse("progress-report-pdf"), _staff_pages())],
        # A prefecture's or the province's roll-up: for staff above a county (tests/access/
        # test_region_matrix.py); a county's logins find no such page, not even their prefecture's.
        "region_dashboard": [
            (reverse("region_dashboard", args=["330700"]), {**_everyone(NOT_FOUND), "anonymous": LOGIN})
        ],
        # The yearly statistics workbook of the viewer's region: for those who read a whole county
        # or more; a branch office's staff have their office's share on the dashboard instead.
        "region-statistics": [
            (
                reverse("region-statistics") + "?year=2025",
                {**_staff_pages(), **dict.fromkeys(BRANCH | {"enterprise_a", "enterprise_b"}, NOT_FOUND)},
            )
        ],
        # The lists and their exports: staff only; each shows only the rows the user may see.
        **{
            f"{kind}-list": [(reverse(f"{kind}-list") + "?counted_on=2024-06-30", _staff_pages())]
            for kind in ("scheme", "enterprise", "declaration")
        },
        **{
            f"{kind}-export": [
                (reverse(f"{kind}-export", args=[fmt]), _staff_pages()) for fmt in ("xlsx", "csv")
            ]
            for kind in ("scheme", "enterprise", "declaration")
        },
        # Schemes to revise: a staff page; starting a revision is a POST for bureau staff only.
        "scheme-revision-worklist": [(reverse("scheme-revision-worklist"), _staff_pages())],
        "scheme-revision-start": [
            (
                reverse("scheme-revision-start", args=[samples["scheme"].pk]),
                {**_staff_pages(), **dict.fromkeys(STAFF, FORBIDDEN), "bureau": NOT_ALLOWED},
            )
        ],
        # One enterprise's page: staff in scope and its own users; anyone else's is not there.
        "enterprise-detail": [
            (
                reverse("enterprise-detail", args=[samples["enterprise_a"].pk]),
                {**_staff_pages(), "enterprise_a": OK, "enterprise_b": NOT_FOUND, "branch_other": NOT_FOUND},
            )
        ],
        "protected-file": [
            (
                evidence_url,
                {
                    "anonymous": LOGIN,
                    "enterprise_a": OK,
                    "enterprise_b": NOT_FOUND,
                    "branch_other": NOT_FOUND,
                    "branch_same": OK,
                    "manager": OK,
                    "bureau": OK,
                },
            ),
            # A file that no record owns looks exactly like another's: 404.
            ("/files/evidence/none.pdf", {**_everyone(NOT_FOUND), "anonymous": LOGIN}),
        ],
        "login": [(reverse("login"), _everyone(OK))],
        "logout": [(reverse("logout"), _everyone(NOT_ALLOWED))],  # logging out is a POST
        "password_change": [(reverse("password_change"), _everyone(OK, anonymous=LOGIN))],
        "password_change_done": [(reverse("password_change_done"), _everyone(OK, anonymous=LOGIN))],
        "password_reset": [(reverse("password_reset"), _everyone(OK))],
        "password_reset_done": [(reverse("password_reset_done"), _everyone(OK))],
        "password_reset_confirm": [
            (reverse("password_reset_confirm", args=["MQ", "bad-token"]), _everyone(OK))
        ],
        "password_reset_complete": [(reverse("password_reset_complete"), _everyone(OK))],
        "admin:index": [(reverse("admin:index"), _admin_only())],
        # The admin login page: staff who are logged in go straight on to the index.
        "admin:login": [(reverse("admin:login"), {**_everyone(OK), **dict.fromkeys(STAFF, 302)})],
        # Logging out is a POST; someone not in the admin is sent to its index (and so to its login).
        "admin:logout": [(reverse("admin:logout"), {**_admin_only(NOT_ALLOWED), **_outside_admin(302)})],
        "admin:password_change": [(reverse("admin:password_change"), _admin_only())],
        "admin:password_change_done": [(reverse("admin:password_change_done"), _admin_only())],
        "admin:jsi18n": [(reverse("admin:jsi18n"), _admin_only())],
        "admin:app_list": [
            (reverse("admin:app_list", args=["benchmarking"]), _admin_only()),
            # Only bureau staff have anything to do in the auth app.
            (reverse("admin:app_list", args=["auth"]), {**_admin_only(NOT_FOUND), "bureau": OK}),
        ],
        # Without a valid source field the autocomplete endpoint answers nobody.
        "admin:autocomplete": [(reverse("admin:autocomplete"), _admin_only(FORBIDDEN))],
        # The admin's bare object URL only redirects to the change page, which checks the scope.
        "admin:<path:object_id>/": [
            (
                reverse("admin:benchmarking_enterprise_changelist") + f"{samples['enterprise_a'].pk}/",
                _admin_only(302),
            )
        ],
        # Setting a password is bureau staff's; to other staff the user is not there.
        "admin:auth_user_password_change": [
            (
                reverse("admin:auth_user_password_change", args=[samples["user_a"].pk]),
                {**_admin_only(NOT_FOUND), "bureau": OK},
            )
        ],
        "admin:(?P<url>.*)$": [("/admin/no-such-page/", _admin_only(NOT_FOUND))],
        # Enterprises have no public page to jump to: the shortcut finds nothing.
        "admin:view_on_site": [
            (
                reverse(
                    "admin:view_on_site",
                    args=[_content_type_id(models.Enterprise), samples["enterprise_a"].pk],
                ),
                _admin_only(NOT_FOUND),
            ),
        ],
    }
    # Each area (accounts, bulk import, enterprise portal, public pages, review) keeps its
    # rules in its own module beside this one, in the same form.
    from tests.access import (
        matrix_accounts,
        matrix_api,
        matrix_api_tokens,
        matrix_exports,
        matrix_imports,
        matrix_portal,
        matrix_public,
        matrix_quality,
        matrix_reminders,
        matrix_review,
    )

    for area in (
        matrix_accounts,
        matrix_api,
        matrix_api_tokens,
        matrix_exports,
        matrix_imports,
        matrix_portal,
        matrix_public,
        matrix_quality,
        matrix_reminders,
        matrix_review,
    ):
        rules.update(area.checks(world))
    return rules.get(name)


def _content_type_id(model):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model).pk


def outcome_of(response):
    if response.status_code == 302:
        location = response.url
        if location.startswith(reverse("admin:login")):
            return ADMIN_LOGIN
        if location.startswith(reverse("login")):
            return LOGIN
        return 302
    return response.status_code


def checks_for(world, name):
    """Every (url, expectations) for one URL name, or None when there is no rule for it."""
    from django.contrib import admin

    if name and name.startswith("admin:"):
        for model in admin.site._registry:
            prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
            if name.startswith(prefix):
                rule = all_rules().get(model)
                action = name[len(prefix) :]
                if action in {"changelist", "add", "change", "history", "simple_history", "delete"}:
                    return admin_model_checks(world, model, rule, action) if rule else None
    return site_checks(world, name)


@pytest.mark.django_db
def test_every_url_for_every_role(client, world, capsys):
    from tests.access import matrix_api

    names = [name for name, _ in walk(get_resolver().url_patterns)]
    missing = [name for name in names if checks_for(world, name) is None]
    assert not missing, f"URL patterns without a permission rule: {missing}"

    failures, checked = [], 0
    for name in sorted(set(names)):
        for url, expected in checks_for(world, name):
            for role in ROLES:
                user = world["users"][role]
                client.logout()
                if url.startswith("/api/"):
                    # The API is reached by token only (tests/access/matrix_api.py).
                    got = outcome_of(client.get(url, **matrix_api.api_headers(world, role)))
                else:
                    if user is not None:
                        client.force_login(user)
                    got = outcome_of(client.get(url))
                checked += 1
                if got != expected[role]:
                    failures.append(f"{role:13} GET {url}: expected {expected[role]}, got {got}")
    with capsys.disabled():
        print(f"\npermission matrix: {checked} (URL, role) pairs checked over {len(set(names))} URL patterns")
    assert not failures, "\n".join(failures)
    assert checked >= 7 * len(set(names))


@pytest.mark.django_db
def test_manager_write_attempts_are_refused(client, world):
    """Managers read everything and change nothing: every add, change and delete POST is a 403."""
    from django.contrib import admin

    client.force_login(world["users"]["manager"])
    refused = 0
    for model, rule in all_rules().items():
        if model not in admin.site._registry:
            continue
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        obj = world["samples"][rule.sample]
        before = model._default_manager.count()
        for url in (
            reverse(f"{info}_add"),
            reverse(f"{info}_change", args=[obj.pk]),
            reverse(f"{info}_delete", args=[obj.pk]),
        ):
            response = client.post(url, {"post": "yes", "name": "改名"})
            # 403, or 404 where the record is not even visible to managers (user profiles).
            expected = NOT_FOUND if "manager" in rule.hidden and not url.endswith("/add/") else FORBIDDEN
            assert response.status_code == expected, (url, response.status_code)
            refused += 1
        assert model._default_manager.count() == before
    # Workflow actions are not offered to managers, and posting one changes nothing.
    declaration = world["samples"]["declaration_a"]
    client.post(
        reverse("admin:benchmarking_declaration_changelist"),
        {"action": "publish_selected", "_selected_action": [declaration.pk]},
    )
    declaration.refresh_from_db()
    assert declaration.status == "draft"
    assert refused == 3 * len([m for m in all_rules() if m in admin.site._registry])
