"""Real Jupyter servers with the extension, wired to scripted model servers.

``jupyter`` is the simple set-up (one model server from OPENAI_BASE_URL and OPENAI_API_KEY);
``multi_jupyter`` has named endpoints in c.AgentTeam.endpoints, valid and invalid ones.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from .upstream import ScriptedUpstream

SECRET = "sk-test-SECRET"
# The multi-endpoint server's keys: one in a variable an endpoint names, one inline.
ENDPOINT_KEY_VAR = "AGENT_TEAM_TEST_ENDPOINT_KEY"
ENDPOINT_SECRET = "endpoint-SECRET-key"
INLINE_SECRET = "inline-SECRET-key"
# The key the locked model server wants; no endpoint has it.
RIGHT_KEY = "right-key"
UNSET_KEY_VAR = "AGENT_TEAM_TEST_NOT_SET"
ALL_SECRETS = (SECRET, ENDPOINT_SECRET, INLINE_SECRET)
# Another secret in the server's environment, named in c.AgentTeam.secret_env_vars.
OTHER_SECRET_VAR = "AGENT_TEAM_TEST_OTHER_SECRET"
OTHER_SECRET = "other-SECRET-value"
DEFAULT_MODEL = "default-model"
BASE_PATH = "/jp/"
REPO_ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 30.0
# The impatient server's c.AgentTeam.stream_idle_timeout; the main one keeps the default.
IMPATIENT_IDLE_TIMEOUT = 0.5


@dataclass
class Reply:
    """A finished HTTP exchange."""

    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)

    def raw(self) -> str:
        """Everything the browser could see, for leak checks."""
        head = "\n".join(f"{k}: {v}" for k, v in self.headers.items())
        return f"{head}\n\n{self.body.decode('utf-8', errors='replace')}"


@dataclass
class JupyterServer:
    """A running ``jupyter server`` subprocess and a tiny client for it."""

    port: int
    token: str
    log_path: Path
    work: Path

    def send(
        self,
        method: str,
        route: str,
        body: dict | None = None,
        headers: dict[str, str] | None = None,
        token: bool = True,
        connection: http.client.HTTPConnection | None = None,
    ) -> http.client.HTTPConnection:
        """Send a request to ``<base_url><route>`` without waiting for the answer.

        Pass the ``connection`` of an answered request to send over it again (keep-alive).
        """
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"token {self.token}"
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            sent.setdefault("Content-Type", "application/json")
        if connection is None:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        connection.request(method, BASE_PATH + route, body=payload, headers=sent)
        return connection

    def open(
        self, method: str, route: str, **kwargs: object
    ) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
        """Send a request and wait for the answer's head; the caller reads and closes."""
        connection = self.send(method, route, **kwargs)  # type: ignore[arg-type]
        return connection, connection.getresponse()

    def request(self, method: str, route: str, **kwargs: object) -> Reply:
        """Send a request and read the whole answer."""
        connection, response = self.open(method, route, **kwargs)  # type: ignore[arg-type]
        try:
            headers = {k.lower(): v for k, v in response.getheaders()}
            return Reply(response.status, headers, response.read())
        finally:
            connection.close()


def free_port() -> int:
    """A port nobody listens on once this returns."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def upstream() -> Iterator[ScriptedUpstream]:
    """The model server the Jupyter server is configured with."""
    server = ScriptedUpstream("primary").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def other_upstream() -> Iterator[ScriptedUpstream]:
    """A second model server, reached only as an endpoint the browser's settings add."""
    server = ScriptedUpstream("other").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def lmstudio_upstream() -> Iterator[ScriptedUpstream]:
    """A model server that answers LM Studio's own model API too."""
    server = ScriptedUpstream("lmstudio", flavour="lmstudio").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def ollama_upstream() -> Iterator[ScriptedUpstream]:
    """A model server that answers Ollama's ``/api/show`` too."""
    server = ScriptedUpstream("ollama", flavour="ollama").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def locked_upstream() -> Iterator[ScriptedUpstream]:
    """A model server that refuses every key but ``RIGHT_KEY``."""
    server = ScriptedUpstream("locked", require_key=RIGHT_KEY).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def empty_upstream() -> Iterator[ScriptedUpstream]:
    """A model server with no model loaded."""
    server = ScriptedUpstream("empty", flavour="empty").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def closed_port() -> int:
    """A port nothing listens on, for an endpoint that cannot be reached."""
    return free_port()


