"""The packaging: what the sdist and the wheel hold, and where the version comes from.

Builds run through the build backend's own hooks, on a copy of the project with a
stand-in labextension and no npm on PATH, so they take about a second and never touch
the checkout. scripts/check-release.sh builds the real thing.
"""

from __future__ import annotations

import email.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PACKAGE_JSON = json.loads((REPO_ROOT / "package.json").read_text(encoding="utf-8"))
VERSION = PACKAGE_JSON["version"]
LABEXT_NAME = "jupyterlab-agent-team"
SHARED_LABEXT = (
    f"jupyterlab_agent_team-{VERSION}.data/data/share/jupyter/labextensions/{LABEXT_NAME}"
)
PROJECT_FILES = [
    "pyproject.toml",
    "hatch_build.py",
    "package.json",
    "install.json",
    "README.md",
    "LICENSE",
    ".gitignore",
]


def _copy_project(dest: Path, *, with_labextension: bool) -> Path:
    for name in PROJECT_FILES:
        shutil.copy2(REPO_ROOT / name, dest / name)
    shutil.copytree(REPO_ROOT / "jupyter-config", dest / "jupyter-config")
    shutil.copytree(
        REPO_ROOT / "jupyterlab_agent_team",
        dest / "jupyterlab_agent_team",
        ignore=shutil.ignore_patterns("labextension", "__pycache__", "_version.py"),
    )
    if with_labextension:
        labext = dest / "jupyterlab_agent_team" / "labextension"
        (labext / "static").mkdir(parents=True)
        (labext / "schemas" / LABEXT_NAME).mkdir(parents=True)
        (labext / "package.json").write_text(
            json.dumps({"name": LABEXT_NAME, "version": VERSION}), encoding="utf-8"
        )
        (labext / "static" / "style.js").write_text("/* built */\n", encoding="utf-8")
        (labext / "static" / "remoteEntry.0123.js").write_text("/* built */\n", encoding="utf-8")
        (labext / "schemas" / LABEXT_NAME / "plugin.json").write_text("{}", encoding="utf-8")
    return dest


def _backend(project: Path, call: str) -> subprocess.CompletedProcess[str]:
    """Run one build-backend hook in PROJECT with no npm reachable."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent)
    code = f"import json, hatchling.build as b; print(json.dumps({call}))"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _backend_ok(project: Path, call: str):
    result = _backend(project, call)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_sdist_holds_the_built_labextension_and_builds_the_wheel_without_node(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    _copy_project(project, with_labextension=True)
    out = tmp_path / "dist"
    out.mkdir()

    sdist_name = _backend_ok(project, f"b.build_sdist({str(out)!r})")
    assert sdist_name == f"jupyterlab_agent_team-{VERSION}.tar.gz"
    with tarfile.open(out / sdist_name) as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
        sdist.extractall(tmp_path / "unpacked", filter="data")
    for needed in (
        "hatch_build.py",
        "package.json",
        "jupyterlab_agent_team/labextension/package.json",
        "jupyterlab_agent_team/labextension/static/style.js",
        "jupyterlab_agent_team/_version.py",
        "jupyterlab_agent_team/tests/test_packaging.py",
    ):
        assert needed in names, f"{needed} missing from the sdist"

    # The sdist needs nothing more to build the wheel: no jupyter_builder, no npm.
    from_sdist = tmp_path / "unpacked" / f"jupyterlab_agent_team-{VERSION}"
    assert _backend_ok(from_sdist, "b.get_requires_for_build_wheel()") == []
    wheel_name = _backend_ok(from_sdist, f"b.build_wheel({str(out)!r})")
    assert wheel_name == f"jupyterlab_agent_team-{VERSION}-py3-none-any.whl"

    with zipfile.ZipFile(out / wheel_name) as wheel:
        files = wheel.namelist()
        metadata = email.parser.Parser().parsestr(
            wheel.read(f"jupyterlab_agent_team-{VERSION}.dist-info/METADATA").decode()
        )
        version_py = wheel.read("jupyterlab_agent_team/_version.py").decode()

    # The labextension once, where JupyterLab looks for prebuilt extensions.
    assert [f for f in files if f.endswith("/style.js")] == [f"{SHARED_LABEXT}/static/style.js"]
    assert f"{SHARED_LABEXT}/package.json" in files
    assert f"{SHARED_LABEXT}/install.json" in files
    assert not [f for f in files if f.startswith("jupyterlab_agent_team/labextension")]
    # No tests in the wheel.
    assert not [f for f in files if "/tests/" in f]
    # The server extension is enabled on install.
    assert (
        f"jupyterlab_agent_team-{VERSION}.data/data/etc/jupyter/jupyter_server_config.d/"
        "jupyterlab_agent_team.json"
    ) in files

    # The version comes from package.json, into the metadata and __version__.
    assert metadata["Version"] == VERSION
    assert re.search(rf"__version__ = .*['\"]{re.escape(VERSION)}['\"]", version_py)
    requires = metadata.get_all("Requires-Dist")
    assert any(re.fullmatch(r"jupyterlab<5,>=4[.\d]*", r) for r in requires), requires
    assert any(re.fullmatch(r"jupyter-server<3,>=2[.\d]*", r) for r in requires), requires
    assert {"jupyter", "jupyterlab", "jupyterlab-extension"} <= set(metadata["Keywords"].split(","))
    urls = dict(u.split(", ", 1) for u in metadata.get_all("Project-URL"))
    assert urls["Repository"] == PACKAGE_JSON["repository"]["url"]


def test_a_checkout_without_the_built_labextension_needs_node_to_build(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    _copy_project(project, with_labextension=False)

    requires = _backend_ok(project, "b.get_requires_for_build_wheel()")
    assert any(r.startswith("jupyter_builder") for r in requires), requires

    result = _backend(project, f"b.build_wheel({str(tmp_path)!r})")
    assert result.returncode != 0
    assert "npm was not found" in result.stderr
    assert "Node.js" in result.stderr
    assert not list(tmp_path.glob("*.whl"))


def test_the_changelog_has_an_entry_for_the_version():
    changelog = (REPO_ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[{re.escape(VERSION)}\]", changelog, re.MULTILINE), (
        f"CHANGELOG.md has no '## [{VERSION}]' section for the version in package.json"
    )


def test_the_version_is_written_in_package_json_only():
    pyproject = (REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^dynamic = \["version"\]', pyproject, re.MULTILINE)
    assert not re.search(r"^version\s*=", pyproject, re.MULTILINE)
    init = (REPO_ROOT / "jupyterlab_agent_team" / "__init__.py").read_text(encoding="utf-8")
    assert not re.search(r"^__version__ = ['\"]\d", init, re.MULTILINE)
    # Plain X.Y.Z reads the same to npm and to Python packaging (PEP 440).
    assert re.fullmatch(r"\d+\.\d+\.\d+", VERSION), VERSION
