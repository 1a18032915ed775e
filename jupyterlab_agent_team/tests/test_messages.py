"""The words a user reads when the model server cannot help: pure functions, no server."""

from __future__ import annotations

import json
import socket

import pytest
from tornado.simple_httpclient import HTTPStreamClosedError, HTTPTimeoutError

from jupyterlab_agent_team.endpoints import EndpointError, check_base_url
from jupyterlab_agent_team.messages import (
    MAX_UPSTREAM_MESSAGE,
    display_url,
    error_body,
    key_fix,
    network_failure,
    no_models_fix,
    scrub,
    unreachable_fix,
    unreachable_message,
    upstream_error_text,
    upstream_status_message,
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

    assert "refused the API key (401): bad key — check " in wrong
    assert "requires an API key (401): no key — set " in missing
    assert all("OPENAI_API_KEY" in m and "c.AgentTeam.api_key" in m for m in (wrong, missing))


def test_a_key_message_names_the_endpoints_own_setting() -> None:
    message = upstream_status_message("http://h/v1", 403, "no", has_key=True, key_setting="MY_KEY")

    assert message == (
        "the model server at http://h/v1 refused the API key (403): no"
        " — check MY_KEY on the Jupyter server"
    )
    assert (
        key_fix(False, "MY_KEY")
        == "Set MY_KEY on the Jupyter server, then restart the Jupyter server"
    )
    # An endpoint from the browser's settings can hold no key: say where keys go instead.
    assert "c.AgentTeam.endpoints" in key_fix(False, "")


def test_retry_after_is_stated_in_the_message() -> None:
    message = upstream_status_message("http://h/v1", 429, "slow down", False, retry_after="7")

    assert message == "the model server at http://h/v1 answered 429: slow down (retry after 7 s)"


@pytest.mark.parametrize(
    ("url", "fix"),
    [
        (
            "http://localhost:1234/v1",
            "Start LM Studio's server on port 1234 (Developer tab → Start Server), "
            "or pick another endpoint",
        ),
        ("http://127.0.0.1:11434/v1", "Start Ollama (`ollama serve`), or pick another endpoint"),
        (
            "http://localhost:8080/v1",
            "Start llama.cpp's server (`llama-server -m model.gguf --port 8080`), "
            "or pick another endpoint",
        ),
        (
            "http://gpu-box:8000/v1",
            "Start vLLM (`vllm serve <model> --port 8000`), or pick another endpoint",
        ),
        (
            "https://api.example.com/v1",
            "Check that the server at https://api.example.com/v1 is running and reachable "
            "from the Jupyter server",
        ),
    ],
)
def test_an_unreachable_server_is_fixed_by_starting_what_its_port_belongs_to(
    url: str, fix: str
) -> None:
    assert unreachable_fix(url) == fix


def test_no_models_fix_names_the_servers_way_to_get_one() -> None:
    assert no_models_fix("http://localhost:1234/v1").startswith("Load a model in LM Studio")
    assert "`ollama pull <model>`" in no_models_fix("http://localhost:11434/v1")
    # What the server said it is wins over its port.
    assert "`ollama pull <model>`" in no_models_fix("http://localhost:9999/v1", "ollama")
    assert no_models_fix("http://h:9/v1") == (
        "Load or serve a model on the server at http://h:9/v1, then check again"
    )


def test_scrub_masks_the_key_and_ignores_an_empty_one() -> None:
    assert scrub("got Bearer sk-1 and sk-1", "sk-1") == "got Bearer *** and ***"
    assert scrub("nothing to hide", "") == "nothing to hide"


def test_display_url_drops_credentials() -> None:
    assert display_url("https://user:pw@host:8443/v1/") == "https://host:8443/v1"


def test_check_base_url() -> None:
    assert check_base_url(" https://api.example.com/v1 ", "x") == "https://api.example.com/v1"
    for bad in ("file:///etc", "javascript:alert(1)", "http://", "/v1", "http://h:99999/v1", ""):
        with pytest.raises(EndpointError, match=r"^here: "):
            check_base_url(bad, "here")
    with pytest.raises(EndpointError, match="credentials"):
        check_base_url("http://u:p@h/v1", "here", allow_credentials=False)


def test_error_body_has_openai_shape() -> None:
    assert json.loads(error_body("boom")) == {
        "error": {"message": "boom", "type": "agent_team_proxy"}
    }
