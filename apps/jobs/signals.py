"""Signals the jobs app sends, for the apps above it (Django's `django.dispatch.Signal`).

`job_finished`: sent by `apps.jobs.services.job_finish` inside the job's finishing transaction when
a job that has a creator (`created_by`) succeeded or failed; keyword arguments `job` (the `Job`,
its status, message, error and result final) and `actor` (the user who ended it, or None). The
notifications app connects to it to tell the creator. A receiver that writes does so in its own
savepoint: its exception is logged by the sender (`send_robust`) and never fails the job.
"""
from django.dispatch import Signal

job_finished = Signal()
