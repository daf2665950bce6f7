"""Bulk import of the bureau's spreadsheets (issue 6): enterprises, standards, technical
schemes with their indicators, and declarations with their per-indicator values.

``kinds()`` returns every kind by the key used in URLs and on the command line.
"""


def kinds() -> dict:
    """Every importable kind, by key, in the order the import page lists them."""
    from .declarations import DeclarationImport
    from .enterprises import EnterpriseImport, StandardImport
    from .schemes import SchemeImport

    return {
        kind.key: kind for kind in (EnterpriseImport(), StandardImport(), SchemeImport(), DeclarationImport())
    }
