"""Time the PDF import on the hostile PDF shapes, at a given size (docs/performance.md, "PDF import").

    .venv/bin/python tests/scripts/bench_hostile_pdf.py --size 5MiB
    .venv/bin/python tests/scripts/bench_hostile_pdf.py --size 640KiB tiny_runs kerned

Each shape of tests/scripts/hostile_pdf.py is built, then imported (`read_pdf`) in a process of its
own, which reports the file's size, the import's CPU seconds (its own and its PDF reader's process's) and
seconds of the clock, its outcome (elements, or the error's first words) and the peak memory (MiB) of the
larger of the two processes.
"""
from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from tests.scripts.bench_hostile import _size  # noqa: E402
from tests.scripts.hostile_pdf import SHAPES, hostile_pdf  # noqa: E402


def _run(shape: str, size: int, out) -> None:
    from apps.scripts.fountain import FountainError  # noqa: PLC0415
    from apps.scripts.pdf_import import read_pdf  # noqa: PLC0415

    data = hostile_pdf(shape, size)
    start, wall = _cpu(), time.monotonic()
    try:
        outcome = f"{len(read_pdf(data).elements):,} elements"
    except FountainError as refused:
        outcome = f"{type(refused).__name__}: {str(refused)[:60]}"
    seconds, wall = _cpu() - start, time.monotonic() - wall
    peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) // 1024
    out.send((len(data), seconds, wall, outcome, peak))


def _cpu() -> float:
    """CPU seconds of this process and of the children it waited for (the PDF reader's process)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("shapes", nargs="*", help="shapes of tests/scripts/hostile_pdf.py (default: all)")
    parser.add_argument("--size", type=_size, default=_size("640KiB"))
    args = parser.parse_args()
    print(f"{'shape':<12} {'bytes':>12} {'CPU s':>7} {'wall s':>7} {'peak MiB':>9}  outcome")
    for shape in args.shapes or SHAPES:
        receive, send = multiprocessing.Pipe(duplex=False)
        process = multiprocessing.Process(target=_run, args=(shape, args.size, send))
        process.start()
        size, seconds, wall, outcome, peak = receive.recv()
        process.join()
        print(f"{shape:<12} {size:>12,} {seconds:>7.2f} {wall:>7.2f} {peak:>9,}  {outcome}")


if __name__ == "__main__":
    main()
