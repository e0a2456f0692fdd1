"""The periodic clean-up of abandoned uploads (apps.media.tasks.uploads_cleanup) and `manage.py cleanup_uploads`."""
from __future__ import annotations

import io
import os
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from apps.jobs.services import job_create
from apps.media import tasks
from apps.media.services import uploads
from apps.media.models import Upload

pytestmark = pytest.mark.django_db


def aged(path: Path, seconds: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_bytes(b"bytes")
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def test_cleanup_is_a_periodic_task_of_the_worker():
    assert tasks.uploads_cleanup.task_class in HUEY._registry._periodic_tasks
    fires = tasks.uploads_cleanup.task_class().validate_datetime
    every = tasks.CLEANUP_EVERY_MIN  # SLATE_UPLOAD_CLEANUP_INTERVAL_S in whole minutes (15 by default)
    assert fires(datetime(2026, 11, 20, 10, 0)) and fires(datetime(2026, 11, 20, 10, every))
    assert every == 1 or not fires(datetime(2026, 11, 20, 10, 1))


def test_periodic_cleanup_removes_expired_uploads_and_stale_files_only(user, production, media_root, settings):
    expired = uploads.upload_create(actor=user, length=100, metadata={"production": str(production.pk), "filename": "a.mov"})
    alive = uploads.upload_create(actor=user, length=100, metadata={"production": str(production.pk), "filename": "b.mov"})
    Upload.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    old = settings.SLATE_UPLOAD_EXPIRY_S + 60
    stale_staging = aged(media_root / "uploads" / "staging" / ("1" * 32 + ".part"), old)
    fresh_staging = aged(media_root / "uploads" / "staging" / ("2" * 32 + ".part"), 10)
    orphan_card = aged(media_root / "uploads" / "cards" / ("3" * 32 + ".zip"), old)
    queued_card = aged(media_root / "uploads" / "cards" / ("4" * 32 + ".zip"), old)
    job_create(production_id=production.pk, kind="media.ingest_card", actor=user,
               params={"path": f"uploads/cards/{'4' * 32}.zip", "original_name": "card.zip"})

    tasks.uploads_cleanup.call_local()

    assert list(Upload.objects.values_list("pk", flat=True)) == [alive.pk]
    assert not (media_root / expired.path).exists() and (media_root / alive.path).exists()
    assert not stale_staging.exists() and fresh_staging.exists()
    assert not orphan_card.exists() and queued_card.exists()  # its job still needs it


def test_an_upload_being_written_is_left_for_the_next_run(user, production, media_root):
    upload = uploads.upload_create(actor=user, length=100, metadata={"production": str(production.pk)})
    Upload.objects.filter(pk=upload.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    with uploads.upload_locked(upload, wait_s=0):
        assert uploads.uploads_cleanup_expired() == 0
    assert uploads.uploads_cleanup_expired() == 1
    assert Upload.objects.count() == 0 and not (media_root / upload.path).exists()


def test_management_command_reports_what_it_deleted(user, production, media_root):
    upload = uploads.upload_create(actor=user, length=100, metadata={"production": str(production.pk)})
    Upload.objects.filter(pk=upload.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    out = io.StringIO()

    call_command("cleanup_uploads", stdout=out)

    assert out.getvalue().startswith("Deleted 1 expired upload(s)")
    assert Upload.objects.count() == 0
