"""URLs of media endpoints outside the router: resumable uploads (tus 1.0, apps.media.api.uploads) at /api/uploads/."""
from django.urls import path

from apps.media.api import UploadCollectionView, UploadView

urlpatterns = [
    path("uploads/", UploadCollectionView.as_view(), name="upload-list"),
    path("uploads/<uuid:upload_id>/", UploadView.as_view(), name="upload-detail"),
]
