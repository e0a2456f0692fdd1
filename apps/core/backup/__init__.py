"""Backups of a Slate install: `manage.py backup` and `manage.py restore`, and the scheduled backup.

A backup is the database (PostgreSQL through pg_dump in one snapshot, SQLite through its online backup
API), Huey's waiting job messages and every file under MEDIA_ROOT, with a manifest (`manifest.json`:
rows per model, migrations, file checksums), as a folder or a `.tar` / `.tar.gz` archive. Generic over
Django's app registry, so it imports no other Slate app. Modules: `create` (making one), `restore`
(putting one back on an empty install), `schedule` (SLATE_BACKUP_DIR, retention, SLATE_BACKUP_CRON),
`postgres` and `sqlite` (the database), `media`, `queue`, `inventory` (what a database holds), `layout`
(file names, folder and archive writing).
"""
from apps.core.backup.create import backup_create
from apps.core.backup.layout import BackupError
from apps.core.backup.restore import backup_restore
from apps.core.backup.schedule import backup_prune, backup_schedule, backup_to_folder

__all__ = ["BackupError", "backup_create", "backup_prune", "backup_restore", "backup_schedule", "backup_to_folder"]
