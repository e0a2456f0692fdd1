"""Routes of the callsheets app, mounted under /api/ by project/urls.py.

A SimpleRouter, not a DefaultRouter: its root view would shadow the project's /api/ root.
"""
from django.urls import path
from rest_framework.routers import SimpleRouter

from apps.callsheets import api

router = SimpleRouter()
router.register("shoot-days", api.ShootDayViewSet, basename="shoot-day")
router.register("strips", api.StripViewSet, basename="strip")
router.register("call-sheets", api.CallSheetViewSet, basename="call-sheet")

urlpatterns = [
    path("productions/<id:pk>/dood/", api.DoodView.as_view(), name="production-dood"),
    path("productions/<id:pk>/dood.csv", api.DoodCsvView.as_view(), name="production-dood-csv"),
    path("productions/<id:pk>/contacts.csv", api.ContactListCsvView.as_view(), name="production-contacts-csv"),
    path("shoot-days/<id:pk>/report/", api.ShootDayReportView.as_view(), name="shoot-day-report"),
    path("shoot-days/<id:pk>/report/<slug:kind>.<slug:fmt>", api.ShootDayReportFileView.as_view(), name="shoot-day-report-file"),
    *router.urls,
]
