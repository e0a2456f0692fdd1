"""schemathesis over every operation of /api/schema/, against Slate's real processes (daphne, run_huey, Redis).

A production full of rows (every resource twice: one to read and change, one for DELETE) is made over the
API as its owner; schemathesis then generates requests — valid and invalid bodies, parameters, headers —
for every operation of the schema, as that owner, with the seeded ids in the paths, and checks:

- no answer is a server error (>= 500);
- every status is one the schema declares for the operation, with the declared content type.

The budget is examples per operation: `SLATE_SCHEMATHESIS_EXAMPLES` (10 by default: the examples and fuzzing
phases, under a minute on two cores; `.ci/run` asks for 15 on its PostgreSQL pass). From 25 on the coverage
phase runs too (every boundary and edge value of every parameter, ~20,000 requests, 6-7 min on PostgreSQL):
run by hand before a release, with a pytest timeout to match. AI providers are configured with unreachable endpoints (the jobs fail in
the worker; the endpoints answer as in production), so no 503 `not_configured` hides what they do.
"""
from __future__ import annotations

import base64
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.e2e.conftest import SHARED_DATA, VENV_BIN, Http, SlateServer

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

EXAMPLES = int(os.environ.get("SLATE_SCHEMATHESIS_EXAMPLES", "10"))
LONG_RUN = 25  # from this many examples on, the coverage phase too: every boundary and edge value of every parameter
SCHEMATHESIS = str(VENV_BIN / "schemathesis") if (VENV_BIN / "schemathesis").exists() else shutil.which("schemathesis") or "schemathesis"
FOUNTAIN = b"Title: Fuzz\n\nINT. LIBRARY - NIGHT\n\nMaya reads.\n\nMAYA\nQuiet.\n\nEXT. PIER - DAY\n\nWaves.\n"


