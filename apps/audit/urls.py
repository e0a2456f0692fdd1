"""Routes of the audit app, mounted under /api/ by project/urls.py."""
from django.urls import path

from apps.audit import api

urlpatterns = [
    path("productions/<id:pk>/audit/", api.ProductionAuditView.as_view(), name="production-audit"),
    path("me/audit/", api.MyAuditView.as_view(), name="my-audit"),
]
