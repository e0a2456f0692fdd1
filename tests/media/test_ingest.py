"""Camera-card ingest (apps.media.cards, apps.media.services.ingest): a ZIP unpacked safely into assets and jobs, or refused with nothing left behind.

Cards are real ZIPs (Python's zipfile, some bytes patched by hand to lie) of clips from the
shared data folder, a JPEG and a sidecar XML. The card job runs through `apps.jobs.services.job_run`,
the wrapper the worker uses; every negative test checks the storage folders and the rows.
"""
from __future__ import annotations

import hashlib
import io
import struct
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.core.errors import ApplicationError
from apps.jobs.models import Job, JobStatus
from apps.jobs.services import job_create, job_run
from apps.media import cards, services
from apps.media.services import ingest
from apps.media.models import MediaAsset, MediaKind, Rendition
from tests.media.helpers import files_under

pytestmark = pytest.mark.django_db

CLIPS = ["tears_of_steel_640x360_10s.mp4", "big_buck_bunny_432_433_vp8_vorbis_1s.webm"]
SIDECAR = b'<?xml version="1.0"?>\n<ClipMetadata><Reel>A001</Reel><Scene>12A</Scene><Take>3</Take></ClipMetadata>\n'


def jpeg(width=800, height=450) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "orange").save(buffer, "JPEG")
    return buffer.getvalue()


