"""Media job handlers (run by `apps.jobs.tasks.job_execute` in the worker).

Each module registers its own handlers with `apps.jobs.services.job_handler` when imported:
pipeline (media.process), ingest (media.ingest_card), clips (media.clip), reels (media.selects_reel).
"""
from __future__ import annotations

from apps.jobs.services import job_handler
from apps.media import clips, ingest, pipeline, reels  # noqa: F401  (importing registers their handlers)

job_handler(pipeline.PROCESS_KIND, on_cancel_pending=pipeline.processing_cancelled_before_start)(pipeline.media_asset_process)
