"""Server-side settings for the model proxy: where models live and which keys to send."""

from __future__ import annotations

import os
from typing import Any

from jupyter_core.paths import jupyter_data_dir
from traitlets import Dict, Float, Int, List, Unicode, default
from traitlets.config import Configurable

DEFAULT_BASE_URL = "http://localhost:1234/v1"
# The key this extension reads from the environment is never left for kernels to inherit.
ALWAYS_HIDDEN = "OPENAI_API_KEY"
# LM Studio, Ollama, llama.cpp's server and vLLM, on their usual ports.
DEFAULT_DISCOVERY_PORTS = [1234, 11434, 8080, 8000]
# The traits a config file may set instead of the environment; which one did shows in the UI.
ENV_BACKED = ("base_url", "api_key", "model")


class AgentTeam(Configurable):
    """Model server settings, set as ``c.AgentTeam.<name>`` or through env vars.

    Keys live only here, on the server, so the browser never holds them.
    """

    base_url = Unicode(
        help=(
            "Base URL of the OpenAI-compatible model server (ending in /v1), used when "
            "`endpoints` is empty. Defaults to $OPENAI_BASE_URL, else LM Studio's "
            "http://localhost:1234/v1."
        ),
    ).tag(config=True)

    api_key = Unicode(
        help=(
            "API key sent to `base_url` as 'Authorization: Bearer <key>', used when `endpoints` "
            "is empty. Defaults to $OPENAI_API_KEY. Never sent to the browser."
        ),
    ).tag(config=True)

    model = Unicode(
        help=(
            "Model used when a request names none, for the endpoint made from `base_url`. "
            "Defaults to $AGENT_TEAM_MODEL; empty lets the model server choose."
        ),
    ).tag(config=True)

    endpoints = List(
        Dict(),
        default_value=[],
        help=(
            "Named model servers the browser may choose from. Each is a dict with 'name' "
            "(unique) and 'base_url' (http(s), usually ending in /v1), and optionally "
            "'api_key_env' (the name of an environment variable holding its key), 'api_key' "
            "(the key itself; prefer api_key_env), 'vision' (bool), 'context_window' (int) "
            "and 'default_model'. Invalid entries are skipped with a warning. Empty: one "
            "endpoint made from base_url, api_key and model."
        ),
    ).tag(config=True)

    discovery_ports = List(
        Int(),
        default_value=DEFAULT_DISCOVERY_PORTS,
        help="Ports on 127.0.0.1 probed for local model servers when the browser asks.",
    ).tag(config=True)

    cache_dir = Unicode(
        help=(
            "Folder for cached streamed answers (used only for requests that ask for the "
            "cache). Defaults to <jupyter data dir>/agent_team/cache."
        ),
    ).tag(config=True)

    request_timeout = Float(
        600.0,
        help="Seconds a model request may take, streaming included, before it fails with 504.",
    ).tag(config=True)

    stream_idle_timeout = Float(
        60.0,
        help=(
            "Seconds the model server may send nothing (before its answer starts or between "
            "streamed chunks) before the request fails and its connection is closed, so a stuck "
            "generation does not hold the GPU. 0 disables."
        ),
    ).tag(config=True)

    secret_env_vars = List(
        Unicode(),
        default_value=[],
        help=(
            "More environment variables to remove from the Jupyter server's environment, "
            "besides OPENAI_API_KEY and each endpoint's api_key_env (always removed once read), "
            "so kernels and terminals started afterwards, which inherit that environment, "
            "cannot print them."
        ),
    ).tag(config=True)

    def __init__(self, **kwargs: Any) -> None:
        """Note which env-backed traits were configured, before their defaults are computed."""
        super().__init__(**kwargs)
        # Whether a key came from c.AgentTeam.api_key or from OPENAI_API_KEY shows in the UI.
        self.configured = {name for name in ENV_BACKED if self.trait_has_value(name)}
        # Secrets read from the environment before they were removed from it.
        self.env_secrets: dict[str, str] = {}
        self.openai_key_at_start = ""

    def key_env_vars(self) -> list[str]:
        """Every endpoint's ``api_key_env``, valid entry or not: all of them are secrets."""
        names = []
        for entry in self.endpoints:
            name = entry.get("api_key_env") if isinstance(entry, dict) else None
            if isinstance(name, str) and name.strip():
                names.append(name.strip())
        return names

    def env_secret(self, name: str) -> str:
        """A secret variable's value as it was at start, even after it left the environment."""
        return self.env_secrets.get(name, os.environ.get(name, ""))

    def hide_secrets_from_kernels(self) -> list[str]:
        """Read, then remove OPENAI_API_KEY, the endpoints' key variables and ``secret_env_vars``.

        The env-reading defaults are resolved first: traitlets computes a default on first
        access, and after the removal there would be nothing left to read. Returns the
        names that were set.
        """
        for name in ENV_BACKED:
            getattr(self, name)
        self.openai_key_at_start = os.environ.get(ALWAYS_HIDDEN, "")
        key_vars = [ALWAYS_HIDDEN, *self.key_env_vars()]
        for name in key_vars:
            if name in os.environ:
                self.env_secrets[name] = os.environ[name]
        names = dict.fromkeys([*key_vars, *self.secret_env_vars])
        return [name for name in names if os.environ.pop(name, None) is not None]

    @default("base_url")
    def _default_base_url(self) -> str:
        return os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL

    @default("api_key")
    def _default_api_key(self) -> str:
        return os.environ.get("OPENAI_API_KEY", "")

    @default("model")
    def _default_model(self) -> str:
        return os.environ.get("AGENT_TEAM_MODEL", "")

    @default("cache_dir")
    def _default_cache_dir(self) -> str:
        return os.path.join(jupyter_data_dir(), "agent_team", "cache")
