"""Everything under /api/: analytics answers, sales recorded one at a time, session login and
tokens, workspaces, the audit trail, schema and docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from analytics.api.audit_views import AuditView
from analytics.api.records_views import SaleCreateView
from analytics.api.routes import both_spellings

urlpatterns = [
    path("analytics/", include("analytics.api.analytics_urls")),
    path("", include("analytics.api.account_urls")),
    path("", include("analytics.api.workspace_urls")),
    path("", include("alerts.urls")),
    path("", include("reports.urls")),
    path("", include("analytics.api.webhook_urls")),
    *both_spellings(
        [
            path("audit/", AuditView.as_view(), name="audit"),
            path("sales/", SaleCreateView.as_view(), name="sale-create"),
            path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
            path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
        ]
    ),
]
