"""Named endpoints: what the browser sees of them, how they are checked, and where keys go."""

from __future__ import annotations

import logging
from urllib.parse import quote

import pytest

from jupyterlab_agent_team.config import AgentTeam
from jupyterlab_agent_team.endpoints import Endpoint, name_for_url, same_server, server_endpoints
from jupyterlab_agent_team.probe import MAX_ENRICHED, _ollama_facts

from .conftest import (
    ALL_SECRETS,
    DEFAULT_MODEL,
    ENDPOINT_KEY_VAR,
    ENDPOINT_SECRET,
    INLINE_SECRET,
    SECRET,
    UNSET_KEY_VAR,
    JupyterServer,
    Reply,
)
from .upstream import ScriptedUpstream

ENDPOINTS = "agent-team/endpoints"
USER = "agent-team/endpoints/user"
CHECK = "agent-team/endpoints/check"
MODELS = "agent-team/v1/models"
CHAT = "agent-team/v1/chat/completions"
MESSAGES = [{"role": "user", "content": "hi"}]
DISCOVERY_PORTS = [1234, 11434, 8080, 8000]


def no_secret_in(*replies: Reply) -> None:
    for reply in replies:
        raw = reply.raw()
        assert not [s for s in ALL_SECRETS if s in raw], raw


def entry(name: str, base_url: str, **fields: object) -> dict:
    """An endpoint as GET endpoints shows it, with the defaults filled in."""
    shown = {
        "name": name,
        "base_url": base_url,
        "key_source": "",
        "has_key": False,
        "vision": None,
        "context_window": None,
        "default_model": "",
        "origin": "server",
    }
    return {**shown, **fields}


def server_entries(reply: Reply) -> list[dict]:
    return [e for e in reply.json()["endpoints"] if e["origin"] == "server"]


def named(reply: Reply, name: str) -> dict:
    """The endpoint called ``name`` in an answer (discovery may have added others)."""
    (found,) = [e for e in reply.json()["endpoints"] if e["name"] == name]
    return found


def check(server: JupyterServer, name: str) -> Reply:
    reply = server.request("POST", CHECK, body={"name": name})
    no_secret_in(reply)
    return reply


# --- What the browser sees -------------------------------------------------------------


def test_the_simple_setup_is_one_endpoint_with_its_key_source_and_never_its_key(
    jupyter: JupyterServer, upstream: ScriptedUpstream
) -> None:
    reply = jupyter.request("GET", ENDPOINTS)

    assert reply.status == 200
    assert reply.json() == {
        "endpoints": [
            entry(
                f"127.0.0.1:{upstream.port}",
                upstream.base_url,
                key_source="OPENAI_API_KEY",
                has_key=True,
                default_model=DEFAULT_MODEL,
            )
        ],
        "discovery_ports": DISCOVERY_PORTS,
    }
    no_secret_in(reply)


