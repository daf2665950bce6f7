"""The run's database: seed_demo data and the logins the clients use, all with one known password."""

from __future__ import annotations

import io
import os
import time
from dataclasses import dataclass

from benchmarks import harness
from benchmarks.load_faults import (
    DB_NAME,
    ENTERPRISE_CLIENTS,
    EXPORT_CLIENTS,
    PASSWORD,
    STAFF_CLIENTS,
    database_url,
)


@dataclass
class Setup:
    enterprise_users: list[str]
    staff_users: list[str]
    probe_user: str
    export_users: list[str]
    schemes: list[int]
    standards: list[str]
    seconds: float


def set_up(args) -> Setup:
    started = time.monotonic()
    # Forced, not a default: this process needs no secret key or collected static files.
    os.environ["DJANGO_DEBUG"] = "1"
    harness.setup_django(database_url(DB_NAME))
    harness.recreate_database(database_url(DB_NAME))
    from django.core.management import call_command
    from django.db import transaction

    from benchmarking.choices import Role, SchemeStatus
    from benchmarking.models import Enterprise, Standard, TechnicalScheme, UserProfile
    from benchmarking.services.accounts import enterprise_account_create

    harness.migrate()
    call_command("seed_demo", stdout=io.StringIO())
    if args.scale:
        # More declarations than an export answers at once: the full export is a background job.
        harness.load_scale_data(args.scale)
    export_names = [f"lf_export{i}" for i in range(EXPORT_CLIENTS)]
    staff_names = [f"lf_staff{i:02d}" for i in range(STAFF_CLIENTS)] + ["lf_probe", *export_names]
    with transaction.atomic():
        staff = []
        for name in staff_names:
            user = harness.role_user(
                name, Role.BUREAU_STAFF, first_name=name, is_staff=True, email=f"{name}@example.invalid"
            )
            user.set_password(PASSWORD)
            user.save()
            staff.append(user)
        # Enterprises nobody logs in for yet, so each client is the only user of its enterprise.
        with_login = UserProfile.objects.exclude(enterprise=None).values("enterprise_id")
        enterprises = list(Enterprise.objects.exclude(pk__in=with_login).order_by("pk")[:ENTERPRISE_CLIENTS])
        if len(enterprises) < ENTERPRISE_CLIENTS:
            raise SystemExit(f"only {len(enterprises)} enterprises without a login in the demo data")
        enterprise_names = []
        for i, enterprise in enumerate(enterprises):
            name = f"lf_ent{i:02d}"
            user = enterprise_account_create(
                enterprise=enterprise, actor=staff[0], username=name, email=f"{name}@example.invalid"
            )
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
            enterprise_names.append(name)
    schemes = list(
        TechnicalScheme.objects.filter(status=SchemeStatus.PUBLISHED, indicators__isnull=False)
        .distinct()
        .values_list("pk", flat=True)
    )
    standards = list(Standard.objects.order_by("pk").values_list("number", flat=True)[:40])
    if not schemes or not standards:
        raise SystemExit("the demo data has no published scheme or no standard")
    from django.db import connections

    connections.close_all()
    return Setup(
        enterprise_names,
        staff_names[:STAFF_CLIENTS],
        "lf_probe",
        export_names,
        schemes,
        standards,
        time.monotonic() - started,
    )
