"""Several web processes behind a real nginx, as `make run` starts them with SLATE_WEB_PROCESSES=2.

Two `manage.py run_web` processes on their own ports and Debian's nginx in front of them, configured
by `manage.py nginx_conf` from deploy/nginx/ (the files `make run` uses), on a private database,
Redis and temp dir (`SlateServer`, conftest.py), the channel layer sharded over that Redis and a
second one (SLATE_CHANNEL_REDIS_URLS). The tests talk to nginx, and straight to each web process to
tell which one did what:

- a socket on each process and one through nginx all see a change written through nginx; a socket
  that drops and reconnects to the other process with `after` gets exactly what it missed;
- protected media: the web process checks membership and answers with an empty body and
  `X-Accel-Redirect`; nginx sends the stored file's bytes, answers a Range with 206, and never serves
  its internal location to a client;
- static files, upload streaming (tus) and the body limit go through their own locations;
- supervisord.conf, read by supervisord's own parser with what the Makefile exports for
  SLATE_WEB_PROCESSES=3, names three web processes on SLATE_PORT+1.. and starts nginx.
"""
from __future__ import annotations

import asyncio
import base64
import http.client
import json
import os
import subprocess
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from channels_redis.utils import _consistent_hash

from apps.core.management.commands.nginx_conf import check_config, write_config
from project.daphne_options import max_request_body_bytes
from tests.e2e.conftest import PYTHON, REPO, START_TIMEOUT_S, Http, LiveSocket, SlateServer, free_port, serve

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

NGINX = Path("/usr/sbin/nginx")
ACCEL_PREFIX = "/_protected/"


class NginxSlate(SlateServer):
    """`SlateServer` with two web processes (`web`, `web2`) behind nginx on `port`; `base_url`/`ws_url` are nginx's.

    The web processes run with SLATE_MEDIA_ACCEL_REDIRECT=/_protected/ (the Makefile sets it for
    SLATE_WEB_PROCESSES > 1); nginx's files (config, pid, temp, access log) are in `tmp/nginx`.
    """

    PROCESSES = 2

    def __init__(self) -> None:
        super().__init__()
        self.web_ports = [free_port() for _ in range(self.PROCESSES)]
        self.webs: list[subprocess.Popen] = []
        self.nginx: subprocess.Popen | None = None
        self.nginx_dir = self.tmp / "nginx"
        self.static_root = Path(os.environ.get("STATIC_ROOT") or self.tmp / "var" / "staticfiles")  # the server's (settings.py)

    def _start_redis(self) -> None:
        super()._start_redis()
        from apps.core.redis_server import start_redis, wait_for_redis

        sock = self.tmp / "redis-shard" / "redis.sock"
        self.shard_proc = start_redis(sock, appendonly=False, log_path=self.tmp / "redis-shard.log")
        self.shard_url = f"unix://{sock}"
        wait_for_redis(self.shard_url, timeout_s=10)

    def _environment(self) -> dict[str, str]:
        return {**super()._environment(), "SLATE_MEDIA_ACCEL_REDIRECT": ACCEL_PREFIX,
                "SLATE_CHANNEL_REDIS_URLS": f"{self.redis_url},{self.shard_url}"}

    def channel_shards(self) -> list[set[str]]:
        """The pub/sub channels subscribed on each channel-layer Redis (in SLATE_CHANNEL_REDIS_URLS order)."""
        import redis

        found = []
        for url in (self.redis_url, self.shard_url):
            client = redis.Redis.from_url(url, socket_timeout=5)
            try:
                found.append({name.decode() for name in client.pubsub_channels(f"{self.env['SLATE_CHANNEL_PREFIX']}*")})
            finally:
                client.close()
        return found

    def web_url(self, index: int) -> str:
        """The base URL of web process `index` (0 or 1), past nginx."""
        return f"http://127.0.0.1:{self.web_ports[index]}"

    def web_ws(self, index: int) -> SimpleNamespace:
        """What `LiveSocket.open` needs to connect straight to web process `index`."""
        return SimpleNamespace(ws_url=f"ws://127.0.0.1:{self.web_ports[index]}/ws/")

    def start_web(self) -> None:
        for index, port in enumerate(self.web_ports):
            name = "web" if index == 0 else f"web{index + 1}"
            self.webs.append(self._spawn(name, [PYTHON, "manage.py", "run_web", "--host", "127.0.0.1", "--port", str(port)]))
        self.web = self.webs[0]
        deadline = time.monotonic() + START_TIMEOUT_S
        # nginx starts once both web processes answer: a refused connection marks an upstream failed for
        # fail_timeout (10 s) from its last failure, in the nginx worker that tried it (each worker counts
        # its own), and a worker that had both marked failed answered the tests' first requests 502
        # "no live upstreams" while the other worker served them.
        self._wait_until_healthy([self.web_url(i) for i in range(self.PROCESSES)], deadline)
        # what `manage.py nginx_conf --check` does under `make run`, with the server's paths (and without starting Django again)
        conf = write_config(self.nginx_dir, listen=f"127.0.0.1:{self.port}", upstreams=[f"127.0.0.1:{p}" for p in self.web_ports],
                            media_root=self.env["MEDIA_ROOT"], static_root=self.static_root,
                            max_body_bytes=max_request_body_bytes())
        check_config(conf)
        self.nginx = self._spawn("nginx", [str(NGINX), "-p", str(self.nginx_dir), "-c", str(conf),
                                           "-e", "stderr"])
        self._wait_until_healthy([self.base_url], deadline)

    def _wait_until_healthy(self, urls: list[str], deadline: float) -> None:
        """Until each of `urls` answers /api/health/; RuntimeError when a process exits or at `deadline`."""
        while urls and time.monotonic() < deadline:
            for name, proc in [("web", p) for p in self.webs] + [("nginx", self.nginx)]:
                if proc is not None and proc.poll() is not None:
                    raise RuntimeError(f"{name} exited with {proc.returncode}:\n{self.log_tail(name)}")
            urls = [url for url in urls if not healthy(url)]
            if urls:
                time.sleep(0.05)
        if urls:
            raise RuntimeError(f"not answering /api/health/ within {START_TIMEOUT_S:.0f} s: {urls}\n"
                               f"{self.log_tail('web')}\n{self.log_tail('web2')}\n{self.log_tail('nginx')}")

    def stop(self) -> None:
        for proc in (self.nginx, *self.webs, self.worker):  # all at once, then wait for each
            if proc is not None and proc.poll() is None:
                proc.terminate()
        self._stop(self.nginx)
        for proc in self.webs[1:]:
            self._stop(proc)
        super().stop()
        self._stop(getattr(self, "shard_proc", None))


