"""Fixtures of the notification tests: a crew, the local fake push service, and the Huey queue drained as a worker would."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.notifications.fake_push import FakePushService
from tests.jobs.conftest import register  # noqa: F401 — job handlers for one test, shared
from tests.realtime.conftest import connect_as, session_cookie, sockets  # noqa: F401 — socket fixtures, shared


@pytest.fixture(autouse=True)
def push_settings(settings):
    """Push endpoints on the local fake service (http, 127.0.0.1) are allowed; everything else as in production."""
    settings.SLATE_PUSH_ALLOWED_HOSTS = [*settings.SLATE_PUSH_ALLOWED_HOSTS, "127.0.0.1"]
    settings.SLATE_PUSH_ALLOW_INSECURE = True
    settings.VAPID_PRIVATE_KEY = ""
    return settings


@pytest.fixture(autouse=True)
def fresh_vapid():
    """Each test's database has its own VAPID row: forget the per-process cache around it."""
    from apps.notifications import vapid

    vapid._cached = None
    yield
    vapid._cached = None


@pytest.fixture
def crew(make_user, make_production):
    """Ana owns a production with Bo (camera) and Di (script supervisor); Cy is on another production only."""
    from apps.productions.models import Role

    ana = make_user(username="ana", name="Ana Ruiz")
    bo = make_user(username="bo", name="Bo Lind")
    di = make_user(username="di", name="Di Park")
    cy = make_user(username="cy", name="Cy Ott")
    production = make_production(owner=ana, members={bo: Role.CAMERA, di: Role.SCRIPT_SUPERVISOR}, title="The Long Take")
    elsewhere = make_production(owner=cy)
    return SimpleNamespace(ana=ana, bo=bo, di=di, cy=cy, production=production, elsewhere=elsewhere)


@pytest.fixture
def push_service():
    """The fake push service, running; it insists on the server's VAPID key once a test sets `expected_vapid_key`."""
    service = FakePushService().start()
    yield service
    service.stop()


@pytest.fixture
def subscribe_device(push_service):
    """`subscribe_device(user)` → a new device on the fake service, registered for `user` through the service layer."""
    from apps.notifications.services import push_subscription_save

    def make(user):
        device = push_service.new_device()
        row, _ = push_subscription_save(user=user, endpoint=device.endpoint, p256dh=device.p256dh, auth=device.auth)
        device.row = row
        return device

    return make


@pytest.fixture
def worker():
    """The Huey queue (real Redis) as a worker sees it: `worker.run()` executes what is queued; `worker.scheduled()` lists deferred tasks.

    Use with `transactional_db` (djhuey's db_task closes connections, as in a real worker).
    """
    from huey.contrib.djhuey import HUEY

    HUEY.flush()

    class Worker:
        def __init__(self):
            self.emails: list = []

        def pending(self):
            return HUEY.pending()

        def scheduled(self):
            return HUEY.scheduled()

        def run(self, limit: int = 50) -> list:
            """Execute every queued task (not scheduled ones); returns the push tasks' results in order (emails: `self.emails`)."""
            results = []
            for _ in range(limit):
                task = HUEY.dequeue()
                if task is None:
                    return results
                result = HUEY.execute(task)  # None: not due yet, moved to the schedule
                if result is None:
                    continue
                if result == "emailed":
                    self.emails.append(result)
                else:
                    results.append(result)
            raise AssertionError("queue did not drain")

        def run_scheduled(self) -> list:
            """Execute the deferred tasks as if their time had come (quiet hours over, retry delay passed)."""
            tasks = HUEY.scheduled()
            HUEY.storage.flush_schedule()
            return [HUEY.execute(task, timestamp=task.eta) for task in tasks]

    yield Worker()
    HUEY.flush()


@pytest.fixture
def enqueued(monkeypatch):
    """Record instead of enqueueing: `enqueued.email` = notification ids, `enqueued.push` = (subscription id, notification id, eta)."""
    from apps.notifications import services

    record = SimpleNamespace(email=[], push=[])
    monkeypatch.setattr(services, "_enqueue_email", lambda pk: record.email.append(pk))
    monkeypatch.setattr(services, "_enqueue_push", lambda sub, pk, pref: record.push.append((sub, pk, services.quiet_hours_end(pref))))
    return record
