"""Generation order job handler: `ai.generate` (apps.generation.orders.runner), one job per item, found by apps.jobs
through apps.generation.tasks; a job cancelled before it started cancels its item. An item is retried through its own
endpoint (a new job: apps.generation.orders.services.item_retry), so the kind has no `on_retry`."""
from apps.generation.orders.runner import generation_item_run
from apps.generation.orders.services import GENERATE_KIND, item_cancelled_before_start
from apps.jobs.services import job_handler

job_handler(GENERATE_KIND, on_cancel_pending=item_cancelled_before_start)(generation_item_run)
