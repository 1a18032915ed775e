"""An HTTP client for one proxied request that the proxy can hang up on.

Tornado's ``fetch`` cannot be cancelled; closing the connection is what tells a model server
to stop generating for a browser that has left.
"""

from __future__ import annotations

from typing import Any

from tornado.httputil import HTTPInputError
from tornado.iostream import IOStream
from tornado.simple_httpclient import SimpleAsyncHTTPClient
from tornado.tcpclient import TCPClient


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
