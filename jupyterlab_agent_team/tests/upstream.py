"""A scripted OpenAI-compatible model server on 127.0.0.1, recording what the proxy sends it.

The chat request's ``model`` picks the script, so each test asks for the behaviour it checks.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SLOW_STREAM_EVENTS = 3
SLOW_STREAM_GAP = 0.3
LONG_STREAM_EVENTS = 30
LONG_STREAM_GAP = 0.05


@dataclass
class Received:
    """One request as the model server saw it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def agent(self) -> str:
        return self.headers.get("x-agent-team-agent", "")

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class StreamLog:
    """When each SSE event left the model server, and whether the reader went away."""

    write_times: list[float] = field(default_factory=list)
    broken: bool = False


def _chunk(index: int) -> bytes:
    data = {
        "id": "chatcmpl-scripted",
        "object": "chat.completion.chunk",
        "choices": [{"index": 0, "delta": {"content": f"part{index} "}, "finish_reason": None}],
    }
    return f"data: {json.dumps(data)}\n\n".encode()


class ScriptedUpstream:
    """A threaded HTTP server speaking ``/v1/models`` and ``/v1/chat/completions``."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.requests: list[Received] = []
        self.streams: dict[str, StreamLog] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def start(self) -> ScriptedUpstream:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def received(self, agent: str) -> list[Received]:
        """Requests tagged by the test with ``X-Agent-Team-Agent: <agent>``."""
        with self._lock:
            return [r for r in self.requests if r.agent == agent]

    def _record(self, received: Received) -> None:
        with self._lock:
            self.requests.append(received)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            # HTTP/1.0: a streamed body simply ends when the connection closes.
            protocol_version = "HTTP/1.0"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _receive(self) -> Received:
                length = int(self.headers.get("Content-Length") or 0)
                received = Received(
                    method=self.command,
                    path=self.path,
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                )
                upstream._record(received)
                return received

            def _json(self, status: int, payload: dict) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                self._receive()
                if self.path != "/v1/models":
                    self._json(404, {"error": {"message": f"no route {self.path}"}})
                    return
                model = {"id": f"scripted-{upstream.name}", "object": "model", "owned_by": "test"}
                self._json(200, {"object": "list", "data": [model]})

            def do_POST(self) -> None:
                received = self._receive()
                if self.path != "/v1/chat/completions":
                    self._json(404, {"error": {"message": f"no route {self.path}"}})
                    return
                model = received.json().get("model", "")
                if model == "fail-500":
                    # A careless server that echoes the Authorization header back.
                    auth = received.headers.get("authorization", "")
                    self._json(500, {"error": {"message": f"model crashed; request had {auth}"}})
                elif model == "fail-401":
                    self._json(401, {"error": {"message": "Incorrect API key provided"}})
                elif model == "stream-slow":
                    self._stream(received.agent, SLOW_STREAM_EVENTS, SLOW_STREAM_GAP)
                elif model == "stream-long":
                    self._stream(received.agent, LONG_STREAM_EVENTS, LONG_STREAM_GAP)
                else:
                    message = {"role": "assistant", "content": f"{upstream.name} got model={model}"}
                    self._json(
                        200,
                        {
                            "id": "chatcmpl-scripted",
                            "object": "chat.completion",
                            "model": model,
                            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                        },
                    )

            def _stream(self, agent: str, events: int, gap: float) -> None:
                log = upstream.streams.setdefault(agent, StreamLog())
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                try:
                    for index in range(events):
                        if index:
                            time.sleep(gap)
                        self.wfile.write(_chunk(index))
                        self.wfile.flush()
                        log.write_times.append(time.monotonic())
                    self.wfile.write(b"data: [DONE]\n\n")
                    self.wfile.flush()
                except OSError:
                    log.broken = True

        return Handler
