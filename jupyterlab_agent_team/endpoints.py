"""The named model servers the proxy may forward to, and the only ones.

An endpoint comes from one of three places: the Jupyter server's config ("server", the only
ones that may hold a key), the browser's settings ("settings"), or a local server found by
discovery ("discovered"). The browser picks one by name; it never supplies a URL of its own
for a request, so a key can only ever go to the server it was configured for.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .config import AgentTeam
from .messages import display_url, url_port

ORIGINS = ("server", "settings", "discovered")
KNOWN_PORTS = {1234: "LM Studio", 11434: "Ollama", 8080: "llama.cpp server", 8000: "vLLM"}
# A server that says what it is gets that name whatever its port.
KIND_NAMES = {"lmstudio": "LM Studio", "ollama": "Ollama"}
SIMPLE_KEY_SETTING = "OPENAI_API_KEY or c.AgentTeam.api_key"
MAX_NAME_LENGTH = 100
MAX_USER_ENDPOINTS = 100
SERVER_FIELDS = frozenset(
    ("name", "base_url", "api_key_env", "api_key", "vision", "context_window", "default_model")
)
# Fields of an endpoint as GET endpoints shows it, which a browser may send back unchanged.
ECHOED_FIELDS = frozenset(("origin", "key_source", "has_key"))
LOOPBACK_HOSTS = frozenset(("localhost", "127.0.0.1", "::1", "0.0.0.0"))


class EndpointError(ValueError):
    """An endpoint entry that cannot be used; the message says what to change."""


@dataclass
class Endpoint:
    """One model server. ``api_key`` is held for the proxy and never serialised."""

    name: str
    base_url: str
    origin: str
    key_source: str = ""
    # What the user should set or check for this endpoint to have a (valid) key; "" when
    # it can have none (browser settings, discovery).
    key_setting: str = ""
    vision: bool | None = None
    context_window: int | None = None
    default_model: str = ""
    api_key: str = field(default="", repr=False, compare=False)

    @property
    def has_key(self) -> bool:
        """Whether requests to this endpoint carry a key."""
        return bool(self.api_key)

    @property
    def shown_url(self) -> str:
        """The base URL without credentials or trailing slash."""
        return display_url(self.base_url)

    def url(self, path: str) -> str:
        """The address of an API path under this endpoint's base URL."""
        return f"{self.base_url.rstrip('/')}/{path}"

    def to_json(self) -> dict[str, Any]:
        """What the browser may know about the endpoint: everything but the key."""
        return {
            "name": self.name,
            "base_url": self.shown_url,
            "key_source": self.key_source,
            "has_key": self.has_key,
            "vision": self.vision,
            "context_window": self.context_window,
            "default_model": self.default_model,
            "origin": self.origin,
        }


def check_base_url(value: Any, where: str, allow_credentials: bool = True) -> str:
    """An absolute http(s) URL, stripped, or an ``EndpointError`` saying what is wrong."""
    if not isinstance(value, str) or not value.strip():
        raise EndpointError(f"{where}: base_url is missing")
    url = value.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EndpointError(
            f"{where}: base_url must be an absolute http:// or https:// URL, got {url!r}"
        )
    try:
        parts.port  # noqa: B018 - parsing the port is the check
    except ValueError:
        raise EndpointError(f"{where}: base_url has an invalid port: {url!r}") from None
    if parts.query or parts.fragment:
        raise EndpointError(f"{where}: base_url must not have a query or fragment: {url!r}")
    if not allow_credentials and (parts.username or parts.password):
        raise EndpointError(
            f"{where}: base_url must not contain credentials; keys are set only on the "
            "Jupyter server"
        )
    return url


def check_name(value: Any, where: str) -> str:
    """A usable endpoint name: the browser sends it back in a header, so one line of text."""
    if not isinstance(value, str) or not value.strip():
        raise EndpointError(f"{where}: name is missing or empty")
    name = value.strip()
    if len(name) > MAX_NAME_LENGTH:
        raise EndpointError(f"{where}: name is longer than {MAX_NAME_LENGTH} characters")
    if any(ord(char) < 32 or ord(char) == 127 for char in name):
        raise EndpointError(f"{where}: name must not contain control characters")
    return name


def _descriptive_fields(entry: dict[str, Any], where: str) -> dict[str, Any]:
    """``vision``, ``context_window`` and ``default_model``, type-checked."""
    vision = entry.get("vision")
    if vision is not None and not isinstance(vision, bool):
        raise EndpointError(f"{where}: vision must be true, false or null, got {vision!r}")
    window = entry.get("context_window")
    if window is not None and (
        isinstance(window, bool) or not isinstance(window, int) or window <= 0
    ):
        raise EndpointError(
            f"{where}: context_window must be a positive integer or null, got {window!r}"
        )
    model = entry.get("default_model")
    if model is None:
        model = ""
    if not isinstance(model, str):
        raise EndpointError(f"{where}: default_model must be a string, got {model!r}")
    return {"vision": vision, "context_window": window, "default_model": model.strip()}


