"""Permission-matrix rules for the lists behind the dashboard's 质量强市 figures (views/quality.py):
staff pages like the other lists (anonymous → login, enterprise users → 403, every kind of staff
→ 200); each lists only the records of the viewer's county and office
(tests/views/test_quality_section.py)."""

from django.urls import reverse


def checks(world) -> dict:
    from tests.access.test_permission_matrix import _staff_pages

    return {
        name: [
            (reverse(name) + "?as_of=2024-06-30", _staff_pages()),
            (reverse(name) + "?new=1", _staff_pages()),
        ]
        for name in ("quality-zhejiang-made", "quality-pin-enterprises", "quality-belt-road")
    }
