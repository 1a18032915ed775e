"""``jupyter agent-team eval TASKS.json``: run each task through the real team on a real
kernel, headless, and print what it achieved.

Each task gets a folder with its data and a kernel of its own on a Jupyter server started
for the evaluation; the runner (Node.js) drives the team's own core against that server
and the endpoint the server is configured with; the checks are judged here.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from . import node_runner
from .checks import evaluate, snapshot, written_files
from .datasets import GENERATORS
from .report import TaskOutcome, count_of, progress_line, table, totals
from .server import EvalServer, ServerError
from .tasks import INSTRUCTIONS, Task, read_task_file, select

# Exit statuses besides 0: a check failed under --strict; the evaluation could not start;
# it stopped part way.
FAILED_CHECKS, CANNOT_START, STOPPED = 1, 2, 3
# What the server says of the model and images.
SEES_PLOTS = {True: "sees plots", False: "text only", None: "not known whether it takes images"}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jupyter agent-team", description="Tools of the JupyterLab agent team."
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    ev = commands.add_parser(
        "eval",
        help="run a task file through the team and print its figures",
        description=(
            "Run each task through the real team (Coder, User proxy, Critic) on a real "
            "kernel, headless, against an endpoint of the Jupyter server's configuration, "
            "and print per task and in total: passed checks, final scores, rounds, model "
            "calls, tokens and time."
        ),
    )
    option = ev.add_argument
    option(
        "tasks_file",
        metavar="TASKS.json",
        type=Path,
        help="this project's task format, or MatPlotBench's benchmark_instructions.json",
    )
    option(
        "--tasks",
        default="",
        metavar="IDS",
        help="comma-separated ids (for MatPlotBench its numbers) of the tasks to run; default all",
    )
    option(
        "--endpoint",
        default="",
        metavar="NAME",
        help="endpoint both agents call (default: the first the server lists)",
    )
    option(
        "--model",
        default="",
        metavar="ID",
        help="model both agents use (default: the endpoint's default, else the first it lists)",
    )
    option(
        "--vision",
        action="store_true",
        help="send plots to the Critic as images when the server does not say whether the "
        "model takes them",
    )
    option(
        "--max-rounds",
        type=int,
        default=20,
        metavar="N",
        help="most agent messages in one task (default 20)",
    )
    option(
        "--threshold",
        type=float,
        default=8,
        metavar="SCORE",
        help="a task ends once its lowest score reaches this (default 8)",
    )
    option(
        "--timeout",
        type=float,
        default=600,
        metavar="SECONDS",
        help="a task still running after this long is stopped (default 600; 0: no limit)",
    )
    option(
        "--instruction",
        choices=INSTRUCTIONS,
        default="simple",
        help="which MatPlotBench instruction is the task (default simple)",
    )
    option(
        "--kernel",
        default="",
        metavar="NAME",
        help="kernelspec the tasks run on (default: the server's default)",
    )
    option("--output", type=Path, metavar="FILE", help="write the results to FILE as JSON")
    option(
        "--workdir",
        type=Path,
        metavar="DIR",
        help="keep the tasks' folders, notebooks and logs in DIR (default: a temporary folder)",
    )
    option("--node", metavar="PATH", help="the Node.js to run the runner with (default: node)")
    option("--strict", action="store_true", help="exit with status 1 when a check fails")
    option("-v", "--verbose", action="store_true", help="print what the team is doing")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command != "eval":
        parser.print_help()
        return CANNOT_START
    return run_eval(args)


def _say(text: str) -> None:
    print(text, flush=True)


def _fail(text: str, status: int) -> int:
    print(f"agent-team eval: {text}", file=sys.stderr, flush=True)
    return status


def _work_folder(chosen: Path | None) -> tuple[Path, bool]:
    """The evaluation's folder, and whether it is temporary."""
    if chosen is None:
        return Path(tempfile.mkdtemp(prefix="agent-team-eval-")), True
    if chosen.exists() and any(chosen.iterdir()):
        raise ValueError(f"--workdir {chosen} is not empty")
    chosen.mkdir(parents=True, exist_ok=True)
    return chosen.resolve(), False


def _prepare(task: Task, folder: Path) -> None:
    folder.mkdir()
    for file in task.data:
        shutil.copyfile(file, folder / file.name)
    for name in task.generate:
        (folder / name).write_text(GENERATORS[name](), encoding="utf-8")


