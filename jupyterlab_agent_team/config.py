"""Server-side settings for the model proxy: where models live and which key to send."""

from __future__ import annotations

import os

from traitlets import Float, List, Unicode, default
from traitlets.config import Configurable

DEFAULT_BASE_URL = "http://localhost:1234/v1"
# The key this extension reads from the environment is never left for kernels to inherit.
ALWAYS_HIDDEN = "OPENAI_API_KEY"


class AgentTeam(Configurable):
    """Upstream model server settings, set as ``c.AgentTeam.<name>`` or through env vars.

    The key lives only here, on the server, so the browser never holds it.
    """

    base_url = Unicode(
        help=(
            "Base URL of the OpenAI-compatible model server (ending in /v1). "
            "Defaults to $OPENAI_BASE_URL, else LM Studio's http://localhost:1234/v1."
        ),
    ).tag(config=True)

    api_key = Unicode(
        help=(
            "API key sent to the model server as 'Authorization: Bearer <key>'. "
            "Defaults to $OPENAI_API_KEY. Never sent to the browser."
        ),
    ).tag(config=True)

    model = Unicode(
        help=(
            "Model used when a request names none. Defaults to $AGENT_TEAM_MODEL; "
            "empty lets the model server choose (LM Studio uses the loaded model)."
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
            "besides OPENAI_API_KEY (always removed once read), so kernels and terminals "
            "started afterwards, which inherit that environment, cannot print them."
        ),
    ).tag(config=True)

    def hide_secrets_from_kernels(self) -> list[str]:
        """Remove OPENAI_API_KEY and ``secret_env_vars`` from ``os.environ``; return those set.

        The env-reading defaults are resolved first: traitlets computes a default on first
        access, and after the removal there would be nothing left to read.
        """
        for name in ("base_url", "api_key", "model"):
            getattr(self, name)
        names = dict.fromkeys([ALWAYS_HIDDEN, *self.secret_env_vars])
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
