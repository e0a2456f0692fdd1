"""Settings for the test suite: project.settings, plus test concerns only.

A private media folder, a private Redis namespace, and — unless REDIS_URL names one (CI's second
pass) — a real redis-server started for this test run on a unix socket and stopped at exit.
"""
import atexit
import os
import tempfile
from pathlib import Path

os.environ.setdefault("DEBUG", "false")  # tests run as production does, whatever a local .env says
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

# Each pytest-xdist worker is a child of the controller, which imported these settings first: without this the
# workers would inherit the controller's folder and names and share one Huey queue (a test draining "its" queue
# ran the other worker's emails) and one media folder. So a worker chooses its own in place of those the controller
# chose (names set from outside stay); a process a worker starts inherits the worker's.
_PRIVATE = ("SLATE_VAR_DIR", "MEDIA_ROOT", "SLATE_CHANNEL_PREFIX", "SLATE_HUEY_NAME")
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker and os.environ.get("SLATE_TEST_WORKER") != _worker:
    os.environ["SLATE_TEST_WORKER"] = _worker
    for _name in os.environ.pop("SLATE_TEST_CHOSEN", "").split(","):
        os.environ.pop(_name, None)
if "SLATE_TEST_CHOSEN" not in os.environ:
    os.environ["SLATE_TEST_CHOSEN"] = ",".join(name for name in _PRIVATE if name not in os.environ)
os.environ.setdefault("SLATE_VAR_DIR", tempfile.mkdtemp(prefix="slate-test-var-"))
os.environ.setdefault("MEDIA_ROOT", str(Path(os.environ["SLATE_VAR_DIR"]) / "media"))
os.environ.setdefault("SLATE_CHANNEL_PREFIX", f"slate-test-{os.getpid()}")
os.environ.setdefault("SLATE_HUEY_NAME", f"slate-test-{os.getpid()}")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

if not os.environ.get("REDIS_URL"):
    from apps.core.redis_server import start_redis

    _socket = Path(tempfile.mkdtemp(prefix="slate-test-redis-")) / "redis.sock"
    _redis = start_redis(_socket, appendonly=False)
    atexit.register(lambda: (_redis.terminate(), _redis.wait(timeout=10)))
    os.environ["REDIS_URL"] = f"unix://{_socket}"

from project.settings import *  # noqa: E402,F401,F403

if DATABASES["default"]["ENGINE"] == "apps.core.sqlite":  # noqa: F405 — SQLite (project.settings)
    # A file, not shared-cache memory: WAL and the busy timeout as in production, so threads can write at once.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # noqa: F405

else:
    # Threads (channels' database_sync_to_async pool) close their connections after each call,
    # so none outlives the run and blocks dropping the test database.
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
    # The test process drops its test database at the end: no pool holding connections to it (the servers
    # that tests/e2e starts run with project.settings' pool).
    DATABASES["default"]["OPTIONS"].pop("pool", None)  # noqa: F405

# The garbage-collector tuning is for the web processes (project/gc_tuning.py), not the test process.
SLATE_GC_FREEZE = False
SLATE_GC_THRESHOLD = "0"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"auth": "100000/min"}}  # noqa: F405
SLATE_SIGNIN_LOCKOUT = "100000/min"  # the lock-out's own tests lower it (tests/accounts/test_signin_throttling.py)
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 — WhiteNoise warns about a missing folder otherwise
