from django.urls import path

from .views import api_tokens, exports, portal, public, reports, review
from .views.dashboard import DashboardView, DashboardWorkbookView
from .views.enterprises import EnterpriseDetailView
from .views.files import protected_file
from .views.health import healthz, readyz
from .views.home import HomeView
from .views.imports import (
    ImportConfirmView,
    ImportIndexView,
    ImportProblemRowsView,
    ImportTemplateView,
    ImportUploadView,
)
from .views.lists import (
    DeclarationExportView,
    DeclarationListView,
    EnterpriseExportView,
    EnterpriseListView,
    SchemeExportView,
    SchemeListView,
)
from .views.quality import BeltRoadListView, PinEnterpriseListView, ZhejiangMadeListView
from .views.reminders import ReminderListView, ReminderSettingsView
from .views.revisions import RevisionWorklistView, StartRevisionView
from .views.rollup import RegionDashboardView, RegionStatisticsView

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("progress/", DashboardView.as_view(), name="progress-dashboard"),
    path("progress/report.xlsx", DashboardWorkbookView.as_view(), name="progress-report"),
    # -- reports on paper (benchmarking/views/reports.py) --
    path("progress/report.pdf", reports.ProgressReportView.as_view(), name="progress-report-pdf"),
    # -- roll-ups of a prefecture and the province, statistics by month (views/rollup.py) --
    path("regions/<str:code>/", RegionDashboardView.as_view(), name="region_dashboard"),
    path("regions/statistics.xlsx", RegionStatisticsView.as_view(), name="region-statistics"),
    # -- lists and their exports (benchmarking/views/lists.py) --
    # fmt is "xlsx" or "csv"; the view answers any other with a 404.
    path("schemes/", SchemeListView.as_view(), name="scheme-list"),
    path("schemes/export.<str:fmt>", SchemeExportView.as_view(), name="scheme-export"),
    # -- schemes to revise, and starting a revision (benchmarking/views/revisions.py) --
    path("schemes/needing-revision/", RevisionWorklistView.as_view(), name="scheme-revision-worklist"),
    path("schemes/<int:pk>/revise/", StartRevisionView.as_view(), name="scheme-revision-start"),
    path("enterprises/", EnterpriseListView.as_view(), name="enterprise-list"),
    path("enterprises/export.<str:fmt>", EnterpriseExportView.as_view(), name="enterprise-export"),
    # One enterprise's page (benchmarking/views/enterprises.py): staff in scope, its own users.
    path("enterprises/<int:pk>/", EnterpriseDetailView.as_view(), name="enterprise-detail"),
    # Its logins' API tokens, for the staff who keep its records (benchmarking/views/api_tokens.py).
    path(
        "enterprises/<int:pk>/api-tokens/",
        api_tokens.EnterpriseApiTokenListView.as_view(),
        name="enterprise-api-tokens",
    ),
    path(
        "enterprises/<int:pk>/api-tokens/<int:token_pk>/revoke/",
        api_tokens.EnterpriseApiTokenRevokeView.as_view(),
        name="enterprise-api-token-revoke",
    ),
    path("declarations/", DeclarationListView.as_view(), name="declaration-list"),
    path("declarations/export.<str:fmt>", DeclarationExportView.as_view(), name="declaration-export"),
    # The records behind the dashboard's 质量强市 figures (views/quality.py).
    path("quality/zhejiang-made/", ZhejiangMadeListView.as_view(), name="quality-zhejiang-made"),
    path("quality/pin-certificates/", PinEnterpriseListView.as_view(), name="quality-pin-enterprises"),
    path("quality/belt-road/", BeltRoadListView.as_view(), name="quality-belt-road"),
    # -- exports built in the background, for the user who asked (benchmarking/views/exports.py) --
    path("exports/", exports.ExportJobListView.as_view(), name="export-jobs"),
    path("exports/<int:pk>/", exports.ExportJobView.as_view(), name="export-job"),
    path("exports/<int:pk>/status.json", exports.ExportJobStatusView.as_view(), name="export-job-status"),
    path("exports/<int:pk>/download/", exports.ExportJobDownloadView.as_view(), name="export-job-download"),
    # -- 提醒: the user's own reminder digests and the mail switch (benchmarking/views/reminders.py) --
    path("reminders/", ReminderListView.as_view(), name="reminders"),
    path("reminders/settings/", ReminderSettingsView.as_view(), name="reminders-settings"),
    # -- 接口令牌: the user's own API tokens, made and revoked (benchmarking/views/api_tokens.py) --
    path("account/api-tokens/", api_tokens.ApiTokenListView.as_view(), name="api-tokens"),
    path(
        "account/api-tokens/<int:pk>/revoke/",
        api_tokens.ApiTokenRevokeView.as_view(),
        name="api-token-revoke",
    ),
    # -- the enterprise portal (benchmarking/views/portal.py) --
    path("portal/", portal.PortalHomeView.as_view(), name="portal-home"),
    path("portal/new/", portal.SchemeChoiceView.as_view(), name="portal-scheme-choose"),
    path(
        "portal/new/<int:scheme_pk>/",
        portal.DeclarationCreateView.as_view(),
        name="portal-declaration-create",
    ),
    path(
        "portal/declarations/<int:pk>/",
        portal.DeclarationDetailView.as_view(),
        name="portal-declaration-detail",
    ),
    path(
        "portal/declarations/<int:pk>/report.pdf",
        reports.PortalResultReportView.as_view(),
        name="portal-declaration-report",
    ),
    path(
        "portal/declarations/<int:pk>/edit/",
        portal.DeclarationEditView.as_view(),
        name="portal-declaration-edit",
    ),
    path(
        "portal/declarations/<int:pk>/submit/",
        portal.DeclarationSubmitView.as_view(),
        name="portal-declaration-submit",
    ),
    path(
        "portal/declarations/<int:pk>/declare-again/",
        portal.DeclarationDeclareAgainView.as_view(),
        name="portal-declaration-declare-again",
    ),
    # -- the review queue for bureau and branch-office staff (benchmarking/views/review.py) --
    path("review/", review.ReviewQueueView.as_view(), name="review-queue"),
    path("review/<int:pk>/", review.ReviewDetailView.as_view(), name="review-detail"),
    path("review/<int:pk>/publish/", review.ReviewPublishView.as_view(), name="review-publish"),
    path("review/<int:pk>/return/", review.ReviewReturnView.as_view(), name="review-return"),
    # -- public disclosure, no login (benchmarking/views/public.py) --
    path("public/results/", public.PublicResultListView.as_view(), name="public-results"),
    path("public/results/<int:pk>/", public.PublicResultDetailView.as_view(), name="public-result-detail"),
    path(
        "public/results/<int:pk>/report.pdf",
        reports.PublicResultReportView.as_view(),
        name="public-result-report",
    ),
    path("files/<path:path>", protected_file, name="protected-file"),
    # Liveness check for load balancers and the container (benchmarking/views/health.py).
    path("healthz/", healthz, name="healthz"),
    # Readiness check: database, cache, job queue; 503 naming what is down (same module).
    path("readyz/", readyz, name="readyz"),
    # -- bulk import: template, upload and preview, confirm (benchmarking/views/imports.py) --
    # kind is a key of benchmarking.imports.kinds(); the views answer any other with a 404.
    path("imports/", ImportIndexView.as_view(), name="imports"),
    path("imports/<str:kind>/template.xlsx", ImportTemplateView.as_view(), name="import-template"),
    path("imports/<str:kind>/", ImportUploadView.as_view(), name="import-upload"),
    path("imports/<str:kind>/confirm/", ImportConfirmView.as_view(), name="import-confirm"),
    path("imports/<str:kind>/problem-rows.xlsx", ImportProblemRowsView.as_view(), name="import-problem-rows"),
]