@pytest.fixture(scope="session")
def jupyter(
    upstream: ScriptedUpstream, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[JupyterServer]:
    """The Jupyter server most tests share, with the extension's default timeouts."""
    work = tmp_path_factory.mktemp("jupyter")
    cache = f"--AgentTeam.cache_dir={work / 'cache'}"
    with _running_jupyter(upstream, work, [cache]) as server:
        yield server


def multi_endpoints(
    upstream: ScriptedUpstream,
    lmstudio: ScriptedUpstream,
    ollama: ScriptedUpstream,
    locked: ScriptedUpstream,
    empty: ScriptedUpstream,
    closed_port: int,
) -> list[dict]:
    """``c.AgentTeam.endpoints`` of the multi-endpoint server: seven valid, four not."""
    return [
        {
            "name": "Primary",
            "base_url": upstream.base_url,
            "api_key_env": ENDPOINT_KEY_VAR,
            "vision": True,
            "context_window": 32768,
            "default_model": "primary-model",
        },
        {"name": "Studio", "base_url": lmstudio.base_url},
        {"name": "Farm", "base_url": ollama.base_url + "/"},
        {"name": "Locked", "base_url": locked.base_url, "api_key": INLINE_SECRET},
        {"name": "Empty", "base_url": empty.base_url},
        {"name": "Down", "base_url": f"http://127.0.0.1:{closed_port}/v1"},
        {"name": "Keyless", "base_url": locked.base_url, "api_key_env": UNSET_KEY_VAR},
        {"base_url": "http://nameless:1/v1"},
        {"name": "Primary", "base_url": "http://duplicate:1/v1"},
        {"name": "Bad scheme", "base_url": "ftp://example.com/v1"},
        {"name": "Bad window", "base_url": "http://window:1/v1", "context_window": "big"},
    ]


@pytest.fixture(scope="session")
def multi_jupyter(
    upstream: ScriptedUpstream,
    lmstudio_upstream: ScriptedUpstream,
    ollama_upstream: ScriptedUpstream,
    locked_upstream: ScriptedUpstream,
    empty_upstream: ScriptedUpstream,
    closed_port: int,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[JupyterServer]:
    """A Jupyter server with named endpoints, configured in a config file as users do."""
    work = tmp_path_factory.mktemp("multi")
    endpoints = multi_endpoints(
        upstream, lmstudio_upstream, ollama_upstream, locked_upstream, empty_upstream, closed_port
    )
    config_file = work / "jupyter_server_config.py"
    config_file.write_text(f"c.AgentTeam.endpoints = {endpoints!r}\n")
    env = {ENDPOINT_KEY_VAR: ENDPOINT_SECRET}
    with _running_jupyter(upstream, work, [f"--config={config_file}"], env) as server:
        yield server


@pytest.fixture(scope="session")
def impatient_jupyter(
    upstream: ScriptedUpstream, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[JupyterServer]:
    """A Jupyter server that gives up on a silent model server after a moment."""
    idle = f"--AgentTeam.stream_idle_timeout={IMPATIENT_IDLE_TIMEOUT}"
    work = tmp_path_factory.mktemp("impatient")
    with _running_jupyter(upstream, work, [idle]) as server:
        yield server


@contextmanager
def _running_jupyter(
    upstream: ScriptedUpstream,
    work: Path,
    extra_args: list[str],
    extra_env: dict[str, str] | None = None,
) -> Iterator[JupyterServer]:
    """Start ``jupyter server`` with only this extension, and wait until its route answers."""
    root = work / "root"
    root.mkdir()
    log_path = work / "server.log"
    server = JupyterServer(port=free_port(), token="test-token-123", log_path=log_path, work=work)
    env = {
        **os.environ,
        "OPENAI_BASE_URL": upstream.base_url,
        "OPENAI_API_KEY": SECRET,
        OTHER_SECRET_VAR: OTHER_SECRET,
        "AGENT_TEAM_MODEL": DEFAULT_MODEL,
        # Only the config given on the command line: fast, and no user settings leak in.
        "JUPYTER_NO_CONFIG": "1",
        "JUPYTER_CONFIG_DIR": str(work / "config"),
        "JUPYTER_DATA_DIR": str(work / "data"),
        "JUPYTER_RUNTIME_DIR": str(work / "runtime"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
        **(extra_env or {}),
    }
    env.pop(UNSET_KEY_VAR, None)
    command = [
        sys.executable,
        "-m",
        "jupyter_server",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={server.port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={server.token}",
        f"--ServerApp.base_url={BASE_PATH}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.allow_root=True",
        "--ServerApp.jpserver_extensions={'jupyterlab_agent_team': True}",
        # Debug level, so the leak check also covers the most talkative logs.
        "--ServerApp.log_level=DEBUG",
        # OPENAI_API_KEY is hidden whatever this lists.
        f"--AgentTeam.secret_env_vars={OTHER_SECRET_VAR}",
        *extra_args,
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_until_ready(server, process)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_ready(server: JupyterServer, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if server.request("GET", "agent-team/endpoints").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    tail = server.log_path.read_text(errors="replace")[-3000:]
    raise RuntimeError(f"jupyter server did not serve agent-team/endpoints; log tail:\n{tail}")
