"""Routes that let the browser reach the model server without ever holding its API key.

The browser's OpenAI SDK points at ``<base_url>agent-team/v1``; these handlers forward to the
configured OpenAI-compatible server, add the key, pass streams through as they arrive, and
turn failures into OpenAI-shaped errors whose message tells the user what to fix.
"""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import tornado.web
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado.httpclient import HTTPClientError, HTTPRequest, HTTPResponse
from tornado.httputil import HTTPHeaders, HTTPInputError, parse_response_start_line
from tornado.iostream import IOStream, StreamClosedError
from tornado.simple_httpclient import HTTPStreamClosedError, SimpleAsyncHTTPClient
from tornado.tcpclient import TCPClient

from .config import AgentTeam

if TYPE_CHECKING:
    from jupyter_server.serverapp import ServerApp

BASE_URL_HEADER = "X-Agent-Team-Base-Url"
AGENT_HEADER = "X-Agent-Team-Agent"
ERROR_TYPE = "agent_team_proxy"
SETTINGS_KEY = "agent_team_config"
MAX_UPSTREAM_MESSAGE = 500
# Connecting should fail fast even when a whole generation may take minutes.
MAX_CONNECT_TIMEOUT = 30.0
# How often a request in flight checks that the browser is still there and the model server
# still talking: the checks, not tornado's client, are what stop an abandoned generation.
WATCH_INTERVAL = 0.5
MASK = "***"

# Only what the model server needs; Authorization, Cookie and X-XSRFToken are Jupyter's own.
FORWARDED_HEADERS = ("Content-Type", "Accept", AGENT_HEADER)
PORT_HINTS = {1234: "is LM Studio's server running?", 11434: "is Ollama running?"}
DEFAULT_HINT = "is the model server running?"


class ProxyError(Exception):
    """A failure to report to the browser as an OpenAI-shaped error."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class ClientGone(HTTPInputError):
    """Raised inside the upstream stream to abort it: the browser stopped listening.

    Tornado's client closes the upstream connection quietly on an ``HTTPInputError`` raised
    by a streaming callback; any other exception would be logged as a crash.
    """


class HangUpTCPClient(TCPClient):
    """Opens connections as usual but keeps hold of them, so the proxy can hang up."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._streams: list[IOStream] = []
        self._hung_up = False

    async def connect(self, *args: Any, **kwargs: Any) -> IOStream:
        """Connect, or close at once a connection that was given up on while it opened."""
        stream = await super().connect(*args, **kwargs)
        self._streams.append(stream)
        if self._hung_up:
            stream.close()
        return stream

    def hang_up(self) -> None:
        """Close every connection: the request fails at once and the server sees it go."""
        self._hung_up = True
        for stream in self._streams:
            stream.close()


class UpstreamClient(SimpleAsyncHTTPClient):
    """A client for one proxied request, whose connection ``hang_up`` closes.

    Tornado's ``fetch`` cannot be cancelled: it waits for the next byte or its timeout, which
    for a silent model server is minutes of GPU time nobody will read. Create it with
    ``force_instance=True`` and ``close()`` it after the request.
    """

    def initialize(self, **kwargs: Any) -> None:  # type: ignore[override]
        """Set up the client with a TCP client that remembers its connections."""
        super().initialize(**kwargs)
        self.tcp_client = HangUpTCPClient(resolver=self.resolver)

    def hang_up(self) -> None:
        """Abort the request by closing its connection to the model server."""
        assert isinstance(self.tcp_client, HangUpTCPClient)
        self.tcp_client.hang_up()


def display_url(url: str) -> str:
    """The URL without credentials or trailing slash, safe for messages and logs."""
    parts = urlsplit(url.strip())
    netloc = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, netloc, parts.path, "", "")).rstrip("/")


def scrub(text: str, secret: str) -> str:
    """Mask the key wherever upstream text repeats it."""
    return text.replace(secret, MASK) if secret else text


def scrub_bytes(data: bytes, secret: str) -> bytes:
    """``scrub`` for a body that has not been decoded."""
    return data.replace(secret.encode(), MASK.encode()) if secret else data


class StreamScrubber:
    """Masks the key in a stream even when the model server's chunks split it.

    Only an end that could still grow into the key is held back (at most ``len(key) - 1``
    bytes), so a complete SSE event, which ends in a blank line, is never delayed.
    """

    def __init__(self, secret: str) -> None:
        self._secret = secret.encode()
        self._held = b""

    def feed(self, chunk: bytes) -> bytes:
        """The part of ``held + chunk`` that is safe to send now, masked."""
        if not self._secret:
            return chunk
        data = (self._held + chunk).replace(self._secret, MASK.encode())
        keep = self._partial_key_length(data)
        self._held = data[len(data) - keep :]
        return data[: len(data) - keep]

    def flush(self) -> bytes:
        """What was held back, once the stream has ended and the key can no longer complete."""
        held, self._held = self._held, b""
        return held

    def _partial_key_length(self, data: bytes) -> int:
        """Length of the longest end of ``data`` that is a beginning of the key."""
        for size in range(min(len(self._secret) - 1, len(data)), 0, -1):
            if data.endswith(self._secret[:size]):
                return size
        return 0


