"""Acceptance (issue 17): a 5 MiB hostile screenplay PDF of each shape goes through the one upload endpoint and its
job in seconds — imported, or refused by the job naming the limit it passes — while other members' writes answer
within 1 s and /api/health/ within 200 ms. Real processes: daphne, run_huey, Redis (the `slate` fixture); the
shapes are tests/scripts/hostile_pdf.py's (thousands of tiny text runs, kerned arrays, a huge page count, one page
holding everything, a flate bomb); the probes are tests/e2e/test_hostile_screenplay.py's, in a process of their own.
"""
from __future__ import annotations

import pytest

from tests.e2e.conftest import SlateServer
from tests.e2e.test_hostile_screenplay import STEP_LIMIT_S, assert_probes_fast, import_each, make_stage
from tests.scripts.hostile_pdf import hostile_pdf

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(900)]

FIVE_MIB = 5 * 1024 * 1024
# Read whole and saved: everything drawn on one page (within the page's drawing limit).
IMPORTED = ["one_page"]
# Read whole, then refused by the screenplay limits (a heading per page's worth of runs: thousands of scenes); or
# refused while reading by apps/scripts/pdf_import's limits, as its PdfTooLarge words them.
REFUSED = {"tiny_runs": "SLATE_SCRIPT_MAX_SCENES", "kerned": "SLATE_SCRIPT_MAX_SCENES", "pages": "too many pages",
           "flate_bomb": "unpacks"}


@pytest.fixture(scope="module")
def stage(slate: SlateServer):
    return make_stage(slate, "Hostile screenplay PDFs", "E2E-PDF", "ZP1")


def at_most_5_mib(shape: str) -> bytes:
    """The largest file of `shape` hostile_pdf makes within the upload limit (its size is the drawing's, not the file's)."""
    size = FIVE_MIB
    while len(data := hostile_pdf(shape, size)) > FIVE_MIB:
        size = int(size * FIVE_MIB / len(data) * 0.998)
    assert len(data) > 0.97 * FIVE_MIB, (shape, len(data))
    return data


def test_5_mib_hostile_pdfs_import_or_are_refused_in_seconds_while_writes_and_health_stay_fast(slate, stage, capsys):
    files = {shape: (f"{shape}.pdf", at_most_5_mib(shape), "application/pdf") for shape in [*IMPORTED, *REFUSED]}
    with capsys.disabled():
        timings, outcomes, probes = import_each(slate, stage, files, what="screenplay PDFs", out=print)
    for shape in IMPORTED:
        assert outcomes[shape]["status"] == "succeeded", f"{shape}: {outcomes[shape]['error']}"
        assert outcomes[shape]["result"]["version"] == 1  # saved as the script's first version
    for shape, limit in REFUSED.items():
        assert outcomes[shape]["status"] == "failed" and limit in outcomes[shape]["error"], f"{shape}: {outcomes[shape]}"
    slow = {shape: round(seconds, 2) for shape, seconds in timings.items() if seconds > STEP_LIMIT_S}
    assert not slow, f"imports over {STEP_LIMIT_S:.0f} s: {slow}"
    assert_probes_fast(probes)
