"""A Jupyter server with this extension for one evaluation: on 127.0.0.1, a free port and
a token of its own, serving the evaluation's folder. It reads the user's Jupyter config
and environment like any server, so the endpoints are the ones configured there.
"""

from __future__ import annotations

import http.client
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

STARTUP_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0


class ServerError(RuntimeError):
    """The server did not start; the message holds the end of its log."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class EvalServer:
    """``with EvalServer(root, log) as server:`` runs ``jupyter server`` until the block ends."""

    def __init__(self, root: Path, log_path: Path) -> None:
        self.root = root
        self.log_path = log_path
        self.port = free_port()
        self.token = secrets.token_hex(24)
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def __enter__(self) -> EvalServer:
        command = [
            sys.executable,
            "-m",
            "jupyter_server",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            "--ServerApp.allow_root=True",
            "--ServerApp.jpserver_extensions={'jupyterlab_agent_team': True}",
        ]
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
            )
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def _answers(self) -> bool:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            connection.request(
                "GET", "/agent-team/endpoints", headers={"Authorization": f"token {self.token}"}
            )
            return connection.getresponse().status == 200
        except OSError:
            return False
        finally:
            connection.close()

    def _wait_until_ready(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline and self._process.poll() is None:
            if self._answers():
                return
            time.sleep(0.2)
        tail = self.log_path.read_text(errors="replace")[-2000:]
        raise ServerError(
            "the Jupyter server with the agent-team extension did not start "
            f"(log: {self.log_path}):\n{tail}"
        )
