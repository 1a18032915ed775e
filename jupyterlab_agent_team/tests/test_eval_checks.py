"""The evaluation's checks and its table of figures."""

from __future__ import annotations

import os

from jupyterlab_agent_team.evaluation.checks import (
    CheckResult,
    evaluate,
    printed_text,
    snapshot,
    written_files,
)
from jupyterlab_agent_team.evaluation.report import TaskOutcome, table, totals
from jupyterlab_agent_team.evaluation.tasks import Checks, Printed


def _cell(text: str = "", status: str = "ok", error: str = "") -> dict:
    return {"source": "x", "status": status, "executionCount": 1, "text": text, "error": error}


def _run(*cells: dict, lowest: float | None = 9, **extra: object) -> dict:
    return {"cells": list(cells), "lowest": lowest, **extra}


def test_files_pass_when_the_run_wrote_a_matching_file():
    checks = Checks(files=("*.png", "summary.csv"))
    results = evaluate(checks, _run(_cell()), ["plot.png"])
    assert results[0] == CheckResult("file *.png", True)
    assert results[1] == CheckResult("file summary.csv", False, "the run wrote plot.png")
    assert evaluate(Checks(files=("*.png",)), _run(_cell()), [])[0].detail == (
        "the run wrote no file"
    )


def test_printed_text_is_looked_for_in_every_final_cell_as_text_or_regex():
    run = _run(_cell("Name  Horsepower\n"), _cell("406 rows\n"))
    assert printed_text(run) == "Name  Horsepower\n406 rows\n"
    checks = Checks(
        printed=(
            Printed("Horsepower"),
            Printed(r"^406 rows$", regex=True),
            Printed("horsepower"),
            Printed(r"\b407\b", regex=True),
        ),
        no_errors=False,
    )
    assert [(r.name, r.passed) for r in evaluate(checks, run, [])] == [
        ("printed 'Horsepower'", True),
        ("printed /^406 rows$/", True),
        ("printed 'horsepower'", False),
        (r"printed /\b407\b/", False),
    ]
    assert evaluate(checks, run, [])[2].detail == "not in what the cells printed"


def test_no_errors_needs_cells_and_each_to_have_run_fine():
    checks = Checks()
    assert evaluate(checks, _run(_cell(), _cell()), []) == [
        CheckResult("cells ran without error", True)
    ]
    raised = _run(_cell(), _cell(status="error", error="KeyError: 'weight'"))
    assert evaluate(checks, raised, [])[0] == CheckResult(
        "cells ran without error", False, "cell 2: KeyError: 'weight'"
    )
    never_ran = _run(_cell(status="not-run"))
    assert evaluate(checks, never_ran, [])[0].detail == "cell 1: not-run"
    assert evaluate(checks, _run(), [])[0].detail == "the team left no cell"


def test_min_score_compares_the_final_lowest_score():
    checks = Checks(no_errors=False, min_score=8)
    assert evaluate(checks, _run(lowest=8), []) == [CheckResult("lowest score >= 8", True)]
    assert evaluate(checks, _run(lowest=7), [])[0].detail == "it was 7"
    assert evaluate(checks, _run(lowest=None), [])[0].detail == "nothing was scored"


def test_written_files_are_new_or_changed_visible_files(tmp_path):
    (tmp_path / "cars.csv").write_text("a\n", encoding="utf-8")
    (tmp_path / "old.txt").write_text("old\n", encoding="utf-8")
    before = snapshot(tmp_path)
    assert set(before) == {"cars.csv", "old.txt"}
    (tmp_path / "plot.png").write_bytes(b"png")
    (tmp_path / "old.txt").write_text("rewritten, longer\n", encoding="utf-8")
    (tmp_path / "task.ipynb").write_text("{}", encoding="utf-8")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "table.csv").write_text("t\n", encoding="utf-8")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "task-checkpoint.ipynb").write_text("{}", encoding="utf-8")
    (tmp_path / ".hidden.png").write_bytes(b"png")
    stamp = before["cars.csv"][1]
    os.utime(tmp_path / "cars.csv", ns=(stamp, stamp))
    assert written_files(before, snapshot(tmp_path), ignore=("task.ipynb",)) == [
        "old.txt",
        "out/table.csv",
        "plot.png",
    ]


def _outcome(task: str, passed: list[bool], **run: object) -> TaskOutcome:
    checks = [CheckResult(f"check {i}", ok, "" if ok else "why") for i, ok in enumerate(passed)]
    return TaskOutcome(task, "prompt", checks, run, [])


def test_the_table_has_a_row_per_task_totals_and_the_failed_checks():
    outcomes = [
        _outcome(
            "cars-fields",
            [True, True],
            lowest=9,
            rounds=1,
            modelCalls=2,
            promptTokens=1000,
            completionTokens=116,
            seconds=2.34,
            reason="threshold",
        ),
        _outcome(
            "sales-monthly-revenue",
            [True, False, True],
            lowest=6,
            rounds=3,
            modelCalls=5,
            promptTokens=3000,
            completionTokens=500,
            seconds=10.0,
            reason="revisions-used",
        ),
        _outcome("broken", [False], lowest=None, reason="model-error", seconds=0.5),
    ]
    widest = "sales-monthly-revenue     2/3      6       3      5   3,500     10.0  revisions-used"
    assert table(outcomes).splitlines() == [
        "task                   checks  score  rounds  calls  tokens  seconds  end",
        "cars-fields               2/2      9       1      2   1,116      2.3  threshold",
        widest,
        "broken                    0/1      -       0      0       0      0.5  model-error",
        "-" * len(widest),
        "total (3 tasks)           4/6    7.5       4      7   4,616     12.8  "
        "1/3 tasks passed every check",
        "",
        "failed checks:",
        "  sales-monthly-revenue: check 1: why",
        "  broken: check 0: why",
    ]
    assert totals(outcomes) == {
        "tasks": 3,
        "tasks_passed": 1,
        "checks_passed": 4,
        "checks_total": 6,
        "mean_lowest_score": 7.5,
        "scored_tasks": 2,
        "rounds": 4,
        "model_calls": 7,
        "prompt_tokens": 4000,
        "completion_tokens": 616,
        "tokens": 4616,
        "seconds": 12.8,
    }
