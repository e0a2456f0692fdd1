"""`manage.py backup` and `manage.py restore` as an operator runs them: subprocesses against installs with real rows
(the demo production's screenplay import, a daily from the shared clips, a continuity photo), real media files and
real Huey messages in Redis.

Given a backup, a restore into a fresh database and media folder gives the same rows for every model, the same
media checksums and the same waiting job messages; on SQLite always, and on PostgreSQL when DATABASE_URL is
PostgreSQL (CI's second pass). A non-empty install is refused unless --force; files rows name but MEDIA_ROOT lacks
are reported; the scheduled backup exists only when configured and keeps the newest SLATE_BACKUP_KEEP.

Each `manage.py` costs seconds of Django start-up, so sources are populated once per vendor where the tests only
read them: both round trips back up one demo install, and the refused, forced and damaged restores use one backup.
"""
from __future__ import annotations

import copy
import json
import os
import shutil
import stat
import tarfile
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

from tests.conftest import SHARED_DATA
from tests.ops.backup_installs import Databases, Install, is_postgres, media_checksums, queue_contents

CLIP = SHARED_DATA / "video" / "big_buck_bunny_432_433_vp8_vorbis_1s.webm"
VENDORS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not is_postgres(os.environ.get("DATABASE_URL")), reason="DATABASE_URL is not PostgreSQL"))]

SETUP = r"""
import datetime, io, json, os
from pathlib import Path
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from huey.contrib.djhuey import HUEY
from PIL import Image
from apps.continuity.services import continuity_note_create, continuity_photo_add
from apps.jobs.services import job_enqueue
from apps.jobs.tasks import job_execute
from apps.media.services import media_asset_upload
from apps.productions.models import Production
from apps.productions.services import production_create
from apps.scenes.services import scene_create

if os.environ.get("BACKUP_TEST_DEMO") == "1":
    call_command("load_demo", "--no-media", stdout=io.StringIO())
    owner = get_user_model().objects.get(username="demo")
    production = Production.objects.get(code="DEMO-GURU")
    scene = production.scenes.order_by("pk").first()
else:
    owner = get_user_model().objects.create_user(username="owner", email="owner@backup.slate.test", password="x-9-backup")
    production = production_create(actor=owner, title="Backup", code="BACKUP")
    scene = scene_create(actor=owner, production=production, number="1", int_ext="INT", location="VAULT", time_of_day="DAY")
clip = Path(os.environ["BACKUP_TEST_CLIP"])
with transaction.atomic():
    asset = media_asset_upload(production=production, actor=owner, upload=SimpleUploadedFile(clip.name, clip.read_bytes()))
job_enqueue(job_id=asset.job_id)
picture = io.BytesIO()
Image.new("RGB", (64, 48), (200, 120, 40)).save(picture, "PNG")
with transaction.atomic():
    note = continuity_note_create(actor=owner, scene=scene, body="Watch on the left wrist.")
    continuity_photo_add(note=note, actor=owner, upload=SimpleUploadedFile("wrist.png", picture.getvalue(), content_type="image/png"))
later = job_execute.s(str(asset.job_id))
later.eta = datetime.datetime.utcnow() + datetime.timedelta(hours=1)
HUEY.add_schedule(later)
print("SETUP " + json.dumps({"original": asset.original.name}))
"""


@pytest.fixture(scope="module", params=VENDORS)
def databases(request, tmp_path_factory):
    made = Databases(request.param, tmp_path_factory.mktemp(f"backup-{request.param}"))
    yield made
    made.close()


@pytest.fixture
def installs(databases, tmp_path):
    """`make(name, blank=False)`: a new install (a migrated, empty database unless `blank`); queues removed after."""
    made: list[Install] = []

    def make(name: str, *, blank: bool = False) -> Install:
        install = Install(tmp_path / name, databases.blank() if blank else databases.migrated())
        made.append(install)
        return install

    yield make
    for install in made:
        install.clean_queue()


def populate(install: Install, *, demo: bool) -> dict:
    install.extra_env.update(BACKUP_TEST_CLIP=str(CLIP), BACKUP_TEST_DEMO="1" if demo else "0",
                             SLATE_SHARED_DATA=str(SHARED_DATA))
    out = install.manage("shell", "-c", SETUP, timeout=180).stdout
    return json.loads(next(line for line in out.splitlines() if line.startswith("SETUP "))[6:])


def populated(databases, folder: Path, *, demo: bool) -> Install:
    """A new migrated install in `folder` with `populate`'s rows, media and messages."""
    install = Install(folder / "source", databases.migrated())
    populate(install, demo=demo)
    return install


