"""`make run`'s supervisor with real processes: supervisord started on the repository's own
`supervisord.conf` (what `make run` execs, without the demo and the frontend build), then the worker,
Redis and web are each SIGKILLed in turn — alone, not their process group, as the kernel's
out-of-memory killer would — and each comes back and the app answers again: an HTTP request, a job
that runs. The worker is killed mid-encode: its ffmpeg dies with it and its scratch folder is
removed when the next worker starts. Ctrl-C (SIGINT to supervisord) leaves nothing running.

The stack runs on its own database, Redis socket, port and temp dir (TMPDIR), as in conftest.py.
"""
from __future__ import annotations

import os
import signal
import subprocess
import threading
import time

import pytest

from tests.e2e.conftest import REPO, SHARED_DATA, START_TIMEOUT_S, Http, SlateServer, external_redis_url
from tests.procs import alive, children, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SUPERVISORD = REPO / ".venv" / "bin" / "supervisord"
CLIP = SHARED_DATA / "video" / "big_buck_bunny_0_30_vp8_vorbis_30s.webm"  # ~5 s of encoding: time to kill it
SCREENPLAY = b"Title: Night Shift\n\nINT. DINER - NIGHT\n\nMARA pours coffee.\n\nMARA\nLast call.\n"
COMES_BACK_S = 30.0
TERMINAL = ("succeeded", "failed", "cancelled")


class SupervisedSlate(SlateServer):
    """Slate under supervisord with the repository's supervisord.conf; Redis is the embedded one it runs."""

    def __init__(self) -> None:
        super().__init__()
        self.supervisord: subprocess.Popen | None = None
        self.tmpdir = self.tmp / "scratch"  # the processes' TMPDIR (SlateServer's environment)
        self.log_path = self.tmp / "supervisord.log"

    def start(self) -> None:
        external = external_redis_url()
        self.redis_url = external or f"unix://{self.tmp / 'var' / 'redis' / 'redis.sock'}"
        self.tmpdir.mkdir(exist_ok=True)
        # supervisord checks the directory of the config's own pidfile (var/, made by `make run`)
        # before -j overrides it; on a clean clone nothing has made it yet. var/ is git-ignored.
        (REPO / "var").mkdir(exist_ok=True)
        self._create_database()
        self.env = {**self._environment(), "SLATE_HOST": "127.0.0.1", "SLATE_PORT": str(self.port),
                    # one web process on SLATE_PORT, no nginx: what the Makefile exports for SLATE_WEB_PROCESSES=1
                    "SLATE_WEB_PROCESSES": "1", "SLATE_WEB_HOST": "127.0.0.1", "SLATE_WEB_PORT": str(self.port), "SLATE_NGINX": "false"}
        assert self.env["TMPDIR"] == str(self.tmpdir)
        self.supervisord = subprocess.Popen(
            [str(SUPERVISORD), "-c", str(REPO / "supervisord.conf"), "-j", str(self.tmp / "supervisord.pid"),
             "-q", str(self.tmp)],
            cwd=REPO, env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True)
        threading.Thread(target=self._copy_output, daemon=True).start()
        self._create_people()  # while supervisord starts its programs: the people need only the database
        self.wait_until_serving()
        wait_until(lambda: self.process("worker"), START_TIMEOUT_S, "a worker")
        wait_until(lambda: b"Huey consumer started" in self.log_path.read_bytes(), START_TIMEOUT_S, "the worker consuming")

    def _copy_output(self) -> None:
        """supervisord's terminal output (its own lines and every process's) into supervisord.log."""
        with self.log_path.open("ab") as log:
            for line in self.supervisord.stdout:
                log.write(line)
                log.flush()

    def log_tail(self, name: str = "supervisord", lines: int = 60) -> str:
        if not self.log_path.exists():
            return "(no supervisord log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def process(self, name: str) -> int | None:
        """The pid of supervisord's child `name` (redis, web, worker) once it runs its real program."""
        wanted = {"redis": ("redis-server", "run_redis"), "web": ("uvicorn", "daphne"), "worker": ("run_huey",)}[name]
        for pid, cmdline in children(self.supervisord.pid).items():
            if any(word in cmdline for word in wanted) and "wait_for_services" not in cmdline:
                return pid
        return None

    def healthy(self) -> bool:
        try:
            response = Http(self.base_url).request("GET", "/api/health/", timeout=2)
        except (OSError, ValueError):
            return False
        return response.status == 200

    def wait_until_serving(self, timeout_s: float = START_TIMEOUT_S) -> float:
        started = time.monotonic()
        wait_until(self.healthy, timeout_s, f"/api/health/ answering:\n{self.log_tail()}")
        return time.monotonic() - started

    def sigkill(self, name: str) -> int:
        """SIGKILL one supervised process alone (not its group); returns its pid."""
        pid = self.process(name)
        assert pid, f"no {name} process:\n{self.log_tail()}"
        os.kill(pid, signal.SIGKILL)
        return pid

    def comes_back(self, name: str, old_pid: int) -> int:
        return wait_until(lambda: (pid := self.process(name)) and pid != old_pid and pid,
                        COMES_BACK_S, f"{name} started again:\n{self.log_tail()}")

    def interrupt(self) -> list[int]:
        """Ctrl-C: SIGINT to supervisord; waits for it to exit; returns the pids it supervised."""
        pids = list(children(self.supervisord.pid))
        self.supervisord.send_signal(signal.SIGINT)
        self.supervisord.wait(30)
        return pids

    def stop(self) -> None:
        if self.supervisord is not None and self.supervisord.poll() is None:
            self.interrupt()
        self.redis_proc = None  # supervisord ran it
        super().stop()


