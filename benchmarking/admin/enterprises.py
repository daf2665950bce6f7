from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..access import branch_office_id_of, is_branch_office_staff, may_manage_accounts
from ..forms.errors import add_service_error
from ..models import BranchOffice, Enterprise
from ..people import full_name
from ..selectors.regions import enterprise_region_code
from ..services.accounts import enterprise_account_create, enterprise_account_invite
from ..validators import credit_code_region_note, normalize_credit_code
from .base import HistoryAdmin, ScopedAdminMixin, ServiceErrorsAsMessagesMixin, VersionedModelForm
from .quality import ENTERPRISE_INLINES
from .regions import CountyRegionAdminMixin


class EnterpriseAccountForm(forms.Form):
    """A new enterprise login. Only the shape is checked here; the service judges the content
    (a username taken in any letter case, a usable address), so its sentences are the ones shown."""

    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        help_text=_("企业用户登录时填写；可用字母、数字和 @ . + - _，不区分大小写地不能与已有用户重复。"),
    )
    first_name = forms.CharField(label=_("姓名"), max_length=150, required=False)
    email = forms.CharField(
        label=_("电子邮箱"),
        max_length=254,
        widget=forms.EmailInput,
        help_text=_("设置密码的邀请链接将发到这个地址。"),
    )


def _posted_pk(value: str) -> int | None:
    """The primary key a form posted, or None for anything that is not one (never an exception).

    Not ``str.isdigit``: it passes "²", which ``int`` then refuses. And ASCII only, as ``int``
    also reads other scripts' digits ("١٢" is 12), which no page of ours ever posts.
    """
    if not value.isascii():
        return None
    try:
        pk = int(value)
    except ValueError:
        return None
    return pk if pk > 0 else None


