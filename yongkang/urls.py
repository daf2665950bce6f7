"""Root URLs: the admin for bureau data entry, authentication, and the app's pages."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("永康市对标达标工作台")
admin.site.site_title = _("对标达标工作台")
admin.site.index_title = _("数据录入与审核")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("benchmarking.urls")),
]

# A database outage met anywhere in a request (a middleware loading the session or the user,
# too) answers 503 "try again shortly"; every other unhandled error the site's 500 page.
handler500 = "benchmarking.outages.server_error"
