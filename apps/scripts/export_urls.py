"""Export routes, mounted under /api/ by project/urls.py: a script version as Fountain, Final Draft or PDF."""
from django.urls import path

from apps.scripts.export_views import ScriptVersionFdxExportView, ScriptVersionFountainExportView, ScriptVersionPdfExportView

urlpatterns = [
    path("script-versions/<int:pk>/export.fountain", ScriptVersionFountainExportView.as_view(),
         name="script-version-export-fountain"),
    path("script-versions/<int:pk>/export.fdx", ScriptVersionFdxExportView.as_view(),
         name="script-version-export-fdx"),
    path("script-versions/<int:pk>/export.pdf", ScriptVersionPdfExportView.as_view(),
         name="script-version-export-pdf"),
]
