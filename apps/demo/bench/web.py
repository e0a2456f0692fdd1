"""The browser app's Lighthouse benchmark (`make bench-web`): Slate served as `make run` serves it, Lighthouse against it.

`WebStack` starts Redis, a SQLite database with the demo production (`manage.py load_demo`, as
`make run` loads it), the worker and one web process, all private to the run, with DEBUG on as
`make run` has it: the built app (static/app/, `make frontend`) is served from the source folders
by WhiteNoise's finders, the way a developer's `make run` serves it. `run()` signs the demo owner
in over the API, then frontend/scripts/bench_web.mjs runs Lighthouse's mobile and desktop presets
on the scene board, a scene page and the dashboard, `runs` times each, and the medians are printed
(never asserted; docs/performance.md keeps this machine's figures).
"""
from __future__ import annotations

import http.client
import json
import shutil
import statistics
import subprocess
import tempfile
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Callable
from urllib.parse import urlparse

from apps.demo.bench.stack import PYTHON, REPO, Stack

FRONTEND = REPO / "frontend"
DEMO_PASSWORD = "bench-web-demo"
PAGES = ("board", "scene", "dashboard")
PRESETS = ("mobile", "desktop")


@dataclass
class WebStack(Stack):
    """Redis, SQLite with the demo production, worker and one web process, as `make run` (DEBUG on) starts them."""

    web_processes: int = 1
    no_media: bool = False

    def start(self) -> None:
        """Start Redis, migrate, load the demo (its dailies too unless `no_media`), start the worker. Raises RuntimeError."""
        (self.tmp / "scratch").mkdir(parents=True, exist_ok=True)
        from apps.core.redis_server import start_redis

        sock = self.tmp / "redis" / "redis.sock"
        self.redis = start_redis(sock, appendonly=False, log_path=self.tmp / "redis.log")
        self.env = self._environment(redis_url=f"unix://{sock}", database_url=self._create_database())
        self.env.update(DEBUG="true", SLATE_DEMO_PASSWORD=DEMO_PASSWORD)
        self._manage("migrate", ["migrate", "--noinput"])
        self._manage("load_demo", ["load_demo", *(["--no-media"] if self.no_media else [])])
        self.worker = self._spawn("worker", [PYTHON, "manage.py", "run_huey"])

    def _manage(self, name: str, argv: list[str]) -> None:
        with (self.tmp / f"{name}.log").open("ab") as log:
            done = subprocess.run([PYTHON, "manage.py", *argv], cwd=REPO, env=self.env, stdin=subprocess.DEVNULL,
                                  stdout=log, stderr=subprocess.STDOUT, timeout=1800)
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(argv)} failed ({done.returncode}):\n{self.log_tail(name)}")


