"""Sub-commands of ``scripts/cli.py``, one module per capability."""
