"""The operations page (/operations) and the retry of a failed job, in a real Chromium against the real running Slate.

A worker that lacks ffmpeg (run_huey started with an empty PATH, as on a host where ffmpeg was never installed)
fails two real dailies uploads; it is stopped, and one clip is deleted. The owner finds the operations page in her
account menu; it shows the dead worker as stale, the production's counts and both failed jobs with ffprobe's
reason. Her Retry (by keyboard) puts the first job back to waiting; the director, on the production's Jobs page
in another browser, sees that row go from failed to pending without a reload, and, once a worker with ffmpeg
runs, to running and succeeded. The deleted clip's retry is refused and its reason shows in its row. axe-core finds
no critical or serious violation on the page at 1440×900 and 1024×768 (and in the light theme); screenshots are kept.
Fixtures: `chromium` (tests/e2e/conftest.py), a Slate of this module's own (its workers are stopped and started).
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.browser import DESKTOP, PAGE_MS, SCREENSHOTS, TIMEOUT_MS, Tab, axe_violations, open_member, tid
from tests.e2e.conftest import SHARED_DATA, SlateServer, serve, serve_built_app

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]

CLIP = SHARED_DATA / "video" / "tears_of_steel_640x360_10s.mp4"
TABLET = {"width": 1024, "height": 768}
JOB_S = 120  # probe + proxy + poster + filmstrip + waveform of a 10 s clip on the real worker
KIND_LABEL = "Dailies processing"  # frontend/src/pages/media/format.ts, jobKindLabel("media.process")


class OperationsServer(SlateServer):
    """A Slate whose workers beat every second and are stale after 4 s, so a stopped one is soon shown as such."""

    def _environment(self) -> dict[str, str]:
        env = super()._environment()
        env.update(SLATE_WORKER_HEARTBEAT_S="1", SLATE_READY_WORKER_STALE_S="4")
        return env

    def restart_worker(self, *, path: str | None = None) -> None:
        """Stop the worker (SIGTERM) and start a new one; `path`: its PATH instead of ours."""
        self._stop(self.worker)
        saved = self.env
        if path is not None:
            self.env = {**saved, "PATH": path}
        try:
            self.start_worker()
        finally:
            self.env = saved

    def stop_worker(self) -> None:
        self._stop(self.worker)


@pytest.fixture(scope="module")
def ops_slate(request, built_app: Path):
    """This module's own running Slate, serving the built app."""
    running = serve(request, OperationsServer())
    server = next(running)
    try:
        serve_built_app(server)
        yield server
    finally:
        next(running, None)


@pytest.fixture
def people(request, chromium: Browser, ops_slate: OperationsServer):
    """Open signed-in tabs with `people("alice")`; on a failure each tab's screenshot and HTML go to test-artifacts/."""
    opened: list[Tab] = []
    failed_before = request.session.testsfailed
    yield lambda key, viewport=None: open_member(chromium, ops_slate, key, viewport=viewport, opened=opened)
    if request.session.testsfailed > failed_before:
        for tab in opened:
            tab.save_failure(request.node.name)
    for context in {id(t.page.context): t.page.context for t in opened}.values():
        context.close()


def wait_job(server: SlateServer, job_id: str, status: str) -> dict:
    """The job (REST, as Alice) once it reached `status`; fails at once when it ended otherwise."""
    client = server.session_client("alice")
    deadline = time.monotonic() + JOB_S
    job: dict = {}
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}/")
        if job["status"] == status:
            return job
        if job["status"] in ("succeeded", "failed", "cancelled"):
            raise AssertionError(f"job {job_id} ended {job['status']}, not {status}: {job}")
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} not {status} within {JOB_S} s: {job}")


