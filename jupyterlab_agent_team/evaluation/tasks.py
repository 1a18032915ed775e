"""Task files: this project's format and MatPlotBench's instruction file.

This project's format is a JSON object::

    {"name": "...", "data_dir": "folder of the data files, relative to this file",
     "tasks": [{"id": "cars-fields", "prompt": "...", "data": ["cars.csv"],
                "generate": ["sales.csv"],
                "checks": {"files": ["*.png"], "printed": ["Horsepower", {"regex": "40\\d"}],
                           "no_errors": true, "min_score": 7}}]}

MatPlotBench's ``benchmark_instructions.json`` is a JSON list of
``{"id": 1, "simple_instruction": "...", "expert_instruction": "..."}``, with the data of
a task, if any, in ``data/<id>/`` beside it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .datasets import GENERATORS

# The file MatPlotBench tasks save their plot to, as MatPlotAgent's prompts name one.
MATPLOTBENCH_PLOT = "plot.png"
INSTRUCTIONS = ("simple", "expert")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class TaskFileError(ValueError):
    """A task file that cannot be read, with where and why."""


@dataclass(frozen=True)
class Printed:
    """Text the task's cells must print: a substring, or a regular expression."""

    text: str
    regex: bool = False

    def describe(self) -> str:
        return f"printed /{self.text}/" if self.regex else f"printed {self.text!r}"


@dataclass(frozen=True)
class Checks:
    """What a task's run must leave behind."""

    files: tuple[str, ...] = ()
    printed: tuple[Printed, ...] = ()
    no_errors: bool = True
    min_score: float | None = None


@dataclass(frozen=True)
class Task:
    id: str
    prompt: str
    checks: Checks
    # Files copied into the task's folder.
    data: tuple[Path, ...] = ()
    # Names of generated data sets written into the task's folder (datasets.GENERATORS).
    generate: tuple[str, ...] = ()
    # Other names --tasks may pick the task by (a MatPlotBench id).
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class TaskSet:
    name: str
    source: Path
    tasks: tuple[Task, ...] = field(default_factory=tuple)


def read_task_file(path: Path, instruction: str = "simple") -> TaskSet:
    """Read either format; ``instruction`` picks MatPlotBench's simple or expert text."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise TaskFileError(f"{path}: cannot read it ({error.strerror})") from error
    except ValueError as error:
        raise TaskFileError(f"{path}: not valid JSON ({error})") from error
    if isinstance(raw, list):
        return read_matplotbench(raw, path, instruction)
    if isinstance(raw, dict) and "tasks" in raw:
        return read_agent_team(raw, path)
    raise TaskFileError(
        f"{path}: expected an object with 'tasks' or MatPlotBench's list of instructions"
    )


def read_agent_team(raw: dict[str, Any], path: Path) -> TaskSet:
    data_dir = (path.parent / _string(raw, "data_dir", str(path), ".")).resolve()
    entries = raw["tasks"]
    if not isinstance(entries, list) or not entries:
        raise TaskFileError(f"{path}: 'tasks' must be a non-empty list")
    tasks = []
    for index, entry in enumerate(entries):
        where = f"{path}: tasks[{index}]"
        if not isinstance(entry, dict):
            raise TaskFileError(f"{where} must be an object")
        task_id = _task_id(entry.get("id"), where)
        where = f"{path}: task {task_id!r}"
        prompt = _string(entry, "prompt", where)
        if not prompt.strip():
            raise TaskFileError(f"{where}: 'prompt' is empty")
        data = tuple(data_dir / name for name in _strings(entry, "data", where))
        for file in data:
            if not file.is_file():
                raise TaskFileError(f"{where}: data file {file} does not exist")
        generate = _strings(entry, "generate", where)
        for name in generate:
            if name not in GENERATORS:
                known = ", ".join(sorted(GENERATORS))
                raise TaskFileError(f"{where}: no data set {name!r} to generate (known: {known})")
        checks = _checks(entry.get("checks", {}), f"{where}: checks")
        tasks.append(Task(task_id, prompt, checks, data, generate))
    _unique(tasks, path)
    return TaskSet(_string(raw, "name", str(path), path.stem), path, tuple(tasks))


def read_matplotbench(raw: list[Any], path: Path, instruction: str) -> TaskSet:
    if instruction not in INSTRUCTIONS:
        raise TaskFileError(f"instruction must be one of {', '.join(INSTRUCTIONS)}")
    key = f"{instruction}_instruction"
    tasks = []
    for index, entry in enumerate(raw):
        where = f"{path}: item {index}"
        if not isinstance(entry, dict) or "id" not in entry:
            raise TaskFileError(f"{where} is not a MatPlotBench instruction (no 'id')")
        number = str(entry["id"])
        where = f"{path}: id {number}"
        text = _string(entry, key, where)
        data = _files_in(path.parent / "data" / number)
        prompt = f"{text.strip()}\n\nSave the plot to a PNG file named {MATPLOTBENCH_PLOT}."
        checks = Checks(files=(MATPLOTBENCH_PLOT,), no_errors=True)
        tasks.append(
            Task(_task_id(f"matplotbench-{number}", where), prompt, checks, data, (), (number,))
        )
    if not tasks:
        raise TaskFileError(f"{path}: the list of instructions is empty")
    _unique(tasks, path)
    return TaskSet("MatPlotBench", path, tuple(tasks))


def select(task_set: TaskSet, wanted: list[str]) -> tuple[Task, ...]:
    """The tasks named in ``wanted`` (ids or aliases), in the file's order; all if empty."""
    if not wanted:
        return task_set.tasks
    names = {name for task in task_set.tasks for name in (task.id, *task.aliases)}
    unknown = [name for name in wanted if name not in names]
    if unknown:
        raise TaskFileError(
            f"{task_set.source}: no task {', '.join(map(repr, unknown))}; "
            f"it has {', '.join(task.id for task in task_set.tasks)}"
        )
    return tuple(task for task in task_set.tasks if {task.id, *task.aliases} & set(wanted))


