"""Screenplay job handlers (run by `apps.jobs.tasks.job_execute` in the worker): import, edit, render, each retryable."""
from __future__ import annotations

from apps.jobs.services import job_handler
from apps.scripts import services

job_handler(services.IMPORT_KIND, on_retry=services.script_import_retry)(services.script_import)
job_handler(services.EDIT_KIND, on_retry=services.script_edit_retry)(services.script_edit)
job_handler(services.RENDER_KIND, on_retry=services.script_render_retry)(services.script_render)
