"""A scripted OpenAI-compatible model server on 127.0.0.1, recording what the proxy sends it.

The chat request's ``model`` picks the script, so each test asks for the behaviour it checks.
A ``flavour`` makes the server look like LM Studio or Ollama (their own model APIs), or list
no models; ``require_key`` makes it refuse any other key, echoing what it got.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SLOW_STREAM_EVENTS = 3
SLOW_STREAM_GAP = 0.3
LONG_STREAM_EVENTS = 30
LONG_STREAM_GAP = 0.05
# Long enough for the proxy to read each part of a split key as its own chunk.
SPLIT_GAP = 0.01
# A held request gives up after this, so a failing test cannot leave threads behind for long.
HOLD_LIMIT = 20.0
RETRY_AFTER = "7"
QUICK_STREAM_EVENTS = 3

# LM Studio lists every model in /v1/models and says more about each in /api/v0/models.
LMSTUDIO_MODELS = [
    {"id": "qwen2.5-coder-7b-instruct", "type": "llm", "max_context_length": 32768},
    {
        "id": "qwen2-vl-7b-instruct",
        "type": "vlm",
        "max_context_length": 32768,
        "loaded_context_length": 8192,
    },
    {"id": "text-embedding-nomic-embed-text-v1.5", "type": "embeddings"},
]
# Ollama says it per model, in POST /api/show; "broken:1b" makes that fail.
OLLAMA_SHOW = {
    "qwen2.5-coder:7b": {
        "capabilities": ["completion", "tools"],
        "model_info": {"general.architecture": "qwen2", "qwen2.context_length": 32768},
    },
    "llava:7b": {
        "capabilities": ["completion", "vision"],
        "model_info": {"llama.context_length": 4096},
    },
}
OLLAMA_MODELS = [*OLLAMA_SHOW, "broken:1b"]


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

    @property
    def auth(self) -> str:
        return self.headers.get("authorization", "")

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class StreamLog:
    """When each SSE event left the model server, and whether the reader went away."""

    write_times: list[float] = field(default_factory=list)
    broken: bool = False


@dataclass
class HoldLog:
    """A request the model server answered with silence: when it came, when the proxy hung up."""

    arrived: threading.Event = field(default_factory=threading.Event)
    closed: threading.Event = field(default_factory=threading.Event)
    closed_at: float = 0.0


def _chunk(index: int) -> bytes:
    return _content_event(f"part{index} ")


def _content_event(content: str) -> bytes:
    data = {
        "id": "chatcmpl-scripted",
        "object": "chat.completion.chunk",
        "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": None}],
    }
    return f"data: {json.dumps(data)}\n\n".encode()


def echo_text(auth: str) -> str:
    """What the key-echoing scripts say back."""
    return f"you sent {auth}!"


class _Server(ThreadingHTTPServer):
    # Checks send up to 20 requests at once; the default backlog of 5 would drop some.
    request_queue_size = 64
    daemon_threads = True


class ScriptedUpstream:
    """A threaded HTTP server speaking ``/v1/models`` and ``/v1/chat/completions``."""

    def __init__(
        self,
        name: str,
        flavour: str = "openai",
        require_key: str = "",
        models: list[str] | None = None,
    ) -> None:
        self.name = name
        self.flavour = flavour
        self.require_key = require_key
        self.models = models
        self.requests: list[Received] = []
        self.streams: dict[str, StreamLog] = {}
        self.holds: dict[str, HoldLog] = {}
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), self._handler_class())
        # A short poll interval makes ``stop`` quick, for servers a single test starts.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def model_ids(self) -> list[str]:
        """What ``GET /v1/models`` lists."""
        if self.models is not None:
            return list(self.models)
        if self.flavour == "lmstudio":
            return [m["id"] for m in LMSTUDIO_MODELS]
        if self.flavour == "ollama":
            return list(OLLAMA_MODELS)
        if self.flavour == "empty":
            return []
        return [f"scripted-{self.name}"]

    def all_received(self) -> list[Received]:
        """Every request so far."""
        with self._lock:
            return list(self.requests)

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

    def hold_log(self, agent: str) -> HoldLog:
        """The log of the silent request tagged ``agent``; a test may take it before sending."""
        with self._lock:
            return self.holds.setdefault(agent, HoldLog())

    def _record(self, received: Received) -> None:
        with self._lock:
            self.requests.append(received)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            # HTTP/1.0: a streamed body simply ends when the connection closes.
            protocol_version = "HTTP/1.0"
            # Each write leaves at once, so a split key really arrives in two chunks.
            disable_nagle_algorithm = True

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

            def _refused(self, received: Received) -> bool:
                """Answer 401, echoing the key it got, unless it got the one it wants."""
                wanted = upstream.require_key
                if not wanted or received.auth == f"Bearer {wanted}":
                    return False
                message = f"Incorrect API key provided: {received.auth or 'none'}"
                self._json(401, {"error": {"message": message}})
                return True

            def do_GET(self) -> None:
                received = self._receive()
                if self._refused(received):
                    return
                if self.path == "/api/v0/models" and upstream.flavour == "lmstudio":
                    listed = [m for m in LMSTUDIO_MODELS if m["id"] in upstream.model_ids()]
                    self._json(200, {"object": "list", "data": listed})
                    return
                if self.path == "/api/version" and upstream.flavour == "ollama":
                    self._json(200, {"version": "0.6.2"})
                    return
                if self.path != "/v1/models":
                    self._json(404, {"error": {"message": f"no route {self.path}"}})
                    return
                data = [
                    {"id": model, "object": "model", "owned_by": "test"}
                    for model in upstream.model_ids()
                ]
                self._json(200, {"object": "list", "data": data})

            def do_POST(self) -> None:
                received = self._receive()
                if self._refused(received):
                    return
                if self.path == "/api/show" and upstream.flavour == "ollama":
                    show = OLLAMA_SHOW.get(received.json().get("model", ""))
                    if show is None:
                        self._json(500, {"error": "cannot read the model file"})
                    else:
                        self._json(200, show)
                    return
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
                elif model in ("rate-limited", "overloaded"):
                    status = 429 if model == "rate-limited" else 503
                    body = json.dumps({"error": {"message": f"{model}, try later"}}).encode()
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.send_header("Retry-After", RETRY_AFTER)
                    if status == 429:
                        self.send_header("x-ratelimit-limit-requests", "60")
                        self.send_header("x-ratelimit-remaining-requests", "0")
                    self.end_headers()
                    self.wfile.write(body)
                elif model == "stream-quick":
                    self._stream(received.agent, QUICK_STREAM_EVENTS, 0)
                elif model == "stream-no-done":
                    self._stream(received.agent, QUICK_STREAM_EVENTS, 0, done=False)
                elif model == "stream-slow":
                    self._stream(received.agent, SLOW_STREAM_EVENTS, SLOW_STREAM_GAP)
                elif model == "stream-long":
                    self._stream(received.agent, LONG_STREAM_EVENTS, LONG_STREAM_GAP)
                elif model == "silent":
                    self._hold(received.agent)
                elif model == "stall":
                    # Headers and one event, then nothing: a generation that got stuck.
                    self._start_event_stream()
                    self.wfile.write(_chunk(0))
                    self.wfile.flush()
                    self._hold(received.agent)
                elif model == "echo-key":
                    message = {"role": "assistant", "content": echo_text(received.auth)}
                    self._json(
                        200, {"object": "chat.completion", "choices": [{"message": message}]}
                    )
                elif model == "echo-key-stream":
                    self._echo_split_key(received.auth)
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

            def _start_event_stream(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                self.wfile.flush()

            def _hold(self, agent: str) -> None:
                """Send nothing more, and note when the proxy closes the connection."""
                log = upstream.hold_log(agent)
                log.arrived.set()
                self.connection.settimeout(HOLD_LIMIT)
                try:
                    while self.connection.recv(4096):
                        pass
                except socket.timeout:
                    return
                except OSError:
                    pass  # reset by the proxy: closed as well
                log.closed_at = time.monotonic()
                log.closed.set()

            def _echo_split_key(self, auth: str) -> None:
                """One event per split point of the key, each sent as two chunks split there."""
                key = auth.partition(" ")[2]
                self._start_event_stream()
                for split in range(len(key) + 1):
                    event = _content_event(echo_text(auth))
                    cut = event.index(key.encode()) + split
                    for part in (event[:cut], event[cut:]):
                        self.wfile.write(part)
                        self.wfile.flush()
                        time.sleep(SPLIT_GAP)
                # The stream ends on a beginning of the key that never completes.
                self.wfile.write(b"data: [DONE]\n\n: " + key[:-1].encode())
                self.wfile.flush()

            def _stream(self, agent: str, events: int, gap: float, done: bool = True) -> None:
                log = upstream.streams.setdefault(agent, StreamLog())
                self._start_event_stream()
                try:
                    for index in range(events):
                        if index:
                            time.sleep(gap)
                        self.wfile.write(_chunk(index))
                        self.wfile.flush()
                        log.write_times.append(time.monotonic())
                    if done:
                        self.wfile.write(b"data: [DONE]\n\n")
                    self.wfile.flush()
                except OSError:
                    log.broken = True

        return Handler
