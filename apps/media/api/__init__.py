"""Media's HTTP API, one module per resource: `assets` (/api/media/), `clips` (/api/clips/) and `uploads`
(/api/uploads/, the tus resumable-upload protocol). Re-exports the views project/urls.py and apps/media/urls.py route."""
from __future__ import annotations

from apps.media.api.assets import MediaAssetViewSet
from apps.media.api.clips import ClipViewSet
from apps.media.api.uploads import UploadCollectionView, UploadView

__all__ = ["ClipViewSet", "MediaAssetViewSet", "UploadCollectionView", "UploadView"]