def name_for_url(url: str, kind: str = "") -> str:
    """A name for a server nobody named: what it is, else its usual port's owner, else host."""
    if kind in KIND_NAMES:
        return KIND_NAMES[kind]
    port = url_port(url)
    if port in KNOWN_PORTS:
        return KNOWN_PORTS[port]
    return urlsplit(url).netloc.rpartition("@")[2] or url


def server_identity(url: str) -> tuple[str, str, int, str]:
    """What makes two base URLs the same server: localhost and 127.0.0.1 are one machine."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if host in LOOPBACK_HOSTS or host.startswith("127."):
        host = "loopback"
    try:
        port = parts.port
    except ValueError:
        port = None
    port = port or (443 if parts.scheme == "https" else 80)
    return (parts.scheme, host, port, parts.path.rstrip("/"))


def same_server(first: str, second: str) -> bool:
    """Whether two base URLs lead to the same API."""
    return server_identity(first) == server_identity(second)


def _server_entry(
    index: int, entry: Any, env_secret: Callable[[str], str], log: logging.Logger
) -> Endpoint:
    where = f"c.AgentTeam.endpoints[{index}]"
    if not isinstance(entry, dict):
        raise EndpointError(f"{where}: must be a dict, got {type(entry).__name__}")
    unknown = sorted(set(entry) - SERVER_FIELDS)
    if unknown:
        log.warning(
            "agent-team: %s: ignoring unknown field(s) %s (known: %s)",
            where,
            ", ".join(map(str, unknown)),
            ", ".join(sorted(SERVER_FIELDS)),
        )
    name = check_name(entry.get("name"), where)
    base_url = check_base_url(entry.get("base_url"), f"{where} ({name!r})")
    env_name = entry.get("api_key_env")
    inline = entry.get("api_key")
    for key_field, value in (("api_key_env", env_name), ("api_key", inline)):
        if value is not None and not isinstance(value, str):
            raise EndpointError(f"{where} ({name!r}): {key_field} must be a string")
    env_name = (env_name or "").strip()
    env_value = env_secret(env_name) if env_name else ""
    if env_value:
        key, source, setting = env_value, env_name, env_name
    elif inline:
        key, source, setting = inline, f"{where}.api_key", f"{where}.api_key"
    elif env_name:
        log.warning(
            "agent-team: %s (%r): %s is not set; requests go without a key", where, name, env_name
        )
        key, source, setting = "", env_name, env_name
    else:
        key, source = "", ""
        setting = f"{where}.api_key_env (the name of a variable holding the key)"
    return Endpoint(
        name=name,
        base_url=base_url,
        origin="server",
        key_source=source,
        key_setting=setting,
        api_key=key,
        **_descriptive_fields(entry, f"{where} ({name!r})"),
    )


def server_endpoints(config: AgentTeam, log: logging.Logger) -> list[Endpoint]:
    """The endpoints the server's config defines; invalid entries are skipped with a warning."""
    if not config.endpoints:
        simple = simple_endpoint(config, log)
        return [simple] if simple else []
    endpoints: list[Endpoint] = []
    for index, entry in enumerate(config.endpoints):
        try:
            endpoint = _server_entry(index, entry, config.env_secret, log)
        except EndpointError as error:
            log.warning("agent-team: skipping %s", error)
            continue
        if any(e.name == endpoint.name for e in endpoints):
            log.warning(
                "agent-team: skipping c.AgentTeam.endpoints[%d]: the name %r is already used",
                index,
                endpoint.name,
            )
            continue
        endpoints.append(endpoint)
    if not endpoints:
        log.warning("agent-team: c.AgentTeam.endpoints has no valid entry; no model server is set")
    return endpoints


def simple_endpoint(config: AgentTeam, log: logging.Logger) -> Endpoint | None:
    """The one endpoint made from ``base_url``, ``api_key`` and ``model`` (or their env vars)."""
    where = "c.AgentTeam.base_url" if "base_url" in config.configured else "OPENAI_BASE_URL"
    try:
        base_url = check_base_url(config.base_url, where)
    except EndpointError as error:
        log.warning("agent-team: no model server: %s", error)
        return None
    key = config.api_key
    source = ""
    if key:
        source = "c.AgentTeam.api_key" if "api_key" in config.configured else "OPENAI_API_KEY"
    return Endpoint(
        name=name_for_url(base_url),
        base_url=base_url,
        origin="server",
        key_source=source,
        key_setting=SIMPLE_KEY_SETTING,
        default_model=config.model,
        api_key=key,
    )


