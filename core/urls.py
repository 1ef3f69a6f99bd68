"""API URLs of core: the OpenAPI schema and its browsable docs, included under /api/v1/ by config/urls.py."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

# What ReDoc needs beyond the site's policy, on its page only: it styles itself with inline
# <style> elements and style attributes (styled-components), and runs its search in a worker
# made from a blob: URL. Its script is a static file and it fetches the schema from 'self'.
REDOC_CSP = {"style-src": [UNSAFE_INLINE], "worker-src": ["blob:"]}

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path(
        "redoc/",
        csp_update(REDOC_CSP)(SpectacularRedocView.as_view(url_name="api:schema", template_name="core/redoc.html")),
        name="redoc",
    ),
]
