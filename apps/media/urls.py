"""URLs of media endpoints outside the router: resumable uploads (tus 1.0, apps.media.tus) at /api/uploads/."""
from django.urls import path

from apps.media import tus

urlpatterns = [
    path("uploads/", tus.UploadCollectionView.as_view(), name="upload-list"),
    path("uploads/<uuid:upload_id>/", tus.UploadView.as_view(), name="upload-detail"),
]
