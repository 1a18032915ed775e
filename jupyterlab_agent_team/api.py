"""The endpoint routes the browser's settings and connection panel use.

Every answer describes endpoints through ``Endpoint.to_json``, which leaves the key out;
errors are ``{"message": ...}`` like Jupyter's own API.
"""

from __future__ import annotations

import json
from typing import Any

import tornado.web
from jupyter_server.base.handlers import APIHandler

from .endpoints import EndpointError
from .probe import check_endpoint, check_ports, discover
from .state import ServerState, state_of


class BadRequest(Exception):
    """A request body this route cannot use."""


class EndpointAPIHandler(APIHandler):
    """JSON in, JSON out, with the extension's state at hand."""

    @property
    def state(self) -> ServerState:
        """The extension's settings, endpoints and cache."""
        return state_of(self)

    def body_object(self) -> dict[str, Any]:
        """The request's JSON object; an empty body is an empty object."""
        if not self.request.body.strip():
            return {}
        try:
            data = json.loads(self.request.body)
        except ValueError as error:
            raise BadRequest(f"the body is not valid JSON: {error}") from None
        if not isinstance(data, dict):
            raise BadRequest("the body must be a JSON object")
        return data

    def answer(self, payload: dict[str, Any], status: int = 200) -> None:
        """Send ``payload`` as JSON."""
        self.set_status(status)
        self.finish(json.dumps(payload))

    def endpoints_answer(self) -> dict[str, Any]:
        """The endpoint list as GET endpoints answers it."""
        return {
            "endpoints": self.state.registry.to_json(),
            "discovery_ports": list(self.state.config.discovery_ports),
        }


class EndpointsHandler(EndpointAPIHandler):
    """``GET agent-team/endpoints``: every endpoint the proxy may use, without keys."""

    @tornado.web.authenticated
    def get(self) -> None:
        """List the endpoints and the ports discovery probes."""
        self.answer(self.endpoints_answer())


class UserEndpointsHandler(EndpointAPIHandler):
    """``PUT agent-team/endpoints/user``: the endpoints the browser's settings hold."""

    @tornado.web.authenticated
    def put(self) -> None:
        """Replace the settings' endpoints, all or nothing."""
        try:
            body = self.body_object()
            if "endpoints" not in body:
                raise BadRequest('the body must be {"endpoints": [...]}')
            self.state.registry.replace_user(body["endpoints"])
        except (BadRequest, EndpointError) as error:
            self.answer({"message": str(error)}, 400)
            return
        self.answer(self.endpoints_answer())


class CheckHandler(EndpointAPIHandler):
    """``POST agent-team/endpoints/check``: can the endpoint be used, and with which models."""

    @tornado.web.authenticated
    async def post(self) -> None:
        """Probe the named endpoint's model list with its key."""
        try:
            name = self.body_object().get("name")
            if not isinstance(name, str) or not name.strip():
                raise BadRequest('the body must be {"name": "<endpoint name>"}')
        except BadRequest as error:
            self.answer({"message": str(error)}, 400)
            return
        registry = self.state.registry
        endpoint = registry.get(name.strip())
        if endpoint is None:
            known = registry.names()
            listed = ", ".join(repr(n) for n in known) or "none"
            self.answer(
                {"message": f"no endpoint named {name!r}; known: {listed}", "known": known}, 404
            )
            return
        result = await check_endpoint(endpoint)
        self.answer({"name": endpoint.name, **result.to_json()})


class DiscoverHandler(EndpointAPIHandler):
    """``POST agent-team/discover``: find model servers on this machine."""

    @tornado.web.authenticated
    async def post(self) -> None:
        """Probe the ports asked for (else ``discovery_ports``) and register what answers."""
        config = self.state.config
        try:
            body = self.body_object()
            ports = body.get("ports")
            ports = check_ports(list(config.discovery_ports) if ports is None else ports)
        except (BadRequest, ValueError) as error:
            self.answer({"message": str(error)}, 400)
            return
        found = await discover(self.state.registry, ports, config.openai_key_at_start)
        self.answer({"found": found, "endpoints": self.state.registry.to_json()})


class CacheHandler(EndpointAPIHandler):
    """``DELETE agent-team/cache``: forget every cached answer."""

    @tornado.web.authenticated
    def delete(self) -> None:
        """Empty the response cache."""
        self.answer({"removed": self.state.cache.clear()})


class ConfigHandler(EndpointAPIHandler):
    """``GET agent-team/config``: the default endpoint in the shape older browsers read."""

    @tornado.web.authenticated
    def get(self) -> None:
        """Describe the endpoint a request without an endpoint name goes to."""
        first = self.state.registry.first()
        self.answer(
            {
                "base_url": first.shown_url if first else "",
                "model": first.default_model if first else "",
                "has_api_key": bool(first and first.has_key),
            }
        )