def own(install: Install) -> Install:
    """Another handle on the same install (database, media, queue) whose environment and URL a test may change."""
    handle = copy.copy(install)
    handle.extra_env = dict(install.extra_env)
    return handle


@pytest.fixture(scope="module")
def demo_source(databases, tmp_path_factory):
    """An install with the demo production's rows, a daily, a photo and Huey messages, populated once for the
    round trips: a backup only reads its source (the database in one snapshot, the files, the messages
    without taking them), and each round trip reads the rows, checksums and queue before it backs up."""
    install = populated(databases, tmp_path_factory.mktemp("demo-source"), demo=True)
    yield install
    install.clean_queue()


@pytest.fixture(scope="module")
def plain_backup(databases, tmp_path_factory):
    """`(source, backup)`: an install with populate's plain rows and its backup folder, made once for the tests
    that restore that backup elsewhere, refused or forced; a test that damages the backup damages a copy."""
    folder = tmp_path_factory.mktemp("plain-source")
    install = populated(databases, folder, demo=False)
    install.manage("backup", str(folder / "backup"))
    yield install, folder / "backup"
    install.clean_queue()


def read_manifest(backup: Path) -> dict:
    if backup.is_dir():
        return json.loads((backup / "manifest.json").read_text())
    with tarfile.open(backup) as archive:
        return json.load(archive.extractfile("manifest.json"))


def password_shims(folder: Path, log: Path) -> Path:
    """SLATE_PG_BIN_DIR with pg_dump, pg_restore and psql that log their arguments and whether PGPASSWORD is
    set, then run the real tool of the same name (PATH's)."""
    folder.mkdir()
    for name in ("pg_dump", "pg_restore", "psql"):
        shim = folder / name
        shim.write_text(f'#!/bin/sh\necho "{name} $* PGPASSWORD=${{PGPASSWORD:+set}}" >> "{log}"\n'
                        f'exec "{shutil.which(name)}" "$@"\n')
        shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    return folder


def with_password(url: str) -> str:
    """A PostgreSQL URL with a password (the server's own, else one that trust authentication ignores), to see
    where the password goes; a SQLite URL as it is."""
    parsed = urlparse(url)
    if not is_postgres(url) or parsed.password:
        return url
    return urlunparse(parsed._replace(netloc=f"{parsed.username or 'postgres'}:pw-not-on-argv@{parsed.hostname}:{parsed.port or 5432}"))


@pytest.mark.parametrize("name, pg_format, blank_target", [("backup.tar.gz", "custom", False), ("backup-folder", "plain", True)])
def test_backup_then_restore_gives_the_same_rows_media_and_queue(databases, demo_source, installs, tmp_path, name, pg_format,
                                                                 blank_target):
    source = own(demo_source)
    rows = source.rows()
    media = media_checksums(source.media)
    queue = queue_contents(source.huey)
    backup = tmp_path / name
    log = tmp_path / "pg-tools.log"
    shims = password_shims(tmp_path / "shims", log)
    target = installs("target", blank=blank_target)
    for install in (source, target):
        install.extra_env["SLATE_PG_BIN_DIR"] = str(shims)
        install.database_url = with_password(install.database_url)

    out = source.manage("backup", str(backup), "--pg-format", pg_format).stdout
    restored = target.manage("restore", str(backup)).stdout

    manifest = read_manifest(backup)
    assert f"Backup written to {backup}" in out
    assert rows["scenes.Scene"] >= 5 and rows["breakdown.Character_scenes"] >= 1 and rows["media.MediaAsset"] == 1
    assert manifest["rows"] == rows  # every model, counted in the dump's own snapshot
    assert target.rows() == rows
    assert len(media) == 2 and {f["sha256"] for f in manifest["media"]["files"].values()} == set(media.values())
    assert media_checksums(target.media) == media
    assert len(queue[0]) >= 1 and len(queue[1]) == 1
    assert queue_contents(target.huey) == queue
    assert manifest["database"]["vendor"] == databases.vendor and manifest["missing_files"] == []
    assert manifest["migrations"]["scenes"][0] == "0001_initial" and manifest["slate"]["version"]
    assert f"Restored {sum(rows.values())} rows in {len(rows)} tables, 2 media files" in restored
    assert "checksums verified" in restored
    if databases.vendor == "postgresql":
        calls = [line for line in log.read_text().splitlines() if "--version" not in line]
        password = urlparse(source.database_url).password
        assert [c.split()[0] for c in calls] == ["pg_dump", "pg_restore" if pg_format == "custom" else "psql"]
        assert all(c.endswith(" PGPASSWORD=set") and password not in c.split(" PGPASSWORD=")[0] for c in calls)


