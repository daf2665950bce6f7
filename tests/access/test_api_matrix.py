"""The open API's routes that write, for every role: tests/access/matrix_api.py lists them
with what each role gets (the GET routes are in the permission matrix itself)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from benchmarking.models import Declaration
from tests.access.matrix_api import api_headers, writes
from tests.access.test_permission_matrix import ROLES


def state(world) -> tuple[int, int, int]:
    """What a write could change: enterprise A's draft (its version), its evidence, the declarations."""
    declaration = Declaration.objects.get(pk=world["samples"]["declaration_a"].pk)
    return declaration.version, declaration.evidence.count(), Declaration.objects.count()


@pytest.mark.django_db
def test_api_writes_for_every_role(world):
    """Each role tries each write; roles are tried outsiders first, so that what enterprise A
    changes (the version, the evidence) cannot hide a wrong answer to anyone else."""
    failures = []
    order = [role for role in ROLES if role != "enterprise_a"] + ["enterprise_a"]
    for method, url, body, precondition, expected in writes(world):
        for role in order:
            before = state(world)
            extra = {"HTTP_IF_MATCH": f'"{before[0]}"'} if precondition else {}
            client = APIClient()
            if method == "post" and body is None:
                payload = {
                    "file": SimpleUploadedFile("检测报告.pdf", b"%PDF-1.4\n%matrix\n", "application/pdf")
                }
                response = client.post(url, payload, format="multipart", **api_headers(world, role), **extra)
            else:
                response = getattr(client, method)(
                    url, body, format="json", **api_headers(world, role), **extra
                )
            if response.status_code != expected[role]:
                failures.append(
                    f"{role:13} {method.upper()} {url}: expected {expected[role]}, got {response.status_code}"
                )
            if role != "enterprise_a" and state(world) != before:
                failures.append(f"{role:13} {method.upper()} {url}: changed something")
    assert not failures, "\n".join(failures)
