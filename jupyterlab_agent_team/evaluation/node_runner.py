"""The headless runner (runner.js, built from eval/runner/ in the repository): Node.js runs
the team's own TypeScript core against the evaluation's Jupyter server.

It reads its configuration as JSON on stdin and writes one JSON event per line on stdout
(see eval/runner/protocol.ts); its own logs go to a file.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

RUNNER = Path(__file__).with_name("runner.js")
MIN_NODE_MAJOR = 20


class RunnerError(RuntimeError):
    """The runner cannot run, or stopped without saying why (its log may)."""


class RunnerStopped(RunnerError):
    """The runner stopped and said why (an unknown endpoint, an unreachable server)."""


def find_node(node: str | None = None) -> str:
    """The Node.js executable to use, checked to be new enough."""
    executable = node or os.environ.get("AGENT_TEAM_NODE") or shutil.which("node")
    if not executable:
        raise RunnerError(
            f"The evaluation needs Node.js {MIN_NODE_MAJOR} or newer on PATH (or --node PATH); "
            "none was found."
        )
    try:
        version = subprocess.run(
            [executable, "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError) as error:
        raise RunnerError(f"{executable} --version failed: {error}") from error
    match = re.match(r"v(\d+)\.", version)
    if not match or int(match.group(1)) < MIN_NODE_MAJOR:
        raise RunnerError(
            f"The evaluation needs Node.js {MIN_NODE_MAJOR} or newer; {executable} is {version}."
        )
    return executable


def runner_path() -> Path:
    if not RUNNER.is_file():
        raise RunnerError(
            f"{RUNNER} is missing: this copy of jupyterlab_agent_team was installed without "
            "its evaluation runner. In a checkout, `npm run build:eval` builds it."
        )
    return RUNNER


def run(node: str, config: dict[str, Any], log_path: Path) -> Iterator[dict[str, Any]]:
    """Start the runner on ``config`` and yield its events as they come."""
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [node, str(runner_path())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            encoding="utf-8",
        )
        try:
            assert process.stdin is not None and process.stdout is not None
            process.stdin.write(json.dumps(config))
            process.stdin.close()
            for line in process.stdout:
                try:
                    event = json.loads(line)
                except ValueError:
                    log.write(line)
                    continue
                if event.get("event") == "fatal":
                    raise RunnerStopped(event.get("message", "the runner failed"))
                yield event
            if process.wait() != 0:
                raise RunnerError(
                    f"the runner exited with status {process.returncode} (log: {log_path})"
                )
        finally:
            if process.poll() is None:
                process.terminate()
                process.wait()
