"""A local fake of Anthropic's Messages API, for tests: the real anthropic SDK talks to it over HTTP.

`POST /v1/messages` answers as the API does (https://docs.anthropic.com/en/api/messages and
https://docs.anthropic.com/en/api/messages-streaming): with `"stream": true` a server-sent event
stream — `message_start`, `content_block_start`, `ping`, `content_block_delta` (`text_delta` or
`input_json_delta`), `content_block_stop`, `message_delta`, `message_stop` — else one JSON message;
errors as `{"type": "error", "error": {"type", "message"}}` with their HTTP status.

Each test scripts what the next requests get (`answer_text`, `answer_tool`, `fail`, `hang`,
`stall`, `error_event`); the last behaviour repeats for further requests (the SDK's retries). Every
request is recorded (`requests`: path, headers, JSON body), and so is how far each stream got.
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Behaviour:
    kind: str  # text | tool | fail | hang | stall | error_event
    text: str = ""
    tool_name: str = "record_breakdown"
    tool_json: str = ""
    chunk: int = 12
    delay_s: float = 0.0
    status: int = 200
    error_type: str = ""
    message: str = ""
    after: int = 0  # stall / error_event: after this many deltas
    stop_reason: str = ""


@dataclass
class Stream:
    """How far one streamed answer got: deltas written, and whether the client hung up before the end."""

    deltas_sent: int = 0
    finished: bool = False
    disconnected: bool = False


@dataclass
class FakeAnthropic:
    """The fake server; `start()` it, point the SDK's base_url at `url`, `stop()` it."""

    behaviours: list[Behaviour] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    streams: list[Stream] = field(default_factory=list)

    def __post_init__(self):
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._server: ThreadingHTTPServer | None = None

    # --- scripting -----------------------------------------------------------------------------

    def answer_text(self, text: str, *, chunk: int = 12, delay_s: float = 0.0, stop_reason: str = "end_turn") -> None:
        """Stream `text` in `chunk`-character text deltas, a ping every few deltas, `delay_s` before each."""
        self.behaviours.append(Behaviour("text", text=text, chunk=chunk, delay_s=delay_s, stop_reason=stop_reason))

    def answer_tool(self, tool_input, *, name: str = "record_breakdown", chunk: int = 40) -> None:
        """Call tool `name` with `tool_input` (a dict, or raw JSON text to send as is), streamed as input_json_delta."""
        raw = tool_input if isinstance(tool_input, str) else json.dumps(tool_input)
        self.behaviours.append(Behaviour("tool", tool_name=name, tool_json=raw, chunk=chunk, stop_reason="tool_use"))

    def fail(self, status: int, error_type: str, message: str) -> None:
        """Answer with an HTTP error and the API's error body (`retry-after-ms: 10` keeps the SDK's retries quick)."""
        self.behaviours.append(Behaviour("fail", status=status, error_type=error_type, message=message))

    def hang(self) -> None:
        """Accept the request and never answer (until the server stops): the client's timeout must fire."""
        self.behaviours.append(Behaviour("hang"))

    def stall(self, text: str, *, after: int) -> None:
        """Start streaming `text`, then stop sending after `after` deltas without closing the stream."""
        self.behaviours.append(Behaviour("stall", text=text, after=after, chunk=12))

    def error_event(self, text: str, *, after: int, error_type: str = "overloaded_error", message: str = "Overloaded") -> None:
        """Stream `after` deltas of `text`, then an `error` event, as the API does when it fails mid-answer."""
        self.behaviours.append(Behaviour("error_event", text=text, after=after, chunk=12, error_type=error_type, message=message))

    def _next(self) -> Behaviour:
        with self._lock:
            if not self.behaviours:
                raise AssertionError("the fake Anthropic server got a request no test scripted")
            return self.behaviours.pop(0) if len(self.behaviours) > 1 else self.behaviours[0]

    # --- running -------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeAnthropic":
        fake = self

        class Handler(_Handler):
            pass

        Handler.fake = fake
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True, name="fake-anthropic").start()
        return self

    def stop(self) -> None:
        self._release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def bodies(self) -> list[dict]:
        """The JSON bodies of the requests received, in order."""
        return [r["body"] for r in self.requests]


