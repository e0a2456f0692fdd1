"""Idempotency-Key against Slate's real processes (uvicorn or daphne, run_huey, Redis, its own database).

Duplicates sent at once make one row and get one answer; a repeat that arrives while the first request is
still inside its view waits for it and gets its answer, and meanwhile the web process answers everyone
else. To hold the first request inside its view without touching the code, the server sends mail to a
fake SMTP server run here (it speaks the protocol, and answers a gated recipient's DATA only when told):
adding a crew member by email commits the invitation and then, still in the request, emails it.
"""
from __future__ import annotations

import socketserver
import threading
import uuid

import pytest

from tests.e2e.conftest import Http, SlateServer, serve

pytestmark = [pytest.mark.e2e]


class FakeSmtp(socketserver.ThreadingTCPServer):
    """An SMTP server (RFC 5321's plain subset Django's backend uses) on loopback that keeps each message.

    A message to a recipient in `gated` is held after its DATA until `release()`: the sender (a Slate
    request) waits for the 250 meanwhile. `arrived[recipient]` is set when such a message is in.
    """

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), SmtpSession)
        self.messages: list[tuple[list[str], bytes]] = []
        self.gated: set[str] = set()
        self.arrived: dict[str, threading.Event] = {}
        self.gate = threading.Event()
        self.lock = threading.Lock()

    @property
    def port(self) -> int:
        return self.server_address[1]

    def hold(self, recipient: str) -> threading.Event:
        self.gated.add(recipient)
        self.gate.clear()
        return self.arrived.setdefault(recipient, threading.Event())

    def release(self) -> None:
        self.gate.set()

    def sent_to(self, recipient: str) -> int:
        with self.lock:
            return sum(recipient in recipients for recipients, _ in self.messages)


class SmtpSession(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        server: FakeSmtp = self.server
        self.reply("220 fake.smtp.test ESMTP")
        recipients: list[str] = []
        while line := self.rfile.readline():
            verb = line.decode(errors="replace").strip().split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.reply("250-fake.smtp.test")
                self.reply("250 8BITMIME")
            elif verb == "RCPT":
                recipients.append(line.decode().split(":", 1)[1].strip().strip("<>").lower())
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(chunk)
                data = b"".join(lines)
                with server.lock:
                    server.messages.append((list(recipients), data))
                held = [r for r in recipients if r in server.gated]
                for recipient in held:
                    server.arrived.setdefault(recipient, threading.Event()).set()
                if held:
                    server.gate.wait(60)
                recipients = []
                self.reply("250 OK queued")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:  # HELO, MAIL, RSET, NOOP
                self.reply("250 OK")


class MailingSlate(SlateServer):
    """The end-to-end server, sending its mail over SMTP to `smtp_port` instead of into files."""

    def __init__(self, smtp_port: int):
        super().__init__()
        self.smtp_port = smtp_port

    def _environment(self) -> dict[str, str]:
        return {**super()._environment(), "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(self.smtp_port), "EMAIL_USE_TLS": "false"}


@pytest.fixture(scope="module")
def smtp():
    server = FakeSmtp()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.release()
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def mailing_slate(request, smtp):
    yield from serve(request, MailingSlate(smtp.port))


def send(server: SlateServer, method: str, path: str, body: dict, key: str):
    return Http(server.base_url, token=server.token("alice")).request(method, path, json_body=body, headers={"Idempotency-Key": key},
                                                                       timeout=60)


def test_duplicates_sent_at_once_make_one_note_and_get_one_answer(mailing_slate):
    server, key = mailing_slate, str(uuid.uuid4())
    body = {"scene": server.scene_ids[0], "body": f"Glass in the left hand ({key})"}
    server.token("alice")
    start, answers = threading.Barrier(5), [None] * 5

    def duplicate(i: int) -> None:
        start.wait(30)
        answers[i] = send(server, "POST", "/api/continuity-notes/", body, key)

    threads = [threading.Thread(target=duplicate, args=(i,)) for i in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)

    assert [a.status for a in answers] == [201] * 5, answers
    assert len({a.body for a in answers}) == 1
    assert sorted(a.headers.get("Idempotent-Replayed", "") for a in answers) == ["", "true", "true", "true", "true"]
    assert server.db_rows("SELECT COUNT(*) FROM continuity_continuitynote WHERE body = %s", (body["body"],)) == [(1,)]


def test_a_repeat_waits_for_the_first_while_the_server_answers_everyone_else(mailing_slate, smtp):
    server, key, email = mailing_slate, str(uuid.uuid4()), f"gaffer-{uuid.uuid4().hex[:8]}@example.com"
    path, body = f"/api/productions/{server.production_id}/members/", {"user_login": email, "role": "crew"}
    arrived = smtp.hold(email)
    answers = {}
    first = threading.Thread(target=lambda: answers.setdefault("first", send(server, "POST", path, body, key)))
    repeat = threading.Thread(target=lambda: answers.setdefault("repeat", send(server, "POST", path, body, key)))
    try:
        first.start()
        assert arrived.wait(30), "the invitation email never reached the SMTP server"
        # the first request is now inside its view: the invitation is saved, its email not yet accepted
        repeat.start()
        other = Http(server.base_url, token=server.token("bob")).request("GET", f"/api/scenes/?production={server.production_id}")
        note = send(server, "POST", "/api/continuity-notes/", {"scene": server.scene_ids[1], "body": key}, str(uuid.uuid4()))

        assert other.status == 200 and note.status == 201  # answered while both keyed requests wait
        assert first.is_alive() and repeat.is_alive()
    finally:
        smtp.release()
        first.join(60)
        repeat.join(60)

    assert answers["first"].status == 202, answers["first"]
    assert (answers["repeat"].status, answers["repeat"].body) == (202, answers["first"].body)
    assert answers["repeat"].headers.get("Idempotent-Replayed") == "true"
    assert answers["repeat"].headers.get("Content-Type") == answers["first"].headers.get("Content-Type") == "application/json"
    assert smtp.sent_to(email) == 1  # the view ran once: one invitation email
    assert server.db_rows("SELECT COUNT(*) FROM productions_invitation WHERE email = %s", (email,)) == [(1,)]


def test_another_users_identical_key_is_their_own_on_the_server(mailing_slate):
    server, key = mailing_slate, str(uuid.uuid4())
    bodies = {who: {"scene": server.scene_ids[2], "body": f"{who}'s note ({key})"} for who in ("alice", "bob")}

    answers = {who: Http(server.base_url, token=server.token(who)).request("POST", "/api/continuity-notes/", json_body=body,
                                                                           headers={"Idempotency-Key": key})
               for who, body in bodies.items()}
    reused = send(server, "POST", "/api/continuity-notes/", {**bodies["alice"], "body": "something else"}, key)

    assert [a.status for a in answers.values()] == [201, 201] and not any("Idempotent-Replayed" in a.headers for a in answers.values())
    assert reused.status == 422 and reused.json()["code"] == "idempotency_key_reused"
    rows = server.db_rows("SELECT body FROM continuity_continuitynote WHERE body LIKE %s ORDER BY body", (f"%({key})",))
    assert rows == [(bodies["alice"]["body"],), (bodies["bob"]["body"],)]
