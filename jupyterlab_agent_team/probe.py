"""Connection checks and local-server discovery: is an endpoint usable, and with which models.

A check asks the endpoint's ``/models`` with its key, then asks LM Studio's and Ollama's own
APIs what the OpenAI API does not say (which models see images, how long a context they
take). Those extras are best effort: any failure leaves the value unknown (null).
"""

from __future__ import annotations

import asyncio
import json
import ssl
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tornado.httpclient import HTTPClientError, HTTPRequest, HTTPResponse
from tornado.iostream import StreamClosedError
from tornado.simple_httpclient import HTTPStreamClosedError, SimpleAsyncHTTPClient

from .endpoints import Endpoint, EndpointRegistry, name_for_url
from .messages import (
    display_url,
    key_fix,
    network_failure,
    no_models_fix,
    scrub,
    scrub_bytes,
    unreachable_fix,
    upstream_error_text,
    upstream_status_message,
)

CHECK_TIMEOUT = 3.0
DISCOVERY_TIMEOUT = 1.5
ENRICH_TIMEOUT = 1.5
# Ollama answers one model per request; a long list would cost a request each.
MAX_ENRICHED = 20
MAX_DISCOVERY_PORTS = 32
OPENAI_URL = "https://api.openai.com/v1"
OPENAI_KEY_VAR = "OPENAI_API_KEY"
# Model list fields some servers use for the context length (vLLM, OpenRouter and others).
CONTEXT_FIELDS = ("max_model_len", "context_length", "context_window")
NOT_A_MODEL_LIST_FIX = (
    "Check that the base URL is the server's OpenAI-compatible API, usually ending in /v1"
)
NOT_FOUND_FIX = (
    "Check the base URL: OpenAI-compatible servers list their models at <base URL>/models, "
    "with a base URL that usually ends in /v1"
)
REDIRECT_FIX = "Use the address it redirects to as the base URL (often https:// instead of http://)"
TLS_FIX = "Check the URL's scheme (http:// or https://) and the server's certificate"


@dataclass
class CheckResult:
    """What a check found; ``kind`` names the server when it said what it is."""

    state: str
    reason: str
    fix: str = ""
    models: list[dict[str, Any]] = field(default_factory=list)
    kind: str = ""

    def to_json(self) -> dict[str, Any]:
        """The check's part of an answer to the browser."""
        return {"state": self.state, "reason": self.reason, "fix": self.fix, "models": self.models}


def new_client() -> SimpleAsyncHTTPClient:
    """A client of its own, so checks neither wait for nor hold up other requests."""
    return SimpleAsyncHTTPClient(force_instance=True, max_clients=MAX_ENRICHED + 4)


async def _fetch(
    client: SimpleAsyncHTTPClient,
    url: str,
    timeout: float,
    headers: dict[str, str],
    body: bytes | None = None,
) -> HTTPResponse | Exception:
    request = HTTPRequest(
        url,
        method="GET" if body is None else "POST",
        headers=headers,
        body=body,
        connect_timeout=timeout,
        request_timeout=timeout,
        follow_redirects=False,
    )
    try:
        return await client.fetch(request, raise_error=False)
    except Exception as error:
        return error


def _json(response: HTTPResponse | Exception, secret: str) -> Any:
    """The answer's JSON with the key masked, or None for a failure or anything else."""
    if isinstance(response, Exception) or response.code != 200:
        return None
    try:
        return json.loads(scrub_bytes(response.body or b"", secret))
    except ValueError:
        return None


def _is_unreachable(error: Exception) -> bool:
    """Whether the server could not be talked to at all (as opposed to talking badly)."""
    if isinstance(error, (ssl.SSLError, ssl.CertificateError)):
        return False
    if isinstance(error, (StreamClosedError, HTTPStreamClosedError)):
        return True
    if isinstance(error, HTTPClientError):
        return error.code == 599 and "timeout" in str(error).lower()
    # Refused, reset, host not found, no route: all OSErrors.
    return isinstance(error, OSError)


def _positive_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def model_entry(item: Any) -> dict[str, Any] | None:
    """One model of an OpenAI model list, with what the list itself says about it."""
    if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
        return None
    context = next(
        (n for n in (_positive_int(item.get(name)) for name in CONTEXT_FIELDS) if n), None
    )
    return {"id": item["id"], "vision": None, "context_length": context}


def api_root(base_url: str) -> str | None:
    """The server's root under which LM Studio and Ollama keep their own APIs."""
    base = base_url.rstrip("/")
    return base[: -len("/v1")] if base.endswith("/v1") else None


