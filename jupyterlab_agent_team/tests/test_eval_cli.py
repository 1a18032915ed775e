"""What ``jupyter agent-team eval`` says when it cannot start, before any server runs."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from jupyterlab_agent_team.evaluation import node_runner
from jupyterlab_agent_team.evaluation.checks import CheckResult
from jupyterlab_agent_team.evaluation.cli import CANNOT_START, main
from jupyterlab_agent_team.evaluation.report import TaskOutcome, progress_line

REPO_ROOT = Path(__file__).resolve().parents[2]
TASKS = str(REPO_ROOT / "eval" / "tasks" / "agent-team.json")


def _fake_node(folder: Path, version: str) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    node = folder / "node"
    node.write_text(f"#!/bin/sh\necho {version}\n", encoding="utf-8")
    node.chmod(node.stat().st_mode | stat.S_IEXEC)
    return str(node)


def test_an_unknown_task_is_named_with_the_ones_there_are(capsys):
    assert main(["eval", TASKS, "--tasks", "cars-fields,nope"]) == CANNOT_START
    error = capsys.readouterr().err
    assert "no task 'nope'" in error and "cars-weight-horsepower" in error


def test_a_task_file_that_cannot_be_read_stops_it(tmp_path, capsys):
    assert main(["eval", str(tmp_path / "absent.json")]) == CANNOT_START
    assert "cannot read it" in capsys.readouterr().err


def test_node_must_be_20_or_newer(tmp_path, capsys):
    old = _fake_node(tmp_path, "v18.19.0")
    assert main(["eval", TASKS, "--node", old]) == CANNOT_START
    assert "needs Node.js 20 or newer" in capsys.readouterr().err
    assert node_runner.find_node(_fake_node(tmp_path / "new", "v22.1.0")).endswith("node")
    with pytest.raises(node_runner.RunnerError, match="--version failed"):
        node_runner.find_node(str(tmp_path / "missing-node"))


def test_a_workdir_with_files_in_it_is_refused(tmp_path, capsys):
    (tmp_path / "old.txt").write_text("x", encoding="utf-8")
    assert main(["eval", TASKS, "--workdir", str(tmp_path)]) == CANNOT_START
    assert "is not empty" in capsys.readouterr().err


def test_without_a_command_it_shows_its_help(capsys):
    assert main([]) == CANNOT_START
    assert "eval" in capsys.readouterr().out


def test_a_progress_line_says_why_a_run_ended_early():
    run = {
        "lowest": None,
        "rounds": 1,
        "modelCalls": 1,
        "promptTokens": 0,
        "completionTokens": 0,
        "seconds": 1.25,
        "reason": "model-error",
        "detail": "the model server at\nLM Studio is unreachable " + "x" * 400,
    }
    outcome = TaskOutcome("cars-fields", "p", [CheckResult("c", False, "why")], run, [])
    line = progress_line(2, 3, outcome)
    assert line.startswith(
        "[2/3] cars-fields: 0/1 checks, score -, 1 round, 1 call, 0 tokens, 1.2 s, "
        "ended: model-error (the model server at LM Studio is unreachable xxx"
    )
    assert line.endswith("x…)")
    assert len(line) < 420
