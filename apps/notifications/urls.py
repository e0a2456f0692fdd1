"""Routes of the notifications app, mounted under /api/ by project/urls.py."""
from rest_framework.routers import DefaultRouter

from apps.notifications.api import NotificationViewSet, PushSubscriptionViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("notifications", NotificationViewSet, basename="notification")
router.register("push-subscriptions", PushSubscriptionViewSet, basename="push-subscription")

urlpatterns = router.urls
