"""A real Jupyter server with the extension, wired to scripted model servers."""

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
    """A second model server, reached only through the browser's base URL header."""
    server = ScriptedUpstream("other").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def jupyter(
    upstream: ScriptedUpstream, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[JupyterServer]:
    """The Jupyter server most tests share, with the extension's default timeouts."""
    with _running_jupyter(upstream, tmp_path_factory, "jupyter", []) as server:
        yield server


@pytest.fixture(scope="session")
def impatient_jupyter(
    upstream: ScriptedUpstream, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[JupyterServer]:
    """A Jupyter server that gives up on a silent model server after a moment."""
    idle = f"--AgentTeam.stream_idle_timeout={IMPATIENT_IDLE_TIMEOUT}"
    with _running_jupyter(upstream, tmp_path_factory, "impatient", [idle]) as server:
        yield server


@contextmanager
def _running_jupyter(
    upstream: ScriptedUpstream,
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    extra_args: list[str],
) -> Iterator[JupyterServer]:
    """Start ``jupyter server`` with only this extension, and wait until its route answers."""
    work = tmp_path_factory.mktemp(name)
    root = work / "root"
    root.mkdir()
    log_path = work / "server.log"
    server = JupyterServer(port=free_port(), token="test-token-123", log_path=log_path)
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
    }
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
            if server.request("GET", "agent-team/config").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    tail = server.log_path.read_text(errors="replace")[-3000:]
    raise RuntimeError(f"jupyter server did not serve agent-team/config; log tail:\n{tail}")
