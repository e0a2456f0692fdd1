"""Media's writes, one module per concern; every public service function is re-exported here.

- `assets`: judge a file by its content, record it as a MediaAsset (with its processing job or poster), delete one.
- `ingest`: every route into Slate ends in `media_ingest_file`; the multipart upload and the camera-card job.
- `uploads`: resumable (tus) uploads' rows and bytes, and the clean-up of abandoned uploads and staging files.
- `pipeline`: the media.process job that probes a clip and makes its poster, proxy, filmstrip and waveform.
- `review`: link an asset to its scene/shot/take, its versions, and the approval of each version.
- `clips`: cut a frame range of an asset and render it (job media.clip).
- `reels`: a shoot day's selects reel (job media.selects_reel).
- `retrying`: what the media jobs' retry preparations share (each kind's is next to its handler).

Each publishes its own events (`media_asset.*`, `clip.*`, and `job.*` through apps.jobs). Importing
this package registers the media job handlers. Below it: apps.media.storage (files on disk),
apps.media.cards (ZIP checks), apps.media.tus (the protocol's headers), apps.media.ffmpeg and
apps.media.render (ffmpeg), apps.media.serializers; above it, apps.media.api (HTTP).
"""
from __future__ import annotations

from apps.media.services.assets import (
    MediaFileCheck,
    check_links,
    media_asset_delete,
    media_asset_record,
    media_file_check,
    still_poster,
)
from apps.media.services.clips import CLIP_KIND, clip_create, clip_delete, clip_render, frame_of
from apps.media.services.ingest import (
    INGEST_CARD_KIND,
    media_asset_upload,
    media_ingest_card,
    media_ingest_file,
    media_upload,
)
from apps.media.services.pipeline import PROCESS_KIND, media_asset_process, processing_cancelled_before_start, proxy_step
from apps.media.services.reels import REEL_KIND, selects_of_day, selects_reel_create, selects_reel_render
from apps.media.services.review import (
    media_asset_apply_link_suggestion,
    media_asset_link,
    media_asset_set_approval,
    media_asset_versions,
)
from apps.media.services.uploads import (
    staging_sweep,
    upload_append,
    upload_check_open,
    upload_create,
    upload_get,
    upload_locked,
    upload_terminate,
    uploads_cleanup_expired,
)

__all__ = [
    "CLIP_KIND", "INGEST_CARD_KIND", "PROCESS_KIND", "REEL_KIND",
    "MediaFileCheck", "check_links", "media_asset_delete", "media_asset_record", "media_file_check", "still_poster",
    "media_asset_upload", "media_ingest_card", "media_ingest_file", "media_upload",
    "staging_sweep", "upload_append", "upload_check_open", "upload_create", "upload_get", "upload_locked",
    "upload_terminate", "uploads_cleanup_expired",
    "media_asset_process", "processing_cancelled_before_start", "proxy_step",
    "media_asset_apply_link_suggestion", "media_asset_link", "media_asset_set_approval", "media_asset_versions",
    "clip_create", "clip_delete", "clip_render", "frame_of",
    "selects_of_day", "selects_reel_create", "selects_reel_render",
]
