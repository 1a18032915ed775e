"""Routes that let the browser reach model servers without ever holding their API keys.

The browser's OpenAI SDK points at ``<base_url>agent-team/v1`` and names an endpoint in a
header; these handlers forward to that endpoint's server, and only to registered endpoints,
add its key, pass streams through as they arrive, and turn failures into OpenAI-shaped
errors whose message tells the user what to fix.
"""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import tornado.web
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado.httpclient import HTTPRequest, HTTPResponse
from tornado.httputil import HTTPHeaders, parse_response_start_line
from tornado.iostream import IOStream

from .api import (
    CacheHandler,
    CheckHandler,
    ConfigHandler,
    DiscoverHandler,
    EndpointsHandler,
    UserEndpointsHandler,
)
from .cache import MAX_ENTRY_BYTES, ResponseCache, cache_key, stream_completed
from .config import AgentTeam
from .endpoints import Endpoint, EndpointRegistry, server_endpoints
from .hangup import ClientGone, UpstreamClient
from .messages import (
    StreamScrubber,
    display_url,
    error_body,
    network_failure,
    scrub,
    scrub_bytes,
    unreachable_message,
    upstream_error_text,
    upstream_status_message,
)
from .state import STATE_KEY, ServerState, state_of

if TYPE_CHECKING:
    from jupyter_server.serverapp import ServerApp

ENDPOINT_HEADER = "X-Agent-Team-Endpoint"
# The browser once sent a URL of its own; now it may only name a registered endpoint.
RETIRED_BASE_URL_HEADER = "X-Agent-Team-Base-Url"
AGENT_HEADER = "X-Agent-Team-Agent"
CACHE_HEADER = "X-Agent-Team-Cache"
CACHED_HEADER = "X-Agent-Team-Cached"
# Connecting should fail fast even when a whole generation may take minutes.
MAX_CONNECT_TIMEOUT = 30.0
# How often a request in flight checks that the browser is still there and the model server
# still talking: the checks, not tornado's client, are what stop an abandoned generation.
WATCH_INTERVAL = 0.5

# Only what the model server needs; Authorization, Cookie and X-XSRFToken are Jupyter's own.
FORWARDED_HEADERS = ("Content-Type", "Accept", AGENT_HEADER)
# What a rate-limited or overloaded server says about when to try again, for the browser.
PASSED_BACK_HEADERS = ("retry-after",)
PASSED_BACK_PREFIX = "x-ratelimit-"


