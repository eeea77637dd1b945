"""URLs of the current workspace's webhooks and their deliveries, included under /api/."""

from django.urls import path

from analytics.api import webhook_views as views
from analytics.api.routes import both_spellings

urlpatterns = both_spellings(
    [
        path("webhooks/", views.WebhookListView.as_view(), name="webhook-list"),
        path("webhooks/events/", views.WebhookEventsView.as_view(), name="webhook-events"),
        path("webhooks/<int:webhook_id>/", views.WebhookDetailView.as_view(), name="webhook-detail"),
        path("webhooks/<int:webhook_id>/deliveries/", views.DeliveryListView.as_view(), name="webhook-deliveries"),
        path("webhooks/<int:webhook_id>/test/", views.WebhookTestView.as_view(), name="webhook-test"),
        path(
            "webhooks/<int:webhook_id>/deliveries/<int:delivery_id>/redeliver/",
            views.RedeliverView.as_view(),
            name="webhook-redeliver",
        ),
    ]
)
