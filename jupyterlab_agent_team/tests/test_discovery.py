"""Discovery: model servers on this machine become endpoints the proxy may use."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .conftest import ALL_SECRETS, SECRET, JupyterServer, free_port
from .upstream import ScriptedUpstream

DISCOVER = "agent-team/discover"
ENDPOINTS = "agent-team/endpoints"
USER = "agent-team/endpoints/user"
MODELS = "agent-team/v1/models"


@pytest.fixture
def local_servers() -> Iterator[dict[str, ScriptedUpstream]]:
    """Model servers only this test knows, on ports the system picked."""
    servers = {
        "lmstudio": ScriptedUpstream("d-lmstudio", flavour="lmstudio").start(),
        "lmstudio2": ScriptedUpstream("d-lmstudio2", flavour="lmstudio").start(),
        "ollama": ScriptedUpstream("d-ollama", flavour="ollama").start(),
        "plain": ScriptedUpstream("d-plain").start(),
        "empty": ScriptedUpstream("d-empty", flavour="empty").start(),
        "bare-ollama": ScriptedUpstream("d-bare", flavour="ollama", models=[]).start(),
    }
    yield servers
    for server in servers.values():
        server.stop()


def test_discovery_finds_names_and_registers_local_servers_once(
    multi_jupyter: JupyterServer,
    upstream: ScriptedUpstream,
    local_servers: dict[str, ScriptedUpstream],
) -> None:
    s = local_servers
    ports = [
        s["lmstudio"].port,
        s["lmstudio2"].port,
        s["ollama"].port,
        s["plain"].port,
        s["empty"].port,
        s["bare-ollama"].port,
        upstream.port,  # configured already, as "Primary"
        free_port(),  # nothing there
        multi_jupyter.port,  # a web server, but no model server: 404
    ]
    before = multi_jupyter.request("GET", ENDPOINTS).json()["endpoints"]
    reply = multi_jupyter.request("POST", DISCOVER, body={"ports": ports})

    assert reply.status == 200, reply.body
    assert not [secret for secret in ALL_SECRETS if secret in reply.raw()]
    found = reply.json()["found"]
    summary = [(f["name"], f["origin"], f["state"], f["base_url"]) for f in found]
    assert summary == [
        ("LM Studio", "discovered", "connected", s["lmstudio"].base_url),
        (
            f"LM Studio (port {s['lmstudio2'].port})",
            "discovered",
            "connected",
            s["lmstudio2"].base_url,
        ),
        ("Ollama", "discovered", "connected", s["ollama"].base_url),
        (f"127.0.0.1:{s['plain'].port}", "discovered", "connected", s["plain"].base_url),
        (f"127.0.0.1:{s['empty'].port}", "discovered", "no-models", s["empty"].base_url),
        (
            f"Ollama (port {s['bare-ollama'].port})",
            "discovered",
            "no-models",
            s["bare-ollama"].base_url,
        ),
        ("Primary", "server", "connected", upstream.base_url),
        ("OpenAI", "discovered", "unknown", "https://api.openai.com/v1"),
    ]
    by_name = {f["name"]: f for f in found}
    assert by_name["LM Studio"]["models"][1] == {
        "id": "qwen2-vl-7b-instruct",
        "vision": True,
        "context_length": 8192,
    }
    assert by_name["Ollama"]["models"][1] == {
        "id": "llava:7b",
        "vision": True,
        "context_length": 4096,
    }
    assert by_name["Ollama"]["fix"] == ""
    assert by_name[f"127.0.0.1:{s['empty'].port}"]["fix"].startswith("Load or serve a model")
    # An Ollama without models is still recognised, so the fix says how to get one there.
    assert by_name[f"Ollama (port {s['bare-ollama'].port})"]["fix"].startswith(
        "Pull a model with `ollama pull <model>`"
    )
    # OPENAI_API_KEY was set at start and no configured endpoint uses it: offered, not probed.
    assert by_name["OpenAI"] == {
        "name": "OpenAI",
        "base_url": "https://api.openai.com/v1",
        "key_source": "OPENAI_API_KEY",
        "has_key": True,
        "vision": None,
        "context_window": None,
        "default_model": "",
        "origin": "discovered",
        "state": "unknown",
        "reason": "not checked: OPENAI_API_KEY is set on the Jupyter server, and discovery"
        " probes only this machine",
        "fix": "Check this endpoint to connect to it and list its models",
        "models": [],
    }
    # The answer's endpoints are GET endpoints' list: the configured ones, then the new ones.
    endpoints = reply.json()["endpoints"]
    assert endpoints == multi_jupyter.request("GET", ENDPOINTS).json()["endpoints"]
    assert endpoints[: len(before)] == before
    added = [e["name"] for e in endpoints[len(before) :]]
    known = {e["name"] for e in before}  # OpenAI, if another test discovered it already
    assert added == [n for n, origin, *_ in summary if origin == "discovered" and n not in known]

    # Found again, nothing is added twice.
    again = multi_jupyter.request("POST", DISCOVER, body={"ports": ports})
    assert [f["name"] for f in again.json()["found"]] == [f["name"] for f in found]
    assert again.json()["endpoints"] == endpoints

    # The proxy may use them, without a key.
    ollama = multi_jupyter.request(
        "GET", MODELS, headers={"X-Agent-Team-Endpoint": "Ollama", "X-Agent-Team-Agent": "d"}
    )
    assert [m["id"] for m in ollama.json()["data"]] == ["qwen2.5-coder:7b", "llava:7b", "broken:1b"]
    assert [r.auth for r in s["ollama"].received("d")] == [""]

    # Settings take over a discovered server of the same name; a key holder keeps its name.
    adopt = {"endpoints": [{"name": "Ollama", "base_url": s["ollama"].base_url}]}
    taken = {"endpoints": [{"name": "OpenAI", "base_url": "http://mine/v1"}]}
    try:
        adopted = multi_jupyter.request("PUT", USER, body=adopt)
        refused = multi_jupyter.request("PUT", USER, body=taken)
        assert [
            (e["name"], e["origin"]) for e in adopted.json()["endpoints"] if e["name"] == "Ollama"
        ] == [("Ollama", "settings")]
        assert refused.status == 400
        assert refused.json()["message"] == (
            "endpoints[0]: the name 'OpenAI' belongs to a discovered endpoint that holds a server"
            " key; pick another name"
        )
    finally:
        multi_jupyter.request("PUT", USER, body={"endpoints": []})


def test_the_simple_setup_is_not_offered_openai_for_the_key_it_uses(
    jupyter: JupyterServer, upstream: ScriptedUpstream
) -> None:
    reply = jupyter.request("POST", DISCOVER, body={"ports": [upstream.port]})

    assert reply.status == 200
    (found,) = reply.json()["found"]
    assert (found["name"], found["origin"], found["state"]) == (
        f"127.0.0.1:{upstream.port}",
        "server",
        "connected",
    )
    assert len(reply.json()["endpoints"]) == 1
    assert SECRET not in reply.raw()


def test_discovery_without_ports_probes_the_configured_ones(
    impatient_jupyter: JupyterServer,
) -> None:
    # Probes this machine's real 1234, 11434, 8080 and 8000; what is found there varies.
    reply = impatient_jupyter.request("POST", DISCOVER)

    assert reply.status == 200
    assert isinstance(reply.json()["found"], list)
    assert reply.json()["endpoints"][0]["origin"] == "server"


@pytest.mark.parametrize("ports", ["1234", [0], [70000], [True], [1.5], list(range(1000, 1033))])
def test_bad_ports_are_refused(jupyter: JupyterServer, ports: object) -> None:
    reply = jupyter.request("POST", DISCOVER, body={"ports": ports})

    assert reply.status == 400
    assert reply.json()["message"] in (
        "'ports' must be a list of port numbers (1-65535)",
        "at most 32 ports, got 33",
    )
