"""The evaluation in the packages: its built runner (git-ignored) goes into the sdist and
the wheel, and the wheel installs the ``jupyter-agent-team`` command."""

from __future__ import annotations

import tarfile
import zipfile

from .test_packaging import VERSION, _backend_ok, _copy_project

RUNNER = "jupyterlab_agent_team/evaluation/runner.js"


def test_the_built_runner_and_the_command_ship_in_the_sdist_and_the_wheel(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    _copy_project(project, with_labextension=True)
    (project / RUNNER).write_text("/* built runner */\n", encoding="utf-8")
    out = tmp_path / "dist"
    out.mkdir()

    sdist_name = _backend_ok(project, f"b.build_sdist({str(out)!r})")
    with tarfile.open(out / sdist_name) as sdist:
        assert f"jupyterlab_agent_team-{VERSION}/{RUNNER}" in sdist.getnames()
        sdist.extractall(tmp_path / "unpacked", filter="data")
    from_sdist = tmp_path / "unpacked" / f"jupyterlab_agent_team-{VERSION}"
    wheel_name = _backend_ok(from_sdist, f"b.build_wheel({str(out)!r})")

    with zipfile.ZipFile(out / wheel_name) as wheel:
        assert wheel.read(RUNNER).decode() == "/* built runner */\n"
        assert "jupyterlab_agent_team/evaluation/cli.py" in wheel.namelist()
        entry_points = wheel.read(
            f"jupyterlab_agent_team-{VERSION}.dist-info/entry_points.txt"
        ).decode()
    assert "jupyter-agent-team = jupyterlab_agent_team.evaluation.cli:main" in entry_points