def healthy(base_url: str) -> bool:
    try:
        return Http(base_url).request("GET", "/api/health/", timeout=2).status == 200
    except (OSError, ValueError):
        return False


@pytest.fixture(scope="module")
def stack(request):
    if not NGINX.exists():
        pytest.fail("/usr/sbin/nginx is missing: `make nginx` installs Debian's nginx (`make test` does it first).")
    yield from serve(request, NginxSlate())


async def in_thread(fn, *args, **kwargs):
    return await asyncio.to_thread(fn, *args, **kwargs)


def stored(frame: dict, production: int) -> bool:
    return frame.get("id") is not None and frame.get("production") == production and "entity" in frame


def scene_update(scene_id: int, version: int):
    return lambda f: f.get("type") == "scene.updated" and f.get("entity_id") == scene_id and f["data"].get("version") == version


# --- live changes across processes ---------------------------------------------------------------

async def test_a_change_reaches_sockets_on_both_processes_and_a_reconnect_to_the_other_process_resumes(stack: NginxSlate):
    production, scene_id = stack.production_id, stack.scene_ids[0]
    token = stack.token("bob")
    alice = stack.jwt_client("alice")  # through nginx
    on_one = await LiveSocket.open(stack.web_ws(0), bearer=token, label="process 1")
    on_two = await LiveSocket.open(stack.web_ws(1), bearer=token, label="process 2")
    via_nginx = await LiveSocket.open(stack, bearer=token, label="through nginx")
    back_on_two = None
    try:
        for sock in (on_one, on_two, via_nginx):
            assert (await sock.subscribe(production))["type"] == "subscribed", sock.label
        # the channel layer is sharded over two Redis servers: each channel is on the one its name hashes to
        shards = stack.channel_shards()
        print("channel-layer shards:", [sorted(names) for names in shards])
        assert shards[0] | shards[1], "no channel-layer subscription on either Redis"
        assert all(_consistent_hash(name, 2) == index for index, names in enumerate(shards) for name in names), shards

        # Given a change written through nginx (which hands it to either process)
        scene = await in_thread(alice.get, f"/api/scenes/{scene_id}/")
        first = await in_thread(alice.patch, f"/api/scenes/{scene_id}/", {"synopsis": "Seen everywhere.", "version": scene["version"]})
        # Then the sockets on both processes and the one through nginx all get it, once
        seen = [await sock.wait_for(scene_update(scene_id, first["version"]), what="the change") for sock in (on_one, on_two, via_nginx)]
        assert seen[0] == seen[1] == seen[2]

        # When the socket on process 1 drops, and three changes are made meanwhile (through nginx and on each process)
        last_seen = max(f["id"] for f in on_one.frames if stored(f, production))
        await on_one.close()
        version, missed_states = first["version"], []
        writers = [alice, Http(stack.web_url(0), token=stack.token("alice")), Http(stack.web_url(1), token=stack.token("alice"))]
        for n, writer in enumerate(writers, start=1):
            state = await in_thread(writer.patch, f"/api/scenes/{scene_id}/", {"synopsis": f"Away, change {n}.", "version": version})
            version = state["version"]
            missed_states.append(state)
        await on_two.wait_for(scene_update(scene_id, version), what="the third change, live")
        await via_nginx.wait_for(scene_update(scene_id, version), what="the third change, live")
        missed = [row[0] for row in stack.db_rows("SELECT id FROM realtime_event WHERE production_id = %s AND id > %s ORDER BY id",
                                                  (production, last_seen))]
        assert len(missed) == 3

        # and it reconnects to process 2 with `after` = the last event it saw
        back_on_two = await LiveSocket.open(stack.web_ws(1), bearer=token, label="process 2, reconnected")
        answer = await back_on_two.subscribe(production, after=last_seen)

        # Then it gets exactly the three it missed, in order, then `subscribed`
        assert answer["type"] == "subscribed" and answer["replayed"] == 3, answer
        replayed = back_on_two.frames[: back_on_two.frames.index(answer)]
        assert [f["id"] for f in replayed] == missed
        assert [f["data"] for f in replayed] == missed_states
        # and the ones live on process 2 were the same envelopes
        assert replayed == [f for f in on_two.frames if stored(f, production) and f["id"] > last_seen]
        await back_on_two.collect(0.5)
        assert [f["id"] for f in back_on_two.frames if stored(f, production)] == missed
    finally:
        for sock in (on_one, on_two, via_nginx, back_on_two):
            if sock is not None:
                await sock.close()