def closed_port() -> int:
    """A local port nothing listens on: connections to it are refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class FuzzedSlate(SlateServer):
    """The end-to-end server, with the AI providers configured (at refused ports) and tokens that outlive a long run."""

    def _environment(self) -> dict[str, str]:
        dead = f"127.0.0.1:{closed_port()}"
        return {**super()._environment(), "ANTHROPIC_API_KEY": "sk-fuzz", "ANTHROPIC_BASE_URL": f"http://{dead}",
                "FAL_KEY": "fal-fuzz", "FAL_QUEUE_RUN_HOST": dead, "JWT_ACCESS_MINUTES": "600"}


@dataclass
class Seeded:
    """Ids of the seeded rows: `ids[resource]` to read and change, `spares[resource]` for DELETE."""

    production: int
    ids: dict[str, list] = field(default_factory=dict)
    spares: dict[str, object] = field(default_factory=dict)


def png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 36), (200, 120, 40)).save(out, "PNG")
    return out.getvalue()


def push_keys() -> dict:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    point = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    b64u = lambda raw: base64.urlsafe_b64encode(raw).rstrip(b"=").decode()  # noqa: E731
    return {"p256dh": b64u(point), "auth": b64u(os.urandom(16))}


def wait_for_job(client: Http, job_id: str, timeout_s: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}/")
        if job["status"] in ("succeeded", "failed", "cancelled"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still {job['status']} after {timeout_s:.0f} s")


def seed(server: SlateServer) -> Seeded:
    """Every kind of row the API serves, made over the API by the production's owner (alice)."""
    alice, bob = server.jwt_client("alice"), server.jwt_client("bob")
    p = server.production_id
    s = Seeded(production=p)
    two = lambda path, body: [alice.post(path, body(i))["id"] for i in range(2)]  # noqa: E731

    s.ids["productions"], s.spares["productions"] = [p], alice.post("/api/productions/", {"title": "Spare"})["id"]
    s.ids["members"] = [alice.post(f"/api/productions/{p}/members/", {"user_login": "outsider", "role": "viewer"})["id"]]
    invitation = alice.post(f"/api/productions/{p}/members/", {"user_login": "new.grip@example.com", "role": "crew"}, expect=202)
    s.ids["invitations"] = [invitation["invitation"]["id"]]
    s.ids["scenes"], s.spares["scenes"] = server.scene_ids[:2], server.scene_ids[2]
    scene = server.scene_ids[0]
    shots = two("/api/shots/", lambda i: {"scene": scene, "type": "WS"})
    takes = two("/api/takes/", lambda i: {"shot": shots[0]})
    cast = two("/api/cast-members/", lambda i: {"production": p, "name": f"Actor {i}", "cast_id": str(i + 1)})
    characters = two("/api/characters/", lambda i: {"production": p, "name": f"ROLE {i}", "scenes": [scene], "cast_member": cast[i]})
    props = two("/api/props/", lambda i: {"production": p, "name": f"Prop {i}", "scenes": [scene]})
    locations = two("/api/locations/", lambda i: {"production": p, "name": f"Place {i}", "scenes": [scene]})
    notes = two("/api/continuity-notes/", lambda i: {"scene": scene, "body": f"Note {i}"})
    photos = [alice.call("POST", f"/api/continuity-notes/{notes[0]}/photos/", expect=201, files={"file": (f"p{i}.png", png(), "image/png")})["id"]
              for i in range(2)]
    comments = two("/api/comments/", lambda i: {"scene": scene, "body": f"Comment {i}"})
    bob.post("/api/comments/", {"scene": scene, "body": "@alice have a look"})  # alice's notification
    days = two("/api/shoot-days/", lambda i: {"production": p, "date": f"2027-03-0{i + 1}"})
    strips = [alice.post("/api/strips/", {"shoot_day": days[i], "scene": server.scene_ids[i]})["id"] for i in range(2)]
    sheets = [alice.post("/api/call-sheets/", {"shoot_day": day})["id"] for day in days]
    templates = two("/api/storyboard-templates/", lambda i: {"production": p, "name": f"T{i}", "template": "{shot.type} in {scene.location}"})
    scripts = [alice.call("POST", "/api/scripts/", expect=201, fields={"production": p, "title": f"Script {i}"},
                          files={"file": (f"s{i}.fountain", FOUNTAIN, "text/plain")}) for i in range(2)]
    images = [alice.call("POST", "/api/media/", expect=201, fields={"production": p}, files={"file": (f"still{i}.png", png(), "image/png")})
              for i in range(2)]
    clip = (SHARED_DATA / "video" / "big_buck_bunny_432_433_vp8_vorbis_1s.webm").read_bytes()
    video = alice.call("POST", "/api/media/", expect=201, fields={"production": p}, files={"file": ("A001C001_1_1.webm", clip, "video/webm")})
    favourites = [alice.post("/api/storyboard-favourites/", {"media_asset": image["id"]})["id"] for image in images]
    subscriptions = [alice.post("/api/push-subscriptions/", {"endpoint": f"http://127.0.0.1:9/push/{secrets.token_hex(8)}", "keys": push_keys()})["id"]
                     for _ in range(2)]
    uploads = []
    for i in range(2):
        meta = ",".join(f"{k} {base64.b64encode(str(v).encode()).decode()}" for k, v in {"production": p, "filename": f"u{i}.mov"}.items())
        answer = alice.request("POST", "/api/uploads/", headers={"Tus-Resumable": "1.0.0", "Upload-Length": "100", "Upload-Metadata": meta})
        assert answer.status == 201, answer
        uploads.append(answer.headers["Location"].rstrip("/").rsplit("/", 1)[-1])

    for job in [script["job"] for script in scripts] + [image["job"] for image in images] + [video["job"]]:
        if job:
            wait_for_job(alice, job["id"])
    clips = [alice.post(f"/api/media/{video['id']}/clips/", {"in": 0, "out": 10 + i})["id"] for i in range(2)]
    versions = [v["id"] for v in alice.get(f"/api/script-versions/?production={p}")["results"]]
    notifications = [n["id"] for n in alice.get("/api/notifications/")["results"]]
    jobs = [j["id"] for j in alice.get(f"/api/jobs/?production={p}")["results"]]
    assert versions and notifications and jobs

    for name, rows in {"shots": shots, "takes": takes, "cast-members": cast, "characters": characters, "props": props,
                       "locations": locations, "continuity-notes": notes, "continuity-photos": photos, "comments": comments,
                       "shoot-days": days, "strips": strips, "call-sheets": sheets, "storyboard-templates": templates,
                       "storyboard-favourites": favourites, "push-subscriptions": subscriptions, "uploads": uploads,
                       "scripts": [script["id"] for script in scripts], "media": [video["id"], images[0]["id"], images[1]["id"]],
                       "clips": clips}.items():
        s.ids[name], s.spares[name] = rows[:-1], rows[-1]
    s.ids["script-versions"], s.ids["notifications"], s.ids["jobs"] = versions, notifications, jobs
    s.ids["ai/scripts"] = s.ids["scripts"]
    return s


