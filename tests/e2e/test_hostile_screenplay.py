"""Acceptance (issue 11): a 5 MiB hostile screenplay of each shape imports, versions, diffs and exports
as PDF and Fountain in seconds, while other members' writes in every production answer within 1 s
and /api/health/ within 200 ms. Real processes: daphne, run_huey, Redis (the `slate` fixture).

For each shape (tests/scripts/hostile.py: the runs of the issue, on one 5 MiB line) Alice uploads
the file as a new script, saves an edit of it as v2 (`POST /api/scripts/{id}/versions/`, a
`script.edit` job; the edit is as big as a JSON body may be), then asks for the diff v1 → v2, the
PDF and the Fountain export of v2 (each a `script.render` job, then served from the kept file).
All the while three probes run in a process of their own (so the test's 5 MiB bodies never hold up
their clocks): Bob patches a scene of the same production and Olga one of her own production, each
about ten times a second, and a third client reads /api/health/ twenty times a second; each records
how long every answer took. Run it on SQLite (default) and PostgreSQL (DATABASE_URL=postgres://...).
The browser test at the end checks the script page's job flow (save an edit, diff, PDF download).
"""
from __future__ import annotations

import contextlib
import json
import multiprocessing
import re
import statistics
import threading
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import Http, SlateServer
from tests.scripts.hostile import hostile

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(900)]

FIVE_MIB = 5 * 1024 * 1024
# The shapes of the issue, each a run on one line: whitespace, "(", "*", "_", "[[", "/*", "#", ">", "~", "*a ", "_a ".
SHAPES = ["spaces", "tabs", "parens", "stars", "underscores", "star_a", "underscore_a", "notes", "boneyards", "hashes", "gt", "tilde"]
STEP_LIMIT_S = 20.0  # "in seconds": each step (a job and the request that starts or serves it)
WRITE_LIMIT_S = 1.0
HEALTH_LIMIT_S = 0.2  # issue 11's acceptance: /api/health/ within 200 ms while hostile work runs
TERMINAL = ("succeeded", "failed", "cancelled")


class Probe(threading.Thread):
    """Sends one request after another, `pause_s` apart, until stopped, recording how long each answer took (seconds)."""

    def __init__(self, name: str, send, stopping: threading.Event, pause_s: float):
        super().__init__(name=name, daemon=True)
        self.send = send
        self.pause_s = pause_s
        self.latencies: list[float] = []
        self.failures: list[str] = []
        self.stopping = stopping

    def run(self) -> None:
        while not self.stopping.is_set():
            start = time.monotonic()
            try:
                problem = self.send()
            except Exception as exc:  # noqa: BLE001 — a probe reports, the test decides
                problem = f"{type(exc).__name__}: {exc}"
            self.latencies.append(time.monotonic() - start)
            if problem:
                self.failures.append(problem)
            self.stopping.wait(self.pause_s)


def run_probes(base_url: str, clients: dict, scenes: dict, stop, results) -> None:
    """In a process of its own (so the test's 5 MiB bodies never hold up a probe's clock): Bob's and
    Olga's scene patches and the health reads, each in a thread, until `stop` is set; then put
    `{name: (latencies, failures)}` on `results`."""
    stopping = threading.Event()
    # Two members saving about ten times a second each, and a monitor asking for health twenty times a
    # second: continuous, but not so much traffic that the probes queue behind each other on the web
    # process's one thread for Django views (DESIGN.md, "Processes").
    probes = [Probe(BOB, scene_patcher(Http(base_url, token=clients["bob"]), scenes["bob"]), stopping, 0.1),
              Probe(OLGA, scene_patcher(Http(base_url, token=clients["olga"]), scenes["olga"]), stopping, 0.1),
              Probe(HEALTH, health_reader(Http(base_url)), stopping, 0.05)]
    for probe in probes:
        probe.start()
    stop.wait()
    stopping.set()
    for probe in probes:
        probe.join(timeout=30)
    results.put({probe.name: (probe.latencies, probe.failures) for probe in probes})


BOB, OLGA, HEALTH = "Bob's writes (same production)", "Olga's writes (her production)", "health"


def summary(name: str, latencies: list[float]) -> str:
    p99 = statistics.quantiles(latencies, n=100)[98] if len(latencies) >= 2 else max(latencies, default=0)
    return f"{name}: {len(latencies)} requests, max {max(latencies) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, " \
           f"median {statistics.median(latencies) * 1000:.0f} ms"


