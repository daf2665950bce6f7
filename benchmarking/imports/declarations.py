"""Importing declarations (placeholder until built)."""

from .engine import ImportKind


class DeclarationImport(ImportKind):
    key = "declarations"
    label = "declarations"

    def may_import(self, actor) -> bool:
        return False
