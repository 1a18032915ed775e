"""JupyterLab agent team: the labextension plus a server route that proxies model calls."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jupyter_server.serverapp import ServerApp

try:
    # Written at build time from package.json, the one place the version lives.
    from ._version import __version__
except ImportError:  # a checkout that was never built or installed
    __version__ = "0.0.0+unknown"


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    """Where JupyterLab finds the built frontend."""
    return [{"src": "labextension", "dest": "jupyterlab-agent-team"}]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    """Lets jupyter_server load this module as a server extension."""
    return [{"module": "jupyterlab_agent_team"}]


def _load_jupyter_server_extension(server_app: ServerApp) -> None:
    """Register the model proxy routes."""
    from .handlers import setup_handlers

    setup_handlers(server_app)