async def check_endpoint(
    endpoint: Endpoint,
    timeout: float = CHECK_TIMEOUT,
    client: SimpleAsyncHTTPClient | None = None,
) -> CheckResult:
    """Ask the endpoint for its models, with its key, and say what that means for the user."""
    own_client = client is None
    client = client or new_client()
    try:
        result = await _check(client, endpoint, timeout)
    finally:
        if own_client:
            client.close()
    result.reason = scrub(result.reason, endpoint.api_key)
    return result


async def _check(client: SimpleAsyncHTTPClient, endpoint: Endpoint, timeout: float) -> CheckResult:
    shown = endpoint.shown_url
    headers = {"Accept": "application/json"}
    if endpoint.api_key:
        headers["Authorization"] = f"Bearer {endpoint.api_key}"
    answer = await _fetch(client, endpoint.url("models"), timeout, headers)
    if isinstance(answer, Exception):
        _, reason = network_failure(answer, timeout, timeout)
        if _is_unreachable(answer):
            return CheckResult(
                "unreachable", f"cannot reach {shown} ({reason})", unreachable_fix(shown)
            )
        fix = TLS_FIX if isinstance(answer, ssl.SSLError) else ""
        return CheckResult("error", f"cannot talk to {shown} ({reason})", fix)
    status = answer.code
    if status != 200:
        if 300 <= status < 400:
            location = display_url(answer.headers.get("Location", ""))
            reason = f"the model server at {shown} answered {status}: redirects to {location}"
            return CheckResult("error", reason, REDIRECT_FIX)
        detail = upstream_error_text(scrub_bytes(answer.body or b"", endpoint.api_key))
        message = upstream_status_message(
            shown,
            status,
            detail,
            endpoint.has_key,
            endpoint.key_setting,
            answer.headers.get("Retry-After", ""),
        )
        if status in (401, 403):
            return CheckResult(
                "unauthorised", message, key_fix(endpoint.has_key, endpoint.key_setting)
            )
        return CheckResult("error", message, NOT_FOUND_FIX if status == 404 else "")
    listing = _json(answer, endpoint.api_key)
    items = listing.get("data") if isinstance(listing, dict) else None
    if not isinstance(items, list):
        reason = f"{shown}/models did not answer with an OpenAI model list"
        return CheckResult("error", reason, NOT_A_MODEL_LIST_FIX)
    models = [m for m in map(model_entry, items) if m]
    kind, models = await _enrich(client, endpoint, models, headers)
    if not models:
        what = "no chat models" if items else "no models"
        return CheckResult(
            "no-models", f"{shown} lists {what}", no_models_fix(shown, kind), kind=kind
        )
    count = f"{len(models)} model{'s' if len(models) != 1 else ''}"
    return CheckResult("connected", f"{count} available at {shown}", "", models, kind)


async def _enrich(
    client: SimpleAsyncHTTPClient,
    endpoint: Endpoint,
    models: list[dict[str, Any]],
    headers: dict[str, str],
) -> tuple[str, list[dict[str, Any]]]:
    """Say which server this is and fill in what its own API tells about each model.

    LM Studio lists its models with their type and context length; Ollama says it is
    Ollama at ``/api/version`` and describes one model per ``/api/show``. Knowing the
    server even when it lists no model lets the fix say how to load one there.
    """
    root = api_root(endpoint.base_url)
    if root is None:
        return "", models
    secret = endpoint.api_key
    lmstudio, version = await asyncio.gather(
        _fetch(client, f"{root}/api/v0/models", ENRICH_TIMEOUT, headers),
        _fetch(client, f"{root}/api/version", ENRICH_TIMEOUT, headers),
    )
    listing = _json(lmstudio, secret)
    details = listing.get("data") if isinstance(listing, dict) else None
    if isinstance(details, list) and all(isinstance(d, dict) for d in details):
        return "lmstudio", _apply_lmstudio(models, details)
    about = _json(version, secret)
    if not (isinstance(about, dict) and isinstance(about.get("version"), str)):
        return "", models
    shows = await asyncio.gather(
        *(_ollama_show(client, root, m["id"], headers, secret) for m in models[:MAX_ENRICHED])
    )
    for model, show in zip(models, shows):
        if show is not None:
            model.update(_ollama_facts(show))
    return "ollama", models