def card(entries: list[tuple], *, compression=zipfile.ZIP_STORED) -> bytes:
    """A ZIP of `(name or ZipInfo, bytes)` entries."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def camera_card(shared_data) -> tuple[bytes, dict[str, bytes]]:
    files = {f"A001/CLIPS/{name}": (shared_data / "video" / name).read_bytes() for name in CLIPS}
    files["A001/STILLS/frame_0001.jpg"] = jpeg()
    files["A001/A001C001.xml"] = SIDECAR
    entries = [(zipfile.ZipInfo("A001/"), b""), *files.items(), ("__MACOSX/A001/._A001C001.xml", b"junk"), ("A001/.DS_Store", b"junk")]
    return card(entries), files


def upload_card(production, user, data: bytes, name: str = "A001.zip"):
    return services.media_upload(production=production, actor=user, upload=SimpleUploadedFile(name, data, "application/zip"))


def card_job(production, user, media_root: Path, data: bytes) -> Job:
    """A card job over `data` as it would be queued, skipping the upload-time check (the job checks again)."""
    name = "uploads/cards/" + "c" * 32 + ".zip"
    (media_root / "uploads" / "cards").mkdir(parents=True, exist_ok=True)
    (media_root / name).write_bytes(data)
    return job_create(production_id=production.pk, kind="media.ingest_card", actor=user, params={"path": name, "original_name": "card.zip"})


def assert_failed_and_nothing_left(job: Job, media_root: Path, reason: str) -> None:
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert reason in job.error, job.error
    assert MediaAsset.objects.count() == 0 and Rendition.objects.count() == 0
    assert list(Job.objects.values_list("kind", flat=True)) == ["media.ingest_card"]
    assert files_under(media_root) == []


# --- a real card ----------------------------------------------------------------------------------------

def test_card_becomes_assets_with_their_jobs_and_the_sidecar_is_skipped(production, user, shared_data, media_root):
    data, files = camera_card(shared_data)

    queued = upload_card(production, user, data)
    assert isinstance(queued, Job) and queued.kind == "media.ingest_card"
    assert queued.params["original_name"] == "A001.zip" and queued.params["sha256"] == hashlib.sha256(data).hexdigest()
    assert MediaAsset.objects.count() == 0  # nothing is unpacked before the job runs
    job = job_run(queued.pk)

    assert job.status == JobStatus.SUCCEEDED, job.error
    result = job.result
    assert result["entries"] == 4 and result["ignored"] == 3
    assert result["skipped"] == [{"name": "A001/A001C001.xml", "reason": result["skipped"][0]["reason"]}]
    assert result["skipped"][0]["reason"].startswith("This file is not a video Slate can read")
    assets = {a.original_name: a for a in MediaAsset.objects.all()}
    assert set(assets) == {*CLIPS, "frame_0001.jpg"} and sorted(result["assets"]) == sorted(a.pk for a in assets.values())
    for name in CLIPS:
        asset = assets[name]
        assert asset.kind == MediaKind.VIDEO and asset.status == "uploaded"
        assert asset.sha256 == hashlib.sha256(files[f"A001/CLIPS/{name}"]).hexdigest()
        assert (media_root / asset.original.name).read_bytes() == files[f"A001/CLIPS/{name}"]
        assert Path(asset.original.name).parent == Path("media/originals") and len(Path(asset.original.name).stem) == 32
        assert asset.job.kind == "media.process" and asset.job.params == {"asset_id": asset.pk}
    assert sorted(result["jobs"]) == sorted(str(assets[name].job_id) for name in CLIPS)
    still = assets["frame_0001.jpg"]
    assert (still.kind, still.status, still.width, still.height, still.job_id) == ("image", "ready", 800, 450, job.pk)
    poster = still.renditions.get(kind="poster")
    assert (poster.content_type, poster.width, poster.height) == ("image/jpeg", 800, 450)
    # the ZIP and the unpacked folder are gone; only originals and the poster remain
    stored = {p.relative_to(media_root).parts[0:2] for p in files_under(media_root)}
    assert stored == {("media", "originals"), ("media", "renditions")}
    assert len(files_under(media_root)) == 4


def test_the_worker_runs_processing_of_a_card_clip(production, user, shared_data, media_root):
    job = job_run(upload_card(production, user, card([(CLIPS[0], (shared_data / "video" / CLIPS[0]).read_bytes())])).pk)
    asset = MediaAsset.objects.get()

    processed = job_run(asset.job_id)

    assert job.status == JobStatus.SUCCEEDED and processed.status == JobStatus.SUCCEEDED, processed.error
    asset.refresh_from_db()
    assert asset.status == "ready" and asset.renditions.filter(kind="proxy").exists()


def test_a_card_with_nothing_readable_fails_and_leaves_nothing(production, user, media_root):
    job = job_run(upload_card(production, user, card([("A001C001.xml", SIDECAR), ("A001.mhl", b"<hashlist/>")])).pk)

    assert_failed_and_nothing_left(job, media_root, "holds no clip or still")


def test_failure_while_recording_rolls_everything_back(production, user, shared_data, media_root, monkeypatch):
    data, _ = camera_card(shared_data)
    queued = upload_card(production, user, data)
    real = ingest.media_asset_record
    calls = []

    def fail_on_third(**kwargs):
        calls.append(kwargs["original_name"])
        if len(calls) == 3:
            raise OSError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(ingest, "media_asset_record", fail_on_third)
    job = job_run(queued.pk)

    assert len(calls) == 3
    assert_failed_and_nothing_left(job, media_root, "disk full")


# --- refused before anything is unpacked ------------------------------------------------------------------

def symlink(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = 0o120777 << 16
    return info


HOSTILE = [
    pytest.param([("../x.mp4", b"x" * 100)], "Entry ../x.mp4 escapes the card folder.", id="dot-dot"),
    pytest.param([("A001/../../x.mp4", b"x" * 100)], "escapes the card folder", id="dot-dot-inside"),
    pytest.param([("/etc/x.mp4", b"x" * 100)], "Entry /etc/x.mp4 has an absolute path.", id="absolute"),
    pytest.param([("C:/x.mp4", b"x" * 100)], "names a drive letter", id="drive-letter"),
    pytest.param([("A001\\..\\..\\x.mp4", b"x" * 100)], "uses a backslash", id="backslash"),
    pytest.param([(symlink("A001/link.mp4"), b"/etc/passwd")], "Entry A001/link.mp4 is a symbolic link.", id="symlink"),
    pytest.param([("A001/secret.mp4", b"x" * 100)], "Entry A001/secret.mp4 is encrypted.", id="encrypted"),
]


def hostile(entries) -> bytes:
    data = card(entries)
    return encrypted(data, b"A001/secret.mp4") if entries[0][0] == "A001/secret.mp4" else data


@pytest.mark.parametrize("entries, reason", HOSTILE)
def test_hostile_card_is_refused_at_upload_with_nothing_stored(production, user, media_root, entries, reason):
    with pytest.raises(ApplicationError) as refused:
        upload_card(production, user, hostile(entries))

    assert refused.value.code == "zip_unsafe" and reason in refused.value.message
    assert MediaAsset.objects.count() == 0 and Job.objects.count() == 0
    assert files_under(media_root) == []


@pytest.mark.parametrize("entries, reason", HOSTILE)
def test_hostile_card_is_refused_by_the_job_too(production, user, media_root, entries, reason):
    job = job_run(card_job(production, user, media_root, hostile(entries)).pk)

    assert_failed_and_nothing_left(job, media_root, reason)


def test_a_1000_to_1_ratio_bomb_is_refused(production, user, media_root):
    bomb = card([("A001/clip.mov", b"\0" * (10 * 1024 * 1024))], compression=zipfile.ZIP_DEFLATED)
    assert len(bomb) < 11 * 1024  # about 1000:1

    with pytest.raises(ApplicationError) as refused:
        upload_card(production, user, bomb)
    job = job_run(card_job(production, user, media_root, bomb).pk)

    assert refused.value.code == "zip_unsafe" and "times its packed size" in refused.value.message
    assert_failed_and_nothing_left(job, media_root, "times its packed size")


def test_many_small_entries_over_the_overall_ratio_are_refused(production, user, media_root):
    # each entry is under the per-entry floor (64 KiB); together they are a bomb
    bomb = card([(f"A001/{i:03d}.bin", b"\0" * 60_000) for i in range(40)], compression=zipfile.ZIP_DEFLATED)

    with pytest.raises(ApplicationError) as refused:
        upload_card(production, user, bomb)

    assert "The card would unpack to" in refused.value.message and "times its packed size" in refused.value.message


def test_too_many_entries_are_refused(production, user, media_root, settings):
    settings.SLATE_ZIP_MAX_ENTRIES = 5

    job = job_run(card_job(production, user, media_root, card([(f"A001/{i}.txt", b"x") for i in range(6)])).pk)

    assert_failed_and_nothing_left(job, media_root, "The card has 6 entries; at most 5 are accepted.")


def test_declared_total_over_the_limit_is_refused(production, user, media_root, settings, shared_data):
    settings.SLATE_ZIP_MAX_TOTAL_BYTES = 500_000
    data = card([(CLIPS[0], (shared_data / "video" / CLIPS[0]).read_bytes())])

    with pytest.raises(ApplicationError) as refused:
        upload_card(production, user, data)

    assert refused.value.code == "zip_unsafe" and "at most" in refused.value.message
    assert files_under(media_root) == []


def patched(data: bytes, name: bytes, *, local_at: int, central_at: int, fmt: str, value: int) -> bytes:
    """`data` with a field of entry `name`'s local and central headers rewritten (APPNOTE.TXT 4.3.7, 4.3.12)."""
    out = bytearray(data)
    for signature, name_len_at, name_at, field_at in ((b"PK\x03\x04", 26, 30, local_at), (b"PK\x01\x02", 28, 46, central_at)):
        found = out.find(signature)
        while found != -1:
            name_len = struct.unpack_from("<H", out, found + name_len_at)[0]
            if bytes(out[found + name_at:found + name_at + name_len]) == name:
                struct.pack_into(fmt, out, found + field_at, value)
            found = out.find(signature, found + 4)
    return bytes(out)


