"""A model server is never left generating for nobody: the proxy hangs up on it.

Timings are measured where they matter, in the model server: when the browser left and when
the model server saw its connection close.
"""

from __future__ import annotations

import http.client
import json
import socket
import struct
import time

import pytest

from .conftest import IMPATIENT_IDLE_TIMEOUT, JupyterServer
from .upstream import HoldLog, ScriptedUpstream

CHAT = "agent-team/v1/chat/completions"
MESSAGES = [{"role": "user", "content": "hi"}]
# The bound the proxy promises between the browser leaving and the model server seeing it.
HANG_UP_BOUND = 2.0
WAIT = 10.0


def chat(model: str, stream: bool) -> dict:
    return {"model": model, "stream": stream, "messages": MESSAGES}


def leave(connection: http.client.HTTPConnection, how: str) -> float:
    """Drop the browser's connection the way a closed tab (close) or a crash (reset) does."""
    assert connection.sock is not None
    if how == "reset":
        connection.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    left_at = time.monotonic()
    connection.close()
    return left_at


def wait_for_hang_up(log: HoldLog) -> float:
    assert log.closed.wait(WAIT), "the model server's connection was never closed"
    return log.closed_at


def log_since(jupyter: JupyterServer, offset: int) -> str:
    return jupyter.log_path.read_bytes()[offset:].decode(errors="replace")


@pytest.mark.parametrize("how", ["close", "reset"])
def test_leaving_before_the_model_answers_closes_the_model_connection(
    jupyter: JupyterServer, upstream: ScriptedUpstream, how: str
) -> None:
    agent = f"silent-{how}"
    log = upstream.hold_log(agent)
    connection = jupyter.send("POST", CHAT, chat("silent", False), {"X-Agent-Team-Agent": agent})
    assert log.arrived.wait(WAIT)

    left_at = leave(connection, how)

    assert wait_for_hang_up(log) - left_at < HANG_UP_BOUND


@pytest.mark.parametrize("how", ["close", "reset"])
def test_leaving_a_stalled_stream_closes_the_model_connection(
    jupyter: JupyterServer, upstream: ScriptedUpstream, how: str
) -> None:
    agent = f"stall-{how}"
    log = upstream.hold_log(agent)
    connection, response = jupyter.open(
        "POST", CHAT, body=chat("stall", True), headers={"X-Agent-Team-Agent": agent}
    )
    assert response.status == 200
    assert response.readline().startswith(b"data: ")

    left_at = leave(connection, how)

    assert wait_for_hang_up(log) - left_at < HANG_UP_BOUND
    # The proxy keeps serving.
    assert jupyter.request("GET", "agent-team/v1/models").status == 200


def test_leaving_is_noticed_after_the_browser_sent_more_than_it_was_answered(
    jupyter: JupyterServer, upstream: ScriptedUpstream
) -> None:
    # Tornado stops reading a connection with unread requests queued, so only the proxy's
    # own check of the socket notices this browser leave.
    log = upstream.hold_log("pipelined")
    connection = jupyter.send(
        "POST", CHAT, chat("silent", False), {"X-Agent-Team-Agent": "pipelined"}
    )
    assert log.arrived.wait(WAIT)
    assert connection.sock is not None
    connection.sock.sendall(b"GET /jp/api/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    time.sleep(0.1)  # let the server take in the second request

    left_at = leave(connection, "close")

    assert wait_for_hang_up(log) - left_at < HANG_UP_BOUND


def test_a_silent_model_server_gets_a_504_and_is_hung_up_on(
    impatient_jupyter: JupyterServer, upstream: ScriptedUpstream
) -> None:
    log = upstream.hold_log("idle")
    headers = {"X-Agent-Team-Agent": "idle"}
    reply = impatient_jupyter.request("POST", CHAT, body=chat("silent", False), headers=headers)

    assert reply.status == 504
    assert reply.json()["error"] == {
        "message": (
            f"the model server at {upstream.base_url} sent nothing for {IMPATIENT_IDLE_TIMEOUT:g} s"
        ),
        "type": "agent_team_proxy",
    }
    assert log.closed.wait(WAIT)


def test_a_stream_that_goes_silent_ends_with_an_error_event(
    impatient_jupyter: JupyterServer, upstream: ScriptedUpstream
) -> None:
    log = upstream.hold_log("idle-stream")
    headers = {"X-Agent-Team-Agent": "idle-stream", "Accept": "text/event-stream"}
    reply = impatient_jupyter.request("POST", CHAT, body=chat("stall", True), headers=headers)

    assert reply.status == 200
    first, error, end = reply.body.split(b"\n\n")
    assert json.loads(first[len(b"data: ") :])["choices"][0]["delta"]["content"] == "part0 "
    assert json.loads(error[len(b"data: ") :])["error"]["message"] == (
        f"the model server at {upstream.base_url} sent nothing for {IMPATIENT_IDLE_TIMEOUT:g} s"
    )
    assert end == b""
    assert log.closed.wait(WAIT)


def test_finished_requests_leave_nothing_watching(impatient_jupyter: JupyterServer) -> None:
    # A watch left running would hang up again once the idle bound passed, and log it. The
    # browser's connection stays open (keep-alive), so nothing else would stop such a watch.
    offset = impatient_jupyter.log_path.stat().st_size
    connection = impatient_jupyter.send("POST", CHAT, chat("quick", False))
    try:
        assert connection.getresponse().read()
        impatient_jupyter.send("POST", CHAT, chat("echo-key-stream", True), connection=connection)
        assert connection.getresponse().read().startswith(b"data: ")
        time.sleep(IMPATIENT_IDLE_TIMEOUT * 2)
        impatient_jupyter.send("GET", "agent-team/v1/models", connection=connection)
        assert connection.getresponse().status == 200
    finally:
        connection.close()

    log = log_since(impatient_jupyter, offset)
    assert "agent-team" in log
    assert "sent nothing" not in log
    assert "Traceback" not in log
