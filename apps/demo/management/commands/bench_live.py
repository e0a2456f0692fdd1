"""`manage.py bench_live` (`make bench-live`): Slate's live fan-out against a bare `websockets` broadcast, same run.

    .venv/bin/python manage.py bench_live --clients 100,1000 --rate 5 --duration 20
    make bench-live BENCH_ARGS="--clients 1000 --database both --asgi-server daphne,uvicorn --runs 3"

For each database, ASGI server and N: starts Slate's real processes privately (apps.demo.bench.stack),
connects N member sockets at once, makes scene PATCHes at the rate for the duration, and prints
change→socket p50/p99/max, lost and duplicated deliveries, the PATCH's HTTP time, connect+subscribe
time, RSS per socket and the replay time after missed events, beside the same figures of a bare
`websockets` server given the same N, rate and frame size. It prints figures and never asserts
them; docs/performance.md ("Live fan-out benchmark") keeps this machine's.
"""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from apps.demo.bench.run import Options, run


def _ints(text: str) -> list[int]:
    try:
        values = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise CommandError(f"--clients takes whole numbers separated by commas, not {text!r}") from None
    if not values or min(values) < 1:
        raise CommandError("--clients needs at least one number of sockets, each 1 or more")
    return values


class Command(BaseCommand):
    help = "Benchmark Slate's live fan-out (change → every socket) against a bare websockets broadcast server."

    def add_arguments(self, parser):
        parser.add_argument("--clients", default="100,1000", help="numbers of sockets, comma-separated (default 100,1000)")
        parser.add_argument("--rate", type=float, default=5.0, help="changes a second (default 5)")
        parser.add_argument("--duration", type=float, default=20.0, help="seconds of changes (default 20)")
        parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="sqlite",
                            help="sqlite (a file in the run's temp dir) or postgres (a fresh database at "
                                 "postgres://postgres@127.0.0.1:5432/, dropped at the end), or both")
        parser.add_argument("--asgi-server", default="",
                            help="daphne, uvicorn or both comma-separated (default: SLATE_ASGI_SERVER as configured)")
        parser.add_argument("--web-processes", type=int, default=1, help="web processes (default 1)")
        parser.add_argument("--no-nginx", action="store_true",
                            help="with several web processes, spread the clients over their ports instead of putting nginx in front")
        parser.add_argument("--runs", type=int, default=1, help="runs of each configuration; medians are printed (default 1)")
        parser.add_argument("--replay", type=int, default=300, help="missed events replayed on resume (default 300; 0 skips)")
        parser.add_argument("--grace", type=float, default=10.0, help="seconds to wait for late deliveries after the last change (default 10)")
        parser.add_argument("--storm-timeout", type=float, default=120.0,
                            help="seconds the sockets keep trying to connect and subscribe, retrying as browsers do (default 120)")
        parser.add_argument("--storm-concurrency", type=int, default=0,
                            help="at most this many sockets connecting at once (default 0: all at once, a reconnect storm)")
        parser.add_argument("--client-processes", type=int, default=1, help="processes the sockets are spread over (default 1)")
        parser.add_argument("--deflate", action="store_true", help="clients offer permessage-deflate, as browsers do (default: not)")
        parser.add_argument("--scenes", type=int, default=20, help="scenes the changes rotate over (default 20)")
        parser.add_argument("--keep-files", action="store_true", help="keep the run's temp dir (process logs, database)")

    def handle(self, *args, **o):
        if o["rate"] <= 0 or o["duration"] <= 0 or o["runs"] < 1 or o["web_processes"] < 1 or o["client_processes"] < 1:
            raise CommandError("--rate and --duration must be positive; --runs, --web-processes and --client-processes at least 1")
        servers = tuple(s.strip() for s in o["asgi_server"].split(",") if s.strip()) or (None,)
        if any(s not in ("daphne", "uvicorn") for s in servers if s):
            raise CommandError("--asgi-server takes daphne, uvicorn or both (comma-separated)")
        options = Options(
            clients=_ints(o["clients"]), rate=o["rate"], duration_s=o["duration"],
            databases=("sqlite", "postgres") if o["database"] == "both" else (o["database"],), asgi_servers=servers,
            web_processes=o["web_processes"], runs=o["runs"], replay=o["replay"], grace_s=o["grace"], storm_timeout_s=o["storm_timeout"],
            storm_concurrency=max(0, o["storm_concurrency"]),
            client_processes=o["client_processes"], deflate=o["deflate"], scenes=max(1, o["scenes"]), keep_files=o["keep_files"],
            nginx=not o["no_nginx"],
        )
        run(options, out=lambda line: (self.stdout.write(line), self.stdout.flush()))
