"""`manage.py backup [PATH]`: a consistent backup of the database, the job queue and MEDIA_ROOT (apps/core/backup/).

PATH is a folder, or a `.tar` / `.tar.gz` archive (by its suffix, or `--format`); without PATH the backup
goes into SLATE_BACKUP_DIR, named by the time, and the folder keeps the newest SLATE_BACKUP_KEEP.
"""
from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.core.backup import BackupError, backup_create, backup_to_folder
from apps.core.backup.layout import CONTAINERS


class Command(BaseCommand):
    """`manage.py backup [PATH] [--format dir|tar|tar.gz] [--pg-format custom|plain]`."""

    help = "Back up the database, the pending jobs and the media files to a folder or a .tar / .tar.gz archive."

    def add_arguments(self, parser):
        """PATH (optional), `--format`, `--pg-format`."""
        parser.add_argument("path", nargs="?", help="Where to write the backup (a new folder, or NAME.tar / NAME.tar.gz). "
                                                    "Default: a new backup in SLATE_BACKUP_DIR, with retention.")
        parser.add_argument("--format", choices=CONTAINERS, dest="container",
                            help="Folder or archive (default: by PATH's suffix; SLATE_BACKUP_FORMAT without PATH).")
        parser.add_argument("--pg-format", choices=("custom", "plain"), default="custom",
                            help="PostgreSQL: pg_dump's custom format (default, restored by pg_restore) or plain SQL.")

    def handle(self, *args, path: str | None, container: str | None, pg_format: str, **options):
        """Write the backup, printing a line per step and the missing files; raises CommandError on failure."""
        say = self.stdout.write
        try:
            if path:
                target = Path(path)
                manifest = backup_create(target, container=container, pg_format=pg_format, say=say)
                removed = []
            else:
                target, manifest, removed = backup_to_folder(container=container, pg_format=pg_format, say=say)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        for old in removed:
            say(f"removed old backup {old}")
        if manifest["missing_files"]:
            self.stderr.write(f"{len(manifest['missing_files'])} file(s) named by rows were missing from MEDIA_ROOT "
                              "(listed above and in the manifest's missing_files).")
        say(self.style.SUCCESS(f"Backup written to {target.resolve()} in {manifest['duration_s']:.1f} s."))
