"""The words a user reads when the model server cannot help: pure functions, no server."""

from __future__ import annotations

import json
import socket

import pytest
from tornado.simple_httpclient import HTTPStreamClosedError, HTTPTimeoutError

from jupyterlab_agent_team.handlers import (
    MAX_UPSTREAM_MESSAGE,
    ProxyError,
    display_url,
    error_body,
    network_failure,
    scrub,
    unreachable_message,
    upstream_error_text,
    upstream_status_message,
    validate_base_url,
)


@pytest.mark.parametrize(
    ("url", "hint"),
    [
        ("http://localhost:1234/v1", "is LM Studio's server running?"),
        ("http://127.0.0.1:11434/v1", "is Ollama running?"),
        ("http://gpu-box:8000/v1", "is the model server running?"),
        ("https://api.example.com/v1", "is the model server running?"),
    ],
)
def test_unreachable_message_names_the_likely_server(url: str, hint: str) -> None:
    status, reason = network_failure(ConnectionRefusedError(), 600, 30)

    assert status == 502
    assert unreachable_message(url, reason) == f"cannot reach {url} (connection refused) — {hint}"


def test_dns_failure_says_host_not_found() -> None:
    assert network_failure(socket.gaierror(-2, "Name or service not known"), 600, 30) == (
        502,
        "host not found",
    )


def test_a_dropped_connection_says_so() -> None:
    assert network_failure(HTTPStreamClosedError("Stream closed"), 600, 30) == (
        502,
        "connection closed by the model server",
    )


def test_timeouts_are_504_and_say_how_long() -> None:
    assert network_failure(HTTPTimeoutError("Timeout during request"), 600, 30) == (
        504,
        "timed out after 600 s",
    )
    assert network_failure(HTTPTimeoutError("Timeout while connecting"), 600, 30) == (
        504,
        "timed out after 30 s",
    )


@pytest.mark.parametrize(
    ("body", "text"),
    [
        (b'{"error": {"message": "model not loaded", "type": "x"}}', "model not loaded"),
        (b'{"error": "model \\"x\\" not found"}', 'model "x" not found'),
        (b'{"detail": "Not Found"}', "Not Found"),
        (b"Bad Gateway", "Bad Gateway"),
    ],
)
def test_upstream_error_text_finds_the_message(body: bytes, text: str) -> None:
    assert upstream_error_text(body) == text


def test_long_upstream_messages_are_truncated() -> None:
    message = upstream_status_message("http://h/v1", 500, "x" * 2000, has_key=False)

    assert message.startswith("the model server at http://h/v1 answered 500: ")
    assert message.count("x") == MAX_UPSTREAM_MESSAGE


def test_missing_key_is_explained_differently_from_a_wrong_one() -> None:
    wrong = upstream_status_message("http://h/v1", 401, "bad key", has_key=True)
    missing = upstream_status_message("http://h/v1", 401, "no key", has_key=False)

    assert "refused the API key (401): bad key" in wrong
    assert "requires an API key (401): no key" in missing
    assert all("OPENAI_API_KEY" in m and "c.AgentTeam.api_key" in m for m in (wrong, missing))


def test_scrub_masks_the_key_and_ignores_an_empty_one() -> None:
    assert scrub("got Bearer sk-1 and sk-1", "sk-1") == "got Bearer *** and ***"
    assert scrub("nothing to hide", "") == "nothing to hide"


def test_display_url_drops_credentials() -> None:
    assert display_url("https://user:pw@host:8443/v1/") == "https://host:8443/v1"


def test_validate_base_url() -> None:
    assert validate_base_url(" https://api.example.com/v1 ") == "https://api.example.com/v1"
    for bad in ("file:///etc", "javascript:alert(1)", "http://", "/v1"):
        with pytest.raises(ProxyError) as raised:
            validate_base_url(bad)
        assert raised.value.status == 400


def test_error_body_has_openai_shape() -> None:
    assert json.loads(error_body("boom")) == {
        "error": {"message": "boom", "type": "agent_team_proxy"}
    }
