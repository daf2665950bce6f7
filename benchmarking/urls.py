from django.urls import path

from .views.dashboard import DashboardView, DashboardWorkbookView
from .views.files import protected_file
from .views.home import HomeView
from .views.lists import (
    DeclarationExportView,
    DeclarationListView,
    EnterpriseExportView,
    EnterpriseListView,
    SchemeExportView,
    SchemeListView,
)

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("progress/", DashboardView.as_view(), name="progress-dashboard"),
    path("progress/report.xlsx", DashboardWorkbookView.as_view(), name="progress-report"),
    # -- lists and their exports (benchmarking/views/lists.py) --
    # fmt is "xlsx" or "csv"; the view answers any other with a 404.
    path("schemes/", SchemeListView.as_view(), name="scheme-list"),
    path("schemes/export.<str:fmt>", SchemeExportView.as_view(), name="scheme-export"),
    path("enterprises/", EnterpriseListView.as_view(), name="enterprise-list"),
    path("enterprises/export.<str:fmt>", EnterpriseExportView.as_view(), name="enterprise-export"),
    path("declarations/", DeclarationListView.as_view(), name="declaration-list"),
    path("declarations/export.<str:fmt>", DeclarationExportView.as_view(), name="declaration-export"),
    path("files/<path:path>", protected_file, name="protected-file"),
]
