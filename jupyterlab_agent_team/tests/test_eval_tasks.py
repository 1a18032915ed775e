"""The evaluation's task files: this project's format, MatPlotBench's, and the shipped set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jupyterlab_agent_team.evaluation.datasets import GENERATORS
from jupyterlab_agent_team.evaluation.tasks import (
    Printed,
    TaskFileError,
    read_task_file,
    select,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
SHIPPED = REPO_ROOT / "eval" / "tasks" / "agent-team.json"


def _write(path: Path, content: object) -> Path:
    path.write_text(json.dumps(content), encoding="utf-8")
    return path


def _task_file(tmp_path: Path, *tasks: dict, **top: object) -> Path:
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data" / "cars.csv").write_text("Name,Horsepower\na,1\n", encoding="utf-8")
    return _write(tmp_path / "tasks.json", {"data_dir": "data", **top, "tasks": list(tasks)})


def test_the_shipped_set_has_ten_tasks_or_more_each_with_checks_and_data():
    task_set = read_task_file(SHIPPED)
    assert task_set.name == "agent-team"
    assert len(task_set.tasks) >= 10
    on_cars = [t for t in task_set.tasks if any(p.name == "cars.csv" for p in t.data)]
    generated = [t for t in task_set.tasks if t.generate]
    assert on_cars and generated
    for task in task_set.tasks:
        checks = task.checks
        assert checks.files or checks.printed, f"{task.id} checks no file and no text"
        assert checks.no_errors
        assert task.data or task.generate, f"{task.id} has no data"
        assert all(path.is_file() for path in task.data)


def test_our_format_reads_prompts_data_generated_sets_and_every_kind_of_check(tmp_path):
    path = _task_file(
        tmp_path,
        {
            "id": "cars-plot",
            "prompt": "Plot cars.csv",
            "data": ["cars.csv"],
            "generate": ["sales.csv"],
            "checks": {
                "files": ["*.png", "out.csv"],
                "printed": ["Horsepower", {"regex": r"\b406\b"}],
                "no_errors": False,
                "min_score": 7.5,
            },
        },
        {"id": "plain", "prompt": "Print hello"},
        name="mine",
    )
    task_set = read_task_file(path)
    assert task_set.name == "mine"
    first, second = task_set.tasks
    assert first.id == "cars-plot" and first.prompt == "Plot cars.csv"
    assert first.data == ((tmp_path / "data" / "cars.csv").resolve(),)
    assert first.generate == ("sales.csv",)
    assert first.checks.files == ("*.png", "out.csv")
    assert first.checks.printed == (Printed("Horsepower"), Printed(r"\b406\b", regex=True))
    assert first.checks.no_errors is False
    assert first.checks.min_score == 7.5
    # Defaults: cells must run without error, no score asked for.
    assert second.checks.no_errors is True and second.checks.min_score is None
    assert second.data == () and second.generate == ()


@pytest.mark.parametrize(
    ("task", "message"),
    [
        ({"prompt": "x"}, "'id' must be"),
        ({"id": "../escape", "prompt": "x"}, "'id' must be"),
        ({"id": "a"}, "'prompt' must be a string"),
        ({"id": "a", "prompt": "  "}, "'prompt' is empty"),
        ({"id": "a", "prompt": "x", "data": ["missing.csv"]}, "does not exist"),
        ({"id": "a", "prompt": "x", "generate": ["nope.csv"]}, "no data set 'nope.csv'"),
        ({"id": "a", "prompt": "x", "checks": {"file": ["*.png"]}}, "unknown check file"),
        ({"id": "a", "prompt": "x", "checks": {"files": "*.png"}}, "'files' must be a list"),
        ({"id": "a", "prompt": "x", "checks": {"printed": [{"regex": "("}]}}, "bad regex"),
        ({"id": "a", "prompt": "x", "checks": {"printed": [3]}}, "'printed' takes strings"),
        ({"id": "a", "prompt": "x", "checks": {"min_score": "7"}}, "must be a number"),
        ({"id": "a", "prompt": "x", "checks": {"no_errors": 1}}, "must be true or false"),
    ],
)
def test_our_format_says_what_is_wrong_and_where(tmp_path, task, message):
    with pytest.raises(TaskFileError, match=message) as raised:
        read_task_file(_task_file(tmp_path, task))
    assert "tasks.json" in str(raised.value)


def test_an_id_used_twice_an_empty_list_and_other_shapes_are_refused(tmp_path):
    twice = _task_file(tmp_path, {"id": "a", "prompt": "x"}, {"id": "a", "prompt": "y"})
    with pytest.raises(TaskFileError, match="'a' is used twice"):
        read_task_file(twice)
    with pytest.raises(TaskFileError, match="non-empty list"):
        read_task_file(_write(tmp_path / "empty.json", {"tasks": []}))
    with pytest.raises(TaskFileError, match="expected an object with 'tasks'"):
        read_task_file(_write(tmp_path / "other.json", {"prompts": []}))
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    with pytest.raises(TaskFileError, match="not valid JSON"):
        read_task_file(tmp_path / "broken.json")
    with pytest.raises(TaskFileError, match="cannot read it"):
        read_task_file(tmp_path / "absent.json")


def _matplotbench(tmp_path: Path) -> Path:
    """A benchmark_instructions.json as MatPlotBench ships it, with one task's data."""
    (tmp_path / "data" / "76").mkdir(parents=True)
    (tmp_path / "data" / "76" / "data.csv").write_text("x,y\n1,2\n", encoding="utf-8")
    (tmp_path / "data" / "76" / "extra.csv").write_text("a\n1\n", encoding="utf-8")
    return _write(
        tmp_path / "benchmark_instructions.json",
        [
            {
                "simple_instruction": "Generate a series of boxplots.",
                "expert_instruction": "1. Import matplotlib.\n2. Draw six boxplots.",
                "id": 1,
            },
            {
                "simple_instruction": "Plot data.csv as a line chart.",
                "expert_instruction": "Read data.csv with pandas, then plot y against x.",
                "id": 76,
            },
        ],
    )