@pytest.fixture(scope="module")
def stack():
    server = SupervisedSlate()
    try:
        server.start()
    except BaseException:
        tail = server.log_tail(lines=120)
        server.stop()
        raise RuntimeError(f"Slate did not start under supervisord (files kept in {server.tmp}):\n{tail}")
    yield server
    server.stop()


def job_of(client: Http, job_id: str) -> dict:
    return client.get(f"/api/jobs/{job_id}/")


def wait_for_job_end(client: Http, job_id: str, timeout_s: float) -> dict:
    return wait_until(lambda: (job := job_of(client, job_id))["status"] in TERMINAL and job, timeout_s, f"job {job_id} ending")


def import_a_screenplay(stack: SupervisedSlate, client: Http) -> dict:
    response = client.request("POST", "/api/scripts/", fields={"production": stack.production_id, "title": "Night Shift"},
                              files={"file": ("night.fountain", SCREENPLAY, "text/plain")}, timeout=10)
    assert response.status == 201, response
    return wait_for_job_end(client, response.json()["job"]["id"], 30)


def test_a_worker_killed_mid_encode_is_restarted_its_ffmpeg_dies_its_scratch_goes_and_the_job_finishes(stack):
    alice = stack.jwt_client("alice")
    response = alice.request("POST", "/api/media/", fields={"production": stack.production_id},
                             files={"file": (CLIP.name, CLIP.read_bytes(), "application/octet-stream")}, timeout=60)
    assert response.status == 201, response
    job_id = response.json()["job"]["id"]
    worker = wait_until(lambda: stack.process("worker"), 10, "the worker")
    encoder = wait_until(lambda: next((pid for pid, cmd in children(worker).items() if "ffmpeg" in cmd and "-progress" in cmd), None),
                       30, "the proxy's ffmpeg running")
    scratch = wait_until(lambda: list(stack.tmpdir.glob(f"slate-media-{worker}.*")), 10, "the worker's scratch folder")

    # When the worker alone is SIGKILLed mid-encode
    stack.sigkill("worker")
    killed = time.monotonic()

    # Then its ffmpeg is gone within two seconds
    wait_until(lambda: not alive(encoder), 2.0, "ffmpeg gone with its worker")
    assert time.monotonic() - killed < 2.0
    # supervisord starts a new worker, which removes the dead one's scratch folder and runs the job again
    new_worker = stack.comes_back("worker", worker)
    wait_until(lambda: not scratch[0].exists(), 20, "the dead worker's scratch folder removed")
    job = wait_for_job_end(alice, job_id, 60)
    assert (job["status"], job["attempts"]) == ("succeeded", 2), job
    assert stack.job_worker(job_id).endswith(f":{new_worker}")
    assert not any(p.name.startswith(f"slate-media-{worker}.") for p in stack.tmpdir.iterdir())


def test_redis_killed_is_restarted_and_a_new_job_runs(stack):
    if external_redis_url():
        pytest.skip("Redis is an external server here; the supervised `redis` program only idles")
    alice = stack.jwt_client("alice")
    old = stack.sigkill("redis")
    killed = time.monotonic()

    stack.comes_back("redis", old)
    job = import_a_screenplay(stack, alice)

    assert job["status"] == "succeeded", job
    assert stack.healthy()
    print(f"redis: killed -> a new import job done in {time.monotonic() - killed:.1f} s")


def test_web_killed_is_restarted_and_answers_again(stack):
    alice = stack.jwt_client("alice")
    old = stack.sigkill("web")
    killed = time.monotonic()

    stack.comes_back("web", old)
    stack.wait_until_serving(COMES_BACK_S)

    print(f"web: killed -> answering again in {time.monotonic() - killed:.1f} s")
    assert alice.get(f"/api/productions/{stack.production_id}/")["id"] == stack.production_id
    assert import_a_screenplay(stack, alice)["status"] == "succeeded"


def test_ctrl_c_stops_every_process_and_leaves_nothing_running(stack):
    supervised = stack.interrupt()

    assert len(supervised) == 3
    assert stack.supervisord.returncode == 0
    wait_until(lambda: not any(alive(pid) for pid in supervised), 5, "every supervised process gone")
    assert not stack.healthy()
