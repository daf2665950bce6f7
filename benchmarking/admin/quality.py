"""Admin entry of the quality records (docs/domain.md "Quality figures"): 浙江制造 standards with
their drafting enterprises, 品字标 and 一带一路 certificates; and their read-only lists on an
enterprise's page.

Who may do what is asked of ``access`` by capability, not of Django's model permissions: the
role groups were given their permissions by migrations that predate these models, and the
capability is the rule those permissions mirror (``may_read_staff_pages`` reads,
``may_enter_records`` writes); which rows is ``scoping``'s, as for every enterprise-owned record.
"""

from django import forms
from django.contrib import admin
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..access import may_enter_records, may_read_staff_pages
from ..choices import DrafterRole
from ..models import BeltRoadCertificate, PinCertificate, ZhejiangMadeDrafter, ZhejiangMadeStandard
from ..scoping import editable_by
from ..selectors.enterprise_page import expires_soon
from .base import HistoryAdmin, NoPerRowQueriesFormSet, ScopedAdminMixin, ServiceErrorsAsMessagesMixin


class CapabilityPermissionsMixin:
    """The admin's permission questions answered by the capabilities (see the module's note)."""

    def has_module_permission(self, request):
        return may_read_staff_pages(request.user)

    def has_view_permission(self, request, obj=None):
        return may_read_staff_pages(request.user)

    def has_add_permission(self, request, *args):
        return may_enter_records(request.user)

    def has_change_permission(self, request, obj=None):
        return may_enter_records(request.user)

    def has_delete_permission(self, request, obj=None):
        return may_enter_records(request.user)


# -- 浙江制造 standards ------------------------------------------------------------------------


class DrafterFormSet(NoPerRowQueriesFormSet):
    """A standard's drafting enterprises: exactly one lead (主导), said beside the role field."""

    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return
        leads = [
            form
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("role") == DrafterRole.LEAD
        ]
        for form in leads[1:]:
            form.add_error("role", _("每项“浙江制造”标准只有一家主导企业，请把其余企业改为“参与”。"))
        if not leads:
            raise forms.ValidationError(_("请填写主导企业：每项“浙江制造”标准须有一家主导企业。"))