def scene_patcher(client: Http, scene: dict):
    """A probe's request: PATCH the scene's synopsis, based on the version it last saw."""
    state = {"version": scene["version"], "n": 0}

    def send() -> str | None:
        state["n"] += 1
        response = client.request("PATCH", f"/api/scenes/{scene['id']}/", json_body={"synopsis": f"Take {state['n']}", "version": state["version"]},
                                  timeout=30)
        if response.status != 200:
            return f"PATCH scene {scene['id']}: {response.status} {response.body[:200]!r}"
        state["version"] = response.json()["version"]
        return None

    return send


def health_reader(client: Http):
    """A probe's request: GET /api/health/."""
    def send() -> str | None:
        response = client.request("GET", "/api/health/", timeout=30)
        return None if response.status == 200 else f"health: {response.status}"

    return send


def wait_for_job(client: Http, job: dict, *, timeout_s: float = 120.0) -> dict:
    deadline = time.monotonic() + timeout_s
    while job["status"] not in TERMINAL:
        assert time.monotonic() < deadline, f"job {job['id']} ({job['kind']}) not done within {timeout_s:.0f} s: {job}"
        time.sleep(0.1)
        job = client.get(f"/api/jobs/{job['id']}/")
    return job


def rendered(client: Http, path: str) -> tuple[bytes, float]:
    """GET a diff or export: 202 with the job making it, then the kept result (200). Returns (body, seconds)."""
    start = time.monotonic()
    response = client.request("GET", path, timeout=60)
    if response.status == 202:
        job = wait_for_job(client, response.json())
        assert job["status"] == "succeeded", f"{path}: {job['error']}"
        response = client.request("GET", path, timeout=60)
    assert response.status == 200, f"{path}: {response.status} {response.body[:500]!r}"
    return response.body, time.monotonic() - start


def edit_of(text: str) -> str:
    """The text with its heading changed, cut short if need be so that the JSON body of the edit stays
    within the 5 MiB a request may carry (escaped tabs count twice)."""
    edited = text.replace("ROOM", "HALL", 1)
    budget = FIVE_MIB - 4096
    size = len(json.dumps({"text": edited}))
    return edited if size <= budget else edited[:int(len(edited) * budget / size)] + "\n"


def make_stage(slate: SlateServer, title: str, code: str, number: str) -> dict:
    """Alice's production `title` with Bob as director and a scene of his own (`number`, which no script numbers),
    and a scene in Olga's production: what the probes write to."""
    alice, bob, olga = slate.jwt_client("alice"), slate.jwt_client("bob"), slate.jwt_client("outsider")
    production = alice.post("/api/productions/", {"title": title, "code": code})
    alice.post(f"/api/productions/{production['id']}/members/", {"user_login": slate.members["bob"].username, "role": "director"})
    bobs = bob.post("/api/scenes/", {"production": production["id"], "number": number, "int_ext": "INT", "location": "BOB'S ROOM",
                                      "time_of_day": "DAY"})
    olgas = olga.post("/api/scenes/", {"production": slate.other_production_id, "number": f"O{number}", "int_ext": "EXT",
                                        "location": "OLGA'S FIELD", "time_of_day": "DAY"})
    return {"alice": alice, "bob": bob, "olga": olga, "production": production, "bobs_scene": bobs, "olgas_scene": olgas}


@pytest.fixture(scope="module")
def stage(slate: SlateServer):
    return make_stage(slate, "Hostile screenplays", "E2E-HOSTILE", "Z1")


def import_each(slate: SlateServer, stage: dict, files: dict[str, tuple[str, bytes, str]], *, what: str, out) -> tuple[dict, dict, dict]:
    """Upload each of `files` (`{shape: (file name, bytes, content type)}`) as a new script of the stage's production
    while the probes run, and wait for its import job; print (through `out`) the seconds each took and the probes'
    figures. Answers `(seconds by shape, finished job by shape, probes)`."""
    alice, production = stage["alice"], stage["production"]
    timings: dict[str, float] = {}
    outcomes: dict[str, dict] = {}
    with probes_running(slate, stage) as probes:
        for shape, upload in files.items():
            start = time.monotonic()
            job = alice.post("/api/scripts/", expect=201, fields={"production": production["id"], "title": f"Hostile {shape}"},
                             files={"file": upload}, timeout=60)["job"]
            outcomes[shape] = wait_for_job(alice, job)
            timings[shape] = time.monotonic() - start
    out(f"\n5 MiB hostile {what} on {'PostgreSQL' if slate.pg_database else 'SQLite'}, seconds to import (or refuse):")
    for shape, seconds in timings.items():
        out(f"  {shape:18} {seconds:5.2f}  {outcomes[shape]['status']}  {outcomes[shape]['error'][:80]}")
    for name, (latencies, _) in probes.items():
        out("  " + summary(name, latencies))
    return timings, outcomes, probes


