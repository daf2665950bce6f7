"""The review pages' forms: the two decisions on a submitted declaration, publish (with an optional note) and return (with the
reason the enterprise must read).

The forms only check what was typed. Whether the move is allowed (status, role, scope, a
complete declaration) is the workflow service's call; the views show its WorkflowError
on the same form.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

# Long enough for a paragraph of reasons; short enough that a pasted document is refused.
COMMENT_MAX_LENGTH = 2000


class PublishForm(forms.Form):
    """Publishing needs no reason; a note goes into the history and the enterprise's mail."""

    comment = forms.CharField(
        label=_("发布说明（可选）"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("将记入流转记录，并随发布通知发给企业。"),
    )

    def comment_text(self) -> str:
        return self.cleaned_data["comment"]


class ReturnForm(forms.Form):
    """Returning needs the reason: it is all the enterprise has to go on when it edits."""

    reason = forms.CharField(
        label=_("退回理由"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("请写明需要修改或补充的内容，企业将据此修改后重新提交。"),
        error_messages={"required": _("请填写退回理由。")},
    )

    def comment_text(self) -> str:
        return self.cleaned_data["reason"]
