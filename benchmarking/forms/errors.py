"""Showing a service's refusal on the form that asked for the change.

Services judge the content (``full_clean``, the workflow's rules) and say no with a
ValidationError; the form that collected the input shows that sentence as it shows its own.
"""

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError

__all__ = ["add_service_error"]


def add_service_error(
    form: forms.BaseForm, error: ValidationError, field_map: Mapping[str, str] | None = None
) -> None:
    """Add ``error`` to ``form``: each message of a per-field error beside the form field it
    names, and the rest above the form (non-field errors).

    ``field_map`` renames the service's (the model's) field names to the form's where they
    differ, e.g. ``{"executed_standard": "standard_number"}``. A name the form has no field
    for, after renaming, and an error with no field names at all go above the form, so no
    service sentence is lost and none makes ``form.add_error`` raise.
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    field_map = field_map or {}
    for field, errors in error.error_dict.items():
        target = field_map.get(field, field)
        form.add_error(target if target in form.fields else None, errors)