@contextlib.contextmanager
def probes_running(slate: SlateServer, stage: dict):
    """The probes (`run_probes`: Bob's and Olga's writes to their scenes in `stage`, the health reads) in a
    process of their own while the block runs; the dict yielded holds `{name: (latencies, failures)}` after it."""
    context = multiprocessing.get_context("spawn")
    stop, results = context.Event(), context.Queue()
    prober = context.Process(target=run_probes, daemon=True, args=(
        slate.base_url, {"bob": stage["bob"].token, "olga": stage["olga"].token}, {"bob": stage["bobs_scene"], "olga": stage["olgas_scene"]},
        stop, results))
    prober.start()
    probes: dict = {}
    try:
        yield probes
    finally:
        stop.set()
        prober.join(timeout=60)
    assert not results.empty(), f"the probes' process ended with {prober.exitcode} and no results (see the captured stderr)"
    probes.update(results.get(timeout=10))


def assert_probes_fast(probes: dict) -> None:
    """No probe failed; every write answered within WRITE_LIMIT_S, every health read within HEALTH_LIMIT_S."""
    for name, (latencies, failures) in probes.items():
        assert not failures, f"{name}: {failures[:5]}"
        assert max(latencies) < (HEALTH_LIMIT_S if name == HEALTH else WRITE_LIMIT_S), summary(name, latencies)


def test_5_mib_hostile_screenplays_go_through_in_seconds_while_writes_and_health_stay_fast(slate, stage, capsys):
    alice, production = stage["alice"], stage["production"]
    timings: dict[str, dict[str, float]] = {}
    with probes_running(slate, stage) as probes:
        for shape in SHAPES:
            text = hostile(shape, FIVE_MIB)
            steps = timings[shape] = {}

            start = time.monotonic()
            upload = alice.post("/api/scripts/", expect=201, fields={"production": production["id"], "title": f"Hostile {shape}"},
                                files={"file": (f"{shape}.fountain", text.encode("utf-8"), "text/plain")}, timeout=60)
            job = wait_for_job(alice, upload["job"])
            assert job["status"] == "succeeded", f"{shape} import: {job['error']}"
            steps["import"] = time.monotonic() - start
            v1 = job["result"]["script_version_id"]

            start = time.monotonic()
            edit = alice.post(f"/api/scripts/{upload['id']}/versions/", {"text": edit_of(text), "summary": "edit", "parent": v1},
                              expect=202, timeout=60)
            job = wait_for_job(alice, edit)
            assert job["status"] == "succeeded", f"{shape} edit: {job['error']}"
            steps["version"] = time.monotonic() - start
            v2 = job["result"]["script_version_id"]

            body, steps["diff"] = rendered(alice, f"/api/scripts/{upload['id']}/diff/?from=1&to=2")
            diff = json.loads(body)
            assert (diff["from"], diff["to"]) == (1, 2) and sum(diff["summary"].values()) == len(diff["scenes"])
            body, steps["pdf"] = rendered(alice, f"/api/script-versions/{v2}/export.pdf")
            assert body.startswith(b"%PDF-") and body.rstrip().endswith(b"%%EOF")
            body, steps["fountain"] = rendered(alice, f"/api/script-versions/{v2}/export.fountain")
            assert body.strip()

    with capsys.disabled():
        print(f"\n5 MiB hostile screenplays on {'PostgreSQL' if slate.pg_database else 'SQLite'}, seconds per step:")
        for shape, steps in timings.items():
            print(f"  {shape:13} " + "  ".join(f"{name} {seconds:5.2f}" for name, seconds in steps.items()))
        for name, (latencies, _) in probes.items():
            print("  " + summary(name, latencies))
    slow = {(shape, name): round(s, 2) for shape, steps in timings.items() for name, s in steps.items() if s > STEP_LIMIT_S}
    assert not slow, f"steps over {STEP_LIMIT_S:.0f} s: {slow}"
    assert_probes_fast(probes)


