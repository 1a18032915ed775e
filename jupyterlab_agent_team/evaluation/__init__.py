"""The evaluation harness: ``jupyter agent-team eval TASKS.json`` (see cli.py)."""
