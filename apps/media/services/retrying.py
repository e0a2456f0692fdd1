"""What the media jobs' retry preparations share (`job_handler(on_retry=...)`, apps.jobs.kinds): the refusal, the
check that an asset's original is still in storage, and removing files only once the retry is committed.

Each kind's preparation lives next to its handler (pipeline, clips, reels, ingest) and runs inside
`apps.jobs.services.job_retry`'s transaction with the failed job locked.
"""
from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import transaction

from apps.core.errors import ApplicationError
from apps.media.models import MediaAsset


def not_retryable(reason: str) -> ApplicationError:
    """The 400 `not_retryable` error of a job whose inputs are gone; `reason` is read by the crew member who retried."""
    return ApplicationError(reason, code="not_retryable")


def require_original(asset: MediaAsset, *, then: str) -> None:
    """Raise `not_retryable` when `asset`'s original file is not in storage any more (`then`: what to do about it,
    e.g. "upload it again")."""
    name = asset.original.name
    if not name or not default_storage.exists(name):
        raise not_retryable(f"The original file of {asset.original_name} is missing from storage: {then}.")


def delete_files_on_commit(names: list[str]) -> None:
    """Delete these stored files once the surrounding transaction commits (a refused or rolled-back retry keeps them)."""
    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: [default_storage.delete(name) for name in names])
