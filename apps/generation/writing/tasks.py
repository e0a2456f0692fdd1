"""Writing and breakdown job handlers (run by `apps.jobs.tasks.job_execute` in the worker), each retryable."""
from __future__ import annotations

from apps.generation.writing import breakdown, services
from apps.jobs.services import job_handler

job_handler(services.SCRIPT_KIND, on_retry=services.script_generate_retry)(services.script_generate)
job_handler(services.SCENE_KIND, on_retry=services.scene_generate_retry)(services.scene_generate)
job_handler(breakdown.KIND, on_retry=breakdown.breakdown_retry)(breakdown.breakdown_run)