def test_restore_refuses_an_install_that_is_not_empty_unless_forced(plain_backup, installs):
    source, backup = plain_backup
    rows = source.rows()

    onto_itself = source.manage("restore", str(backup), check=False)
    target = installs("target")
    (target.media / "stray").mkdir(parents=True)
    (target.media / "stray" / "notes.txt").write_text("left over")
    onto_stray_file = target.manage("restore", str(backup), check=False)
    empty = target.rows()
    forced = target.manage("restore", str(backup), "--force")

    assert onto_itself.returncode == 1
    assert "This install is not empty: the database has rows in Slate's tables" in onto_itself.stderr
    assert "accounts.User: 1" in onto_itself.stderr and "MEDIA_ROOT" in onto_itself.stderr and "--force" in onto_itself.stderr
    assert source.rows() == rows
    assert onto_stray_file.returncode == 1
    assert f"This install is not empty: MEDIA_ROOT ({target.media.resolve()}) holds files" in onto_stray_file.stderr
    assert sum(count for label, count in empty.items() if label.split(".")[0] not in ("auth", "contenttypes")) == 0
    assert "Restored" in forced.stdout
    assert target.rows() == rows
    assert (target.media / "stray" / "notes.txt").read_text() == "left over"
    assert media_checksums(target.media).keys() == media_checksums(source.media).keys() | {"stray/notes.txt"}


def test_backup_reports_files_that_rows_name_but_media_root_lacks(installs, tmp_path):
    source = installs("source")
    original = populate(source, demo=False)["original"]
    (source.media / original).unlink()
    backup = tmp_path / "backup.tar"

    done = source.manage("backup", str(backup))

    manifest = read_manifest(backup)
    assert [(m["model"], m["field"], m["name"]) for m in manifest["missing_files"]] == [("media.MediaAsset", "original", original)]
    assert f"missing file: {original} (media.MediaAsset" in done.stdout
    assert "1 file(s) named by rows were missing from MEDIA_ROOT" in done.stderr
    assert manifest["media"]["count"] == 1 and original not in manifest["media"]["files"]


def test_a_damaged_backup_is_refused_before_anything_changes(plain_backup, installs, tmp_path):
    backup = shutil.copytree(plain_backup[1], tmp_path / "backup")
    photo = next(p for p in (backup / "media").rglob("*.png"))
    photo.write_bytes(photo.read_bytes()[:-1] + b"\0")
    target = installs("target")

    done = target.manage("restore", str(backup), check=False)

    assert done.returncode == 1
    assert "The backup's media files do not match its manifest" in done.stderr
    assert photo.relative_to(backup / "media").as_posix() in done.stderr
    assert sum(target.rows().get(label, 0) for label in ("scenes.Scene", "accounts.User", "media.MediaAsset")) == 0
    assert media_checksums(target.media) == {}


SCHEDULED = r"""
import os, time
from huey.contrib.djhuey import HUEY
names = sorted(task.name for task in HUEY._registry.periodic_tasks)
print("PERIODIC " + ",".join(names))
if "scheduled_backup" in names:
    from apps.core.tasks import scheduled_backup
    scheduled_backup.call_local()
    time.sleep(1.1)
    scheduled_backup.call_local()
    print("FOLDER " + ",".join(sorted(os.listdir(os.environ["SLATE_BACKUP_DIR"]))))
"""


def test_the_scheduled_backup_exists_only_when_configured_and_keeps_the_newest(databases, installs, tmp_path):
    if databases.vendor != "sqlite":
        pytest.skip("the schedule does not depend on the database")
    install = installs("scheduled")
    unset = install.manage("shell", "-c", SCHEDULED).stdout
    folder = tmp_path / "backups"
    install.extra_env.update(SLATE_BACKUP_DIR=str(folder), SLATE_BACKUP_CRON="30 3 * * *", SLATE_BACKUP_KEEP="1")

    done = install.manage("shell", "-c", SCHEDULED).stdout

    assert "scheduled_backup" not in unset.split("PERIODIC ")[1].splitlines()[0]
    assert "scheduled_backup" in done.split("PERIODIC ")[1].splitlines()[0]
    kept = done.split("FOLDER ")[1].splitlines()[0].split(",")
    assert len(kept) == 1 and kept[0].startswith("slate-backup-") and kept[0].endswith(".tar.gz")
    assert read_manifest(folder / kept[0])["rows"]["accounts.User"] == 0
