"""A task's checks, judged from what its run left: files on disk, the team's final cells
and the final critique.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .tasks import Checks

# A file's size and modification time: a change in either means it was written.
Snapshot = dict[str, tuple[int, int]]


@dataclass(frozen=True)
class CheckResult:
    name: str
    passed: bool
    # Why it failed, for the report; '' when it passed.
    detail: str = ""


def snapshot(folder: Path) -> Snapshot:
    """Every visible file under ``folder``; hidden files and folders are Jupyter's, not the
    team's (checkpoints, the reproduce check's sessions)."""
    files: Snapshot = {}
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if path.is_file() and not any(part.startswith(".") for part in relative.parts):
            stat = path.stat()
            files[relative.as_posix()] = (stat.st_size, stat.st_mtime_ns)
    return files


def written_files(before: Snapshot, after: Snapshot, ignore: tuple[str, ...] = ()) -> list[str]:
    """Files new or changed since ``before``, except those in ``ignore``."""
    return sorted(
        name for name, stamp in after.items() if before.get(name) != stamp and name not in ignore
    )


def printed_text(result: dict[str, Any]) -> str:
    """What the team's final cells printed, in cell order."""
    return "".join(cell.get("text", "") for cell in result.get("cells", []))


def evaluate(checks: Checks, result: dict[str, Any], written: list[str]) -> list[CheckResult]:
    """Each check of the task against its run's ``result`` (the runner's) and the files
    it wrote."""
    outcomes = []
    for pattern in checks.files:
        found = [name for name in written if fnmatch.fnmatchcase(name, pattern)]
        outcomes.append(
            CheckResult(
                f"file {pattern}",
                bool(found),
                "" if found else _no_file(written),
            )
        )
    text = printed_text(result)
    for wanted in checks.printed:
        found = (
            re.search(wanted.text, text, re.MULTILINE) is not None
            if wanted.regex
            else wanted.text in text
        )
        outcomes.append(
            CheckResult(wanted.describe(), found, "" if found else "not in what the cells printed")
        )
    if checks.no_errors:
        outcomes.append(_no_errors(result))
    if checks.min_score is not None:
        lowest = result.get("lowest")
        passed = lowest is not None and lowest >= checks.min_score
        outcomes.append(
            CheckResult(
                f"lowest score >= {checks.min_score:g}",
                passed,
                "" if passed else ("nothing was scored" if lowest is None else f"it was {lowest}"),
            )
        )
    return outcomes


def _no_file(written: list[str]) -> str:
    return f"the run wrote {', '.join(written)}" if written else "the run wrote no file"


def _no_errors(result: dict[str, Any]) -> CheckResult:
    name = "cells ran without error"
    cells = result.get("cells", [])
    if not cells:
        return CheckResult(name, False, "the team left no cell")
    for number, cell in enumerate(cells, start=1):
        if cell.get("status") != "ok":
            why = cell.get("error") or cell.get("status", "")
            return CheckResult(name, False, f"cell {number}: {why}")
    return CheckResult(name, True)
