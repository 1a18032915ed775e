"""Jupyter server configuration for the Galata UI tests.

Galata's helper exposes the app to the tests, loads its helper extension and serves
a fresh temporary root folder without a token. Never use it outside tests.
"""

import os

from jupyterlab.galata import configure_jupyter_server

c = get_config()  # noqa: F821
configure_jupyter_server(c)

# CI runs as root; the server refuses to start as root unless told otherwise.
if hasattr(os, "geteuid") and os.geteuid() == 0:
    c.ServerApp.allow_root = True

# A kernel that calls itself R (it runs ipykernel underneath), so a test can
# check that the team refuses a non-Python kernel before any model call.
import atexit  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402

_kernels_home = tempfile.mkdtemp(prefix="agent-team-kernels-")
_spec_dir = os.path.join(_kernels_home, "kernels", "fake-r")
os.makedirs(_spec_dir)
with open(os.path.join(_spec_dir, "kernel.json"), "w") as spec:
    json.dump(
        {
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "R (test stand-in)",
            "language": "R",
        },
        spec,
    )
os.environ["JUPYTER_PATH"] = os.pathsep.join(
    filter(None, [_kernels_home, os.environ.get("JUPYTER_PATH")])
)
atexit.register(shutil.rmtree, _kernels_home, True)

# Three model endpoints: the scripted server (with the key), a second scripted
# server to fall back to (no key), and one where nothing listens.
c.AgentTeam.endpoints = [
    {
        "name": "Scripted",
        "base_url": "http://127.0.0.1:8911/v1",
        "api_key_env": "OPENAI_API_KEY",
        "default_model": "scripted-model",
    },
    {"name": "Backup", "base_url": "http://127.0.0.1:8912/v1", "default_model": "scripted-model"},
    {"name": "Offline", "base_url": "http://127.0.0.1:9/v1"},
]

# The response cache of this server only, gone when it stops.
_cache_dir = tempfile.mkdtemp(prefix="agent-team-cache-")
c.AgentTeam.cache_dir = _cache_dir
atexit.register(shutil.rmtree, _cache_dir, True)
