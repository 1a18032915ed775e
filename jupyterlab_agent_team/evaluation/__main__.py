"""``python -m jupyterlab_agent_team.evaluation eval TASKS.json``, the same as
``jupyter agent-team eval TASKS.json``."""

import sys

from .cli import main

sys.exit(main())