@admin.register(Enterprise)
class EnterpriseAdmin(CountyRegionAdminMixin, ScopedAdminMixin, ServiceErrorsAsMessagesMixin, HistoryAdmin):
    form = VersionedModelForm
    list_display = (
        "name",
        "credit_code",
        "branch_office",
        "industry",
        "contact_person",
        "phone",
        "zhejiang_made",
        "standard_leader",
        "updated_at",
    )
    # branch_office and industry columns.
    list_select_related = ("branch_office", "industry")
    list_filter = ("branch_office", "industry", "zhejiang_made", "standard_leader")
    # An office or industry typed as staff write it (方岩所, FY, 杯业) lists its enterprises.
    search_fields = (
        "name",
        "credit_code",
        "contact_person",
        "legal_representative",
        "=branch_office__name",
        "=branch_office__code",
        "=branch_office__aliases__name",
        "=industry__name",
        "=industry__aliases__name",
    )
    # region: staff correct the county the credit code gave (one of 90, so searched).
    autocomplete_fields = ("industry", "region")
    date_hierarchy = "created_at"
    readonly_fields = ("credit_code_override_by_name", "created_at", "updated_at")
    # Its 浙江制造 standards and certificates, listed; each is entered in its own admin.
    inlines = ENTERPRISE_INLINES

    def get_inline_instances(self, request, obj=None):
        # The lists are for reading: a save posts no formset for them and needs none.
        if request.method == "POST":
            return []
        return super().get_inline_instances(request, obj)

    fieldsets = (
        (None, {"fields": ("name", "credit_code", "region", "branch_office", "industry", "seen_version")}),
        (_("联系方式"), {"fields": ("address", "legal_representative", "contact_person", "phone", "email")}),
        (_("浙江省品牌与标准"), {"fields": ("zhejiang_made", "standard_leader")}),
        (
            _("代码校验例外（仅工作人员）"),
            {
                "classes": ("collapse",),
                "fields": ("credit_code_override_reason", "credit_code_override_by_name"),
            },
        ),
        (_("记录"), {"fields": ("created_at", "updated_at")}),
    )

    @admin.display(description=_("例外确认人"))
    def credit_code_override_by_name(self, obj):
        return full_name(obj.credit_code_override_by) or "—"

    def get_search_results(self, request, queryset, search_term):
        # A pasted code with spaces or full-width characters still finds its enterprise.
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        normalized = normalize_credit_code(search_term)
        if normalized and normalized != search_term and len(normalized) >= 4:
            results |= queryset.filter(credit_code__icontains=normalized)
        return results, may_have_duplicates

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Branch-office staff register enterprises in their own office only.
        if db_field.name == "branch_office" and is_branch_office_staff(request.user):
            kwargs["queryset"] = BranchOffice.objects.filter(pk=branch_office_id_of(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # The override is a staff decision: record who made it, and clear it when the reason goes.
        if obj.credit_code_override_reason.strip():
            if "credit_code_override_reason" in form.changed_data or "credit_code" in form.changed_data:
                obj.credit_code_override_by = request.user
        else:
            obj.credit_code_override_by = None
        super().save_model(request, obj, form, change)

    def get_changeform_initial_data(self, request):
        # A new enterprise's county is offered empty: left so, its credit code's county is taken.
        return {**super().get_changeform_initial_data(request), "region": None}

    def region_when_left_empty(self, obj) -> str:
        # Model validation has already chosen it (Enterprise._clean_region); this is its rule again.
        return enterprise_region_code(obj.credit_code, otherwise=obj.branch_office.region_id)

    # -- enterprise logins (开通企业账号) --

    def get_urls(self):
        # Before the admin's own patterns: its "<path:object_id>/" would swallow this one.
        return [
            path(
                "<path:object_id>/account/",
                self.admin_site.admin_view(self.account_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_account",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The object-tools link to the logins page, for those who may open it.
        context["may_open_accounts"] = change and may_manage_accounts(request.user)
        # An enterprise registered outside Yongkang is accepted; staff see it said on its page.
        context["region_note"] = credit_code_region_note(obj.credit_code) if obj is not None else ""
        return super().render_change_form(request, context, add, change, form_url, obj)

    def account_view(self, request, object_id):
        """The enterprise's logins, a form opening a new one, and a resend button per login."""
        # Scope first: to whom the enterprise is out of sight, it is not there (404), not forbidden.
        enterprise = self.get_object(request, unquote(object_id))
        if not may_manage_accounts(request.user):
            raise PermissionDenied
        logins = get_user_model().objects.filter(profile__enterprise=enterprise).order_by("username")
        form = EnterpriseAccountForm(initial={"email": enterprise.email})
        if request.method == "POST" and "resend" in request.POST:
            self._resend_invitation(request, logins, request.POST["resend"])
            return HttpResponseRedirect(request.path)
        if request.method == "POST":
            form = EnterpriseAccountForm(request.POST)
            if form.is_valid():
                try:
                    user = enterprise_account_create(
                        enterprise=enterprise,
                        actor=request.user,
                        username=form.cleaned_data["username"],
                        email=form.cleaned_data["email"],
                        full_name=form.cleaned_data["first_name"],
                    )
                except ValidationError as error:
                    add_service_error(form, error)
                else:
                    self.message_user(
                        request,
                        gettext(
                            "已开通企业账号“%(username)s”，设置密码的邀请邮件已发往 %(email)s。"
                            "如对方未收到，可在下方重新发送。"
                        )
                        % {"username": user.username, "email": user.email},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("开通企业账号：%(name)s") % {"name": enterprise.name},
            "opts": self.opts,
            "original": enterprise,
            "logins": logins,
            "form": form,
        }
        return TemplateResponse(request, "admin/benchmarking/enterprise/account.html", context)

    def _resend_invitation(self, request, logins, user_id: str) -> None:
        # Only this enterprise's logins: a tampered id finds nobody.
        pk = _posted_pk(user_id)
        user = logins.filter(pk=pk).first() if pk is not None else None
        if user is None:
            self.message_user(request, gettext("该企业没有这个账号，请刷新页面后重试。"), messages.ERROR)
            return
        try:
            sent = enterprise_account_invite(user=user, actor=request.user)
        except ValidationError as error:
            self.message_user(request, "；".join(error.messages), messages.ERROR)
        else:
            if sent:
                message = gettext("已向 %(email)s 重新发送设置密码的邀请邮件。") % {"email": user.email}
                self.message_user(request, message, messages.SUCCESS)
            else:
                message = gettext("邀请邮件未能发出，请检查邮件服务器设置后重试。")
                self.message_user(request, message, messages.ERROR)