def user_endpoints(entries: Any, reserved: dict[str, str]) -> list[Endpoint]:
    """Endpoints from the browser's settings; ``reserved`` maps names taken to why.

    They never hold a key: a key sent from the browser would defeat keeping keys server-side.
    """
    if not isinstance(entries, list):
        raise EndpointError("'endpoints' must be a list")
    if len(entries) > MAX_USER_ENDPOINTS:
        raise EndpointError(f"at most {MAX_USER_ENDPOINTS} endpoints, got {len(entries)}")
    endpoints: list[Endpoint] = []
    for index, entry in enumerate(entries):
        where = f"endpoints[{index}]"
        if not isinstance(entry, dict):
            raise EndpointError(f"{where} must be an object")
        if "api_key" in entry or "api_key_env" in entry:
            raise EndpointError(
                f"{where}: keys cannot be set from the browser; set them on the Jupyter "
                "server in c.AgentTeam.endpoints (api_key_env)"
            )
        unknown = sorted(set(entry) - SERVER_FIELDS - ECHOED_FIELDS)
        if unknown:
            raise EndpointError(f"{where}: unknown field(s) {', '.join(map(str, unknown))}")
        name = check_name(entry.get("name"), where)
        if name in reserved:
            raise EndpointError(f"{where}: the name {name!r} {reserved[name]}; pick another name")
        if any(e.name == name for e in endpoints):
            raise EndpointError(f"{where}: the name {name!r} is used twice")
        endpoints.append(
            Endpoint(
                name=name,
                base_url=check_base_url(
                    entry.get("base_url"), f"{where} ({name!r})", allow_credentials=False
                ),
                origin="settings",
                **_descriptive_fields(entry, f"{where} ({name!r})"),
            )
        )
    return endpoints


class EndpointRegistry:
    """Every endpoint the proxy may use, in the order the browser lists them."""

    def __init__(self, server: Iterable[Endpoint]) -> None:
        self.server = list(server)
        self.settings: list[Endpoint] = []
        self.discovered: list[Endpoint] = []

    def all(self) -> list[Endpoint]:
        """Server endpoints first (the first is the default), then settings, then discovered."""
        return [*self.server, *self.settings, *self.discovered]

    def names(self) -> list[str]:
        """Every endpoint's name."""
        return [endpoint.name for endpoint in self.all()]

    def get(self, name: str) -> Endpoint | None:
        """The endpoint called ``name``, if any."""
        return next((e for e in self.all() if e.name == name), None)

    def first(self) -> Endpoint | None:
        """The endpoint used when a request names none."""
        endpoints = self.all()
        return endpoints[0] if endpoints else None

    def find_same_server(self, url: str) -> Endpoint | None:
        """An endpoint already pointing at the server ``url`` points at."""
        return next((e for e in self.all() if same_server(e.base_url, url)), None)

    def to_json(self) -> list[dict[str, Any]]:
        """The list the browser sees."""
        return [endpoint.to_json() for endpoint in self.all()]

    def replace_user(self, entries: Any) -> None:
        """Take the browser's endpoints, replacing the previous ones; all or nothing.

        A user endpoint for the same name or server as a keyless discovered one replaces it:
        the user has adopted that suggestion.
        """
        reserved = {
            e.name: "belongs to an endpoint configured on the Jupyter server" for e in self.server
        }
        for endpoint in self.discovered:
            if endpoint.has_key:
                reserved.setdefault(
                    endpoint.name, "belongs to a discovered endpoint that holds a server key"
                )
        endpoints = user_endpoints(entries, reserved)
        self.settings = endpoints
        self.discovered = [
            d
            for d in self.discovered
            if d.has_key
            or not any(u.name == d.name or same_server(u.base_url, d.base_url) for u in endpoints)
        ]

    def unique_name(self, name: str, port: int | None) -> str:
        """``name``, or with its port (then a number) added when another endpoint has it."""
        taken = set(self.names())
        if name not in taken:
            return name
        base = f"{name} (port {port})" if port else name
        candidate, number = base, 2
        while candidate in taken:
            candidate, number = f"{base} {number}", number + 1
        return candidate

    def add_discovered(self, endpoint: Endpoint, dedupe: bool = True) -> Endpoint:
        """Register a discovered server, or return the endpoint that already leads to it."""
        existing = self.find_same_server(endpoint.base_url) if dedupe else None
        if existing is not None:
            return existing
        endpoint.name = self.unique_name(endpoint.name, url_port(endpoint.base_url))
        self.discovered.append(endpoint)
        return endpoint