def _checks(raw: Any, where: str) -> Checks:
    if not isinstance(raw, dict):
        raise TaskFileError(f"{where} must be an object")
    unknown = set(raw) - {"files", "printed", "no_errors", "min_score"}
    if unknown:
        raise TaskFileError(f"{where}: unknown check {', '.join(sorted(unknown))}")
    printed = []
    for item in raw.get("printed", []):
        if isinstance(item, str):
            printed.append(Printed(item))
        elif isinstance(item, dict) and isinstance(item.get("regex"), str):
            try:
                re.compile(item["regex"])
            except re.error as error:
                raise TaskFileError(f"{where}: bad regex {item['regex']!r} ({error})") from error
            printed.append(Printed(item["regex"], regex=True))
        else:
            raise TaskFileError(f"{where}: 'printed' takes strings and {{\"regex\": ...}} objects")
    no_errors = raw.get("no_errors", True)
    if not isinstance(no_errors, bool):
        raise TaskFileError(f"{where}: 'no_errors' must be true or false")
    min_score = raw.get("min_score")
    if min_score is not None and (
        isinstance(min_score, bool) or not isinstance(min_score, (int, float))
    ):
        raise TaskFileError(f"{where}: 'min_score' must be a number")
    return Checks(_strings(raw, "files", where), tuple(printed), no_errors, min_score)


def _task_id(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _ID.match(value):
        raise TaskFileError(
            f"{where}: 'id' must be letters, digits, '.', '_' or '-' (it names a folder)"
        )
    return value


def _string(raw: dict[str, Any], key: str, where: str, default: str | None = None) -> str:
    value = raw.get(key, default)
    if not isinstance(value, str):
        raise TaskFileError(f"{where}: '{key}' must be a string")
    return value


def _strings(raw: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise TaskFileError(f"{where}: '{key}' must be a list of strings")
    return tuple(value)


def _files_in(folder: Path) -> tuple[Path, ...]:
    return tuple(sorted(p for p in folder.iterdir() if p.is_file())) if folder.is_dir() else ()


def _unique(tasks: list[Task], path: Path) -> None:
    seen: set[str] = set()
    for task in tasks:
        if task.id in seen:
            raise TaskFileError(f"{path}: the id {task.id!r} is used twice")
        seen.add(task.id)