# The operations that end the caller's sign-ins: a signed-out device's access token is refused at once (issue 18), so
# alice asking them would turn every later request of the run into a 401. Another member (bob) asks these.
ENDING_SIGN_INS = ("^POST /api/me/sign-out-everywhere/", "^DELETE /api/me/devices/")


def config(server: SlateServer, seeded: Seeded, token: str, report_dir: Path, operations_in_schema: set[str],
           ending_token: str) -> str:
    """schemathesis.toml: who asks (alice; bob for ENDING_SIGN_INS, with `ending_token`), how many examples, which
    checks, and the seeded ids each operation's path takes."""
    lines = [
        f'base-url = "{server.base_url}"',
        "workers = 2",
        "max-failures = 200",
        f'headers = {{ Authorization = "Bearer {token}" }}',
        f"[generation]\nmax-examples = {EXAMPLES}\nwith-security-parameters = false\ndatabase = \"none\"",
        f"[phases]\nexamples.enabled = true\nfuzzing.enabled = true\ncoverage.enabled = {str(EXAMPLES >= LONG_RUN).lower()}\n"
        "stateful.enabled = false",
        "[checks]\nenabled = false\nnot_a_server_error.enabled = true\nstatus_code_conformance.enabled = true\n"
        "content_type_conformance.enabled = true",
        f'[reports]\ndirectory = "{report_dir}"\njunit.enabled = true',
    ]
    dictionaries, operations = {}, []

    def bind(name: str, values: list) -> str:
        dictionaries[name] = values
        return name

    # One [[operations]] entry per group of operations, chosen by name ("METHOD /path"): the seeded ids their paths take.
    # DELETE gets only the spares, and never an id another response showed (it would delete the production itself).
    production = [seeded.production]
    for resource, rows in seeded.ids.items():
        if resource in ("members", "invitations"):
            continue
        key = "upload_id" if resource == "uploads" else "id"
        path = f"/api/{resource}/\\\\{{{key}\\\\}}/"
        operations.append((f"^(GET|PUT|PATCH|POST) {path}", {f"path.{key}": bind(f"{resource.replace('/', '-')}-ids", list(rows))}))
        if resource in seeded.spares:
            operations.append((f"^DELETE {path}", {f"path.{key}": [seeded.spares[resource]]}))
    members = "/api/productions/\\\\{production_pk\\\\}/members/"
    invitations = "/api/productions/\\\\{production_pk\\\\}/invitations/"
    for name_regex in (f"^(GET|POST|PATCH) {members}", f"^DELETE {members}", f"^(GET|DELETE) {invitations}"):
        own = seeded.ids["invitations" if "invitations" in name_regex else "members"]
        operations.append((name_regex, {"path.production_pk": production, "path.id": own}))
    # Bodies and filters that name rows: mostly the seeded ones, so requests get past "does not exist" to the services.
    bodies = {"production": [seeded.production], "scene": seeded.ids["scenes"], "shot": seeded.ids["shots"], "take": seeded.ids["takes"],
              "cast_member": seeded.ids["cast-members"], "shoot_day": seeded.ids["shoot-days"], "media_asset": seeded.ids["media"],
              "continuity_note": seeded.ids["continuity-notes"], "script": seeded.ids["scripts"], "asset": seeded.ids["media"],
              "note": seeded.ids["continuity-notes"], "script_version": seeded.ids["script-versions"], "version": [1, 2, 3]}
    bound = {}
    for name, values in bodies.items():
        bind(f"{name}-values", list(values))
        bound[f"body.{name}"] = bound[f"query.{name}"] = name
    for name, values in dictionaries.items():
        lines.append(f'[dictionaries.{json.dumps(name)}]\nvalues = {json.dumps(values)}')
    lines.append("[parameters]\n" + "\n".join(f'"{key}" = {{ dictionary = "{name}-values", probability = 0.7 }}' for key, name in bound.items()))
    for name_regex, parameters in operations:
        if not any(re.match(name_regex.replace("\\\\", "\\"), name) for name in operations_in_schema):
            continue  # e.g. push subscriptions: DELETE only
        rendered = ", ".join(
            f'"{key}" = {{ dictionary = {json.dumps(value)}, probability = 0.9 }}' if isinstance(value, str) else f'"{key}" = {json.dumps(value[0])}'
            for key, value in parameters.items()
        )
        entry = f'[[operations]]\ninclude-name-regex = "{name_regex}"\nparameters = {{ {rendered} }}'
        if name_regex.startswith("^DELETE"):
            entry += "".join(f"\n[operations.phases.{phase}.extra-data-sources]\nresponses = false" for phase in ("examples", "coverage", "fuzzing"))
        lines.append(entry)
    for name_regex in ENDING_SIGN_INS:
        lines.append(f'[[operations]]\ninclude-name-regex = "{name_regex}"\nheaders = {{ Authorization = "Bearer {ending_token}" }}')
    return "\n\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def fuzzed():
    server = FuzzedSlate()
    try:
        server.start()
        seeded = seed(server)
    except BaseException:
        tails = "\n".join(f"--- {n} ---\n{server.log_tail(n)}" for n in ("web", "worker"))
        server.stop()
        raise RuntimeError(f"the fuzzed Slate did not start or seed:\n{tails}")
    yield server, seeded
    server.stop()
    shutil.rmtree(server.tmp, ignore_errors=True)


