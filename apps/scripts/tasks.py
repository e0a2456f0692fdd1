"""Screenplay job handlers (run by `apps.jobs.tasks.job_execute` in the worker): import, edit, render."""
from __future__ import annotations

from apps.jobs.services import job_handler
from apps.scripts import services

job_handler(services.IMPORT_KIND)(services.script_import)
job_handler(services.EDIT_KIND)(services.script_edit)
job_handler(services.RENDER_KIND)(services.script_render)
