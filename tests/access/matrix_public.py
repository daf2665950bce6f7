"""Permission-matrix rules for the public pages: {url name: [(url, {role: expected})]},
written out by hand in the form of test_permission_matrix.site_checks.

The public pages need no login and answer every role alike: a published result is a 200
for everyone; anything else (the world's draft, an id that never existed) a 404 for everyone.
The liveness check /healthz/ is here too: no login, "ok" for everyone; and the readiness
check /readyz/, "ready" for everyone.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

# The published result made below: a product model no other part of the world uses.
PUBLISHED_MODEL = "PUBLIC-MATRIX-1"
PUBLISHED_AT = dt.datetime(2024, 6, 10, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


def _published(world):
    """A declaration of enterprise A, entered on paper and published by bureau staff.

    ``site_checks`` asks every area for its rules once per URL name, so this finds the one
    made by an earlier call instead of declaring the same product again.
    """
    from benchmarking.models import Declaration
    from benchmarking.services.declarations import declaration_create, declaration_publish

    samples = world["samples"]
    existing = Declaration.objects.filter(
        enterprise=samples["enterprise_a"], scheme=samples["scheme"], product_model=PUBLISHED_MODEL
    ).first()
    if existing is not None:
        return existing
    bureau = world["users"]["bureau"]
    declaration = declaration_create(
        actor=bureau,
        enterprise=samples["enterprise_a"],
        scheme=samples["scheme"],
        product_name="真空杯",
        product_model=PUBLISHED_MODEL,
        executed_standard=samples["standard"],
        # The scheme's one indicator: 13 against a benchmark of 12.
        values={samples["indicator"].pk: Decimal("13")},
        at=PUBLISHED_AT,
    )
    return declaration_publish(declaration=declaration, actor=bureau, at=PUBLISHED_AT)


def checks(world) -> dict:
    # Imported here: test_permission_matrix imports this module while it is being loaded.
    from django.urls import reverse

    from benchmarking.choices import DeclarationStatus
    from benchmarking.models import Declaration
    from tests.access.test_permission_matrix import NOT_FOUND, OK, ROLES

    def everyone(outcome):
        return dict.fromkeys(ROLES, outcome)

    published = _published(world)
    draft = world["samples"]["declaration_a"]
    # As stored, not as the world's copy last saw it: the rules below hold for a draft.
    assert Declaration.objects.get(pk=draft.pk).status == DeclarationStatus.DRAFT
    return {
        # The liveness check answers everyone alike, with no login (benchmarking/views/health.py).
        "healthz": [(reverse("healthz"), everyone(OK))],
        # So does the readiness check: the probe has no login, and it says nothing secret.
        "readyz": [(reverse("readyz"), everyone(OK))],
        # Browsers ask /favicon.ico on their own: everyone is sent to the static icon (yongkang/urls.py).
        "favicon": [(reverse("favicon"), everyone(302))],
        "public-results": [
            (reverse("public-results"), everyone(OK)),
            (reverse("public-results") + "?q=真空杯&grade=leading&sort=-published_at", everyone(OK)),
            # A bad filter value is explained on the page (200, an empty list), never a 500.
            (reverse("public-results") + "?industry=999999&published_from=yesterday", everyone(OK)),
        ],
        "public-result-detail": [
            (reverse("public-result-detail", args=[published.pk]), everyone(OK)),
            # A draft, even its own enterprise's or to bureau staff, is not public.
            (reverse("public-result-detail", args=[draft.pk]), everyone(NOT_FOUND)),
            (reverse("public-result-detail", args=[published.pk + 100000]), everyone(NOT_FOUND)),
        ],
        # Its PDF report (views/reports.py): exactly where the page is.
        "public-result-report": [
            (reverse("public-result-report", args=[published.pk]), everyone(OK)),
            (reverse("public-result-report", args=[draft.pk]), everyone(NOT_FOUND)),
            (reverse("public-result-report", args=[published.pk + 100000]), everyone(NOT_FOUND)),
        ],
    }
