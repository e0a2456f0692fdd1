"""Time each step a screenplay text goes through, on the hostile shapes, at a given size (docs/performance.md).

    .venv/bin/python tests/scripts/bench_hostile.py --size 5MiB spaces tabs star_a
    .venv/bin/python tests/scripts/bench_hostile.py --size 64KiB --code /tmp/slate-before   # another checkout's apps/

Steps: parse, scenes (with their page eighths), Fountain export, PDF export, diff against an
edited copy. Pure Python, no database: only the modules of `apps.scripts` every version of Slate
has (fountain, matching, diff, pdf), so `--code` can point at an older checkout (e.g. one made
with `git archive <commit> apps | tar -x -C /tmp/slate-before`) to time the code as it was. A step
past `--timeout` seconds is cut short and shown as ">N s".
"""
from __future__ import annotations

import argparse
import re
import signal
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


class _Timeout(Exception):
    pass


def _size(text: str) -> int:
    match = re.fullmatch(r"(\d+)\s*(|KiB|MiB|K|M)", text.strip(), re.I)
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 20000, 64KiB, 5MiB)")
    return int(match.group(1)) * {"": 1, "k": 1024, "kib": 1024, "m": 1024 ** 2, "mib": 1024 ** 2}[match.group(2).lower()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("shapes", nargs="*", help="shapes of tests/scripts/hostile.py (default: all)")
    parser.add_argument("--size", type=_size, default=_size("64KiB"))
    parser.add_argument("--timeout", type=int, default=60, help="seconds per step")
    parser.add_argument("--code", type=Path, default=HERE.parents[1], help="the checkout whose apps/ is timed")
    args = parser.parse_args()
    sys.path.insert(0, str(args.code))
    sys.path.insert(1, str(HERE))
    from hostile import SHAPES, hostile  # noqa: PLC0415 — from this file's folder, whatever --code is

    from apps.scripts import diff, fountain, matching  # noqa: PLC0415 — from --code
    from apps.scripts.pdf import screenplay_pdf  # noqa: PLC0415

    def alarm(*_):
        raise _Timeout()

    signal.signal(signal.SIGALRM, alarm)
    steps = {
        "parse": lambda text: fountain.parse(text),
        "scenes": lambda text: matching.read_scenes(text),
        "fountain": lambda text: fountain.to_fountain(fountain.parse(text)),
        "pdf": lambda text: screenplay_pdf(fountain.parse(text)),
        "diff": lambda text: diff.scenes_diff(matching.read_scenes(text)[1],
                                              matching.read_scenes(text.replace("ROOM", "HALL", 1) + "\n\nEXT. PARK - DAY\n\nBirds.\n")[1]),
    }
    print(f"{'shape':14}" + "".join(f"{name:>10}" for name in steps) + f"   ({args.size:,} characters, seconds, code in {args.code})")
    for shape in args.shapes or list(SHAPES):
        text = hostile(shape, args.size)
        cells = []
        for step in steps.values():
            signal.alarm(args.timeout)
            start = time.perf_counter()
            try:
                step(text)
                cells.append(f"{time.perf_counter() - start:10.2f}")
            except _Timeout:
                cells.append(f"{'>' + str(args.timeout):>10}")
            except Exception as exc:  # noqa: BLE001 — a bench reports what broke and goes on
                cells.append(f"{type(exc).__name__[:10]:>10}")
            finally:
                signal.alarm(0)
        print(f"{shape:14}" + "".join(cells), flush=True)


if __name__ == "__main__":
    main()