def lying(data: bytes, name: bytes, declared: int) -> bytes:
    """`data` with the uncompressed size of entry `name` rewritten to `declared`."""
    return patched(data, name, local_at=22, central_at=24, fmt="<I", value=declared)


def encrypted(data: bytes, name: bytes) -> bytes:
    """`data` with entry `name` flagged as encrypted (general purpose bit 0; zipfile resets it when writing)."""
    return patched(data, name, local_at=6, central_at=8, fmt="<H", value=0x1)


@pytest.mark.parametrize("declared, reason", [(50_000, "cannot be unpacked"), (2_000_000, "holds 760792 bytes but the card declares 2000000")])
def test_an_entry_that_lies_about_its_size_fails_with_nothing_left(production, user, media_root, shared_data, declared, reason):
    content = (shared_data / "video" / CLIPS[0]).read_bytes()
    data = lying(card([(f"A001/{CLIPS[0]}", content), ("A001/frame.jpg", jpeg())]), f"A001/{CLIPS[0]}".encode(), declared)

    job = job_run(card_job(production, user, media_root, data).pk)

    assert_failed_and_nothing_left(job, media_root, reason)


def test_card_check_ignores_folders_and_os_files(tmp_path):
    path = tmp_path / "card.zip"
    path.write_bytes(card([(zipfile.ZipInfo("A001/"), b""), ("A001/C001.mov", b"x"), ("__MACOSX/A001/._C001.mov", b"x"),
                           ("A001/._C001.mov", b"x"), ("Thumbs.db", b"x"), ("A001/.DS_Store", b"x")]))

    plan = cards.card_check(path)

    assert [i.filename for i in plan.entries] == ["A001/C001.mov"] and plan.ignored == 5
