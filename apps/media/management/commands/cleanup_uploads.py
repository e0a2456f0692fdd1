"""`manage.py cleanup_uploads`: delete abandoned resumable uploads and stale staging files now (the worker also does it periodically)."""
from django.conf import settings
from django.core.management.base import BaseCommand

from apps.media.services import staging_sweep, uploads_cleanup_expired


class Command(BaseCommand):
    help = ("Delete resumable uploads past their expiry (SLATE_UPLOAD_EXPIRY_S after their last chunk) with their bytes, "
            "and staging or card files nothing refers to any more.")

    def handle(self, *args, **options):
        uploads = uploads_cleanup_expired()
        files = staging_sweep(older_than_s=settings.SLATE_UPLOAD_EXPIRY_S)
        self.stdout.write(f"Deleted {uploads} expired upload(s) or orphan partial file(s) and {files} stale staging file(s).")