class ProxyError(Exception):
    """A failure to report to the browser as an OpenAI-shaped error."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def endpoint_list(names: list[str]) -> str:
    """Known endpoint names, quoted, for a message."""
    return ", ".join(repr(name) for name in names) or "none"


class ProxyHandler(APIHandler):
    """Forwards one OpenAI endpoint to the model server the request names."""

    upstream_path = ""

    def initialize(self) -> None:
        """Reset per-request relay state."""
        self._client_gone = False
        self._upstream_silent = False
        self._streaming = False
        self._upstream_status = 0
        self._upstream_headers = HTTPHeaders()
        self._buffer = bytearray()
        self._endpoint: Endpoint | None = None
        self._scrubber = StreamScrubber("")
        self._upstream: UpstreamClient | None = None
        self._last_heard = time.monotonic()
        # The stream as sent to the browser, kept for the response cache when asked for.
        self._tee: bytearray | None = None
        self._cache_key = ""

    def on_connection_close(self) -> None:
        """The browser left: hang up on the model server so it stops generating."""
        self._client_gone = True
        if self._upstream is not None:
            self._upstream.hang_up()
        super().on_connection_close()

    @property
    def state(self) -> ServerState:
        """The extension's settings, endpoints and cache."""
        return state_of(self)

    @property
    def secret(self) -> str:
        """The key of the endpoint this request goes to: the only one it could leak."""
        return self._endpoint.api_key if self._endpoint else ""

    def select_endpoint(self) -> Endpoint | None:
        """The endpoint the request names, or None once the error has been sent."""
        try:
            endpoint = self._resolve_endpoint()
        except ProxyError as error:
            self._send_error(error.status, error.message)
            return None
        self._endpoint = endpoint
        self._scrubber = StreamScrubber(endpoint.api_key)
        return endpoint

    def _resolve_endpoint(self) -> Endpoint:
        if RETIRED_BASE_URL_HEADER in self.request.headers:
            raise ProxyError(
                400,
                f"{RETIRED_BASE_URL_HEADER} is no longer supported: name a model server with "
                f"{ENDPOINT_HEADER} (GET agent-team/endpoints lists them)",
            )
        registry = self.state.registry
        name = self.request.headers.get(ENDPOINT_HEADER, "").strip()
        if not name:
            first = registry.first()
            if first is None:
                raise ProxyError(
                    400,
                    "no model server is configured on the Jupyter server: set "
                    "c.AgentTeam.endpoints or OPENAI_BASE_URL, or add one in the settings",
                )
            return first
        # A header carries Latin-1 only; other names arrive percent-encoded.
        endpoint = registry.get(name) or registry.get(unquote(name))
        if endpoint is None:
            raise ProxyError(
                400,
                f"unknown endpoint {name!r}; known endpoints: {endpoint_list(registry.names())}",
            )
        return endpoint

    async def forward(self, method: str, body: bytes | None = None) -> None:
        """Send this request to the selected endpoint and relay the answer."""
        assert self._endpoint is not None
        config = self.state.config
        shown = self._endpoint.shown_url
        url = self._endpoint.url(self.upstream_path)
        connect_timeout = min(config.request_timeout, MAX_CONNECT_TIMEOUT)
        request = HTTPRequest(
            url,
            method=method,
            headers=self._upstream_headers_out(),
            body=body,
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
        idle_timeout = self.state.config.stream_idle_timeout
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

    def _upstream_headers_out(self) -> dict[str, str]:
        headers = {
            name: self.request.headers[name]
            for name in FORWARDED_HEADERS
            if name in self.request.headers
        }
        # Each endpoint's key goes to that endpoint only; the URL is always the endpoint's.
        if self.secret:
            headers["Authorization"] = f"Bearer {self.secret}"
        return headers

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
        if self._tee is not None:
            self.set_header(CACHED_HEADER, "false")
        self.flush()

    def _on_upstream_chunk(self, chunk: bytes) -> None:
        self._last_heard = time.monotonic()
        if self._client_gone:
            raise ClientGone("the browser closed the connection")
        if self._streaming:
            safe = self._scrubber.feed(chunk)
            if safe:
                self._keep(safe)
                self.write(safe)
                self.flush()
        else:
            self._buffer.extend(chunk)

    def _keep(self, data: bytes) -> None:
        """Add sent bytes to what the cache will store; a stream too big is not kept."""
        if self._tee is None:
            return
        self._tee.extend(data)
        if len(self._tee) > MAX_ENTRY_BYTES:
            self._tee = None

    def _relay(self, response: HTTPResponse, shown: str) -> None:
        if self._streaming:
            tail = self._scrubber.flush()
            self._keep(tail)
            self.write(tail)
            complete = self._tee is not None and stream_completed(self._tee)
            if complete and self._upstream_status == 200:
                assert self._tee is not None
                self.state.cache.put(self._cache_key, bytes(self._tee))
            self.finish(set_content_type=self._upstream_headers["Content-Type"])
            return
        status = response.code
        if 200 <= status < 300:
            self.set_status(status)
            content_type = response.headers.get("Content-Type", "application/json")
            body = scrub_bytes(bytes(self._buffer), self.secret)
            self.finish(body, set_content_type=content_type)
            return
        if 300 <= status < 400:
            # Relaying a redirect would send the browser straight to the model server.
            location = display_url(response.headers.get("Location", ""))
            self._send_error(
                502, f"the model server at {shown} answered {status}: redirects to {location}"
            )
            return
        for name, value in response.headers.get_all():
            lower = name.lower()
            if lower in PASSED_BACK_HEADERS or lower.startswith(PASSED_BACK_PREFIX):
                self.set_header(name, scrub(value, self.secret))
        assert self._endpoint is not None
        message = upstream_status_message(
            shown,
            status,
            upstream_error_text(bytes(self._buffer)),
            self._endpoint.has_key,
            self._endpoint.key_setting,
            response.headers.get("Retry-After", ""),
        )
        self.log.warning("agent-team: %s answered %s", shown, status)
        self._send_error(status, message)

    def _send_error(self, status: int, message: str) -> None:
        message = scrub(message, self.secret)
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
        """List the endpoint's models."""
        if self.select_endpoint() is not None:
            await self.forward("GET")


class ChatCompletionsHandler(ProxyHandler):
    """``POST /agent-team/v1/chat/completions``, streamed or not, from the cache if asked."""

    upstream_path = "chat/completions"

    @tornado.web.authenticated
    async def post(self) -> None:
        """Run a chat completion on the endpoint, or replay an identical one."""
        endpoint = self.select_endpoint()
        if endpoint is None:
            return
        body = self.request.body
        try:
            request: Any = json.loads(body or b"{}")
        except ValueError:
            request = None  # not ours to judge; the model server will answer
        if not isinstance(request, dict):
            await self.forward("POST", body)
            return
        if endpoint.default_model and not request.get("model"):
            request["model"] = endpoint.default_model
            body = json.dumps(request).encode()
        if request.get("stream") is True and self._cache_wanted():
            self._cache_key = cache_key(endpoint, request)
            stored = self.state.cache.get(self._cache_key)
            if stored is not None:
                self._replay(stored)
                return
            self._tee = bytearray()
        await self.forward("POST", body)

    def _cache_wanted(self) -> bool:
        return self.request.headers.get(CACHE_HEADER, "").strip().lower() == "on"

    def _replay(self, stored: bytes) -> None:
        """Answer with a stream stored earlier, as the model server sent it then."""
        self.set_header("Cache-Control", "no-cache")
        self.set_header(CACHED_HEADER, "true")
        self.finish(stored, set_content_type="text/event-stream")


def setup_handlers(server_app: ServerApp) -> None:
    """Read the settings and secrets, build the endpoints, and register the routes."""
    config = AgentTeam(parent=server_app)
    log = server_app.log
    hidden = config.hide_secrets_from_kernels()
    if hidden:
        log.info(
            "agent-team: moved %s out of the environment that kernels and terminals inherit",
            ", ".join(hidden),
        )
    registry = EndpointRegistry(server_endpoints(config, log))
    cache = ResponseCache(config.cache_dir, log)
    web_app = server_app.web_app
    web_app.settings[STATE_KEY] = ServerState(config, registry, cache)
    base = url_path_join(web_app.settings["base_url"], "agent-team")
    web_app.add_handlers(
        ".*$",
        [
            (url_path_join(base, "config"), ConfigHandler),
            (url_path_join(base, "endpoints"), EndpointsHandler),
            (url_path_join(base, "endpoints", "user"), UserEndpointsHandler),
            (url_path_join(base, "endpoints", "check"), CheckHandler),
            (url_path_join(base, "discover"), DiscoverHandler),
            (url_path_join(base, "cache"), CacheHandler),
            (url_path_join(base, "v1", "models"), ModelsHandler),
            (url_path_join(base, "v1", "chat", "completions"), ChatCompletionsHandler),
        ],
    )
    log.info("agent-team: model proxy at %s", base)
    for endpoint in registry.server:
        log.info(
            "agent-team: endpoint %r -> %s (API key %s)",
            endpoint.name,
            endpoint.shown_url,
            f"from {endpoint.key_source}" if endpoint.has_key else "not set",
        )
