"""Build hook: make sure the labextension is built before the sdist or wheel is assembled.

A checkout has no built labextension, so building from it runs `npm ci` (when
node_modules is missing) and `npm run build:prod`, which need Node.js and npm. The
sdist carries the built labextension, so building the wheel from the sdist skips that
step and needs no Node.js.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

LABEXTENSION = Path("jupyterlab_agent_team") / "labextension"
# What a complete `npm run build:prod` leaves; all present means there is nothing to build.
ENSURED_TARGETS = [
    LABEXTENSION / "package.json",
    LABEXTENSION / "static" / "style.js",
    LABEXTENSION / "schemas" / "jupyterlab-agent-team" / "plugin.json",
]
# The evaluation runner, bundled by the same build where its sources are present.
EVAL_RUNNER_SOURCE = Path("eval") / "runner"
EVAL_RUNNER = Path("jupyterlab_agent_team") / "evaluation" / "runner.js"
# `npm run build:prod` calls the Python `jupyter-builder` command.
BUILD_REQUIREMENTS = ["jupyter_builder>=1.2.3,<2"]


class LabextensionBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def _missing(self) -> list[Path]:
        root = Path(self.root)
        targets = list(ENSURED_TARGETS)
        if (root / EVAL_RUNNER_SOURCE).is_dir():
            targets.append(EVAL_RUNNER)
        return [target for target in targets if not (root / target).is_file()]

    def dependencies(self) -> list[str]:
        # Only a build that has to run jupyter-builder needs it in the build environment.
        return BUILD_REQUIREMENTS if self._missing() else []

    def initialize(self, version: str, build_data: dict) -> None:
        if not self._missing():
            return
        root = Path(self.root)
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError(
                "The built labextension is missing and npm was not found. Building "
                "jupyterlab_agent_team from a checkout needs Node.js 20 or newer with npm; "
                "the sdist and the wheel already hold the built labextension."
            )
        env = dict(os.environ)
        # The build environment's scripts (jupyter-builder) first on PATH.
        scripts = [str(Path(sys.executable).parent), sysconfig.get_path("scripts")]
        env["PATH"] = os.pathsep.join([*scripts, env.get("PATH", "")])
        if not (root / "node_modules").is_dir():
            install = "ci" if (root / "package-lock.json").is_file() else "install"
            self.app.display_info(f"labextension: npm {install}")
            subprocess.run(
                [npm, install, "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=root,
                env=env,
                check=True,
            )
        self.app.display_info("labextension: npm run build:prod")
        subprocess.run([npm, "run", "build:prod"], cwd=root, env=env, check=True)
        missing = self._missing()
        if missing:
            raise RuntimeError(
                "npm run build:prod did not produce " + ", ".join(str(p) for p in missing)
            )