# --- protected media through X-Accel-Redirect -----------------------------------------------------

def noisy_png() -> bytes:
    """A PNG of random pixels (~120 KB: enough to take a range from, compresses to nothing smaller)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.frombytes("RGB", (200, 200), os.urandom(200 * 200 * 3)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def photo(stack: NginxSlate) -> dict:
    """A continuity photo uploaded through nginx: its API id, storage name and stored bytes."""
    alice = stack.jwt_client("alice")
    note = alice.post("/api/continuity-notes/", {"scene": stack.scene_ids[1], "body": "Cup in the left hand."})
    content = noisy_png()
    made = alice.call("POST", f"/api/continuity-notes/{note['id']}/photos/", expect=201,
                      files={"file": ("cup left hand.png", content, "image/png")})
    name = stack.db_rows("SELECT file FROM continuity_continuityphoto WHERE id = %s", (made["id"],))[0][0]
    stored_bytes = (stack.tmp / "media" / name).read_bytes()
    assert stored_bytes == content
    return {"id": made["id"], "name": name, "bytes": stored_bytes, "url": made["url"]}


def test_the_web_process_answers_a_file_with_an_empty_body_and_x_accel_redirect(stack: NginxSlate, photo: dict):
    direct = Http(stack.web_url(1), token=stack.token("alice")).request("GET", photo["url"], headers={"Accept": "*/*"})

    assert direct.status == 200, direct
    assert direct.body == b""
    assert direct.headers["X-Accel-Redirect"] == ACCEL_PREFIX + photo["name"]
    assert direct.headers["Content-Type"] == "image/png"
    assert direct.headers["Content-Disposition"] == 'inline; filename="cup left hand.png"'


def test_through_nginx_a_member_gets_the_stored_file_and_ranges(stack: NginxSlate, photo: dict):
    alice = stack.jwt_client("alice")
    size = len(photo["bytes"])

    whole = alice.request("GET", photo["url"], headers={"Accept": "*/*"})
    assert whole.status == 200, whole
    assert whole.body == photo["bytes"]
    assert "X-Accel-Redirect" not in whole.headers
    assert (whole.headers["Content-Type"], whole.headers["Content-Length"]) == ("image/png", str(size))
    assert whole.headers["Content-Disposition"] == 'inline; filename="cup left hand.png"'  # Slate's headers, kept by nginx
    assert whole.headers["Cache-Control"] == "private, max-age=3600"
    assert whole.headers["X-Content-Type-Options"] == "nosniff"
    assert whole.headers["Accept-Ranges"] == "bytes"

    middle = alice.request("GET", photo["url"], headers={"Accept": "*/*", "Range": "bytes=1000-1999"})
    assert middle.status == 206, middle
    assert middle.headers["Content-Range"] == f"bytes 1000-1999/{size}"
    assert middle.body == photo["bytes"][1000:2000]
    tail = alice.request("GET", photo["url"], headers={"Accept": "*/*", "Range": "bytes=-500"})
    assert (tail.status, tail.body) == (206, photo["bytes"][-500:])
    past = alice.request("GET", photo["url"], headers={"Accept": "*/*", "Range": f"bytes={size}-"})
    assert past.status == 416 and past.headers["Content-Range"] == f"bytes */{size}"


def test_through_nginx_no_one_reaches_the_files_without_slate_saying_yes(stack: NginxSlate, photo: dict):
    internal = ACCEL_PREFIX + photo["name"]
    # the internal location, asked for straight: anonymous, or even a member with a token
    assert Http(stack.base_url).request("GET", internal, headers={"Accept": "*/*"}).status == 404
    member = stack.jwt_client("alice").request("GET", internal, headers={"Accept": "*/*", "Range": "bytes=0-9"})
    assert (member.status, photo["bytes"][:10] in member.body) == (404, False)
    # the file view, for someone outside the production or not signed in
    outsider = stack.jwt_client("outsider").request("GET", photo["url"], headers={"Accept": "*/*"})
    assert outsider.status == 404 and "X-Accel-Redirect" not in outsider.headers
    assert Http(stack.base_url).request("GET", photo["url"], headers={"Accept": "*/*"}).status in (401, 403)


# --- static files, uploads, limits -----------------------------------------------------------------

def test_nginx_serves_static_root_itself_and_hands_missing_static_files_to_slate(stack: NginxSlate):
    stack.static_root.mkdir(parents=True, exist_ok=True)
    probe = f"nginx-probe-{stack.tag}.txt"
    (stack.static_root / probe).write_text("served by nginx\n")  # after the web processes started: WhiteNoise does not know it

    served = Http(stack.base_url).request("GET", f"/static/{probe}", headers={"Accept": "*/*"})
    assert (served.status, served.body) == (200, b"served by nginx\n")
    assert Http(stack.web_url(0)).request("GET", f"/static/{probe}", headers={"Accept": "*/*"}).status == 404
    missing = Http(stack.base_url).request("GET", "/static/no-such-file.js", headers={"Accept": "*/*"})
    assert missing.status == 404


def test_nginx_serves_the_apps_hashed_assets_gzipped_and_cached_for_good(stack: NginxSlate):
    import gzip

    assets = stack.static_root / "app" / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    name = f"probe-{stack.tag}-a1B2c3D4.js"  # a Vite name: its content's hash in it
    script = b"export const probe = 'served by nginx';\n" * 100
    (assets / name).write_bytes(script)
    (assets / f"{name}.gz").write_bytes(gzip.compress(script))  # as the frontend build and collectstatic write it
    (stack.static_root / "app" / f"manifest-{stack.tag}.webmanifest").write_text("{}")

    browser = Http(stack.base_url)
    zipped = browser.request("GET", f"/static/app/assets/{name}", headers={"Accept": "*/*", "Accept-Encoding": "gzip, deflate"})
    assert zipped.status == 200
    assert zipped.headers["Content-Encoding"] == "gzip" and gzip.decompress(zipped.body) == script
    assert zipped.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    plain = browser.request("GET", f"/static/app/assets/{name}", headers={"Accept": "*/*"})
    assert plain.body == script and plain.headers.get("Content-Encoding") is None
    # a name without a hash is kept an hour at most
    unhashed = browser.request("GET", f"/static/app/manifest-{stack.tag}.webmanifest", headers={"Accept": "*/*"})
    assert unhashed.status == 200 and unhashed.headers["Cache-Control"] == "public, max-age=3600"


def test_a_resumable_upload_streams_through_nginx(stack: NginxSlate):
    alice = stack.jwt_client("alice")
    metadata = ",".join(f"{key} {base64.b64encode(value.encode()).decode()}"
                        for key, value in {"production": str(stack.production_id), "filename": "card.mov"}.items())
    chunk = os.urandom(300_000)
    created = alice.request("POST", "/api/uploads/", headers={"Tus-Resumable": "1.0.0", "Upload-Length": str(2 * len(chunk)),
                                                               "Upload-Metadata": metadata})
    assert created.status == 201, created
    location = created.headers["Location"]
    path = "/" + location.split("/", 3)[3] if "://" in location else location

    conn = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=30)
    try:
        conn.request("PATCH", path, body=chunk, headers={"Authorization": f"Bearer {stack.token('alice')}", "Tus-Resumable": "1.0.0",
                                                          "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"})
        patched = conn.getresponse()
        patched.read()
    finally:
        conn.close()
    assert patched.status == 204, patched.status
    assert patched.headers["Upload-Offset"] == str(len(chunk))
    head = alice.request("HEAD", path, headers={"Tus-Resumable": "1.0.0"})
    assert (head.status, head.headers["Upload-Offset"]) == (200, str(len(chunk)))
    alice.request("DELETE", path, headers={"Tus-Resumable": "1.0.0"})


def test_a_body_past_the_limit_is_refused_413_by_nginx_in_slates_error_shape(stack: NginxSlate):
    limit = max_request_body_bytes()  # the server's settings for it are the defaults, as here
    assert f"client_max_body_size {limit};" in (stack.nginx_dir / "slate.conf").read_text()
    conn = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=10)
    try:  # the headers only: nginx answers before any of the body is sent
        conn.putrequest("POST", "/api/media/")
        conn.putheader("Content-Type", "application/octet-stream")
        conn.putheader("Content-Length", str(limit + 1))
        conn.endheaders()
        answer = conn.getresponse()
        body = answer.read()
    finally:
        conn.close()
    assert answer.status == 413, body
    assert answer.headers["Content-Type"] == "application/json"
    assert json.loads(body) == {
        "message": f"The request body is larger than the {limit} bytes Slate accepts; upload big files resumably (/api/uploads/).",
        "code": "too_large", "extra": {"limit_bytes": limit}}


# --- supervisord.conf with several web processes -------------------------------------------------

def test_supervisord_conf_runs_n_web_processes_on_the_next_ports_and_nginx(monkeypatch, tmp_path):
    from supervisor.options import ServerOptions

    # what the Makefile exports for SLATE_PORT=8100 SLATE_WEB_PROCESSES=3
    for key, value in {"SLATE_HOST": "0.0.0.0", "SLATE_PORT": "8100", "SLATE_WEB_PROCESSES": "3", "SLATE_WEB_HOST": "127.0.0.1",
                       "SLATE_WEB_PORT": "8101", "SLATE_NGINX": "true"}.items():
        monkeypatch.setenv(key, value)
    (REPO / "var").mkdir(exist_ok=True)  # supervisord checks its pidfile's directory
    options = ServerOptions()
    options.realize(args=["-c", str(REPO / "supervisord.conf"), "-j", str(tmp_path / "supervisord.pid")])
    groups = {group.name: group for group in options.process_group_configs}

    webs = groups["web"].process_configs
    assert [p.name for p in webs] == ["web-8101", "web-8102", "web-8103"]
    assert [p.command.split("run_web ", 1)[1] for p in webs] == [f"--host 127.0.0.1 --port {port}" for port in (8101, 8102, 8103)]
    assert all("wait_for_services --then" in p.command for p in webs)
    (nginx,) = groups["nginx"].process_configs
    assert nginx.autostart is True
    assert nginx.command == f"/usr/sbin/nginx -p {REPO}/var/nginx -c {REPO}/var/nginx/nginx.conf -e stderr"
    assert [g.name for g in sorted(groups.values())] == ["redis", "web", "nginx", "worker"]  # the start order