def validate_base_url(url: str) -> str:
    """Accept only absolute http(s) URLs, so the header cannot point at files or other schemes."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ProxyError(
            400, f"{BASE_URL_HEADER} must be an http:// or https:// URL, got {url.strip()!r}"
        )
    return url.strip()


def server_hint(url: str) -> str:
    """Guess which server the user meant to run from the port they configured."""
    try:
        port = urlsplit(url).port
    except ValueError:
        port = None
    return PORT_HINTS.get(port or 0, DEFAULT_HINT)


def unreachable_message(url: str, reason: str) -> str:
    """The message for a model server that could not be talked to at all."""
    return f"cannot reach {url} ({reason}) — {server_hint(url)}"


def network_failure(
    error: BaseException, request_timeout: float, connect_timeout: float
) -> tuple[int, str]:
    """Map a transport exception to an HTTP status and a short human reason."""
    if isinstance(error, ConnectionRefusedError):
        return 502, "connection refused"
    if isinstance(error, socket.gaierror):
        return 502, "host not found"
    if isinstance(error, (StreamClosedError, HTTPStreamClosedError)):
        return 502, "connection closed by the model server"
    if isinstance(error, HTTPClientError) and error.code == 599:
        text = str(error)
        if "timeout" in text.lower():
            seconds = connect_timeout if "connecting" in text.lower() else request_timeout
            return 504, f"timed out after {seconds:g} s"
        return 502, text
    if isinstance(error, (ssl.SSLError, ssl.CertificateError)):
        return 502, f"TLS error: {error}"
    if isinstance(error, OSError):
        return 502, error.strerror or str(error) or type(error).__name__
    return 502, f"{type(error).__name__}: {error}"


def upstream_error_text(body: bytes) -> str:
    """Pull the human message out of an upstream error body (OpenAI, Ollama or plain text)."""
    text = body.decode("utf-8", errors="replace").strip()
    try:
        data = json.loads(text)
    except ValueError:
        return text
    if isinstance(data, dict):
        error = data.get("error")
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
        for candidate in (error, data.get("message"), data.get("detail")):
            if isinstance(candidate, str) and candidate:
                return candidate
    return text


def same_origin(a: str, b: str) -> bool:
    """Whether two URLs name the same scheme, host and port."""
    first, second = urlsplit(a), urlsplit(b)
    return (first.scheme, first.hostname, first.port) == (
        second.scheme,
        second.hostname,
        second.port,
    )


def upstream_status_message(url: str, status: int, detail: str, has_key: bool) -> str:
    """The message for a model server that answered with an error status."""
    if len(detail) > MAX_UPSTREAM_MESSAGE:
        detail = detail[:MAX_UPSTREAM_MESSAGE] + "…"
    if status in (401, 403):
        if has_key:
            return (
                f"the model server at {url} refused the API key ({status}): {detail} "
                "— check OPENAI_API_KEY or c.AgentTeam.api_key on the Jupyter server"
            )
        return (
            f"the model server at {url} requires an API key ({status}): {detail} "
            "— set OPENAI_API_KEY or c.AgentTeam.api_key on the Jupyter server"
        )
    return f"the model server at {url} answered {status}: {detail}"


def error_body(message: str) -> str:
    """OpenAI's error shape, so the SDK surfaces ``message`` to the user."""
    return json.dumps({"error": {"message": message, "type": ERROR_TYPE}})


class ConfigHandler(APIHandler):
    """Tells the browser what the server will use, never the key itself."""

    @tornado.web.authenticated
    def get(self) -> None:
        """Return the effective upstream settings."""
        config: AgentTeam = self.settings[SETTINGS_KEY]
        self.finish(
            json.dumps(
                {
                    "base_url": display_url(config.base_url),
                    "model": config.model,
                    "has_api_key": bool(config.api_key),
                }
            )
        )


