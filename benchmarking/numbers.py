"""Numbers as people typed them: 85, not 85.000000; 0.01, not 0.010000; 100, not 1E+2.

The measured and benchmark values are stored with six decimal places (``DecimalField``), so
the database hands back 85.000000. Every page, form, admin column and export that shows one
goes through ``plain_decimal``; forms show their initial value through ``PlainDecimalField``.
The stored value is never changed.
"""

from decimal import Decimal

from django import forms


def plain_decimal(value: Decimal | None) -> str:
    """``value`` without trailing zeros and without an exponent; "" for no value."""
    if value is None:
        return ""
    # normalize() drops the trailing zeros but writes 100 as 1E+2; "f" writes it out again.
    # Stored values have at most 18 digits, well within normalize()'s 28-digit context.
    return format(value.normalize(), "f")


class PlainDecimalField(forms.DecimalField):
    """A form's decimal field whose initial value reads as typed (85, not 85.000000).
    What the user types back is parsed as by any DecimalField."""

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return plain_decimal(value)
        return super().prepare_value(value)
