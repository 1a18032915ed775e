"""The evaluation end to end: the command starts a real Jupyter server with this extension,
its runner drives the team's core on real kernels, and the model is the scripted
OpenAI-compatible server (test/scripted-openai-server.js) reached through the server's proxy.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
TASKS = REPO_ROOT / "eval" / "tasks" / "agent-team.json"
RUNNER = REPO_ROOT / "jupyterlab_agent_team" / "evaluation" / "runner.js"
SCRIPTED_SERVER = REPO_ROOT / "test" / "scripted-openai-server.js"


def _python(*blocks: str) -> str:
    return "Here is the code.\n\n" + "\n\n".join(f"```python\n{b}\n```" for b in blocks)


def _critique(score: int) -> str:
    names = ["bugs", "transformation", "compliance", "type", "encoding", "aesthetics"]
    return "\n".join(
        [f"- {name}: {score}/10 - fine" for name in names]
        + ["", "Actions:", "- None", "", json.dumps(dict.fromkeys(names, score))]
    )


# The plot goes to another file than the task names, so one check fails.
WEIGHT = _python(
    "import pandas as pd\nimport matplotlib.pyplot as plt\n\n"
    "cars = pd.read_csv('cars.csv')\nprint(list(cars.columns))\n"
    "cars.plot.scatter(x='Weight_in_lbs', y='Horsepower')\n"
    "plt.savefig('weight_hp.png')\nplt.show()"
)
# The first draft raises (dates read as text); the fix runs.
SALES_BROKEN = _python(
    "import pandas as pd\n\nsales = pd.read_csv('sales.csv')\n"
    "sales['revenue'] = sales['units'] * sales['unit_price']\n"
    "monthly = sales.groupby(sales['date'].dt.to_period('M'))['revenue'].sum()"
)
SALES_FIXED = _python(
    "import pandas as pd\nimport matplotlib.pyplot as plt\n\n"
    "sales = pd.read_csv('sales.csv', parse_dates=['date'])\n"
    "sales['revenue'] = sales['units'] * sales['unit_price']\n"
    "monthly = sales.groupby(sales['date'].dt.to_period('M'))['revenue'].sum()\n"
    "print('Best month:', monthly.idxmax())\n"
    "monthly.plot()\nplt.savefig('monthly_revenue.png')\nplt.show()"
)
SCENARIO = {
    "replies": {
        "coder": [WEIGHT, SALES_BROKEN, SALES_FIXED],
        "critic": [_critique(9), _critique(9)],
    }
}


@pytest.fixture
def scripted_model(tmp_path: Path) -> Iterator[str]:
    """The scripted model server on a free port; yields its /v1 URL."""
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps(SCENARIO), encoding="utf-8")
    process = subprocess.Popen(
        ["node", str(SCRIPTED_SERVER), "--port", "0", "--scenario", str(scenario)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"listening on (\S+)", line)
        assert match, f"the scripted server did not start: {line!r}"
        yield match.group(1)
    finally:
        process.terminate()
        process.wait(timeout=10)


def _usage(url: str) -> list[dict]:
    """The usage the scripted server answered each chat completion with, in order."""
    with urllib.request.urlopen(url.removesuffix("/v1") + "/__log", timeout=10) as response:
        log = json.load(response)
    return [entry["usage"] for entry in log if entry["path"] == "/v1/chat/completions"]


def test_eval_runs_two_tasks_on_the_scripted_model_and_reports_them(tmp_path, scripted_model):
    assert RUNNER.is_file(), f"{RUNNER} is missing: `npm run build:eval` builds it"
    output = tmp_path / "results.json"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("OPENAI_API_KEY", "AGENT_TEAM_MODEL")
    }
    # The scripted server is the only endpoint: no user config is read.
    env.update(OPENAI_BASE_URL=scripted_model, JUPYTER_CONFIG_DIR=str(tmp_path / "config"))
    ran = subprocess.run(
        [
            sys.executable,
            "-m",
            "jupyterlab_agent_team.evaluation",
            "eval",
            str(TASKS),
            "--tasks",
            "sales-monthly-revenue,cars-weight-horsepower",
            "--output",
            str(output),
            "--workdir",
            str(tmp_path / "work"),
            "--strict",
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    printed = ran.stdout
    # --strict: a failed check fails the command, after the report.
    assert ran.returncode == 1, f"{printed}\n{ran.stderr}"

    usage = _usage(scripted_model)
    assert len(usage) == 5
    # The tasks run in the file's order: the weight plot (Coder, Critic), then the sales
    # (Coder, Coder's fix, Critic).
    weight_usage, sales_usage = usage[:2], usage[2:]

    def tokens(calls: list[dict]) -> int:
        return sum(call["total_tokens"] for call in calls)

    assert "model: scripted-model on 127.0.0.1:" in printed
    lines = printed.splitlines()
    assert re.search(
        r"^\[1/2\] cars-weight-horsepower: 3/4 checks, score 9, 1 round, 2 calls, "
        rf"{tokens(weight_usage):,} tokens, [\d.]+ s, ended: threshold$",
        printed,
        re.MULTILINE,
    ), printed
    table_start = lines.index(next(line for line in lines if line.startswith("task ")))
    header, weight_row, sales_row, rule, total_row = lines[table_start : table_start + 5]
    assert header.split() == [
        "task",
        "checks",
        "score",
        "rounds",
        "calls",
        "tokens",
        "seconds",
        "end",
    ]
    assert weight_row.split()[:6] == [
        "cars-weight-horsepower",
        "3/4",
        "9",
        "1",
        "2",
        f"{tokens(weight_usage):,}",
    ]
    assert weight_row.split()[7] == "threshold"
    assert sales_row.split()[:6] == [
        "sales-monthly-revenue",
        "3/3",
        "9",
        "2",
        "3",
        f"{tokens(sales_usage):,}",
    ]
    assert set(rule) == {"-"}
    assert total_row.split()[:8] == [
        "total",
        "(2",
        "tasks)",
        "6/7",
        "9.0",
        "3",
        "5",
        f"{tokens(usage):,}",
    ]
    assert total_row.endswith("1/2 tasks passed every check")
    assert (
        "  cars-weight-horsepower: file weight_vs_horsepower.png: the run wrote weight_hp.png"
        in lines
    )

    results = json.loads(output.read_text(encoding="utf-8"))
    assert results["endpoint"].startswith("127.0.0.1:") and results["model"] == "scripted-model"
    weight, sales = results["tasks"]
    assert (weight["id"], weight["checks_passed"], weight["checks_total"]) == (
        "cars-weight-horsepower",
        3,
        4,
    )
    assert [c["passed"] for c in weight["checks"]] == [False, True, True, True]
    assert weight["files_written"] == ["weight_hp.png"]
    assert (sales["checks_passed"], sales["checks_total"]) == (3, 3)
    assert sales["files_written"] == ["monthly_revenue.png"]
    assert "Best month: 2023-12" in sales["cells"][0]["text"]
    assert sales["rounds"] == 2 and sales["reproduced"] == "ok"
    for task, calls in ((weight, weight_usage), (sales, sales_usage)):
        assert task["model_calls"] == len(calls)
        assert task["prompt_tokens"] == sum(call["prompt_tokens"] for call in calls)
        assert task["completion_tokens"] == sum(call["completion_tokens"] for call in calls)
        assert task["lowest_score"] == 9 and task["end"] == "threshold"
    totals = results["totals"]
    assert (totals["checks_passed"], totals["checks_total"], totals["tasks_passed"]) == (6, 7, 1)
    assert totals["model_calls"] == 5 and totals["tokens"] == tokens(usage)
    assert totals["mean_lowest_score"] == 9
    # The notebook of each task is kept with what its cells showed.
    notebook = json.loads(
        (
            tmp_path / "work" / "tasks" / "sales-monthly-revenue" / "sales-monthly-revenue.ipynb"
        ).read_text(encoding="utf-8")
    )
    outputs = notebook["cells"][0]["outputs"]
    assert any("image/png" in output.get("data", {}) for output in outputs)
    assert notebook["cells"][0]["metadata"]["agent_team"]["round"] == 2