def test_matplotbench_instructions_become_tasks_that_must_save_the_plot(tmp_path):
    task_set = read_task_file(_matplotbench(tmp_path))
    assert task_set.name == "MatPlotBench"
    first, second = task_set.tasks
    assert (first.id, first.aliases) == ("matplotbench-1", ("1",))
    assert first.prompt.startswith("Generate a series of boxplots.")
    assert first.prompt.endswith("Save the plot to a PNG file named plot.png.")
    assert first.data == ()
    assert first.checks.files == ("plot.png",)
    assert first.checks.no_errors is True and first.checks.printed == ()
    # A task's data folder (data/<id>/ beside the file) is copied whole.
    assert [p.name for p in second.data] == ["data.csv", "extra.csv"]


def test_matplotbench_expert_instructions_on_request(tmp_path):
    task_set = read_task_file(_matplotbench(tmp_path), instruction="expert")
    assert task_set.tasks[0].prompt.startswith("1. Import matplotlib.\n2. Draw six boxplots.")
    with pytest.raises(TaskFileError, match="instruction must be one of"):
        read_task_file(_matplotbench(tmp_path / "again"), instruction="novice")


def test_matplotbench_items_without_an_id_or_instruction_are_refused(tmp_path):
    with pytest.raises(TaskFileError, match="no 'id'"):
        read_task_file(_write(tmp_path / "a.json", [{"simple_instruction": "x"}]))
    with pytest.raises(TaskFileError, match="'simple_instruction' must be a string"):
        read_task_file(_write(tmp_path / "b.json", [{"id": 3, "expert_instruction": "x"}]))
    with pytest.raises(TaskFileError, match="empty"):
        read_task_file(_write(tmp_path / "c.json", []))


def test_select_takes_ids_or_matplotbench_numbers_in_file_order(tmp_path):
    task_set = read_task_file(_matplotbench(tmp_path))
    assert select(task_set, []) == task_set.tasks
    assert [t.id for t in select(task_set, ["76", "matplotbench-1"])] == [
        "matplotbench-1",
        "matplotbench-76",
    ]
    with pytest.raises(TaskFileError, match=r"no task '2'.*matplotbench-1, matplotbench-76"):
        select(task_set, ["2"])


def test_the_generated_data_sets_are_the_same_on_every_run():
    for name, generate in GENERATORS.items():
        first = generate()
        assert first == generate(), name
        assert first.count("\n") > 100, name
    header, *rows = GENERATORS["sales.csv"]().splitlines()
    assert header == "date,region,product,units,unit_price"
    revenue: dict[str, float] = {}
    for row in rows:
        day, _region, _product, units, price = row.split(",")
        revenue[day[:7]] = revenue.get(day[:7], 0) + int(units) * float(price)
    # The shipped task set checks for the peak month.
    assert max(revenue, key=revenue.__getitem__) == "2023-12"