def test_configured_endpoints_are_listed_in_order_and_invalid_ones_skipped_with_a_warning(
    multi_jupyter: JupyterServer,
    upstream: ScriptedUpstream,
    lmstudio_upstream: ScriptedUpstream,
    ollama_upstream: ScriptedUpstream,
    locked_upstream: ScriptedUpstream,
    empty_upstream: ScriptedUpstream,
    closed_port: int,
) -> None:
    reply = multi_jupyter.request("GET", ENDPOINTS)

    assert reply.status == 200
    assert server_entries(reply) == [
        entry(
            "Primary",
            upstream.base_url,
            key_source=ENDPOINT_KEY_VAR,
            has_key=True,
            vision=True,
            context_window=32768,
            default_model="primary-model",
        ),
        entry("Studio", lmstudio_upstream.base_url),
        # Shown without the trailing slash it was configured with.
        entry("Farm", ollama_upstream.base_url),
        entry(
            "Locked",
            locked_upstream.base_url,
            key_source="c.AgentTeam.endpoints[3].api_key",
            has_key=True,
        ),
        entry("Empty", empty_upstream.base_url),
        entry("Down", f"http://127.0.0.1:{closed_port}/v1"),
        entry("Keyless", locked_upstream.base_url, key_source=UNSET_KEY_VAR),
    ]
    no_secret_in(reply)
    log = multi_jupyter.log_path.read_text(errors="replace")
    for warning in (
        "skipping c.AgentTeam.endpoints[7]: name is missing or empty",
        "skipping c.AgentTeam.endpoints[8]: the name 'Primary' is already used",
        "skipping c.AgentTeam.endpoints[9] ('Bad scheme'): base_url must be an absolute"
        " http:// or https:// URL, got 'ftp://example.com/v1'",
        "skipping c.AgentTeam.endpoints[10] ('Bad window'): context_window must be a positive"
        " integer or null, got 'big'",
        f"c.AgentTeam.endpoints[6] ('Keyless'): {UNSET_KEY_VAR} is not set",
    ):
        assert warning in log


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("http://localhost:1234/v1", "LM Studio"),
        ("http://127.0.0.1:11434/v1", "Ollama"),
        ("http://localhost:8080/v1", "llama.cpp server"),
        ("http://gpu-box:8000/v1", "vLLM"),
        ("https://api.openai.com/v1", "api.openai.com"),
        ("http://user:pw@gpu-box:9000/v1", "gpu-box:9000"),
    ],
)
def test_the_simple_endpoint_is_named_after_its_port_or_host(
    monkeypatch: pytest.MonkeyPatch, url: str, name: str
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    (endpoint,) = server_endpoints(AgentTeam(base_url=url), logging.getLogger("test"))

    assert endpoint.name == name == name_for_url(url)
    assert endpoint.key_source == ""


def test_the_key_source_says_whether_the_key_came_from_the_environment_or_config(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    log = logging.getLogger("test")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    (from_env,) = server_endpoints(AgentTeam(), log)
    (from_config,) = server_endpoints(AgentTeam(api_key="sk-config"), log)

    assert (from_env.key_source, from_env.api_key) == ("OPENAI_API_KEY", "sk-env")
    assert (from_config.key_source, from_config.api_key) == ("c.AgentTeam.api_key", "sk-config")
    assert from_env.name == "LM Studio"


def test_an_endpoint_never_shows_its_key() -> None:
    endpoint = Endpoint(name="e", base_url="https://u:pw@h/v1/", origin="server", api_key="k3y")

    assert endpoint.to_json()["has_key"] is True
    assert endpoint.to_json()["base_url"] == "https://h/v1"
    assert "k3y" not in repr(endpoint.to_json()) and "k3y" not in repr(endpoint)


def test_localhost_and_127_0_0_1_are_the_same_server() -> None:
    assert same_server("http://localhost:1234/v1/", "http://127.0.0.1:1234/v1")
    assert not same_server("http://localhost:1234/v1", "http://localhost:1235/v1")
    assert same_server("https://api.openai.com/v1", "https://api.openai.com:443/v1")


# --- Where requests and keys go ---------------------------------------------------------


def test_each_endpoints_key_goes_to_that_endpoint_only(
    multi_jupyter: JupyterServer,
    upstream: ScriptedUpstream,
    lmstudio_upstream: ScriptedUpstream,
    locked_upstream: ScriptedUpstream,
) -> None:
    tag = {"X-Agent-Team-Agent": "keys"}
    default = multi_jupyter.request("POST", CHAT, body={"messages": MESSAGES}, headers=tag)
    studio = multi_jupyter.request(
        "GET", MODELS, headers={**tag, "X-Agent-Team-Endpoint": "Studio"}
    )
    locked = multi_jupyter.request(
        "GET", MODELS, headers={**tag, "X-Agent-Team-Endpoint": "Locked"}
    )

    # Without a name, the first endpoint, with its key and its default model.
    assert default.status == 200, default.body
    (received,) = upstream.received("keys")
    assert received.auth == f"Bearer {ENDPOINT_SECRET}"
    assert received.json()["model"] == "primary-model"
    assert studio.status == 200
    assert [r.auth for r in lmstudio_upstream.received("keys")] == [""]
    # The inline key went to its server, which refused it and echoed it: masked.
    assert locked.status == 401
    assert [r.auth for r in locked_upstream.received("keys")] == [f"Bearer {INLINE_SECRET}"]
    assert "Incorrect API key provided: Bearer ***" in locked.json()["error"]["message"]
    assert "check c.AgentTeam.endpoints[3].api_key" in locked.json()["error"]["message"]
    no_secret_in(default, studio, locked)


def test_an_unknown_endpoint_lists_the_known_ones(multi_jupyter: JupyterServer) -> None:
    reply = multi_jupyter.request("GET", MODELS, headers={"X-Agent-Team-Endpoint": "Nope"})

    assert reply.status == 400
    message = reply.json()["error"]["message"]
    assert message.startswith("unknown endpoint 'Nope'; known endpoints: 'Primary', 'Studio',")


# --- Connection checks ------------------------------------------------------------------


def test_a_reachable_endpoint_is_connected_with_its_models(multi_jupyter: JupyterServer) -> None:
    reply = check(multi_jupyter, "Primary")

    assert reply.status == 200
    assert reply.json() == {
        "name": "Primary",
        "state": "connected",
        "reason": reply.json()["reason"],
        "fix": "",
        "models": [{"id": "scripted-primary", "vision": None, "context_length": None}],
    }
    assert reply.json()["reason"].startswith("1 model available at http://127.0.0.1:")


def test_lm_studio_says_which_models_see_images_and_their_context(
    multi_jupyter: JupyterServer,
) -> None:
    reply = check(multi_jupyter, "Studio")

    assert reply.json()["state"] == "connected"
    # The embedding model cannot chat, so it is not offered; a loaded model's length wins.
    assert reply.json()["models"] == [
        {"id": "qwen2.5-coder-7b-instruct", "vision": False, "context_length": 32768},
        {"id": "qwen2-vl-7b-instruct", "vision": True, "context_length": 8192},
    ]


def test_ollama_says_which_models_see_images_and_their_context(
    multi_jupyter: JupyterServer, ollama_upstream: ScriptedUpstream
) -> None:
    reply = check(multi_jupyter, "Farm")

    assert reply.json()["state"] == "connected"
    assert reply.json()["models"] == [
        {"id": "qwen2.5-coder:7b", "vision": False, "context_length": 32768},
        {"id": "llava:7b", "vision": True, "context_length": 4096},
        # Its /api/show failed: unknown, not an error.
        {"id": "broken:1b", "vision": None, "context_length": None},
    ]
    shown = [r.json()["model"] for r in ollama_upstream.all_received() if r.path == "/api/show"]
    assert sorted(shown) == sorted(["qwen2.5-coder:7b", "llava:7b", "broken:1b"])


def test_ollama_is_asked_about_twenty_models_at_most(multi_jupyter: JupyterServer) -> None:
    many = ScriptedUpstream("many", flavour="ollama", models=[f"m{i}" for i in range(25)]).start()
    try:
        body = {"endpoints": [{"name": "Many", "base_url": many.base_url}]}
        assert multi_jupyter.request("PUT", USER, body=body).status == 200
        reply = check(multi_jupyter, "Many")
    finally:
        multi_jupyter.request("PUT", USER, body={"endpoints": []})
        many.stop()

    assert reply.json()["state"] == "connected"
    assert len(reply.json()["models"]) == 25
    shown = [r for r in many.all_received() if r.path == "/api/show"]
    assert len(shown) == MAX_ENRICHED


def test_older_ollama_shows_vision_by_its_image_projector() -> None:
    assert _ollama_facts({"projector_info": {}, "model_info": {"llama.context_length": 2048}}) == {
        "vision": True,
        "context_length": 2048,
    }
    assert _ollama_facts({"model_info": {"general.name": "x"}}) == {}


@pytest.mark.parametrize(
    ("name", "reason", "fix"),
    [
        (
            "Locked",
            "the model server at {locked} refused the API key (401): Incorrect API key"
            " provided: Bearer *** — check c.AgentTeam.endpoints[3].api_key on the Jupyter server",
            "Check c.AgentTeam.endpoints[3].api_key on the Jupyter server, then restart the"
            " Jupyter server",
        ),
        (
            "Keyless",
            "the model server at {locked} requires an API key (401): Incorrect API key provided:"
            f" none — set {UNSET_KEY_VAR} on the Jupyter server",
            f"Set {UNSET_KEY_VAR} on the Jupyter server, then restart the Jupyter server",
        ),
    ],
)
def test_a_refused_key_is_unauthorised_and_names_what_to_set(
    multi_jupyter: JupyterServer,
    locked_upstream: ScriptedUpstream,
    name: str,
    reason: str,
    fix: str,
) -> None:
    reply = check(multi_jupyter, name)

    assert reply.json() == {
        "name": name,
        "state": "unauthorised",
        "reason": reason.format(locked=locked_upstream.base_url),
        "fix": fix,
        "models": [],
    }


def test_a_server_without_models_says_how_to_get_one(
    multi_jupyter: JupyterServer, empty_upstream: ScriptedUpstream
) -> None:
    reply = check(multi_jupyter, "Empty")

    assert reply.json() == {
        "name": "Empty",
        "state": "no-models",
        "reason": f"{empty_upstream.base_url} lists no models",
        "fix": f"Load or serve a model on the server at {empty_upstream.base_url}, then check"
        " again",
        "models": [],
    }


def test_a_closed_port_is_unreachable(multi_jupyter: JupyterServer, closed_port: int) -> None:
    url = f"http://127.0.0.1:{closed_port}/v1"
    reply = check(multi_jupyter, "Down")

    assert reply.json() == {
        "name": "Down",
        "state": "unreachable",
        "reason": f"cannot reach {url} (connection refused)",
        "fix": f"Check that the server at {url} is running and reachable from the Jupyter server",
        "models": [],
    }


def test_another_answer_is_an_error_with_the_servers_words(
    multi_jupyter: JupyterServer, upstream: ScriptedUpstream
) -> None:
    wrong = f"http://127.0.0.1:{upstream.port}/api"
    body = {"endpoints": [{"name": "Wrong path", "base_url": wrong}]}
    assert multi_jupyter.request("PUT", USER, body=body).status == 200
    try:
        reply = check(multi_jupyter, "Wrong path")
    finally:
        multi_jupyter.request("PUT", USER, body={"endpoints": []})

    assert reply.json()["state"] == "error"
    assert (
        reply.json()["reason"] == f"the model server at {wrong} answered 404: no route /api/models"
    )
    assert reply.json()["fix"].startswith("Check the base URL")


def test_checking_an_unknown_endpoint_is_a_404_with_the_known_names(
    multi_jupyter: JupyterServer,
) -> None:
    reply = multi_jupyter.request("POST", CHECK, body={"name": "Nope"})
    bad = multi_jupyter.request("POST", CHECK, body={"nom": "Primary"})

    assert reply.status == 404
    assert reply.json()["message"].startswith("no endpoint named 'Nope'; known: 'Primary', ")
    assert reply.json()["known"][:2] == ["Primary", "Studio"]
    assert bad.status == 400
    assert bad.json() == {"message": 'the body must be {"name": "<endpoint name>"}'}


# --- Endpoints from the browser's settings ----------------------------------------------


def test_settings_endpoints_are_used_by_name_and_never_get_a_key(
    multi_jupyter: JupyterServer, other_upstream: ScriptedUpstream
) -> None:
    mine = {
        "name": "Mine",
        "base_url": other_upstream.base_url + "/",
        "vision": False,
        "context_window": 4096,
        "default_model": "my-model",
    }
    put = multi_jupyter.request("PUT", USER, body={"endpoints": [mine]})
    try:
        assert put.status == 200, put.body
        assert named(put, "Mine") == entry(
            "Mine",
            other_upstream.base_url,
            vision=False,
            context_window=4096,
            default_model="my-model",
            origin="settings",
        )
        assert put.json() == multi_jupyter.request("GET", ENDPOINTS).json()
        headers = {"X-Agent-Team-Endpoint": "Mine", "X-Agent-Team-Agent": "mine"}
        models = multi_jupyter.request("GET", MODELS, headers=headers)
        chat = multi_jupyter.request("POST", CHAT, body={"messages": MESSAGES}, headers=headers)
        checked = check(multi_jupyter, "Mine")

        assert [m["id"] for m in models.json()["data"]] == ["scripted-other"]
        assert chat.json()["choices"][0]["message"]["content"] == "other got model=my-model"
        assert checked.json()["state"] == "connected"
        assert len(other_upstream.received("mine")) == 2
        assert other_upstream.all_received()
        assert all("authorization" not in r.headers for r in other_upstream.all_received())
        no_secret_in(put, models, chat)
    finally:
        cleared = multi_jupyter.request("PUT", USER, body={"endpoints": []})
    assert cleared.status == 200
    assert "Mine" not in [e["name"] for e in cleared.json()["endpoints"]]
    gone = multi_jupyter.request("GET", MODELS, headers={"X-Agent-Team-Endpoint": "Mine"})
    assert gone.status == 400


def test_a_name_headers_cannot_carry_arrives_percent_encoded(
    multi_jupyter: JupyterServer, other_upstream: ScriptedUpstream
) -> None:
    name = "Büro → GPU"
    body = {"endpoints": [{"name": name, "base_url": other_upstream.base_url}]}
    assert multi_jupyter.request("PUT", USER, body=body).status == 200
    try:
        headers = {"X-Agent-Team-Endpoint": quote(name), "X-Agent-Team-Agent": "encoded"}
        reply = multi_jupyter.request("GET", MODELS, headers=headers)
    finally:
        multi_jupyter.request("PUT", USER, body={"endpoints": []})

    assert reply.status == 200
    assert len(other_upstream.received("encoded")) == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"endpoints": [{"name": "Primary", "base_url": "http://h/v1"}]},
            "endpoints[0]: the name 'Primary' belongs to an endpoint configured on the Jupyter"
            " server; pick another name",
        ),
        (
            {"endpoints": [{"name": "X", "base_url": "localhost:1234/v1"}]},
            "endpoints[0] ('X'): base_url must be an absolute http:// or https:// URL, got"
            " 'localhost:1234/v1'",
        ),
        (
            {"endpoints": [{"name": "  ", "base_url": "http://h/v1"}]},
            "endpoints[0]: name is missing or empty",
        ),
        (
            {"endpoints": [{"name": "A", "base_url": "http://h/v1"}] * 2},
            "endpoints[1]: the name 'A' is used twice",
        ),
        (
            {"endpoints": [{"name": "A", "base_url": "http://h/v1", "api_key": "k"}]},
            "endpoints[0]: keys cannot be set from the browser; set them on the Jupyter server"
            " in c.AgentTeam.endpoints (api_key_env)",
        ),
        (
            {"endpoints": [{"name": "A", "base_url": "http://u:p@h/v1"}]},
            "endpoints[0] ('A'): base_url must not contain credentials; keys are set only on the"
            " Jupyter server",
        ),
        (
            {"endpoints": [{"name": "A", "base_url": "http://h/v1", "vision": "yes"}]},
            "endpoints[0] ('A'): vision must be true, false or null, got 'yes'",
        ),
        ({"endpoints": {"name": "A"}}, "'endpoints' must be a list"),
        ({"list": []}, 'the body must be {"endpoints": [...]}'),
    ],
)
def test_invalid_settings_endpoints_are_refused_with_a_clear_message(
    multi_jupyter: JupyterServer, body: dict, message: str
) -> None:
    keep = {"endpoints": [{"name": "Kept", "base_url": "http://kept:1/v1"}]}
    assert multi_jupyter.request("PUT", USER, body=keep).status == 200
    try:
        reply = multi_jupyter.request("PUT", USER, body=body)

        assert reply.status == 400
        assert reply.json() == {"message": message}
        # All or nothing: the previous settings endpoints stay.
        names = [e["name"] for e in multi_jupyter.request("GET", ENDPOINTS).json()["endpoints"]]
        assert "Kept" in names
    finally:
        multi_jupyter.request("PUT", USER, body={"endpoints": []})