def test_a_5_mib_screenplay_of_short_lines_is_refused_at_once_naming_the_line_limit(slate, stage):
    text = hostile("spaces_lines", FIVE_MIB)  # half a million lines: past SLATE_SCRIPT_MAX_LINES
    start = time.monotonic()
    response = stage["alice"].request("POST", "/api/scripts/", fields={"production": stage["production"]["id"], "title": "Lines"},
                                      files={"file": ("lines.fountain", text.encode("utf-8"), "text/plain")}, timeout=60)

    assert response.status == 400, response
    assert response.json()["code"] == "too_large" and response.json()["extra"]["limit"] == "SLATE_SCRIPT_MAX_LINES"
    assert time.monotonic() - start < 2.0


# --- the script page with the job flow ------------------------------------------------------------

def feature_script(scenes: int) -> str:
    """A plain screenplay of `scenes` scenes (~1 KB each): past the size a diff or export is made at once, so jobs make them."""
    body = []
    for n in range(1, scenes + 1):
        body.append(f"INT. ROOM {n} - DAY\n\nMARA crosses the room and opens the window; rain comes in, the papers on the desk lift and fall.\n\n"
                    f"MARA\nWe leave at {n} o'clock, whatever the weather says.\n\nTOM\n(quietly)\nThen we leave without the boxes.\n\n"
                    + "The clock ticks. Somewhere below, a bus pulls away from the stop and its lights sweep the ceiling.\n\n" * 6)
    return "".join(body)


@pytest.mark.browser
def test_the_script_page_saves_an_edit_shows_the_diff_and_downloads_the_pdf_through_their_jobs(chromium, slate_app, stage):
    from playwright.sync_api import expect

    from tests.e2e.browser import PAGE_MS, open_member, tid

    alice, production = stage["alice"], stage["production"]
    text = feature_script(60)  # ~60 KB: more than SLATE_SCRIPT_INLINE_MAX_BYTES
    upload = alice.post("/api/scripts/", expect=201, fields={"production": production["id"], "title": "Rain Check"},
                        files={"file": ("rain.fountain", text.encode(), "text/plain")})
    assert wait_for_job(alice, upload["job"])["status"] == "succeeded"
    tab = open_member(chromium, slate_app, "alice")
    try:
        # Alice edits v1 in the page and saves it: the save is a job, then the page opens the diff of v2
        tab.goto(f"/productions/{production['id']}/script?script={upload['id']}&view=edit")
        tab.by_testid("edit-start").click()
        editor = tab.by_testid("script-editor")
        expect(editor).to_have_value(re.compile(r"^INT\. ROOM 1 - DAY"), timeout=PAGE_MS)
        editor.focus()
        tab.page.keyboard.press("Control+End")
        tab.page.keyboard.insert_text("\nEXT. ROOF - NIGHT\n\nPigeons settle on the wet rail.\n")
        tab.by_testid("edit-summary").fill("A roof at the end")
        tab.by_testid("edit-save").click()
        diff = tab.locator(tid("script-diff"))
        expect(diff).to_have_attribute("data-to", "2", timeout=PAGE_MS)
        expect(tab.by_testid("diff-summary-added")).to_have_text("1 added", timeout=PAGE_MS)
        expect(tab.locator(f'{tid("diff-scene")}[data-status="added"]')).to_contain_text("EXT. ROOF - NIGHT")
        versions = alice.get(f"/api/scripts/{upload['id']}/versions/")["results"]
        assert [(v["number"], v["source"], v["summary"]) for v in versions] == [(1, "upload", ""), (2, "edit", "A roof at the end")]
        jobs = alice.get(f"/api/jobs/?production={production['id']}&page_size=100")["results"]
        assert {"script.edit", "script.render"} <= {j["kind"] for j in jobs}

        # The PDF of v2 is made by a job, then downloaded under the script's name
        with tab.page.expect_download(timeout=60_000) as download:
            tab.locator(f'{tid("script-version")}[data-number="2"] {tid("download-pdf")}').first.click()
        assert download.value.suggested_filename == "Rain Check v2.pdf"
        assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
        tab.assert_healthy()
    finally:
        tab.page.context.close()