class _Handler(BaseHTTPRequestHandler):
    fake: FakeAnthropic
    protocol_version = "HTTP/1.0"  # the stream ends when the connection closes, as with `Connection: close`

    def log_message(self, format, *args):  # keep test output clean
        pass

    def do_POST(self):
        length = int(self.headers.get("content-length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        self.fake.requests.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
        if self.path.split("?")[0] != "/v1/messages":
            return self._json(404, {"type": "error", "error": {"type": "not_found_error", "message": f"No route {self.path}"}})
        behaviour = self.fake._next()
        if behaviour.kind == "fail":
            return self._json(behaviour.status, {"type": "error", "error": {"type": behaviour.error_type, "message": behaviour.message}},
                              headers={"retry-after-ms": "10"})
        if behaviour.kind == "hang":
            self.fake._release.wait(60)
            return
        if body.get("stream"):
            return self._stream(body, behaviour)
        return self._json(200, _message(body, behaviour, finished=True))

    def _json(self, status: int, payload: dict, headers: dict | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.send_header("request-id", "req_fake")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _event(self, name: str, payload: dict) -> None:
        self.wfile.write(f"event: {name}\ndata: {json.dumps(payload)}\n\n".encode())
        self.wfile.flush()

    def _stream(self, body: dict, behaviour: Behaviour) -> None:
        record = Stream()
        self.fake.streams.append(record)
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("request-id", "req_fake")
        self.end_headers()
        tool = behaviour.kind == "tool"
        source = behaviour.tool_json if tool else behaviour.text
        pieces = [source[i:i + behaviour.chunk] for i in range(0, len(source), behaviour.chunk)]
        try:
            self._event("message_start", {"type": "message_start", "message": _message(body, behaviour, finished=False)})
            block = ({"type": "tool_use", "id": "toolu_fake", "name": behaviour.tool_name, "input": {}} if tool
                     else {"type": "text", "text": ""})
            self._event("content_block_start", {"type": "content_block_start", "index": 0, "content_block": block})
            self._event("ping", {"type": "ping"})
            for number, piece in enumerate(pieces):
                if behaviour.kind in ("stall", "error_event") and number == behaviour.after:
                    if behaviour.kind == "error_event":
                        self._event("error", {"type": "error", "error": {"type": behaviour.error_type, "message": behaviour.message}})
                    else:
                        self.fake._release.wait(60)
                    return
                if behaviour.delay_s:
                    time.sleep(behaviour.delay_s)
                delta = {"type": "input_json_delta", "partial_json": piece} if tool else {"type": "text_delta", "text": piece}
                self._event("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": delta})
                record.deltas_sent += 1
                if number % 5 == 4:
                    self._event("ping", {"type": "ping"})
            self._event("content_block_stop", {"type": "content_block_stop", "index": 0})
            self._event("message_delta", {"type": "message_delta", "delta": {"stop_reason": behaviour.stop_reason, "stop_sequence": None},
                                          "usage": {"output_tokens": max(1, len(source) // 4)}})
            self._event("message_stop", {"type": "message_stop"})
            record.finished = True
        except (BrokenPipeError, ConnectionResetError):
            record.disconnected = True


def _message(body: dict, behaviour: Behaviour, *, finished: bool) -> dict:
    """A Message object: empty while streaming starts, with its content when answered in one piece."""
    content = []
    if finished and behaviour.kind == "tool":
        content = [{"type": "tool_use", "id": "toolu_fake", "name": behaviour.tool_name, "input": json.loads(behaviour.tool_json)}]
    elif finished:
        content = [{"type": "text", "text": behaviour.text}]
    return {"id": "msg_fake", "type": "message", "role": "assistant", "model": body.get("model", "claude-fake"), "content": content,
            "stop_reason": behaviour.stop_reason if finished else None, "stop_sequence": None,
            "usage": {"input_tokens": 25, "output_tokens": 1}}
