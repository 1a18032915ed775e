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