def test_what_get_endpoints_shows_can_be_sent_back(multi_jupyter: JupyterServer) -> None:
    shown = entry("Echo", "http://echo:1/v1", origin="settings")
    reply = multi_jupyter.request("PUT", USER, body={"endpoints": [shown]})
    try:
        assert reply.status == 200, reply.body
        assert named(reply, "Echo") == shown
    finally:
        multi_jupyter.request("PUT", USER, body={"endpoints": []})


# --- Keys never come back ---------------------------------------------------------------


def test_no_route_ever_answers_with_a_key(
    multi_jupyter: JupyterServer, jupyter: JupyterServer, upstream: ScriptedUpstream
) -> None:
    replies = [
        multi_jupyter.request("GET", ENDPOINTS),
        multi_jupyter.request("GET", "agent-team/config"),
        multi_jupyter.request("POST", "agent-team/discover", body={"ports": [upstream.port]}),
        multi_jupyter.request("DELETE", "agent-team/cache"),
        jupyter.request("GET", ENDPOINTS),
        jupyter.request("GET", "agent-team/config"),
        jupyter.request("POST", CHECK, body={"name": f"127.0.0.1:{upstream.port}"}),
        jupyter.request("POST", "agent-team/discover", body={"ports": [upstream.port]}),
    ]
    names = [e["name"] for e in replies[0].json()["endpoints"]]
    replies += [check(multi_jupyter, name) for name in names if name != "OpenAI"]
    for name in names:
        if name != "OpenAI":
            headers = {"X-Agent-Team-Endpoint": name}
            replies.append(multi_jupyter.request("GET", MODELS, headers=headers))

    assert all(r.status in (200, 401, 502) for r in replies), [r.status for r in replies]
    no_secret_in(*replies)
    assert SECRET not in multi_jupyter.log_path.read_text(errors="replace")
    assert ENDPOINT_SECRET not in multi_jupyter.log_path.read_text(errors="replace")
    assert INLINE_SECRET not in multi_jupyter.log_path.read_text(errors="replace")
