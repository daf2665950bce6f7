"""The 接口令牌 pages' forms: what a new token is for and how long it lasts (and, for staff, whose
it is). The form only reads the input; ``services.api_tokens.api_token_create`` judges it, and
its refusals are put beside these fields (``forms.errors.add_service_error``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .. import people
from ..models import ApiToken
from ..services.api_tokens import TOKEN_VALID_DAYS

__all__ = ["ApiTokenCreateForm", "EnterpriseApiTokenCreateForm"]

DEFAULT_VALID_DAYS = 90


class ApiTokenCreateForm(forms.Form):
    # Not required here: an empty or over-long 用途 is the service's to refuse, in its words.
    name = forms.CharField(
        label=_("用途"),
        required=False,
        help_text=ApiToken._meta.get_field("name").help_text,
        widget=forms.TextInput(attrs={"maxlength": ApiToken._meta.get_field("name").max_length}),
    )
    # An integer, not a choice: which numbers of days are allowed is the service's rule
    # (TOKEN_VALID_DAYS), so a crafted value is refused there, with its sentence.
    valid_days = forms.IntegerField(
        label=_("有效期"),
        initial=DEFAULT_VALID_DAYS,
        widget=forms.Select(choices=[(days, f"{days} 天") for days in TOKEN_VALID_DAYS]),
        error_messages={"required": _("请选择有效期。"), "invalid": _("请选择有效期。")},
    )


class _AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        name = people.chinese_name(user)
        return f"{name}（{user.get_username()}）" if name else user.get_username()


class EnterpriseApiTokenCreateForm(ApiTokenCreateForm):
    """For staff: a token for one of the enterprise's logins (``users``)."""

    user = _AccountChoiceField(
        label=_("所属账号"),
        queryset=None,
        empty_label=None,
        error_messages={
            "required": _("请选择令牌所属的企业账号。"),
            "invalid_choice": _("所选账号不属于该企业，请重新选择。"),
        },
    )

    field_order = ["user", "name", "valid_days"]

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users
