"""URLs of the subscriptions API, included under /api/."""

from django.urls import path

from analytics.api.routes import both_spellings
from reports import views

urlpatterns = both_spellings(
    [
        path("subscriptions/", views.SubscriptionListView.as_view(), name="subscription-list"),
        path(
            "subscriptions/<int:subscription_id>/", views.SubscriptionDetailView.as_view(), name="subscription-detail"
        ),
        path(
            "subscriptions/<int:subscription_id>/send/", views.SubscriptionSendView.as_view(), name="subscription-send"
        ),
        path(
            "subscriptions/<int:subscription_id>/deliveries/",
            views.SubscriptionDeliveryListView.as_view(),
            name="subscription-deliveries",
        ),
        path(
            "subscriptions/<int:subscription_id>/deliveries/<int:delivery_id>/file/",
            views.SubscriptionDeliveryFileView.as_view(),
            name="subscription-delivery-file",
        ),
    ]
)
