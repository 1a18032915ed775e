"""What the extension's handlers share for the server's lifetime."""

from __future__ import annotations

from dataclasses import dataclass

from tornado.web import RequestHandler

from .cache import ResponseCache
from .config import AgentTeam
from .endpoints import EndpointRegistry

STATE_KEY = "agent_team"


@dataclass
class ServerState:
    """The settings, the endpoints the proxy may use, and the response cache."""

    config: AgentTeam
    registry: EndpointRegistry
    cache: ResponseCache


def state_of(handler: RequestHandler) -> ServerState:
    """The state ``setup_handlers`` put into the web app's settings."""
    return handler.settings[STATE_KEY]
