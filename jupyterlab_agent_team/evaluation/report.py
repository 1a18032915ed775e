"""The evaluation's figures: one record per task, their totals, the printed table."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from .checks import CheckResult


@dataclass(frozen=True)
class TaskOutcome:
    """One task's run (as the runner reported it) and its checks."""

    id: str
    prompt: str
    checks: list[CheckResult]
    run: dict[str, Any]
    written: list[str]

    @property
    def passed(self) -> int:
        return sum(check.passed for check in self.checks)

    @property
    def tokens(self) -> int:
        return int(self.run.get("promptTokens", 0)) + int(self.run.get("completionTokens", 0))

    def to_json(self) -> dict[str, Any]:
        run = self.run
        return {
            "id": self.id,
            "prompt": self.prompt,
            "checks_passed": self.passed,
            "checks_total": len(self.checks),
            "checks": [asdict(check) for check in self.checks],
            "end": run.get("reason", ""),
            "end_detail": run.get("detail", ""),
            "lowest_score": run.get("lowest"),
            "scores": run.get("scores", {}),
            "threshold": run.get("threshold"),
            "rounds": run.get("rounds", 0),
            "model_calls": run.get("modelCalls", 0),
            "prompt_tokens": run.get("promptTokens", 0),
            "completion_tokens": run.get("completionTokens", 0),
            "tokens": self.tokens,
            "tokens_estimated": run.get("estimated", False),
            "seconds": run.get("seconds", 0),
            "reproduced": run.get("reproduced"),
            "files_written": self.written,
            "cells": run.get("cells", []),
        }


def totals(outcomes: list[TaskOutcome]) -> dict[str, Any]:
    scores = [o.run["lowest"] for o in outcomes if o.run.get("lowest") is not None]
    return {
        "tasks": len(outcomes),
        "tasks_passed": sum(o.passed == len(o.checks) for o in outcomes),
        "checks_passed": sum(o.passed for o in outcomes),
        "checks_total": sum(len(o.checks) for o in outcomes),
        # The mean of each scored task's final lowest score.
        "mean_lowest_score": round(sum(scores) / len(scores), 2) if scores else None,
        "scored_tasks": len(scores),
        "rounds": sum(int(o.run.get("rounds", 0)) for o in outcomes),
        "model_calls": sum(int(o.run.get("modelCalls", 0)) for o in outcomes),
        "prompt_tokens": sum(int(o.run.get("promptTokens", 0)) for o in outcomes),
        "completion_tokens": sum(int(o.run.get("completionTokens", 0)) for o in outcomes),
        "tokens": sum(o.tokens for o in outcomes),
        "seconds": round(sum(float(o.run.get("seconds", 0)) for o in outcomes), 1),
    }


HEADER = ("task", "checks", "score", "rounds", "calls", "tokens", "seconds", "end")
# Text columns align left, figures right.
LEFT = {0, 7}


def _score(value: Any, digits: int = 0) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def count_of(number: int, word: str) -> str:
    """``1 task``, ``2 tasks``."""
    return f"{number:,} {word}" if number == 1 else f"{number:,} {word}s"


# The longest reason for an end shown in a progress line.
DETAIL_CHARS = 300


def progress_line(index: int, count: int, outcome: TaskOutcome) -> str:
    run = outcome.run
    line = (
        f"[{index}/{count}] {outcome.id}: {outcome.passed}/{len(outcome.checks)} checks, "
        f"score {_score(run.get('lowest'))}, {count_of(int(run.get('rounds', 0)), 'round')}, "
        f"{count_of(int(run.get('modelCalls', 0)), 'call')}, {count_of(outcome.tokens, 'token')}, "
        f"{float(run.get('seconds', 0)):.1f} s, ended: {run.get('reason', '')}"
    )
    detail = " ".join(str(run.get("detail", "")).split())
    if detail:
        cut = detail if len(detail) <= DETAIL_CHARS else detail[: DETAIL_CHARS - 1] + "…"
        line += f" ({cut})"
    return line


def table(outcomes: list[TaskOutcome]) -> str:
    """The per-task table with a totals row, and the checks that failed under it."""
    rows = [
        (
            o.id,
            f"{o.passed}/{len(o.checks)}",
            _score(o.run.get("lowest")),
            str(o.run.get("rounds", 0)),
            str(o.run.get("modelCalls", 0)),
            f"{o.tokens:,}",
            f"{float(o.run.get('seconds', 0)):.1f}",
            str(o.run.get("reason", "")),
        )
        for o in outcomes
    ]
    total = totals(outcomes)
    rows.append(
        (
            f"total ({count_of(total['tasks'], 'task')})",
            f"{total['checks_passed']}/{total['checks_total']}",
            _score(total["mean_lowest_score"], 1),
            str(total["rounds"]),
            str(total["model_calls"]),
            f"{total['tokens']:,}",
            f"{total['seconds']:.1f}",
            f"{total['tasks_passed']}/{total['tasks']} tasks passed every check",
        )
    )
    widths = [max(len(row[i]) for row in [HEADER, *rows]) for i in range(len(HEADER))]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(
            cell.ljust(widths[i]) if i in LEFT else cell.rjust(widths[i])
            for i, cell in enumerate(cells)
        ).rstrip()

    lines = [line(HEADER), *(line(row) for row in rows[:-1])]
    lines += ["-" * max(map(len, lines)), line(rows[-1])]
    failed = [(o.id, c) for o in outcomes for c in o.checks if not c.passed]
    if failed:
        lines += ["", "failed checks:"]
        lines += [f"  {task}: {check.name}: {check.detail}" for task, check in failed]
    return "\n".join(lines)
