"""Media job handlers (run by `apps.jobs.tasks.job_execute` in the worker)."""
from __future__ import annotations

from apps.jobs.services import job_handler
from apps.media import services

job_handler(services.PROCESS_KIND)(services.media_asset_process)
