"""The 提醒 page: the user's own reminder digests, newest first, marked read as they are shown,
and the switch for the digest mails (docs/domain.md "Reminders"). For every logged-in user;
nobody sees another's digests."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView

from ..access import profile_of
from ..selectors.reminders import digests_of
from ..services.digests import digests_mark_read, profile_set_receives_digests
from .mixins import ForgivingPaginationMixin

ON, OFF = "on", "off"


class DigestMailForm(forms.Form):
    receives_digests = forms.ChoiceField(
        label=gettext_lazy("提醒摘要邮件"),
        choices=[(ON, gettext_lazy("接收")), (OFF, gettext_lazy("不接收"))],
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("请选择是否接收提醒摘要邮件。"),
            "invalid_choice": gettext_lazy("提醒摘要邮件：请选择“接收”或“不接收”。"),
        },
    )


def _form_for(user) -> DigestMailForm:
    profile = profile_of(user)
    receives = profile is None or profile.receives_digests
    return DigestMailForm(initial={"receives_digests": ON if receives else OFF})


class ReminderListView(LoginRequiredMixin, ForgivingPaginationMixin, ListView):
    """提醒: each digest with its sections and their links; those shown are marked read."""

    template_name = "benchmarking/reminders/list.html"
    context_object_name = "digests"
    paginate_by = 10

    def get_queryset(self):
        return digests_of(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shown = list(context["digests"])
        # The page keeps showing which were new; the database has them read from now on.
        digests_mark_read(user=self.request.user, digest_ids=[d.pk for d in shown if d.read_at is None])
        return {**context, "digests": shown, "form": kwargs.get("form") or _form_for(self.request.user)}


class ReminderSettingsView(LoginRequiredMixin, View):
    """The switch for the digest mails (POST only)."""

    http_method_names = ["post"]

    def post(self, request):
        form = DigestMailForm(request.POST)
        if not form.is_valid():
            for error in form.errors.get("receives_digests", []):
                messages.error(request, error)
            return redirect("reminders")
        receives = form.cleaned_data["receives_digests"] == ON
        profile_set_receives_digests(user=request.user, receives=receives)
        messages.success(
            request,
            _("已开启提醒摘要邮件。") if receives else _("已关闭提醒摘要邮件，站内“提醒”页面仍会显示提醒。"),
        )
        return redirect("reminders")
