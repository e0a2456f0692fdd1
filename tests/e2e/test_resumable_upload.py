"""Acceptance: an upload killed halfway resumes and completes, checksum equal to the source, and the worker processes it.

A real client process (the official Python tus client, `tuspy`) uploads a clip from the shared
data folder through real daphne in small chunks, each with an Upload-Checksum; it is SIGKILLed
halfway. A new client process asks the server where the upload stands, resumes from there (not
from 0), and completes. The stored original is fetched back and hashed; the real worker
(`manage.py run_huey`) makes its renditions.
"""
from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.e2e.conftest import PYTHON, REPO, SHARED_DATA, Http, SlateServer

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]

CLIP = SHARED_DATA / "video" / "intel_car-detection_h264_aac.mp4"
CHUNK_BYTES = 128 * 1024

# The client: create (or resume) an upload, then send chunks one by one, reporting the server's offset after each.
CLIENT = r"""
import os, sys, time
from tusclient.client import TusClient

client = TusClient(os.environ["TUS_ENDPOINT"], headers={"Authorization": "Bearer " + os.environ["TUS_TOKEN"],
                                                        "Slate-Upload-Fingerprint": os.environ["TUS_FINGERPRINT"]})
metadata = {"production": os.environ["TUS_PRODUCTION"], "filename": os.path.basename(os.environ["TUS_FILE"]),
            "fingerprint": os.environ["TUS_FINGERPRINT"], "sha256": os.environ["TUS_SHA256"]}
uploader = client.uploader(os.environ["TUS_FILE"], url=os.environ.get("TUS_URL") or None, chunk_size=int(os.environ["TUS_CHUNK"]),
                           metadata=metadata, upload_checksum=True, retries=0)
if uploader.url is None:
    uploader.set_url(uploader.create_url())
    uploader.offset = 0
print("URL", uploader.url, flush=True)
print("START", uploader.offset, flush=True)
size = uploader.get_file_size()
sent = 0
while uploader.offset < size:
    before = uploader.offset
    uploader.upload_chunk()
    sent += uploader.offset - before
    print("OFFSET", uploader.offset, flush=True)
    time.sleep(float(os.environ.get("TUS_PAUSE_S", "0")))
print("SENT", sent, flush=True)
print("ASSET", uploader.request.response_headers.get("slate-media-asset", ""), flush=True)
"""


def client_process(slate: SlateServer, *, sha256: str, url: str = "", pause_s: float = 0.0) -> subprocess.Popen:
    env = {**os.environ, "TUS_ENDPOINT": f"{slate.base_url}/api/uploads/", "TUS_TOKEN": slate.token("alice"),
           "TUS_FILE": str(CLIP), "TUS_PRODUCTION": str(slate.production_id), "TUS_CHUNK": str(CHUNK_BYTES),
           "TUS_FINGERPRINT": f"{CLIP.name}-{CLIP.stat().st_size}", "TUS_SHA256": sha256, "TUS_URL": url,
           "TUS_PAUSE_S": str(pause_s), "NO_PROXY": "*", "no_proxy": "*"}
    return subprocess.Popen([PYTHON, "-c", CLIENT], cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def lines_until(proc: subprocess.Popen, done, timeout_s: float = 60.0) -> list[str]:
    """Lines the client prints, until `done(line)` holds (or it exits)."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        seen.append(line.strip())
        if done(seen[-1]):
            return seen
    raise AssertionError(f"client output ended early: {seen}\n{proc.stderr.read() if proc.poll() is not None else ''}")


def value(lines: list[str], key: str) -> str:
    return next(line.split(" ", 1)[1] for line in lines if line.startswith(key + " "))


def test_upload_killed_halfway_resumes_from_the_servers_offset_and_completes(slate: SlateServer):
    source = CLIP.read_bytes()
    size, digest = len(source), hashlib.sha256(source).hexdigest()
    assert size > 8 * CHUNK_BYTES
    api = slate.jwt_client("alice")

    # a client uploads in small chunks and is SIGKILLed once it is past half
    first = client_process(slate, sha256=digest, pause_s=0.15)
    try:
        seen = lines_until(first, lambda line: line.startswith("OFFSET ") and int(line.split()[1]) >= size // 2)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
        first.stdout.close()
        first.stderr.close()
    assert first.returncode == -signal.SIGKILL
    url = value(seen, "URL")
    path = url.split(slate.base_url, 1)[1]

    # the server kept exactly what it confirmed
    head = api.request("HEAD", path, headers={"Tus-Resumable": "1.0.0"})
    assert head.status == 200, head
    confirmed = int(head.headers["Upload-Offset"])
    assert size // 2 <= confirmed < size and confirmed % CHUNK_BYTES == 0
    assert head.headers["Upload-Length"] == str(size)
    state = api.get(path)
    assert (state["state"], state["offset"], state["asset"]) == ("receiving", confirmed, None)

    # a new client resumes where the server stands, not from 0, and completes
    second = client_process(slate, sha256=digest, url=url)
    try:
        out, err = second.communicate(timeout=120)
    finally:
        if second.poll() is None:
            second.kill()
    assert second.returncode == 0, err
    lines = out.split("\n")
    assert int(value(lines, "START")) == confirmed > 0
    assert int(value(lines, "SENT")) == size - confirmed
    asset_id = int(value(lines, "ASSET"))

    # the stored original is the source, byte for byte
    asset = api.get(f"/api/media/{asset_id}/")
    assert asset["production"] == slate.production_id and asset["original_name"] == CLIP.name
    original = api.request("GET", f"/api/media/{asset_id}/original/", headers={"Accept": "*/*"}, timeout=60)
    assert original.status == 200
    assert hashlib.sha256(original.body).hexdigest() == digest
    assert api.get(path)["state"] == "complete"
    rows = slate.db_rows("SELECT sha256, size_bytes FROM media_mediaasset WHERE id = %s", (asset_id,))
    assert rows == [(digest, size)]

    # and the real worker processes it
    job_id = asset["job"]["id"] if isinstance(asset["job"], dict) else asset["job"]
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        job = api.get(f"/api/jobs/{job_id}/")
        if job["status"] in ("succeeded", "failed", "cancelled"):
            break
        time.sleep(0.1)
    assert job["status"] == "succeeded", job
    assert slate.job_worker(job_id).split(":")[1] == str(slate.worker.pid)
    asset = api.get(f"/api/media/{asset_id}/")
    assert asset["status"] == "ready"
    assert {r["kind"] for r in asset["renditions"]} >= {"poster", "proxy"}