class ProxyHandler(APIHandler):
    """Forwards one OpenAI endpoint to the upstream model server."""

    upstream_path = ""

    def initialize(self) -> None:
        """Reset per-request relay state."""
        self._client_gone = False
        self._upstream_silent = False
        self._streaming = False
        self._upstream_status = 0
        self._upstream_headers = HTTPHeaders()
        self._buffer = bytearray()
        self._scrubber = StreamScrubber(self.agent_config.api_key)
        self._upstream: UpstreamClient | None = None
        self._last_heard = time.monotonic()

    def on_connection_close(self) -> None:
        """The browser left: hang up on the model server so it stops generating."""
        self._client_gone = True
        if self._upstream is not None:
            self._upstream.hang_up()
        super().on_connection_close()

    @property
    def agent_config(self) -> AgentTeam:
        """The extension's settings (``config`` is Jupyter's own traitlets config)."""
        return self.settings[SETTINGS_KEY]

    async def forward(self, method: str) -> None:
        """Send this request upstream and relay the answer."""
        config = self.agent_config
        try:
            base = self._upstream_base()
        except ProxyError as error:
            self._send_error(error.status, error.message)
            return
        shown = display_url(base)
        url = f"{base.rstrip('/')}/{self.upstream_path}"
        connect_timeout = min(config.request_timeout, MAX_CONNECT_TIMEOUT)
        request = HTTPRequest(
            url,
            method=method,
            headers=self._upstream_headers_out(base),
            body=self._body_with_model() if method == "POST" else None,
            connect_timeout=connect_timeout,
            request_timeout=config.request_timeout,
            follow_redirects=False,
            header_callback=self._on_upstream_header,
            streaming_callback=self._on_upstream_chunk,
        )
        self._upstream = UpstreamClient(force_instance=True)
        self._last_heard = time.monotonic()
        watch = asyncio.ensure_future(self._watch_upstream(self._upstream, display_url(url)))
        outcome: HTTPResponse | Exception
        try:
            outcome = await self._upstream.fetch(request, raise_error=False)
        except Exception as error:
            outcome = error
        finally:
            watch.cancel()
            self._upstream.close()
        # After a hang-up the fetch may fail or, for a body that ends when the connection
        # closes, look complete; either way the reason is ours.
        if self._client_gone:
            self.log.info("agent-team: browser left; aborted %s %s", method, display_url(url))
            return
        if self._upstream_silent:
            idle = config.stream_idle_timeout
            self._send_error(504, f"the model server at {shown} sent nothing for {idle:g} s")
            return
        if isinstance(outcome, Exception):
            status, reason = network_failure(outcome, config.request_timeout, connect_timeout)
            self.log.warning("agent-team: %s %s failed: %s", method, display_url(url), reason)
            if self._streaming:
                self._send_error(
                    status, f"the model server at {shown} stopped mid-stream ({reason})"
                )
            else:
                self._send_error(status, unreachable_message(shown, reason))
            return
        self.log.debug("agent-team: %s %s -> %s", method, display_url(url), outcome.code)
        self._relay(outcome, shown)

    async def _watch_upstream(self, upstream: UpstreamClient, shown_url: str) -> None:
        """Hang up when the browser has left or the model server has gone quiet.

        Tornado usually reports a departed browser through ``on_connection_close``; this also
        catches a close it has not read yet.
        """
        idle_timeout = self.agent_config.stream_idle_timeout
        interval = min(WATCH_INTERVAL, idle_timeout / 4) if idle_timeout > 0 else WATCH_INTERVAL
        while True:
            await asyncio.sleep(interval)
            if self._browser_left():
                self._client_gone = True
                upstream.hang_up()
                return
            if idle_timeout > 0 and time.monotonic() - self._last_heard >= idle_timeout:
                self.log.warning(
                    "agent-team: %s sent nothing for %g s; hanging up", shown_url, idle_timeout
                )
                self._upstream_silent = True
                upstream.hang_up()
                return

    def _browser_left(self) -> bool:
        stream = getattr(self.request.connection, "stream", None)
        if not isinstance(stream, IOStream):
            return self._client_gone
        if stream.closed():
            return True
        if isinstance(stream.socket, ssl.SSLSocket):
            return False  # TLS sockets cannot be peeked; tornado's own close detection applies
        try:
            # A peek consumes nothing; end-of-file means the browser closed its side.
            return stream.socket.recv(1, socket.MSG_PEEK) == b""
        except BlockingIOError:
            return False
        except OSError:
            return True

    def _upstream_base(self) -> str:
        """The browser's base URL setting wins over the server's, once validated."""
        override = self.request.headers.get(BASE_URL_HEADER, "").strip()
        return validate_base_url(override) if override else self.agent_config.base_url

    def _upstream_headers_out(self, base: str) -> dict[str, str]:
        headers = {
            name: self.request.headers[name]
            for name in FORWARDED_HEADERS
            if name in self.request.headers
        }
        # The key is for the server it was configured with: a base URL typed in the
        # browser's settings must not be able to send it elsewhere.
        if self.agent_config.api_key and same_origin(base, self.agent_config.base_url):
            headers["Authorization"] = f"Bearer {self.agent_config.api_key}"
        return headers

    def _body_with_model(self) -> bytes:
        """Fill in the configured model when the browser left it empty."""
        body = self.request.body
        if not self.agent_config.model:
            return body
        try:
            data: Any = json.loads(body or b"{}")
        except ValueError:
            return body  # not ours to judge; the model server will answer
        if isinstance(data, dict) and not data.get("model"):
            data["model"] = self.agent_config.model
            return json.dumps(data).encode()
        return body

    def _on_upstream_header(self, line: str) -> None:
        self._last_heard = time.monotonic()
        if line.startswith("HTTP/"):
            # A new response head (after a 1xx, say) replaces the previous one.
            self._upstream_status = parse_response_start_line(line.strip()).code
            self._upstream_headers = HTTPHeaders()
        elif line.strip():
            self._upstream_headers.parse_line(line.rstrip("\r\n"))
        elif self._is_event_stream():
            self._start_stream()

    def _is_event_stream(self) -> bool:
        content_type = self._upstream_headers.get("Content-Type", "")
        return 200 <= self._upstream_status < 300 and content_type.startswith("text/event-stream")

    def _start_stream(self) -> None:
        self._streaming = True
        self.set_status(self._upstream_status)
        self.set_header("Content-Type", self._upstream_headers["Content-Type"])
        self.set_header("Cache-Control", "no-cache")
        # Tells nginx-style proxies in front of Jupyter not to hold tokens back.
        self.set_header("X-Accel-Buffering", "no")
        self.flush()

    def _on_upstream_chunk(self, chunk: bytes) -> None:
        self._last_heard = time.monotonic()
        if self._client_gone:
            raise ClientGone("the browser closed the connection")
        if self._streaming:
            safe = self._scrubber.feed(chunk)
            if safe:
                self.write(safe)
                self.flush()
        else:
            self._buffer.extend(chunk)

    def _relay(self, response: HTTPResponse, shown: str) -> None:
        if self._streaming:
            self.write(self._scrubber.flush())
            self.finish(set_content_type=self._upstream_headers["Content-Type"])
            return
        status = response.code
        if 200 <= status < 300:
            self.set_status(status)
            content_type = response.headers.get("Content-Type", "application/json")
            body = scrub_bytes(bytes(self._buffer), self.agent_config.api_key)
            self.finish(body, set_content_type=content_type)
            return
        if 300 <= status < 400:
            # Relaying a redirect would send the browser straight to the model server.
            location = display_url(response.headers.get("Location", ""))
            self._send_error(
                502, f"the model server at {shown} answered {status}: redirects to {location}"
            )
            return
        detail = upstream_error_text(bytes(self._buffer))
        message = upstream_status_message(shown, status, detail, bool(self.agent_config.api_key))
        self.log.warning("agent-team: %s answered %s", shown, status)
        self._send_error(status, message)

    def _send_error(self, status: int, message: str) -> None:
        message = scrub(message, self.agent_config.api_key)
        if self._streaming:
            # Headers are gone already; an SSE error event makes the SDK's stream throw.
            self.write(self._scrubber.flush())
            self.write(f"data: {error_body(message)}\n\n")
            self.finish(set_content_type=self._upstream_headers["Content-Type"])
            return
        self.set_status(status)
        self.finish(error_body(message))


