"""`/api/me/…`: the signed-in user's own devices, email address and picture."""
from django.urls import path

from apps.accounts import device_api, profile_api

app_name = "me"

urlpatterns = [
    path("devices/", device_api.DeviceListView.as_view(), name="devices"),
    path("devices/<id:pk>/", device_api.DeviceView.as_view(), name="device"),
    path("sign-out-everywhere/", device_api.SignOutEverywhereView.as_view(), name="sign-out-everywhere"),
    path("email/", profile_api.EmailChangeView.as_view(), name="email"),
    path("email/confirm/", profile_api.EmailChangeConfirmView.as_view(), name="email-confirm"),
    path("avatar/", profile_api.AvatarView.as_view(), name="avatar"),
]
