"""Bulk import of the bureau's spreadsheets: enterprises, standards, technical schemes with
their indicators, declarations with their per-indicator values, and the quality records
(浙江制造 standards, 品字标 and 一带一路 certificates).

``kinds()`` returns every kind by the key used in URLs and on the command line;
``importable_kinds(user)`` those the user may import (``access.may_import`` decides).
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .engine import ImportKind


def kinds() -> dict:
    """Every importable kind, by key, in the order the import page lists them."""
    from .declarations import DeclarationImport
    from .enterprises import EnterpriseImport, StandardImport
    from .quality import BeltRoadCertificateImport, PinCertificateImport, ZhejiangMadeImport
    from .schemes import SchemeImport

    return {
        kind.key: kind
        for kind in (
            EnterpriseImport(),
            StandardImport(),
            SchemeImport(),
            DeclarationImport(),
            ZhejiangMadeImport(),
            PinCertificateImport(),
            BeltRoadCertificateImport(),
        )
    }


def importable_kinds(user) -> list["ImportKind"]:
    """The kinds this user may import, in the import page's order."""
    return [kind for kind in kinds().values() if kind.may_import(user)]