class ZhejiangMadeDrafterInline(admin.TabularInline):
    model = ZhejiangMadeDrafter
    formset = DrafterFormSet
    fields = ("enterprise", "role")
    autocomplete_fields = ("enterprise",)
    extra = 0
    min_num = 1

    def get_queryset(self, request):
        # The enterprise field of each row names its enterprise.
        return super().get_queryset(request).select_related("enterprise")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A drafter is an enterprise the user may change, as on every enterprise-owned record.
        if db_field.name == "enterprise":
            kwargs["queryset"] = editable_by(request.user, db_field.related_model)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_view_permission(self, request, obj=None):
        return may_read_staff_pages(request.user)

    def _may_write(self, request, obj) -> bool:
        standard_admin = self.admin_site._registry[ZhejiangMadeStandard]
        return may_enter_records(request.user) and (obj is None or standard_admin._may_change(request, obj))

    def has_add_permission(self, request, obj=None):
        return self._may_write(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_write(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_write(request, obj)


@admin.register(ZhejiangMadeStandard)
class ZhejiangMadeStandardAdmin(
    ScopedAdminMixin, CapabilityPermissionsMixin, ServiceErrorsAsMessagesMixin, HistoryAdmin
):
    list_display = ("title", "number", "stage", "lead_enterprise", "approved_on", "published_on")
    list_display_links = ("title",)
    list_filter = ("stage", "drafters__enterprise__branch_office")
    search_fields = (
        "number",
        "title",
        "drafters__enterprise__name",
        "=drafters__enterprise__credit_code",
    )
    date_hierarchy = "published_on"
    fields = ("title", "number", "stage", "approved_on", "published_on")
    inlines = (ZhejiangMadeDrafterInline,)

    def get_queryset(self, request):
        # The 主导企业 column: every standard's drafters and their enterprises in one query.
        drafters = ZhejiangMadeDrafter.objects.select_related("enterprise")
        return super().get_queryset(request).prefetch_related(Prefetch("drafters", queryset=drafters))

    @admin.display(description=_("主导企业"))
    def lead_enterprise(self, standard):
        leads = [d.enterprise.name for d in standard.drafters.all() if d.role == DrafterRole.LEAD]
        return leads[0] if leads else "—"


# -- certificates ------------------------------------------------------------------------------


class CertificateAdmin(
    ScopedAdminMixin, CapabilityPermissionsMixin, ServiceErrorsAsMessagesMixin, HistoryAdmin
):
    list_display = ("number", "enterprise", "product", "issued_on", "expiry", "status")
    # The 企业 column.
    list_select_related = ("enterprise",)
    list_filter = ("status", "enterprise__branch_office")
    search_fields = ("number", "product", "enterprise__name", "=enterprise__credit_code")
    autocomplete_fields = ("enterprise",)
    date_hierarchy = "issued_on"

    @admin.display(description=_("有效期至"), ordering="expires_on")
    def expiry(self, certificate):
        if certificate.expires_on is None:
            return "—"
        if expires_soon(certificate, timezone.localdate()):
            return format_html('<strong title="{}">{} ⚠</strong>', _("即将到期"), certificate.expires_on)
        return certificate.expires_on


@admin.register(PinCertificate)
class PinCertificateAdmin(CertificateAdmin):
    fields = ("enterprise", "number", "product", "issued_on", "expires_on", "status")


@admin.register(BeltRoadCertificate)
class BeltRoadCertificateAdmin(CertificateAdmin):
    list_display = (*CertificateAdmin.list_display, "market")
    search_fields = (*CertificateAdmin.search_fields, "market")
    fields = ("enterprise", "number", "product", "market", "issued_on", "expires_on", "status")


# -- on the enterprise's own admin page: its records, listed, each opened in its own admin ----


class ReadOnlyListInline(admin.TabularInline):
    """An enterprise's records of one kind, for reading on its page; each is changed on its own."""

    extra = 0
    can_delete = False
    show_change_link = True

    def has_view_permission(self, request, obj=None):
        return may_read_staff_pages(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EnterprisePinCertificateInline(ReadOnlyListInline):
    model = PinCertificate
    fields = readonly_fields = ("number", "product", "issued_on", "expires_on", "status")


class EnterpriseBeltRoadCertificateInline(ReadOnlyListInline):
    model = BeltRoadCertificate
    fields = readonly_fields = ("number", "product", "market", "issued_on", "expires_on", "status")


class EnterpriseZhejiangMadeInline(ReadOnlyListInline):
    model = ZhejiangMadeDrafter
    verbose_name = _("参与起草的“浙江制造”标准")
    verbose_name_plural = _("参与起草的“浙江制造”标准")
    fields = readonly_fields = ("standard_link", "stage", "role", "published_on")
    show_change_link = False  # the row is the drafter; the link opens the standard

    def get_queryset(self, request):
        # The 标准, 阶段 and 发布日期 columns.
        return super().get_queryset(request).select_related("standard")

    @admin.display(description=_("“浙江制造”标准"))
    def standard_link(self, drafter):
        url = reverse("admin:benchmarking_zhejiangmadestandard_change", args=[drafter.standard_id])
        return format_html('<a href="{}">{}</a>', url, drafter.standard)

    @admin.display(description=_("阶段"))
    def stage(self, drafter):
        return drafter.standard.get_stage_display()

    @admin.display(description=_("发布日期"))
    def published_on(self, drafter):
        return drafter.standard.published_on or "—"


ENTERPRISE_INLINES = (
    EnterpriseZhejiangMadeInline,
    EnterprisePinCertificateInline,
    EnterpriseBeltRoadCertificateInline,
)
