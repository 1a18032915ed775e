"""The model proxy as the browser meets it, on a real Jupyter server."""

from __future__ import annotations

import json
import time

import pytest

from .conftest import DEFAULT_MODEL, SECRET, JupyterServer
from .upstream import LONG_STREAM_EVENTS, SLOW_STREAM_EVENTS, ScriptedUpstream

MODELS = "agent-team/v1/models"
CHAT = "agent-team/v1/chat/completions"
MESSAGES = [{"role": "user", "content": "hi"}]


def tagged(agent: str, **extra: str) -> dict[str, str]:
    """Headers that let the scripted upstream tell which test called."""
    return {"X-Agent-Team-Agent": agent, **extra}


def error_message(reply_json: dict) -> str:
    assert reply_json["error"]["type"] == "agent_team_proxy"
    return reply_json["error"]["message"]


@pytest.mark.parametrize(
    ("method", "route", "body"),
    [
        ("GET", MODELS, None),
        ("POST", CHAT, {"messages": MESSAGES}),
        ("GET", "agent-team/config", None),
        ("GET", "agent-team/endpoints", None),
        ("PUT", "agent-team/endpoints/user", {"endpoints": []}),
        ("POST", "agent-team/endpoints/check", {"name": "x"}),
        ("POST", "agent-team/discover", {"ports": []}),
        ("DELETE", "agent-team/cache", None),
    ],
)
def test_requests_without_token_are_refused_and_never_forwarded(
    jupyter: JupyterServer, upstream: ScriptedUpstream, method: str, route: str, body: dict | None
) -> None:
    reply = jupyter.request(method, route, body=body, headers=tagged("anonymous"), token=False)

    assert reply.status in (401, 403)
    assert SECRET not in reply.raw()
    assert upstream.received("anonymous") == []


def test_models_are_forwarded_with_the_server_key_which_never_comes_back(
    jupyter: JupyterServer, upstream: ScriptedUpstream
) -> None:
    browser_headers = tagged("models", Cookie="session=browser-cookie", **{"X-XSRFToken": "xsrf-1"})
    reply = jupyter.request("GET", MODELS, headers=browser_headers)

    assert reply.status == 200, reply.body
    assert [m["id"] for m in reply.json()["data"]] == ["scripted-primary"]
    (received,) = upstream.received("models")
    assert received.headers["authorization"] == f"Bearer {SECRET}"
    assert "cookie" not in received.headers
    assert "x-xsrftoken" not in received.headers
    assert SECRET not in reply.raw()


def test_config_says_a_key_is_set_without_revealing_it(
    jupyter: JupyterServer, upstream: ScriptedUpstream
) -> None:
    reply = jupyter.request("GET", "agent-team/config")

    assert reply.status == 200
    assert reply.json() == {
        "base_url": upstream.base_url,
        "model": DEFAULT_MODEL,
        "has_api_key": True,
    }
    assert SECRET not in reply.raw()


def test_chat_without_model_gets_the_configured_one(
    jupyter: JupyterServer, upstream: ScriptedUpstream
) -> None:
    reply = jupyter.request("POST", CHAT, body={"messages": MESSAGES}, headers=tagged("coder"))

    assert reply.status == 200, reply.body
    assert reply.json()["choices"][0]["message"]["content"] == f"primary got model={DEFAULT_MODEL}"
    (received,) = upstream.received("coder")
    assert received.json() == {"messages": MESSAGES, "model": DEFAULT_MODEL}
    assert received.headers["content-type"] == "application/json"
    assert SECRET not in reply.raw()


def test_chat_with_a_model_keeps_it(jupyter: JupyterServer, upstream: ScriptedUpstream) -> None:
    body = {"model": "qwen-coder", "messages": MESSAGES}
    reply = jupyter.request("POST", CHAT, body=body, headers=tagged("critic"))

    assert reply.json()["choices"][0]["message"]["content"] == "primary got model=qwen-coder"
    assert upstream.received("critic")[0].json()["model"] == "qwen-coder"


def test_stream_passes_through_event_by_event(
    jupyter: JupyterServer, upstream: ScriptedUpstream
) -> None:
    body = {"model": "stream-slow", "stream": True, "messages": MESSAGES}
    headers = tagged("streamer", Accept="text/event-stream")
    connection, response = jupyter.open("POST", CHAT, body=body, headers=headers)
    events: list[str] = []
    first_arrival = 0.0
    try:
        assert response.status == 200
        assert response.getheader("Content-Type", "").startswith("text/event-stream")
        assert response.getheader("Cache-Control") == "no-cache"
        assert response.getheader("X-Accel-Buffering") == "no"
        while True:
            line = response.readline()
            if not line:
                break
            if line.startswith(b"data: "):
                first_arrival = first_arrival or time.monotonic()
                events.append(line[len(b"data: ") :].decode().strip())
    finally:
        connection.close()

    assert events[-1] == "[DONE]"
    contents = [json.loads(e)["choices"][0]["delta"]["content"] for e in events[:-1]]
    assert contents == [f"part{i} " for i in range(SLOW_STREAM_EVENTS)]
    # The first event reached the browser while the model server was still generating.
    assert first_arrival < upstream.streams["streamer"].write_times[-1]


def test_closing_the_stream_stops_the_model_server(
    jupyter: JupyterServer, upstream: ScriptedUpstream
) -> None:
    body = {"model": "stream-long", "stream": True, "messages": MESSAGES}
    connection, response = jupyter.open("POST", CHAT, body=body, headers=tagged("stopper"))
    assert response.readline().startswith(b"data: ")
    connection.close()
    response.close()

    log = upstream.streams["stopper"]
    deadline = time.monotonic() + 5
    while not log.broken and time.monotonic() < deadline:
        time.sleep(0.05)
    assert log.broken
    assert len(log.write_times) < LONG_STREAM_EVENTS
    # The server is still fine afterwards.
    assert jupyter.request("GET", MODELS, headers=tagged("after-stop")).status == 200