def failures(junit: Path) -> list[str]:
    """'<operation>: <message>' for each failing test case of schemathesis' JUnit report."""
    found = []
    for case in ET.parse(junit).getroot().iter("testcase"):
        for problem in list(case.findall("failure")) + list(case.findall("error")):
            found.append(f"{case.get('name')}: {(problem.get('message') or '')[:300]}\n{(problem.text or '')[:1500]}")
    return found


@pytest.mark.timeout(300 + (900 if EXAMPLES >= LONG_RUN else 60 * EXAMPLES // 10))
def test_every_operation_of_the_schema_answers_without_a_server_error_and_as_declared(fuzzed, tmp_path):
    server, seeded = fuzzed
    schema = Http(server.base_url, token=server.token("alice")).get("/api/schema/?format=json")
    operations = {f"{method.upper()} {path}" for path, item in schema["paths"].items() for method in item
                  if method in ("get", "post", "put", "patch", "delete")}
    (tmp_path / "schemathesis.toml").write_text(config(server, seeded, server.token("alice"), tmp_path / "report", operations,
                                                              ending_token=server.token("bob")))
    env = {**os.environ, "SCHEMATHESIS_HOOKS": str(Path(__file__).with_name("schemathesis_hooks.py")), "NO_COLOR": "1"}

    started = time.monotonic()
    done = subprocess.run([SCHEMATHESIS, "--config-file", str(tmp_path / "schemathesis.toml"), "run", f"{server.base_url}/api/schema/?format=json"],
                          cwd=tmp_path, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=3600)
    took = time.monotonic() - started

    output = done.stdout + done.stderr
    junit = next((tmp_path / "report").glob("*.xml"), None)
    assert junit is not None, output[-5000:]
    found = failures(junit)
    tested = {case.get("name") for case in ET.parse(junit).getroot().iter("testcase")}
    print(f"schemathesis: {len(tested & operations)} of {len(operations)} operations, {EXAMPLES} examples each, {took:.0f} s")
    assert operations <= tested, (sorted(operations - tested), output[-3000:])
    assert found == [], f"{len(found)} failing operations:\n" + "\n".join(found)[:20000] + "\n" + server.log_tail("web", 80)
    assert done.returncode == 0, output[-5000:]
    # alice's sign-in lived through the run, so no operation after some sign-out was answered only 401 (ENDING_SIGN_INS)
    assert Http(server.base_url, token=server.token("alice")).get("/api/auth/me/")["username"] == server.members["alice"].username