@pytest.fixture(scope="module")
def failures(ops_slate: OperationsServer) -> dict:
    """Two dailies uploads failed for real by a worker without ffmpeg (then stopped; no worker runs after this), the
    second clip deleted since: `{"job", "asset", "gone_job"}`."""
    assert CLIP.exists(), f"missing test clip {CLIP} (set SLATE_SHARED_DATA)"
    empty_bin = ops_slate.tmp / "no-ffmpeg-bin"
    empty_bin.mkdir(exist_ok=True)
    ops_slate.restart_worker(path=str(empty_bin))
    client = ops_slate.session_client("alice")
    uploads = [client.call("POST", "/api/media/", expect=201, fields={"production": ops_slate.production_id},
                           files={"file": (f"A00{i}_C001.mp4", CLIP.read_bytes(), "video/mp4")}) for i in (1, 2)]
    jobs = [wait_job(ops_slate, upload["job"]["id"], "failed") for upload in uploads]  # the upload answers with its job
    for job in jobs:
        assert "ffprobe" in job["error"] and job["retryable"] is True, job
    ops_slate.stop_worker()
    client.call("DELETE", f"/api/media/{uploads[1]['id']}/", expect=204)
    return {"job": jobs[0]["id"], "asset": uploads[0]["id"], "gone_job": jobs[1]["id"]}


def failed_row(tab: Tab, job_id: str):
    return tab.locator(f'{tid("operations-failed-job")}[data-job-id="{job_id}"]')


def open_operations(tab: Tab) -> None:
    tab.goto("/operations")
    expect(tab.page.get_by_role("heading", level=1, name="Operations")).to_be_visible(timeout=PAGE_MS)
    expect(tab.by_testid("operations-updated")).to_be_visible(timeout=PAGE_MS)


@pytest.fixture(autouse=True)
def screenshots_folder() -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)


def test_the_operations_page_has_no_serious_accessibility_violations_at_desktop_and_tablet_sizes(people, ops_slate, failures):
    # The app starts dark (main.tsx); the light theme is checked too, at desktop size.
    for name, viewport, scheme in (("desktop", DESKTOP, "dark"), ("tablet", TABLET, "dark"), ("desktop-light", DESKTOP, "light")):
        alice = people("alice", viewport)
        alice.page.evaluate("scheme => localStorage.setItem('mantine-color-scheme-value', scheme)", scheme)  # Mantine's own key
        open_operations(alice)
        expect(alice.locator("html")).to_have_attribute("data-mantine-color-scheme", scheme)
        expect(failed_row(alice, failures["gone_job"])).to_be_visible()
        expect(alice.locator(f'{tid("operations-worker")}[data-alive="false"]').first).to_be_visible()  # the stopped worker
        alice.page.screenshot(path=str(SCREENSHOTS / f"operations-{name}.png"), full_page=False)
        alice.page.screenshot(path=str(SCREENSHOTS / f"operations-{name}-full.png"), full_page=True)
        violations = axe_violations(alice.page)
        assert not violations, f"axe at {viewport}, {scheme}: {json.dumps(violations, indent=1)[:6000]}"
        alice.assert_healthy()


def test_a_refused_retry_shows_its_reason_and_the_job_stays_failed(people, ops_slate, failures):
    alice = people("alice")
    open_operations(alice)
    row = failed_row(alice, failures["gone_job"])
    row.get_by_role("button", name=f"Retry {KIND_LABEL} in E2E Live").click()
    expect(row.get_by_role("alert")).to_have_text("The clip was deleted: there is nothing to process.")
    expect(row).to_be_visible()
    assert ops_slate.session_client("alice").get(f"/api/jobs/{failures['gone_job']}/")["status"] == "failed"
    alice.assert_healthy()


RECORD_STATUSES = """(jobId) => {
  // Every status the row shows, in order, as React renders it (a MutationObserver sees each commit).
  window.__jobStatuses = [];
  const look = () => {
    const row = document.querySelector(`[data-testid="job-row"][data-job-id="${jobId}"]`);
    const status = row && row.getAttribute("data-status");
    if (status && window.__jobStatuses[window.__jobStatuses.length - 1] !== status) window.__jobStatuses.push(status);
  };
  look();
  new MutationObserver(look).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-status"] });
}"""