def _notebook(task: Task) -> str:
    """The notebook the runner saves the task's cells to, in the task's folder."""
    return f"{task.id}.ipynb"


def _runner_config(
    args: argparse.Namespace, tasks: tuple[Task, ...], server: EvalServer
) -> dict[str, Any]:
    """What the runner is told (eval/runner/protocol.ts)."""
    return {
        "baseUrl": server.base_url,
        "token": server.token,
        "endpoint": args.endpoint,
        "model": args.model,
        "visionFallback": args.vision,
        "kernel": args.kernel,
        "maxRounds": args.max_rounds,
        "scoreThreshold": args.threshold,
        "timeout": args.timeout,
        "tasks": [
            {"id": t.id, "prompt": t.prompt, "folder": t.id, "notebook": _notebook(t)}
            for t in tasks
        ],
    }


def run_eval(args: argparse.Namespace) -> int:
    try:
        task_set = read_task_file(args.tasks_file, args.instruction)
        wanted = [name.strip() for name in args.tasks.split(",") if name.strip()]
        tasks = select(task_set, wanted)
        node = node_runner.find_node(args.node)
        node_runner.runner_path()
        work, temporary = _work_folder(args.workdir)
    # A task file that cannot be read raises TaskFileError, a ValueError.
    except (ValueError, node_runner.RunnerError) as error:
        return _fail(str(error), CANNOT_START)

    results: dict[str, Any] = {
        "task_file": str(args.tasks_file),
        "task_set": task_set.name,
        "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "options": {
            "max_rounds": args.max_rounds,
            "threshold": args.threshold,
            "timeout": args.timeout,
            "instruction": args.instruction,
            "kernel": args.kernel,
            "vision": args.vision,
        },
    }
    _say(f"agent-team eval: {count_of(len(tasks), 'task')} of {task_set.name} ({args.tasks_file})")
    outcomes: list[TaskOutcome] = []
    status = 0
    # The work folder stays when something went wrong that its logs may explain.
    keep = not temporary
    try:
        _run_tasks(args, tasks, work, node, results, outcomes)
    except node_runner.RunnerStopped as error:
        status = _fail(str(error), STOPPED)
    except (ServerError, node_runner.RunnerError) as error:
        status = _fail(str(error), STOPPED)
        keep = True
    except KeyboardInterrupt:
        status = _fail("interrupted", STOPPED)
        keep = True
    if status == 0 and len(outcomes) < len(tasks):
        status = _fail("the runner ended before every task ran", STOPPED)
        keep = True

    if outcomes:
        _say("")
        _say(table(outcomes))
    results["tasks"] = [outcome.to_json() for outcome in outcomes]
    results["totals"] = totals(outcomes)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        _say(f"results: {args.output}")
    if keep:
        _say(f"work folder: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    if status == 0 and args.strict and any(o.passed < len(o.checks) for o in outcomes):
        status = FAILED_CHECKS
    return status


def _run_tasks(
    args: argparse.Namespace,
    tasks: tuple[Task, ...],
    work: Path,
    node: str,
    results: dict[str, Any],
    outcomes: list[TaskOutcome],
) -> None:
    """Prepare the tasks' folders, start the server and the runner, and judge each task as
    its result comes (into ``outcomes``)."""
    root = work / "tasks"
    root.mkdir()
    before = {}
    for task in tasks:
        _prepare(task, root / task.id)
        before[task.id] = snapshot(root / task.id)
    by_id = {task.id: task for task in tasks}
    with EvalServer(root, work / "server.log") as server:
        config = _runner_config(args, tasks, server)
        for event in node_runner.run(node, config, work / "runner.log"):
            kind = event.get("event")
            if kind == "model":
                results.update(
                    endpoint=event["endpoint"], model=event["model"], vision=event["vision"]
                )
                _say(
                    f"model: {event['model'] or '(the server picks)'} on {event['endpoint']} "
                    f"({SEES_PLOTS[event['vision']]})"
                )
            elif kind == "activity" and args.verbose:
                _say(f"  {event['task']}: {event['activity']}")
            elif kind == "result":
                run = event["result"]
                task = by_id[run["id"]]
                written = written_files(
                    before[task.id], snapshot(root / task.id), ignore=(_notebook(task),)
                )
                checks = evaluate(task.checks, run, written)
                outcomes.append(TaskOutcome(task.id, task.prompt, checks, run, written))
                _say(progress_line(len(outcomes), len(tasks), outcomes[-1]))
