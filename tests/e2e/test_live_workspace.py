"""End to end, over real processes: live scene changes, replay after a reconnect, dailies and
screenplay jobs run by the real worker, and a worker killed mid-job.

Everything goes through daphne (HTTP + WebSocket) and `manage.py run_huey`, started by the
`slate` fixture (tests/e2e/conftest.py); the WebSocket client is the `websockets` package.
"""
from __future__ import annotations

import asyncio
import contextlib
import io
import json
import re
import subprocess
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from PIL import Image

from tests.e2e.conftest import HOSTNAME, SHARED_DATA, LiveSocket, SlateServer

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

ENVELOPE_KEYS = {"id", "seq", "type", "production", "entity", "entity_id", "data", "actor", "at"}
ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")
TERMINAL = ("succeeded", "failed", "cancelled")


# --- helpers --------------------------------------------------------------------------------

async def in_thread(fn, *args, **kwargs):
    """Run a blocking HTTP call off the event loop, so sockets keep reading meanwhile."""
    return await asyncio.to_thread(fn, *args, **kwargs)


def assert_envelope(frame: dict, *, type: str, production: int, entity: str, entity_id, actor=None) -> None:
    """The DESIGN.md envelope, key for key."""
    assert set(frame) == ENVELOPE_KEYS, frame
    assert type_ok(frame, type), frame
    assert isinstance(frame["id"], int) and not isinstance(frame["id"], bool) and frame["id"] > 0, frame
    assert frame["production"] == production
    assert frame["entity"] == entity
    assert frame["entity_id"] == entity_id
    assert isinstance(frame["data"], dict)
    if actor is not None:
        assert frame["actor"] == actor
    assert ISO_Z.match(frame["at"]), frame["at"]
    at = datetime.fromisoformat(frame["at"].replace("Z", "+00:00"))
    assert abs(datetime.now(timezone.utc) - at) < timedelta(minutes=5), frame["at"]


def type_ok(frame: dict, type: str) -> bool:
    return frame.get("type") == type


def stored(frame: dict, production: int) -> bool:
    return frame.get("id") is not None and frame.get("production") == production and "entity" in frame


def is_scene_update(scene_id: int, version: int | None = None):
    def match(frame: dict) -> bool:
        return (frame.get("type") == "scene.updated" and frame.get("entity_id") == scene_id
                and (version is None or frame["data"].get("version") == version))
    return match


