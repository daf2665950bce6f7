"""Root URLs: the admin for bureau data entry, authentication, and the app's pages."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from benchmarking.forms.accounts import SiteURLPasswordResetForm

admin.site.site_header = _("永康市对标达标工作台")
admin.site.site_title = _("对标达标工作台")
admin.site.index_title = _("数据录入与审核")

urlpatterns = [
    # Browsers and bookmark tools ask for /favicon.ico whatever a page links; the icon is an SVG in
    # static/. Lazy: the static file's (hashed, in production) address is known once settings load.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.svg")), name="favicon"),
    path("admin/", admin.site.urls),
    # Before Django's own: the forgotten-password mail links to SITE_URL, not to the request's Host.
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=SiteURLPasswordResetForm),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    # The open API, versioned by its path (benchmarking/api/).
    path("api/v1/", include("benchmarking.api.urls")),
    path("", include("benchmarking.urls")),
]

# A database outage met anywhere in a request (a middleware loading the session or the user,
# too) answers 503 "try again shortly"; every other unhandled error the site's 500 page.
handler500 = "benchmarking.outages.server_error"
