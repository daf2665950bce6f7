"""/api/v1/: the schema, its documentation pages, and the three parts of the API."""

from csp.decorators import csp_update
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

SWAGGER_STYLE_HASH = "'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Split: the page's start-up script is a file of its own, which the Content-Security-Policy
    # (script-src 'self', no inline scripts) lets run.
    path(
        "docs/",
        # Swagger UI sets one style attribute of its own; the site's policy allows it by its hash,
        # on this page only.
        csp_update({"style-src": [SWAGGER_STYLE_HASH]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
    # (No Redoc: its page loads Google's fonts, which neither the CSP nor an offline network allows.)
    path("public/", include("benchmarking.api.public")),
    path("staff/", include("benchmarking.api.staff")),
    path("enterprise/", include("benchmarking.api.enterprise")),
    # Anything else under /api/ is a JSON 404, not the site's HTML page.
    re_path(r"^[\s\S]*$", views.not_found, name="api-not-found"),
]
