"""Permission-matrix rules for exports built in the background: {url name: [(url, {role: expected})]},
written out by hand in the form of test_permission_matrix.site_checks.

An export is its requester's alone: bureau staff's finished export opens for them (page, status,
file) and is a 404 for every other kind of staff, as a record outside their scope would be;
enterprise users get the staff pages' 403, the anonymous the login page. Everyone on the staff
has their own list of exports.
"""

from django.http import QueryDict
from django.urls import reverse


def _bureau_export(world):
    """A finished export of the enterprises list, asked for by bureau staff (jobs run at once in
    the suite). ``site_checks`` asks once per URL name: the one made by an earlier call is reused."""
    from benchmarking.models import ExportJob
    from benchmarking.services.exports import export_job_create

    bureau = world["users"]["bureau"]
    existing = ExportJob.objects.filter(user=bureau).first()
    if existing is not None:
        return existing
    return export_job_create(user=bureau, kind="enterprise", fmt="csv", query=QueryDict(""), rows_total=2)


def checks(world) -> dict:
    from tests.access.test_permission_matrix import FORBIDDEN, LOGIN, NOT_FOUND, OK, STAFF

    job = _bureau_export(world)
    owner_only = {
        "anonymous": LOGIN,
        "enterprise_a": FORBIDDEN,
        "enterprise_b": FORBIDDEN,
        **dict.fromkeys(STAFF - {"bureau"}, NOT_FOUND),
        "bureau": OK,
    }
    return {
        "export-jobs": [
            (
                reverse("export-jobs"),
                {
                    "anonymous": LOGIN,
                    "enterprise_a": FORBIDDEN,
                    "enterprise_b": FORBIDDEN,
                    **dict.fromkeys(STAFF, OK),
                },
            )
        ],
        **{
            name: [(reverse(name, args=[job.pk]), owner_only)]
            for name in ("export-job", "export-job-status", "export-job-download")
        },
    }