def ffprobe(path: Path) -> dict:
    done = subprocess.run(["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)],
                          capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout)


def first_stream(probe: dict, kind: str) -> dict | None:
    return next((s for s in probe["streams"] if s.get("codec_type") == kind
                 and not s.get("disposition", {}).get("attached_pic")), None)


def start_timecode(probe: dict) -> str:
    """The clip's start timecode the way ffprobe shows it: tmcd track, else video stream, else container tag."""
    tmcd = next((s for s in probe["streams"] if s.get("codec_tag_string") == "tmcd"), {})
    video = first_stream(probe, "video") or {}
    for tags in (tmcd.get("tags", {}), video.get("tags", {}), probe["format"].get("tags", {})):
        if tags.get("timecode"):
            return tags["timecode"]
    return ""


# Fountain scene headings (fountain.io/syntax#scene-headings): a line, alone between blank lines,
# that starts with INT / EXT / EST / INT./EXT / INT/EXT / I/E followed by a dot or a space, or is
# forced with a leading '.' (not '..').
HEADING = re.compile(r"^(?:\.(?=[^.\s])|(?:INT\./EXT|INT/EXT|I/E|INT|EXT|EST)[.\s])", re.IGNORECASE)
PREFIX = re.compile(r"^(?P<prefix>INT\./EXT\.?|INT/EXT\.?|I/E\.?|INT\.?|EXT\.?|EST\.?)\s+(?P<rest>.+)$", re.IGNORECASE)
DISPLAY = {"INT": "INT.", "EXT": "EXT.", "EST": "EST.", "INT./EXT": "INT./EXT.", "INT/EXT": "INT./EXT.", "I/E": "INT./EXT."}
TIME_OF_DAY = re.compile(r"^(?P<location>.+?)(?:\s*--\s*|\s+-\s+)(?P<time>[^-]+?)$")


def screenplay_headings(text: str) -> list[str]:
    lines = text.splitlines()
    headings = []
    for index, raw in enumerate(lines):
        line = raw.strip()
        before_blank = index == 0 or not lines[index - 1].strip()
        after_blank = index + 1 == len(lines) or not lines[index + 1].strip()
        if line and before_blank and after_blank and HEADING.match(line):
            headings.append(line)
    return headings


def expected_slugline(heading: str) -> str:
    """A heading as Slate writes a slugline: 'EXT. MOUNT GURU FOOTHILLS--DAY' → 'EXT. MOUNT GURU FOOTHILLS - DAY'."""
    heading = re.sub(r"\s*#[^#]*#\s*$", "", heading)  # a scene number '#12A#'
    if heading.startswith("."):
        heading = heading[1:]
    prefix_match = PREFIX.match(heading)
    prefix, rest = ("", heading) if prefix_match is None else (
        DISPLAY[prefix_match["prefix"].upper().rstrip(".")], prefix_match["rest"])
    split = TIME_OF_DAY.match(rest)
    location, time_of_day = (rest, "") if split is None else (split["location"], split["time"])
    return f"{prefix} {location.strip()}{f' - {time_of_day.strip()}' if time_of_day.strip() else ''}".strip()


async def upload_clip(slate: SlateServer, client, path: Path) -> dict:
    response = await in_thread(client.request, "POST", "/api/media/", fields={"production": slate.production_id},
                               files={"file": (path.name, path.read_bytes(), "application/octet-stream")}, timeout=60)
    assert response.status == 201, response
    return response.json()


def thread_nice_values(pid: int) -> dict[int, int]:
    """`{thread id: nice value}` of the process `pid`'s threads, from /proc/<pid>/task/<tid>/stat (proc(5): the
    19th field; the 2nd, the command name in parentheses, may hold spaces, so fields are counted after its ')')."""
    values = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(FileNotFoundError):
            values[int(task.name)] = int((task / "stat").read_text().rsplit(")", 1)[1].split()[16])
    return values


def test_the_workers_threads_run_at_a_lower_priority_than_its_main_thread(slate: SlateServer):
    """SLATE_WORKER_NICE (10): each of the HUEY_WORKERS (2) worker threads, and the heartbeat thread one of them
    starts, yield the cores to the web process; the consumer's own thread keeps its priority."""
    pid = slate.worker.pid
    deadline = time.monotonic() + 30
    while sum(nice == 10 for nice in thread_nice_values(pid).values()) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    values = thread_nice_values(pid)
    assert sum(nice == 10 for nice in values.values()) >= 2, values
    assert values[pid] == 0, values


# --- (2) live scene changes -------------------------------------------------------------------

async def test_scene_status_change_reaches_another_member_as_scene_updated(slate: SlateServer):
    # Given Bob in the browser (session cookie + our Origin), subscribed to the production
    alice, bob = slate.jwt_client("alice"), slate.session_client("bob")
    scene_id, production = slate.scene_ids[0], slate.production_id
    sock = await LiveSocket.open(slate, cookie=bob.cookie_header(), origin=slate.origin, label="bob")
    try:
        answer = await sock.subscribe(production)
        assert answer["type"] == "subscribed" and answer["replayed"] == 0, answer
        before = await in_thread(alice.get, f"/api/scenes/{scene_id}/")
        assert before["status"] == "not_started"

        # When Alice (JWT) moves the scene on the board
        since = sock.mark()
        patched = await in_thread(alice.patch, f"/api/scenes/{scene_id}/", {"status": "in_progress", "version": before["version"]})
        assert patched["status"] == "in_progress" and patched["version"] == before["version"] + 1

        # Then Bob's socket gets scene.updated in the DESIGN.md envelope, data as the REST API has it
        frame = await sock.wait_for(is_scene_update(scene_id, patched["version"]), since=since, what="scene.updated")
        alice_member = slate.members["alice"]
        assert_envelope(frame, type="scene.updated", production=production, entity="scene", entity_id=scene_id,
                        actor={"id": alice_member.id, "name": alice_member.name})
        assert frame["id"] > answer["last_id"]
        assert frame["data"] == await in_thread(bob.get, f"/api/scenes/{scene_id}/")
        assert frame["data"] == patched
        assert frame["data"]["status"] == "in_progress"
        # the board's stats follow (a status change moves completion): production.updated, stored, after it
        stats = await sock.wait_for(lambda f: f.get("type") == "production.updated" and f["id"] > frame["id"], since=since,
                                    what="production.updated")
        assert_envelope(stats, type="production.updated", production=production, entity="production", entity_id=production)
        # each stored event reached Bob once
        ids = [f["id"] for f in sock.frames if stored(f, production)]
        assert len(ids) == len(set(ids)) and ids == sorted(ids)
    finally:
        await sock.close()


async def test_non_member_subscribe_is_refused_and_receives_nothing_of_the_production(slate: SlateServer):
    production, scene_id = slate.production_id, slate.scene_ids[1]
    alice, outsider_http = slate.jwt_client("alice"), slate.jwt_client("outsider")
    outsider = await LiveSocket.open(slate, bearer=slate.token("outsider"), label="outsider")
    member = await LiveSocket.open(slate, bearer=slate.token("alice"), label="alice")
    try:
        # Given an outsider (a member of another production only) with a working socket
        own = await outsider.subscribe(slate.other_production_id)
        assert own["type"] == "subscribed", own

        # When they subscribe to a production they are not on
        refused = await outsider.subscribe(production)

        # Then: an error `forbidden`, and no subscription
        assert refused["type"] == "error" and refused["code"] == "forbidden", refused
        assert refused["production"] == production
        assert not any(f.get("type") == "subscribed" and f.get("production") == production for f in outsider.frames)

        # and when the production changes, the member sees it but the outsider gets nothing of it
        assert (await member.subscribe(production))["type"] == "subscribed"
        mark = outsider.mark()
        scene = await in_thread(alice.get, f"/api/scenes/{scene_id}/")
        patched = await in_thread(alice.patch, f"/api/scenes/{scene_id}/", {"status": "completed", "version": scene["version"]})
        await member.wait_for(is_scene_update(scene_id, patched["version"]), what="scene.updated for the member")
        await member.wait_for(lambda f: f.get("type") == "production.updated", what="production.updated for the member")
        later = outsider.frames[mark:] + await outsider.collect(1.5)
        leaked = [f for f in outsider.frames if f.get("production") == production and f is not refused]
        assert leaked == [], leaked
        assert later == [], later
        # nor over REST: another production's scene is a 404
        assert (await in_thread(outsider_http.request, "GET", f"/api/scenes/{scene_id}/")).status == 404
    finally:
        await outsider.close()
        await member.close()


async def test_reconnect_with_after_replays_every_missed_event_once_in_order(slate: SlateServer):
    production, scene_id = slate.production_id, slate.scene_ids[2]
    alice = slate.session_client("alice")  # session sign-in + CSRF for the writes
    bob = slate.session_client("bob")
    watcher = await LiveSocket.open(slate, bearer=slate.token("alice"), label="alice-watcher")
    sock = await LiveSocket.open(slate, cookie=bob.cookie_header(), origin=slate.origin, label="bob")
    reconnected = None
    try:
        assert (await watcher.subscribe(production))["type"] == "subscribed"
        assert (await sock.subscribe(production))["type"] == "subscribed"

        # Given Bob saw a change, then his connection dropped
        scene = await in_thread(bob.get, f"/api/scenes/{scene_id}/")
        first = await in_thread(alice.patch, f"/api/scenes/{scene_id}/", {"synopsis": "Before the break.", "version": scene["version"]})
        await sock.wait_for(is_scene_update(scene_id, first["version"]), what="the change before the drop")
        last_seen = max(f["id"] for f in sock.frames if stored(f, production))
        await sock.close()

        # When five changes are made while he is away (synopsis only: one stored event each)
        states = []
        version = first["version"]
        for take in range(1, 6):
            state = await in_thread(alice.patch, f"/api/scenes/{scene_id}/", {"synopsis": f"Away, change {take}.", "version": version})
            version = state["version"]
            states.append(state)
        await watcher.wait_for(is_scene_update(scene_id, version), what="the fifth change, live")
        missed_live = [f for f in watcher.frames if stored(f, production) and f["id"] > last_seen]
        missed_db = [row[0] for row in slate.db_rows("SELECT id FROM realtime_event WHERE production_id = %s AND id > %s ORDER BY id",
                                                     (production, last_seen))]
        assert [f["id"] for f in missed_live] == missed_db and len(missed_db) == 5

        # and he reconnects with `after` = the last id he saw
        reconnected = await LiveSocket.open(slate, cookie=bob.cookie_header(), origin=slate.origin, label="bob-again")
        answer = await reconnected.subscribe(production, after=last_seen)

        # Then every missed event, in order, once, then `subscribed` with replayed = 5
        assert answer["type"] == "subscribed", answer
        replayed = reconnected.frames[: reconnected.frames.index(answer)]
        assert all(stored(f, production) for f in replayed), replayed
        assert [f["id"] for f in replayed] == missed_db
        assert [f["data"] for f in replayed] == states
        assert [f["data"]["synopsis"] for f in replayed] == [f"Away, change {n}." for n in range(1, 6)]
        assert [f["data"]["version"] for f in replayed] == list(range(first["version"] + 1, first["version"] + 6))
        for frame, live in zip(replayed, missed_live):
            assert_envelope(frame, type="scene.updated", production=production, entity="scene", entity_id=scene_id,
                            actor={"id": slate.members["alice"].id, "name": slate.members["alice"].name})
            assert frame == live  # the replayed envelope is the one sent live
        assert answer["replayed"] == 5 and answer["last_id"] == missed_db[-1]
        assert replayed[-1]["data"] == await in_thread(bob.get, f"/api/scenes/{scene_id}/")

        # and nothing is sent twice, and live delivery resumes after the replay
        await reconnected.collect(1.0)
        after_replay = await in_thread(alice.patch, f"/api/scenes/{scene_id}/", {"synopsis": "Back again.", "version": version})
        resumed = await reconnected.wait_for(is_scene_update(scene_id, after_replay["version"]), what="the change after the replay")
        assert resumed["id"] > answer["last_id"]
        await reconnected.collect(0.5)
        ids = [f["id"] for f in reconnected.frames if stored(f, production)]
        assert ids == sorted(set(ids)), ids
        assert ids[:5] == missed_db and all(i > last_seen for i in ids)
    finally:
        await watcher.close()
        await sock.close()
        if reconnected is not None:
            await reconnected.close()


async def test_connected_client_gets_every_stored_event_once_while_web_and_worker_write_at_once(slate: SlateServer):
    # Stored events reach Redis in send order, not id order: web and worker each send after their
    # own commit. A live client must still get every one of them, once.
    alice = slate.jwt_client("alice")
    production = await in_thread(alice.post, "/api/productions/", {"title": "Crossfire", "code": "E2E-RACE"})
    scene = await in_thread(alice.post, "/api/scenes/", {"production": production["id"], "number": "100",
                                                        "location": "ROOFTOP", "time_of_day": "NIGHT"})
    source = SHARED_DATA / "fountain" / "public-domain" / "ASCENT_TO_GURU_PEAK.fountain"
    sock = await LiveSocket.open(slate, bearer=slate.token("alice"), label="alice")
    stop, failures = threading.Event(), []

    def edit_scene_meanwhile() -> None:  # the web process writes while the worker imports
        version, take = scene["version"], 0
        while not stop.is_set():
            take += 1
            response = alice.request("PATCH", f"/api/scenes/{scene['id']}/", json_body={"synopsis": f"Take {take}.", "version": version})
            if response.status != 200:
                failures.append(response)
                return
            version = response.json()["version"]

    writer = threading.Thread(target=edit_scene_meanwhile, daemon=True)
    try:
        start = await sock.subscribe(production["id"])
        assert start["type"] == "subscribed"
        writer.start()
        for take in range(4):  # each import: one transaction, a burst of stored events sent by the worker
            response = await in_thread(alice.request, "POST", "/api/scripts/", fields={"production": production["id"], "title": f"Draft {take}"},
                                       files={"file": (source.name, source.read_bytes(), "text/plain")})
            assert response.status == 201, response
            job_id = response.json()["job"]["id"]
            done = await sock.wait_for(lambda f: f.get("type") == "job.updated" and f.get("entity_id") == job_id
                                       and f["data"]["status"] in TERMINAL, timeout=30, what="the import job's end")
            assert done["data"]["status"] == "succeeded", done["data"]
        stop.set()
        await in_thread(writer.join, 15)
        assert not failures, failures

        expected = [row[0] for row in slate.db_rows("SELECT id FROM realtime_event WHERE production_id = %s AND id > %s ORDER BY id",
                                                    (production["id"], start["last_id"]))]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 5
        while set(expected) - {f["id"] for f in sock.frames if stored(f, production["id"])} and loop.time() < deadline:
            await sock.collect(0.2)
        await sock.collect(0.3)
        live = [f["id"] for f in sock.frames if stored(f, production["id"])]
        assert sorted(set(expected) - set(live)) == [], "stored events never delivered live"
        assert sorted(live) == expected  # and none twice
    finally:
        stop.set()
        await sock.close()


async def test_socket_auth_needs_a_bearer_token_or_a_session_from_our_origin(slate: SlateServer):
    cookie = slate.session_client("bob").cookie_header()
    no_origin = await LiveSocket.open(slate, cookie=cookie, label="cookie-without-origin")
    assert await no_origin.closed_with() == 4401  # a cookie alone is not enough: scripts bring a token
    foreign = await LiveSocket.open(slate, cookie=cookie, origin="http://evil.example", label="foreign-origin")
    assert await foreign.closed_with() == 4403
    anonymous = await LiveSocket.open(slate, origin=slate.origin, label="anonymous")
    assert await anonymous.closed_with() == 4401


async def test_a_message_over_the_servers_limit_is_closed_with_1009_and_others_stay_connected(slate: SlateServer):
    sock = await LiveSocket.open(slate, bearer=slate.token("alice"), label="alice")
    other = await LiveSocket.open(slate, bearer=slate.token("bob"), label="bob")
    try:
        # A 2 MiB text message: past daphne's 1 MiB, so Slate never even reads it…
        await sock.conn.send('{"type": "ping", "pad": "' + "x" * (2 * 1024 * 1024) + '"}')
        # …and the client is told why (RFC 6455 7.4.1: 1009 "message too big"), not cut off mid-air
        assert await sock.closed_with() == 1009
        await other.send({"type": "ping"})
        await other.wait_for(lambda f: f.get("type") == "pong", timeout=5, what="pong")
    finally:
        await sock.close()
        await other.close()


# --- (3) dailies: upload, live progress, the worker's renditions ---------------------------------

@pytest.mark.parametrize("clip", ["derived_tos_prores_proxy_tc_01000000.mov", "tears_of_steel_640x360_10s.mp4"])
async def test_uploaded_clip_is_processed_by_the_worker_with_live_progress(slate: SlateServer, clip: str, tmp_path: Path):
    source = SHARED_DATA / "video" / clip
    assert source.exists(), f"shared data missing: {source} (set SLATE_SHARED_DATA)"
    original = ffprobe(source)
    alice = slate.jwt_client("alice")
    sock = await LiveSocket.open(slate, bearer=slate.token("alice"), label="alice")
    try:
        assert (await sock.subscribe(slate.production_id))["type"] == "subscribed"

        # When a clip is uploaded
        created = await upload_clip(slate, alice, source)
        job_id = created["job"]["id"]
        assert created["job"]["status"] == "pending" and created["status"] != "ready"

        # Then live job.progress events and a job.updated `succeeded` arrive
        done = await sock.wait_for(lambda f: f.get("type") == "job.updated" and f.get("entity_id") == job_id
                                   and f["data"]["status"] in TERMINAL, timeout=60, what="the job's end")
        assert done["data"]["status"] == "succeeded", done["data"]
        assert_envelope(done, type="job.updated", production=slate.production_id, entity="job", entity_id=job_id)
        assert done["data"]["progress"] == 1.0
        upto = sock.frames.index(done)
        progress_frames = [f for f in sock.frames[:upto] if f.get("type") == "job.progress" and f.get("entity_id") == job_id]
        assert progress_frames, "no job.progress event arrived"
        values = [f["data"]["progress"] for f in progress_frames]
        assert all(0 < p <= 1 for p in values), values
        assert all(a <= b for a, b in zip(values, values[1:])) and values[-1] > values[0], values
        assert all(f["id"] is None for f in progress_frames)  # ephemeral
        running = [f for f in sock.frames[:upto] if f.get("type") == "job.updated" and f.get("entity_id") == job_id
                   and f["data"]["status"] == "running"]
        assert running and sock.frames.index(running[0]) < sock.frames.index(progress_frames[0])
        assert done["data"] == await in_thread(alice.get, f"/api/jobs/{job_id}/")

        # processed by the run_huey process (not the web process)
        assert slate.job_worker(job_id) == f"{HOSTNAME}:{slate.worker.pid}"

        # and the stored metadata is ffprobe's on the original
        asset = await in_thread(alice.get, f"/api/media/{created['id']}/")
        assert asset["status"] == "ready", asset
        video, audio = first_stream(original, "video"), first_stream(original, "audio")
        assert asset["duration_s"] == pytest.approx(float(original["format"]["duration"]), abs=1e-6)
        assert (asset["width"], asset["height"]) == (video["width"], video["height"])
        assert asset["frame_rate"] == video["r_frame_rate"]
        assert asset["video_codec"] == video["codec_name"]
        assert asset["audio_codec"] == (audio["codec_name"] if audio else "")
        assert asset["audio_channels"] == (audio["channels"] if audio else None)
        assert asset["start_timecode"] == start_timecode(original)
        if clip.endswith(".mov"):
            assert asset["start_timecode"] == "01:00:00:00" and asset["reel_name"] == "A001C003"

        # the proxy and the poster, downloaded from the rendition URLs, read back
        renditions = {r["kind"]: r for r in asset["renditions"]}
        assert set(renditions) >= {"proxy", "poster"}, asset["renditions"]
        proxy_response = await in_thread(alice.request, "GET", renditions["proxy"]["url"], timeout=60)
        assert proxy_response.status == 200 and proxy_response.headers["Content-Type"] == "video/mp4"
        proxy_path = tmp_path / "proxy.mp4"
        proxy_path.write_bytes(proxy_response.body)
        proxy = ffprobe(proxy_path)
        proxy_video = first_stream(proxy, "video")
        assert proxy_video["codec_name"] == "h264" and proxy_video["pix_fmt"] == "yuv420p"
        assert (proxy_video["width"], proxy_video["height"]) == (renditions["proxy"]["width"], renditions["proxy"]["height"])
        assert float(proxy["format"]["duration"]) == pytest.approx(float(original["format"]["duration"]), abs=0.25)
        assert proxy["format"]["format_name"].startswith("mov,mp4")
        if clip.endswith(".mov"):
            assert start_timecode(proxy) == "01:00:00:00"  # the proxy keeps the camera timecode

        poster_response = await in_thread(alice.request, "GET", renditions["poster"]["url"])
        assert poster_response.status == 200 and poster_response.headers["Content-Type"] == "image/jpeg"
        with Image.open(io.BytesIO(poster_response.body)) as poster:
            assert poster.format == "JPEG"
            assert poster.size == (renditions["poster"]["width"], renditions["poster"]["height"])
            assert poster.size[0] <= video["width"]
    finally:
        await sock.close()


# --- (4) screenplay import through the worker -------------------------------------------------

async def test_screenplay_import_yields_the_screenplays_scenes_in_order(slate: SlateServer):
    source = SHARED_DATA / "fountain" / "public-domain" / "ASCENT_TO_GURU_PEAK.fountain"
    text = source.read_text(encoding="utf-8")
    headings = screenplay_headings(text)
    assert len(headings) == 6, headings  # the file's six scene headings, independently of Slate's parser
    expected = [expected_slugline(h) for h in headings]
    assert expected[0] == "EXT. MOUNT GURU FOOTHILLS - DAY"

    alice = slate.jwt_client("alice")
    production = await in_thread(alice.post, "/api/productions/", {"title": "Ascent to Guru Peak", "code": "E2E-GURU"})
    sock = await LiveSocket.open(slate, bearer=slate.token("alice"), label="alice")
    try:
        assert (await sock.subscribe(production["id"]))["type"] == "subscribed"
        response = await in_thread(alice.request, "POST", "/api/scripts/", fields={"production": production["id"], "title": "Ascent"},
                                   files={"file": (source.name, source.read_bytes(), "text/plain")})
        assert response.status == 201, response
        job_id = response.json()["job"]["id"]

        done = await sock.wait_for(lambda f: f.get("type") == "job.updated" and f.get("entity_id") == job_id
                                   and f["data"]["status"] in TERMINAL, timeout=30, what="the import job's end")
        assert done["data"]["status"] == "succeeded", done["data"]
        assert done["data"]["result"]["scene_count"] == len(expected)
        assert slate.job_worker(job_id) == f"{HOSTNAME}:{slate.worker.pid}"

        scenes = await in_thread(alice.get, f"/api/scenes/?production={production['id']}&ordering=script_order&page_size=500")
        rows = scenes["results"]
        assert scenes["count"] == len(expected)
        assert [s["slugline"] for s in rows] == expected
        assert [s["script_order"] for s in rows] == sorted(s["script_order"] for s in rows)
        assert len({s["number"] for s in rows}) == len(rows)
        created = [f for f in sock.frames if f.get("type") == "scene.created"]
        assert sorted(f["entity_id"] for f in created) == sorted(s["id"] for s in rows)
    finally:
        await sock.close()


async def test_two_screenplays_imported_at_once_into_one_production_both_succeed(slate: SlateServer):
    # Two uploads (two Script rows) reach the two worker threads together. Each script keeps its
    # own scenes (an import never touches another script's scenes); their numbers must not collide.
    source = SHARED_DATA / "fountain" / "public-domain" / "ASCENT_TO_GURU_PEAK.fountain"
    alice = slate.jwt_client("alice")
    production = await in_thread(alice.post, "/api/productions/", {"title": "Two drafts", "code": "E2E-DRAFTS"})
    sock = await LiveSocket.open(slate, bearer=slate.token("alice"), label="alice")
    try:
        assert (await sock.subscribe(production["id"]))["type"] == "subscribed"

        async def upload(title: str) -> str:
            response = await in_thread(alice.request, "POST", "/api/scripts/", fields={"production": production["id"], "title": title},
                                       files={"file": (source.name, source.read_bytes(), "text/plain")})
            assert response.status == 201, response
            return response.json()["job"]["id"]

        job_ids = await asyncio.gather(upload("Draft A"), upload("Draft B"))
        outcomes = []
        for job_id in job_ids:
            done = await sock.wait_for(lambda f: f.get("type") == "job.updated" and f.get("entity_id") == job_id
                                       and f["data"]["status"] in TERMINAL, timeout=30, what="an import job's end")
            outcomes.append((done["data"]["status"], done["data"]["error"]))
        assert outcomes == [("succeeded", ""), ("succeeded", "")]
        scenes = (await in_thread(alice.get, f"/api/scenes/?production={production['id']}&ordering=script_order&page_size=500"))["results"]
        expected = [expected_slugline(h) for h in screenplay_headings(source.read_text())]
        by_version: dict = {}
        for scene in scenes:
            by_version.setdefault(scene["script_version"], []).append(scene["slugline"])
        assert len(by_version) == 2
        assert all(sluglines == expected for sluglines in by_version.values())
        assert len({s["number"] for s in scenes}) == len(scenes) == 2 * len(expected)
    finally:
        await sock.close()


# --- a worker killed mid-job ------------------------------------------------------------------

async def test_job_of_a_killed_worker_is_not_left_running_after_restart(slate: SlateServer):
    source = SHARED_DATA / "video" / "big_buck_bunny_0_30_vp8_vorbis_30s.webm"  # ~5 s of encoding: time to kill
    alice = slate.jwt_client("alice")
    sock = await LiveSocket.open(slate, bearer=slate.token("alice"), label="alice")
    try:
        assert (await sock.subscribe(slate.production_id))["type"] == "subscribed"
        created = await upload_clip(slate, alice, source)
        job_id = created["job"]["id"]
        await sock.wait_for(lambda f: f.get("type") == "job.progress" and f.get("entity_id") == job_id
                            and f["data"]["progress"] >= 0.15, timeout=30, what="the proxy under way")

        # When the worker is killed while running it
        old_pid = slate.worker.pid
        assert slate.job_worker(job_id) == f"{HOSTNAME}:{old_pid}"
        slate.kill_worker()

        # Then the job is left `running`
        orphan = await in_thread(alice.get, f"/api/jobs/{job_id}/")
        assert orphan["status"] == "running" and orphan["attempts"] == 1, orphan

        # and after run_huey restarts, its startup reaper re-runs (or fails) it: not left running
        since = sock.mark()
        await in_thread(slate.start_worker)
        done = await sock.wait_for(lambda f: f.get("type") == "job.updated" and f.get("entity_id") == job_id
                                   and f["data"]["status"] in TERMINAL, timeout=30, since=since, what="the reaped job's end")
        job = await in_thread(alice.get, f"/api/jobs/{job_id}/")
        assert job["status"] != "running"
        assert job == done["data"]
        reaped = [f["data"] for f in sock.frames[since:] if f.get("type") == "job.updated" and f.get("entity_id") == job_id]
        assert reaped[0]["status"] in ("pending", "failed"), reaped  # the reaper's verdict comes first
        if job["status"] == "succeeded":
            assert job["attempts"] == 2 and reaped[0]["status"] == "pending"
            assert slate.job_worker(job_id) == f"{HOSTNAME}:{slate.worker.pid}"
            asset = await in_thread(alice.get, f"/api/media/{created['id']}/")
            assert asset["status"] == "ready" and {r["kind"] for r in asset["renditions"]} >= {"proxy", "poster"}
        else:
            assert job["status"] == "failed" and "worker" in job["error"], job
    finally:
        await sock.close()