def test_an_owner_retries_a_failed_job_from_operations_and_another_member_sees_it_run_live(people, ops_slate, failures):
    job_id, production = failures["job"], ops_slate.production_id

    # The director manages nothing: no Operations in his menu, and the page says it is not his
    bob = people("bob")
    expect(bob.by_testid("production-card").first).to_be_visible(timeout=PAGE_MS)
    bob.by_testid("user-menu").click()
    expect(bob.by_testid("notification-settings")).to_be_visible()
    expect(bob.by_testid("operations-link")).to_have_count(0)
    bob.page.keyboard.press("Escape")
    bob.goto("/operations")
    expect(bob.by_testid("operations-forbidden")).to_contain_text("owners and producers", timeout=PAGE_MS)

    # He watches the production's Jobs page: the failed job, which he may retry too
    bob.goto(f"/productions/{production}/jobs")
    bob.wait_live()
    bob_row = bob.locator(f'{tid("job-row")}[data-job-id="{job_id}"]')
    expect(bob_row).to_have_attribute("data-status", "failed", timeout=PAGE_MS)
    expect(bob_row.get_by_role("button", name=f"Retry {KIND_LABEL} in E2E Live")).to_be_visible()
    assert not axe_violations(bob.page, f'{tid("job-row")}[data-job-id="{job_id}"]'), "the failed job's row on the Jobs page"
    bob.page.screenshot(path=str(SCREENSHOTS / "jobs-retry-desktop.png"), full_page=False)
    bob.page.evaluate(RECORD_STATUSES, job_id)
    mark = bob.mark_document()

    # The owner finds the page in her account menu
    alice = people("alice")
    expect(alice.by_testid("production-card").first).to_be_visible(timeout=PAGE_MS)
    alice.by_testid("user-menu").click()
    alice.by_testid("operations-link").click()
    expect(alice.page.get_by_role("heading", level=1, name="Operations")).to_be_visible(timeout=PAGE_MS)
    row = failed_row(alice, job_id)
    expect(row).to_be_visible(timeout=PAGE_MS)
    expect(row.get_by_role("cell").nth(0)).to_have_text("E2E Live")
    expect(row.get_by_role("cell").nth(1)).to_contain_text(KIND_LABEL)
    expect(row.locator(tid("operations-failed-error"))).to_contain_text("ffprobe")
    expect(row.get_by_role("cell").nth(4)).to_have_text("1")  # attempts
    counts = alice.locator(f'{tid("operations-production")}[data-production-id="{production}"]')
    expect(counts.locator(tid("count-failed"))).to_have_text("2")
    expect(alice.locator(f'{tid("operations-worker")}[data-alive="false"]').first).to_contain_text("Stale")

    # Retry, by keyboard
    retry = row.get_by_role("button", name=f"Retry {KIND_LABEL} in E2E Live")
    retry.focus()
    alice.page.keyboard.press("Enter")
    expect(row).to_have_count(0)
    expect(alice.by_testid("operations-retry-status")).to_have_text(f"{KIND_LABEL} in E2E Live was sent to run again.")
    expect(alice.page.get_by_role("heading", level=2, name="Failed jobs (1)")).to_be_focused()
    expect(counts.locator(tid("count-failed"))).to_have_text("1")
    expect(counts.locator(tid("count-pending"))).to_have_text("1")
    # No worker runs: the job waits in the queue
    alice.page.wait_for_function("() => Number(document.querySelector('[data-testid=operations-queue-depth]')?.dataset.depth) >= 1",
                                 timeout=TIMEOUT_MS)

    # The director sees it waiting, live, and no Retry on it any more
    expect(bob_row).to_have_attribute("data-status", "pending")
    expect(bob_row.locator(tid("job-retry"))).to_have_count(0)

    # A worker with ffmpeg starts: he sees it run and succeed
    ops_slate.restart_worker()
    expect(bob_row).to_have_attribute("data-status", "succeeded", timeout=JOB_S * 1000)
    assert bob.page.evaluate("() => window.__jobStatuses") == ["failed", "pending", "running", "succeeded"]
    bob.assert_same_document(mark)
    asset = ops_slate.session_client("alice").get(f"/api/media/{failures['asset']}/")
    assert asset["status"] == "ready", asset

    # The operations page follows by itself: a live worker, nothing waiting or running for the production
    expect(alice.locator(f'{tid("operations-worker")}[data-alive="true"]')).to_have_count(1)
    expect(counts.locator(tid("count-pending"))).to_have_text("0")
    expect(counts.locator(tid("count-running"))).to_have_text("0")
    alice.page.screenshot(path=str(SCREENSHOTS / "operations-after-retry-desktop.png"), full_page=False)
    alice.assert_healthy()
    bob.assert_healthy()
