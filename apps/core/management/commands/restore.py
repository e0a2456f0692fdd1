"""`manage.py restore PATH`: put a backup of `manage.py backup` back on an empty install (apps/core/backup/restore.py).

Stop the web and worker processes first; the database and Redis must be up. The install must be empty (no
row in Slate's tables, no file under MEDIA_ROOT) unless `--force`.
"""
from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    """`manage.py restore PATH [--force]`."""

    help = "Restore a backup (folder, .tar or .tar.gz) into this install's database, MEDIA_ROOT and job queue."

    def add_arguments(self, parser):
        """PATH and `--force`."""
        parser.add_argument("path", help="The backup: a folder, NAME.tar or NAME.tar.gz written by `manage.py backup`.")
        parser.add_argument("--force", action="store_true",
                            help="Restore over a non-empty install: its database is replaced whole and the backup's "
                                 "files are written over MEDIA_ROOT. Also restores a backup of a newer Slate.")

    def handle(self, *args, path: str, force: bool, **options):
        """Restore, printing a line per step and a summary; raises CommandError when a check or a step fails."""
        try:
            summary = backup_restore(Path(path), force=force, say=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        if summary["unapplied_migrations"]:
            self.stdout.write(f"This code has {len(summary['unapplied_migrations'])} migration(s) the backup had not "
                              "applied: run `manage.py migrate` before starting Slate.")
        queue = summary["queue"]
        jobs = f"{queue[0]} pending and {queue[1]} scheduled job message(s)" if queue else "no job queue"
        self.stdout.write(self.style.SUCCESS(
            f"Restored {summary['rows']} rows in {summary['models']} tables, {summary['media']['count']} media files "
            f"({summary['media']['bytes']} bytes, checksums verified) and {jobs}."))
