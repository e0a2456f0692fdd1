"""Writing and breakdown job handlers (run by `apps.jobs.tasks.job_execute` in the worker)."""
from __future__ import annotations

from apps.generation.writing import breakdown, services
from apps.jobs.services import job_handler

job_handler(services.SCRIPT_KIND)(services.script_generate)
job_handler(services.SCENE_KIND)(services.scene_generate)
job_handler(breakdown.KIND)(breakdown.breakdown_run)