def sign_in(base_url: str, login: str, password: str) -> dict[str, str]:
    """POST /api/auth/login/ as the browser's sign-in page does; the cookies it sets (`sessionid`, `csrftoken`).

    Raises RuntimeError when the sign-in is refused.
    """
    parsed = urlparse(base_url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    try:
        # The sign-in is a write: Django's CSRF check wants the cookie and the header, which the app's page sets.
        conn.request("GET", "/signin", headers={"Accept": "text/html"})
        page = conn.getresponse()
        page.read()
        jar = SimpleCookie()
        for header in page.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        token = jar["csrftoken"].value if "csrftoken" in jar else ""
        body = json.dumps({"login": login, "password": password})
        conn.request("POST", "/api/auth/login/", body=body, headers={
            "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token,
            "Cookie": f"csrftoken={token}", "Referer": base_url + "/signin",
        })
        answer = conn.getresponse()
        text = answer.read()
        if answer.status != 200:
            raise RuntimeError(f"signing in as {login} answered {answer.status}: {text[:500]!r}")
        for header in answer.headers.get_all("Set-Cookie") or []:
            jar.load(header)
    finally:
        conn.close()
    return {name: morsel.value for name, morsel in jar.items()}


def api_get(base_url: str, path: str, cookies: dict[str, str]) -> object:
    """GET an API path with the session's cookies; its JSON. Raises RuntimeError on a status other than 200."""
    parsed = urlparse(base_url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    try:
        conn.request("GET", path, headers={"Accept": "application/json", "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())})
        answer = conn.getresponse()
        text = answer.read()
    finally:
        conn.close()
    if answer.status != 200:
        raise RuntimeError(f"GET {path} answered {answer.status}: {text[:500]!r}")
    return json.loads(text)


def demo_pages(base_url: str, cookies: dict[str, str]) -> dict[str, str]:
    """The pages measured, by name: the demo production's scene board, its first scene's page, its dashboard."""
    productions = api_get(base_url, "/api/productions/", cookies)
    rows = productions["results"] if isinstance(productions, dict) else productions
    production = next(row for row in rows if row.get("code") == "DEMO-GURU")["id"]
    scenes = api_get(base_url, f"/api/scenes/?production={production}&page_size=1", cookies)
    scene = (scenes["results"] if isinstance(scenes, dict) else scenes)[0]["id"]
    return {
        "board": f"{base_url}/productions/{production}/board",
        "scene": f"{base_url}/productions/{production}/scenes/{scene}",
        "dashboard": f"{base_url}/productions/{production}",
    }


def lighthouse(pages: dict[str, str], cookies: dict[str, str], base_url: str, *, presets: tuple[str, ...], runs: int,
               out: Callable[[str], None], reports: Path | None = None) -> list[dict]:
    """Run frontend/scripts/bench_web.mjs (Lighthouse's Node API, headless /usr/bin/chromium); its rows, one per run.

    With `reports`, each run's whole Lighthouse report is written there as JSON too.
    """
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is not on PATH (make node)")
    with tempfile.TemporaryDirectory(prefix="slate-bench-web-") as tmp:
        results = Path(tmp) / "results.json"
        spec = {
            "chromium": "/usr/bin/chromium",
            "cookies": [{"name": name, "value": value, "url": base_url} for name, value in cookies.items()],
            "pages": [{"name": name, "url": url} for name, url in pages.items()],
            "presets": list(presets), "runs": runs, "out": str(results),
        }
        if reports is not None:
            reports.mkdir(parents=True, exist_ok=True)
            spec["reports"] = str(reports.resolve())
        process = subprocess.Popen([node, "scripts/bench_web.mjs", json.dumps(spec)], cwd=FRONTEND, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert process.stdout is not None
        for line in process.stdout:
            out("  " + line.rstrip())
        if process.wait() != 0:
            raise RuntimeError(f"scripts/bench_web.mjs exited with {process.returncode}")
        return json.loads(results.read_text())


def medians(rows: list[dict]) -> list[dict]:
    """One row per (preset, page): the median of each figure over the runs Lighthouse measured (runs that ended in a
    Lighthouse error are left out and their errors listed); the bfcache verdict says how many runs were restored."""
    grouped: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        grouped.setdefault((row["preset"], row["page"]), []).append(row)
    failed = {key: [row for row in group if row.get("runtime_error")] for key, group in grouped.items()}
    grouped = {key: [row for row in group if not row.get("runtime_error")] or group for key, group in grouped.items()}
    table = []
    for (preset, page), group in grouped.items():
        def median(key: str) -> float | None:
            values = [row[key] for row in group if row.get(key) is not None]
            return statistics.median(values) if values else None

        reasons = sorted({reason for row in group for reason in row.get("bfcache_reasons", []) if reason})
        table.append({
            "preset": preset, "page": page, "runs": len(group),
            **{key: median(key) for key in ("performance", "accessibility", "fcp_ms", "lcp_ms", "tbt_ms", "cls", "si_ms",
                                            "js_bytes", "css_bytes", "total_bytes", "requests", "benchmark_index")},
            "bfcache": f"{sum(1 for row in group if row.get('bfcache'))}/{len(group)}",
            "bfcache_reasons": reasons,
            # a run Lighthouse could not measure (its figures are zeros) is left out of the medians and named here
            "errors": sorted({row["runtime_error"] for row in failed[(preset, page)]}),
        })
    return table


def print_table(table: list[dict], out: Callable[[str], None]) -> None:
    """The medians as a fixed-width table (KiB as transferred, times in ms)."""
    def num(value, digits=0):
        return "–" if value is None else f"{value:,.{digits}f}"

    out(f"{'preset':8} {'page':10} {'perf':>5} {'a11y':>5} {'FCP ms':>7} {'LCP ms':>7} {'TBT ms':>7} {'CLS':>5} "
        f"{'SI ms':>7} {'JS KiB':>7} {'CSS KiB':>8} {'all KiB':>8} {'reqs':>5} {'bfcache':>8}")
    for row in table:
        kib = lambda key: None if row[key] is None else row[key] / 1024  # noqa: E731
        out(f"{row['preset']:8} {row['page']:10} {num(row['performance']):>5} {num(row['accessibility']):>5} "
            f"{num(row['fcp_ms']):>7} {num(row['lcp_ms']):>7} {num(row['tbt_ms']):>7} {num(row['cls'], 3):>5} "
            f"{num(row['si_ms']):>7} {num(kib('js_bytes')):>7} {num(kib('css_bytes')):>8} {num(kib('total_bytes')):>8} "
            f"{num(row['requests']):>5} {row['bfcache']:>8}")
    for row in table:
        if row["bfcache_reasons"]:
            out(f"  {row['preset']} {row['page']}: not restored from the back/forward cache: {'; '.join(row['bfcache_reasons'])}")
        for error in row["errors"]:
            out(f"  {row['preset']} {row['page']}: Lighthouse error: {error}")
    indexes = [row["benchmark_index"] for row in table if row["benchmark_index"]]
    if indexes:
        out(f"Lighthouse's benchmark index of this machine (median per row): {min(indexes):.0f}–{max(indexes):.0f}")


def run(*, runs: int, presets: tuple[str, ...], pages: tuple[str, ...], no_media: bool, keep_files: bool,
        out: Callable[[str], None], reports: Path | None = None) -> list[dict]:
    """Start the stack, sign in, run Lighthouse, print and answer the medians; the stack is stopped in any case."""
    index = FRONTEND.parent / "static" / "app" / "index.html"
    if not index.exists():
        raise RuntimeError("static/app/ is not built: make frontend")
    stack = WebStack(no_media=no_media, keep_files=keep_files)
    try:
        out(f"Starting Slate as `make run` serves it (DEBUG on, demo production{'' if not no_media else ' without dailies'}) in {stack.tmp} …")
        stack.start()
        stack.start_web()
        base_url = stack.web_urls[0]
        cookies = sign_in(base_url, "demo", DEMO_PASSWORD)
        wanted = {name: url for name, url in demo_pages(base_url, cookies).items() if name in pages}
        out(f"Lighthouse {', '.join(presets)} × {', '.join(wanted)} × {runs} run(s), signed in as demo at {base_url}")
        table = medians(lighthouse(wanted, cookies, base_url, presets=presets, runs=runs, out=out, reports=reports))
    finally:
        stack.stop()
    out("")
    out(f"Medians of {runs} run(s) (Lighthouse {lighthouse_version()}, Chromium headless; JS/CSS/all: bytes as transferred):")
    print_table(table, out)
    return table


def lighthouse_version() -> str:
    """The installed Lighthouse's version (frontend/node_modules), or "?"."""
    try:
        return json.loads((FRONTEND / "node_modules" / "lighthouse" / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return "?"