class ModelsHandler(ProxyHandler):
    """``GET /agent-team/v1/models``."""

    upstream_path = "models"

    @tornado.web.authenticated
    async def get(self) -> None:
        """List the upstream's models."""
        await self.forward("GET")


class ChatCompletionsHandler(ProxyHandler):
    """``POST /agent-team/v1/chat/completions``, streamed or not."""

    upstream_path = "chat/completions"

    @tornado.web.authenticated
    async def post(self) -> None:
        """Run a chat completion upstream."""
        await self.forward("POST")


def setup_handlers(server_app: ServerApp) -> None:
    """Register the routes under the server's base URL."""
    config = AgentTeam(parent=server_app)
    hidden = config.hide_secrets_from_kernels()
    if hidden:
        server_app.log.info(
            "agent-team: moved %s out of the environment that kernels and terminals inherit",
            ", ".join(hidden),
        )
    web_app = server_app.web_app
    web_app.settings[SETTINGS_KEY] = config
    base = url_path_join(web_app.settings["base_url"], "agent-team")
    web_app.add_handlers(
        ".*$",
        [
            (url_path_join(base, "config"), ConfigHandler),
            (url_path_join(base, "v1", "models"), ModelsHandler),
            (url_path_join(base, "v1", "chat", "completions"), ChatCompletionsHandler),
        ],
    )
    server_app.log.info(
        "agent-team: model proxy at %s -> %s (API key %s)",
        base,
        display_url(config.base_url),
        "set" if config.api_key else "not set",
    )