def _apply_lmstudio(
    models: list[dict[str, Any]], details: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """LM Studio says each model's type (llm, vlm, embeddings) and context length."""
    by_id = {d.get("id"): d for d in details}
    kept = []
    for model in models:
        detail = by_id.get(model["id"])
        if detail is None:
            kept.append(model)
            continue
        kind = detail.get("type")
        if kind == "embeddings":
            continue  # cannot chat, so not a model the team could use
        if kind in ("llm", "vlm"):
            model["vision"] = kind == "vlm"
        # The length a loaded model was loaded with is what it takes now.
        context = _positive_int(detail.get("loaded_context_length")) or _positive_int(
            detail.get("max_context_length")
        )
        model["context_length"] = context or model["context_length"]
        kept.append(model)
    return kept


async def _ollama_show(
    client: SimpleAsyncHTTPClient, root: str, model: str, headers: dict[str, str], secret: str
) -> dict[str, Any] | None:
    body = json.dumps({"model": model}).encode()
    answer = await _fetch(
        client,
        f"{root}/api/show",
        ENRICH_TIMEOUT,
        {**headers, "Content-Type": "application/json"},
        body,
    )
    show = _json(answer, secret)
    if isinstance(show, dict) and ("model_info" in show or "capabilities" in show):
        return show
    return None


def _ollama_facts(show: dict[str, Any]) -> dict[str, Any]:
    """Vision and context length from an Ollama ``/api/show`` answer."""
    facts: dict[str, Any] = {}
    capabilities = show.get("capabilities")
    if isinstance(capabilities, list):
        facts["vision"] = "vision" in capabilities
    elif isinstance(show.get("projector_info"), dict):
        facts["vision"] = True  # older Ollama: an image projector means a vision model
    info = show.get("model_info")
    if isinstance(info, dict):
        for key, value in info.items():
            if isinstance(key, str) and key.endswith(".context_length") and _positive_int(value):
                facts["context_length"] = value
                break
    return facts


def check_ports(ports: Any) -> list[int]:
    """Ports from a request body, validated; duplicates dropped, order kept."""
    if not isinstance(ports, list) or not all(
        isinstance(p, int) and not isinstance(p, bool) and 0 < p < 65536 for p in ports
    ):
        raise ValueError("'ports' must be a list of port numbers (1-65535)")
    if len(ports) > MAX_DISCOVERY_PORTS:
        raise ValueError(f"at most {MAX_DISCOVERY_PORTS} ports, got {len(ports)}")
    return list(dict.fromkeys(ports))


async def discover(
    registry: EndpointRegistry, ports: Iterable[int], openai_key: str
) -> list[dict[str, Any]]:
    """Probe model servers on this machine's ``ports`` and register those that answer.

    A server that already has an endpoint is probed with it (and its key) and reported under
    it, not added twice. Returns each found endpoint with its check.
    """
    ports = list(ports)
    candidates = []
    for port in ports:
        url = f"http://127.0.0.1:{port}/v1"
        known = registry.find_same_server(url)
        candidates.append(known or Endpoint(name="", base_url=url, origin="discovered"))
    client = new_client()
    try:
        results = await asyncio.gather(
            *(check_endpoint(c, DISCOVERY_TIMEOUT, client) for c in candidates)
        )
    finally:
        client.close()
    found = []
    for candidate, result in zip(candidates, results):
        # Only a server that lists models (even none) is a model server; anything else on
        # the port (a web app, a 404) is not ours to offer.
        if result.state not in ("connected", "no-models"):
            continue
        if not candidate.name:
            candidate.name = name_for_url(candidate.base_url, result.kind)
        endpoint = registry.add_discovered(candidate)
        found.append({**endpoint.to_json(), **result.to_json()})
    offer = _openai_offer(registry, openai_key)
    if offer is not None:
        found.append(offer)
    return found


def _openai_offer(registry: EndpointRegistry, openai_key: str) -> dict[str, Any] | None:
    """OpenAI itself, when the server started with OPENAI_API_KEY that no endpoint uses.

    Not probed: discovery looks only at this machine, and a check of it is one click away.
    """
    if not openai_key:
        return None
    user = next((e for e in registry.all() if e.api_key == openai_key), None)
    if user is not None and user.origin != "discovered":
        return None
    endpoint = user or registry.add_discovered(
        Endpoint(
            name="OpenAI",
            base_url=OPENAI_URL,
            origin="discovered",
            key_source=OPENAI_KEY_VAR,
            key_setting=OPENAI_KEY_VAR,
            api_key=openai_key,
        ),
        dedupe=False,
    )
    return {
        **endpoint.to_json(),
        "state": "unknown",
        "reason": f"not checked: {OPENAI_KEY_VAR} is set on the Jupyter server, and discovery "
        "probes only this machine",
        "fix": "Check this endpoint to connect to it and list its models",
        "models": [],
    }
