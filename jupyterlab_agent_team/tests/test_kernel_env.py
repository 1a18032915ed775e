"""The key stays with the proxy: kernels the Jupyter server starts do not inherit it."""

from __future__ import annotations

import json
import os
import sys
import uuid

import pytest
import websocket

from jupyterlab_agent_team.config import AgentTeam

from .conftest import (
    BASE_PATH,
    DEFAULT_MODEL,
    ENDPOINT_KEY_VAR,
    ENDPOINT_SECRET,
    OTHER_SECRET,
    OTHER_SECRET_VAR,
    SECRET,
    JupyterServer,
)
from .upstream import ScriptedUpstream

KERNEL_TIMEOUT = 60.0
PRINT_ENV = f"""
import json, os, sys
names = ["OPENAI_API_KEY", "{OTHER_SECRET_VAR}", "{ENDPOINT_KEY_VAR}", "AGENT_TEAM_MODEL"]
print(json.dumps({{
    "env": {{name: os.environ.get(name) for name in names}},
    "executable": sys.executable,
    "ipykernel": "ipykernel" in sys.modules,
}}))
"""


def run_in_kernel(jupyter: JupyterServer, kernel_id: str, code: str) -> tuple[str, str]:
    """Execute ``code`` over the kernel's websocket, as JupyterLab does.

    Returns the kernel's stdout and every message it sent, raw, for leak checks.
    """
    session = uuid.uuid4().hex
    url = (
        f"ws://127.0.0.1:{jupyter.port}{BASE_PATH}api/kernels/{kernel_id}/channels"
        f"?session_id={session}"
    )
    channel = websocket.create_connection(
        url, header=[f"Authorization: token {jupyter.token}"], timeout=KERNEL_TIMEOUT
    )
    msg_id = uuid.uuid4().hex
    request = {
        "header": {
            "msg_id": msg_id,
            "msg_type": "execute_request",
            "username": "test",
            "session": session,
            "date": "",
            "version": "5.3",
        },
        "parent_header": {},
        "metadata": {},
        "content": {
            "code": code,
            "silent": False,
            "store_history": False,
            "user_expressions": {},
            "allow_stdin": False,
            "stop_on_error": True,
        },
        "channel": "shell",
        "buffers": [],
    }
    stdout: list[str] = []
    raw: list[str] = []
    try:
        channel.send(json.dumps(request))
        while True:
            frame = channel.recv()
            raw.append(frame)
            message = json.loads(frame)
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = message["msg_type"], message["content"]
            if kind == "stream" and content["name"] == "stdout":
                stdout.append(content["text"])
            elif kind == "error":
                pytest.fail(f"the kernel raised {content['ename']}: {content['evalue']}")
            elif kind == "status" and content["execution_state"] == "idle":
                return "".join(stdout), "\n".join(raw)
    finally:
        channel.close()


def kernel_env(jupyter: JupyterServer) -> tuple[dict, str]:
    """What a new kernel on ``jupyter`` sees (parsed), and everything it sent (raw)."""
    started = jupyter.request("POST", "api/kernels", body={"name": "python3"})
    assert started.status == 201, started.body
    kernel_id = started.json()["id"]
    try:
        stdout, raw = run_in_kernel(jupyter, kernel_id, PRINT_ENV)
    finally:
        jupyter.request("DELETE", f"api/kernels/{kernel_id}")
    return json.loads(stdout), raw


def test_kernels_do_not_inherit_the_key_which_the_proxy_still_sends(
    jupyter: JupyterServer, upstream: ScriptedUpstream
) -> None:
    seen, raw = kernel_env(jupyter)

    # A real ipykernel on this environment's Python, which does inherit the server's env...
    assert seen["ipykernel"] is True
    assert os.path.realpath(seen["executable"]) == os.path.realpath(sys.executable)
    assert seen["env"]["AGENT_TEAM_MODEL"] == DEFAULT_MODEL
    # ...except the secrets.
    assert seen["env"]["OPENAI_API_KEY"] is None
    assert seen["env"][OTHER_SECRET_VAR] is None
    assert SECRET not in raw and OTHER_SECRET not in raw
    # The proxy read the key before it left the environment.
    reply = jupyter.request("GET", "agent-team/v1/models", headers={"X-Agent-Team-Agent": "env"})
    assert reply.status == 200
    (received,) = upstream.received("env")
    assert received.headers["authorization"] == f"Bearer {SECRET}"
    log = jupyter.log_path.read_text(errors="replace")
    assert f"moved OPENAI_API_KEY, {OTHER_SECRET_VAR} out of the environment" in log


def test_kernels_do_not_inherit_an_endpoints_key_variable(
    multi_jupyter: JupyterServer, upstream: ScriptedUpstream
) -> None:
    seen, raw = kernel_env(multi_jupyter)

    assert seen["env"][ENDPOINT_KEY_VAR] is None
    assert seen["env"]["OPENAI_API_KEY"] is None
    assert ENDPOINT_SECRET not in raw and SECRET not in raw
    # The endpoint still has its key.
    tag = {"X-Agent-Team-Agent": "multi-env"}
    assert multi_jupyter.request("GET", "agent-team/v1/models", headers=tag).status == 200
    (received,) = upstream.received("multi-env")
    assert received.auth == f"Bearer {ENDPOINT_SECRET}"
    log = multi_jupyter.log_path.read_text(errors="replace")
    assert f"moved OPENAI_API_KEY, {ENDPOINT_KEY_VAR}, {OTHER_SECRET_VAR} out" in log


def test_endpoint_key_variables_are_read_then_removed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    monkeypatch.setenv("MY_KEY", "my-secret")
    monkeypatch.delenv("UNSET_KEY", raising=False)
    config = AgentTeam(
        endpoints=[
            {"name": "a", "base_url": "http://a/v1", "api_key_env": "MY_KEY"},
            {"name": "b", "base_url": "http://b/v1", "api_key_env": "UNSET_KEY"},
            # Invalid (no name), but its variable is a secret all the same.
            {"base_url": "http://c/v1", "api_key_env": "MY_KEY"},
        ]
    )

    assert config.hide_secrets_from_kernels() == ["OPENAI_API_KEY", "MY_KEY"]
    assert "MY_KEY" not in os.environ and "OPENAI_API_KEY" not in os.environ
    assert config.env_secret("MY_KEY") == "my-secret"
    assert config.openai_key_at_start == "sk-from-env"


def test_hiding_reads_the_key_first_and_removes_only_the_named_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://gpu-box:8000/v1")
    monkeypatch.setenv("SOME_TOKEN", "t")
    monkeypatch.delenv("NOT_SET_AT_ALL", raising=False)
    config = AgentTeam(secret_env_vars=["OPENAI_BASE_URL", "NOT_SET_AT_ALL"])

    assert config.hide_secrets_from_kernels() == ["OPENAI_API_KEY", "OPENAI_BASE_URL"]
    assert config.api_key == "sk-from-env"
    assert config.base_url == "http://gpu-box:8000/v1"
    assert "OPENAI_API_KEY" not in os.environ and "OPENAI_BASE_URL" not in os.environ
    assert os.environ["SOME_TOKEN"] == "t"


def test_by_default_only_openai_api_key_is_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://gpu-box:8000/v1")
    config = AgentTeam()

    assert config.secret_env_vars == []
    assert config.hide_secrets_from_kernels() == ["OPENAI_API_KEY"]
    assert os.environ["OPENAI_BASE_URL"] == "http://gpu-box:8000/v1"
    assert config.api_key == "sk-from-env"
