"""What the user reads when a model server cannot help, and the masking of keys in it.

Pure functions, shared by the proxy and the connection checks, so both say the same thing.
"""

from __future__ import annotations

import json
import socket
import ssl
from urllib.parse import urlsplit, urlunsplit

from tornado.httpclient import HTTPClientError
from tornado.iostream import StreamClosedError
from tornado.simple_httpclient import HTTPStreamClosedError

ERROR_TYPE = "agent_team_proxy"
MAX_UPSTREAM_MESSAGE = 500
MASK = "***"

PORT_HINTS = {1234: "is LM Studio's server running?", 11434: "is Ollama running?"}
DEFAULT_HINT = "is the model server running?"
# How to start the server a port usually belongs to: what a check tells an unreachable one.
START_FIXES = {
    1234: "Start LM Studio's server on port 1234 (Developer tab → Start Server), "
    "or pick another endpoint",
    11434: "Start Ollama (`ollama serve`), or pick another endpoint",
    8080: "Start llama.cpp's server (`llama-server -m model.gguf --port 8080`), "
    "or pick another endpoint",
    8000: "Start vLLM (`vllm serve <model> --port 8000`), or pick another endpoint",
}
LMSTUDIO_NO_MODELS = "Load a model in LM Studio (or `lms load <model>`), then check again"
OLLAMA_NO_MODELS = (
    "Pull a model with `ollama pull <model>` (e.g. `ollama pull qwen2.5-coder:7b`), "
    "then check again"
)
# What to say when an endpoint can hold no key: one typed in the browser, or discovered.
NO_KEY_SETTING = (
    "keys are set only on the Jupyter server: add this server to c.AgentTeam.endpoints "
    "with an api_key_env"
)


def display_url(url: str) -> str:
    """The URL without credentials or trailing slash, safe for messages and logs."""
    parts = urlsplit(url.strip())
    netloc = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, netloc, parts.path, "", "")).rstrip("/")


def url_port(url: str) -> int | None:
    """The port a URL names explicitly, or None."""
    try:
        return urlsplit(url).port
    except ValueError:
        return None


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


def server_hint(url: str) -> str:
    """Guess which server the user meant to run from the port they configured."""
    return PORT_HINTS.get(url_port(url) or 0, DEFAULT_HINT)


def unreachable_message(url: str, reason: str) -> str:
    """The message for a model server that could not be talked to at all."""
    return f"cannot reach {url} ({reason}) — {server_hint(url)}"


def unreachable_fix(url: str) -> str:
    """How to start the server that usually listens on this URL's port."""
    fix = START_FIXES.get(url_port(url) or 0)
    return fix or f"Check that the server at {url} is running and reachable from the Jupyter server"


def no_models_fix(url: str, kind: str = "") -> str:
    """How to get a model onto a server that lists none."""
    port = url_port(url)
    if kind == "lmstudio" or (not kind and port == 1234):
        return LMSTUDIO_NO_MODELS
    if kind == "ollama" or (not kind and port == 11434):
        return OLLAMA_NO_MODELS
    return f"Load or serve a model on the server at {url}, then check again"


def key_advice(has_key: bool, key_setting: str) -> str:
    """What to do about a refused or missing key, naming the setting that holds it."""
    if not key_setting:
        return NO_KEY_SETTING
    verb = "check" if has_key else "set"
    return f"{verb} {key_setting} on the Jupyter server"


def key_fix(has_key: bool, key_setting: str) -> str:
    """``key_advice`` as a sentence for a connection check: keys are read at start."""
    advice = key_advice(has_key, key_setting)
    return f"{advice[0].upper()}{advice[1:]}, then restart the Jupyter server"


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


def upstream_status_message(
    url: str,
    status: int,
    detail: str,
    has_key: bool,
    key_setting: str = "OPENAI_API_KEY or c.AgentTeam.api_key",
    retry_after: str = "",
) -> str:
    """The message for a model server that answered with an error status."""
    if len(detail) > MAX_UPSTREAM_MESSAGE:
        detail = detail[:MAX_UPSTREAM_MESSAGE] + "…"
    if status in (401, 403):
        what = "refused the API key" if has_key else "requires an API key"
        advice = key_advice(has_key, key_setting)
        return f"the model server at {url} {what} ({status}): {detail} — {advice}"
    message = f"the model server at {url} answered {status}: {detail}"
    if retry_after.strip().isdigit():
        message += f" (retry after {int(retry_after)} s)"
    return message


def error_body(message: str) -> str:
    """OpenAI's error shape, so the SDK surfaces ``message`` to the user."""
    return json.dumps({"error": {"message": message, "type": ERROR_TYPE}})