@pytest.mark.parametrize(
    ("method", "route", "body"), [("GET", MODELS, None), ("POST", CHAT, {"messages": MESSAGES})]
)
def test_unreachable_model_server_gives_a_clear_502(
    multi_jupyter: JupyterServer, closed_port: int, method: str, route: str, body: dict | None
) -> None:
    headers = {"X-Agent-Team-Endpoint": "Down"}
    reply = multi_jupyter.request(method, route, body=body, headers=headers)

    assert reply.status == 502
    assert error_message(reply.json()) == (
        f"cannot reach http://127.0.0.1:{closed_port}/v1 (connection refused)"
        " — is the model server running?"
    )


def test_upstream_500_is_explained_with_the_key_scrubbed(
    jupyter: JupyterServer, upstream: ScriptedUpstream
) -> None:
    body = {"model": "fail-500", "messages": MESSAGES}
    reply = jupyter.request("POST", CHAT, body=body, headers=tagged("crash"))

    assert reply.status == 500
    assert error_message(reply.json()) == (
        f"the model server at {upstream.base_url} answered 500:"
        " model crashed; request had Bearer ***"
    )
    assert SECRET not in reply.raw()


def test_upstream_401_points_at_the_key_setting(
    jupyter: JupyterServer, upstream: ScriptedUpstream
) -> None:
    body = {"model": "fail-401", "messages": MESSAGES}
    reply = jupyter.request("POST", CHAT, body=body, headers=tagged("denied"))

    assert reply.status == 401
    message = error_message(reply.json())
    assert message.startswith(
        f"the model server at {upstream.base_url} refused the API key (401):"
        " Incorrect API key provided"
    )
    assert "OPENAI_API_KEY" in message and "c.AgentTeam.api_key" in message


@pytest.mark.parametrize("name", ["Nope", "127.0.0.1"])
def test_an_unknown_endpoint_is_refused_and_nothing_is_forwarded(
    jupyter: JupyterServer, upstream: ScriptedUpstream, name: str
) -> None:
    headers = tagged("unknown-endpoint", **{"X-Agent-Team-Endpoint": name})
    models = jupyter.request("GET", MODELS, headers=headers)
    chat = jupyter.request("POST", CHAT, body={"messages": MESSAGES}, headers=headers)

    known = f"127.0.0.1:{upstream.port}"
    for reply in (models, chat):
        assert reply.status == 400
        assert error_message(reply.json()) == (
            f"unknown endpoint {name!r}; known endpoints: {known!r}"
        )
    assert upstream.received("unknown-endpoint") == []


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:1/v1", "file:///etc", "https://attacker.example/v1"]
)
def test_a_url_from_the_browser_is_refused_whatever_it_is(
    jupyter: JupyterServer, upstream: ScriptedUpstream, other_upstream: ScriptedUpstream, url: str
) -> None:
    # The proxy forwards only to registered endpoints; the old override header is an error,
    # not silently ignored, so a browser still sending it learns why.
    headers = tagged("retired-header", **{"X-Agent-Team-Base-Url": url})
    reply = jupyter.request("GET", MODELS, headers=headers)

    assert reply.status == 400
    assert error_message(reply.json()).startswith(
        "X-Agent-Team-Base-Url is no longer supported: name a model server with"
        " X-Agent-Team-Endpoint"
    )
    assert upstream.received("retired-header") == []
    assert other_upstream.received("retired-header") == []


def test_the_first_endpoint_serves_requests_that_name_none_and_by_name(
    jupyter: JupyterServer, upstream: ScriptedUpstream
) -> None:
    name = f"127.0.0.1:{upstream.port}"
    unnamed = jupyter.request("GET", MODELS, headers=tagged("by-default"))
    named = jupyter.request(
        "GET", MODELS, headers=tagged("by-name", **{"X-Agent-Team-Endpoint": name})
    )

    assert unnamed.status == named.status == 200
    assert len(upstream.received("by-default")) == len(upstream.received("by-name")) == 1


@pytest.mark.parametrize(("model", "status"), [("rate-limited", 429), ("overloaded", 503)])
@pytest.mark.parametrize("stream", [False, True])
def test_retry_after_and_rate_limits_pass_through_with_the_status(
    jupyter: JupyterServer, upstream: ScriptedUpstream, model: str, status: int, stream: bool
) -> None:
    body = {"model": model, "stream": stream, "messages": MESSAGES}
    reply = jupyter.request("POST", CHAT, body=body, headers=tagged(f"{model}-{stream}"))

    assert reply.status == status
    assert reply.headers["retry-after"] == "7"
    assert error_message(reply.json()) == (
        f"the model server at {upstream.base_url} answered {status}: {model}, try later"
        " (retry after 7 s)"
    )
    if status == 429:
        assert reply.headers["x-ratelimit-limit-requests"] == "60"
        assert reply.headers["x-ratelimit-remaining-requests"] == "0"
    else:
        assert not any(name.startswith("x-ratelimit-") for name in reply.headers)


def test_server_log_never_contains_the_key(jupyter: JupyterServer) -> None:
    # Runs last in this module, so the log holds every exchange above; these make sure
    # the key-echoing and refused paths are in it even when this test runs alone.
    jupyter.request("POST", CHAT, body={"model": "fail-500", "messages": MESSAGES})
    jupyter.request("POST", CHAT, body={"model": "fail-401", "messages": MESSAGES})
    jupyter.request("GET", MODELS)

    log = jupyter.log_path.read_text(errors="replace")
    assert "agent-team" in log
    assert SECRET not in log
