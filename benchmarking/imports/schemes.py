"""Importing schemes (placeholder until built)."""

from .engine import ImportKind


class SchemeImport(ImportKind):
    key = "schemes"
    label = "schemes"

    def may_import(self, actor) -> bool:
        return False
