"""Model fields that store one normalised form of what people type."""

from django import forms
from django.db import models

from ..validators import (
    normalize_credit_code,
    normalize_industry_code,
    normalize_reference_name,
    normalize_scheme_code,
    normalize_standard_number,
    validate_credit_code_format,
    validate_industry_code,
    validate_standard_number,
)


class NormalizedFormField(forms.CharField):
    """Form side: normalise before the length check, so a code pasted with spaces
    or full-width characters is judged by what will be stored."""

    def __init__(self, *args, normalizer, **kwargs):
        self.normalizer = normalizer
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return self.normalizer(value) if value else value


class _NormalizedCharField(models.CharField):
    """A CharField that normalises its value in ``to_python``, so ``full_clean``
    (and with it every model form and the unique check) sees the stored form."""

    normalizer = staticmethod(lambda value: value)

    def to_python(self, value):
        value = super().to_python(value)
        return self.normalizer(value) if value else value

    def formfield(self, **kwargs):
        # The model field checks the stored form's length; raw input may be longer (spaces).
        return super().formfield(
            **{"form_class": NormalizedFormField, "normalizer": self.normalizer, "max_length": None, **kwargs}
        )

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if value:
            value = self.normalizer(value)
            setattr(model_instance, self.attname, value)
        return value


class CreditCodeField(_NormalizedCharField):
    """统一社会信用代码: normalised, format-checked. The check character is
    verified by the model, where a staff override may apply."""

    normalizer = staticmethod(normalize_credit_code)
    default_validators = [validate_credit_code_format]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 18)
        super().__init__(*args, **kwargs)


class StandardNumberField(_NormalizedCharField):
    normalizer = staticmethod(normalize_standard_number)
    default_validators = [validate_standard_number]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 80)
        super().__init__(*args, **kwargs)


class IndustryCodeField(_NormalizedCharField):
    """GB/T 4754-2017 code: a 门类 letter and 0, 2, 3 or 4 digits."""

    normalizer = staticmethod(normalize_industry_code)
    default_validators = [validate_industry_code]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 5)
        super().__init__(*args, **kwargs)


class ReferenceNameField(_NormalizedCharField):
    """An alias of an office or industry, stored as it is compared (``normalize_reference_name``),
    so the database's unique constraint is uniqueness after normalising."""

    normalizer = staticmethod(normalize_reference_name)


class SchemeCodeField(_NormalizedCharField):
    """A technical scheme's code (方案编号), stored and matched as ``normalize_scheme_code``
    writes it, and its length counted on that form."""

    normalizer = staticmethod(normalize_scheme_code)
