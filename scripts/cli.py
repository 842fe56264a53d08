"""Command-line entry point: ``python -m scripts.cli <capability> <command>``.

Each capability registers its train/evaluate/serve commands from ``scripts/commands``; the model
store commands (publish, pull, alias, list) are shared.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(help="adserve: train, evaluate, publish, pull and serve the platform's models.", no_args_is_help=True)

_models = importlib.import_module("scripts.commands.models")
for _name in ("publish", "pull", "alias"):
    app.command(_name)(getattr(_models, _name))
app.command("list")(_models.list_versions)

CAPABILITIES = ("recommend", "vision", "text", "creative", "campaign", "data")
for _cap in CAPABILITIES:
    try:
        _module = importlib.import_module(f"scripts.commands.{_cap}")
    except ModuleNotFoundError as exc:
        if exc.name != f"scripts.commands.{_cap}":
            raise
        continue
    app.add_typer(_module.app, name=_cap)


if __name__ == "__main__":
    app()
