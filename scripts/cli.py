"""Command-line entry point: the ``adserve`` console command (``python -m scripts.cli`` does the same).

Each capability of the catalog (``services/catalog.yaml``) registers its train/evaluate/serve
commands from ``scripts/commands/<capability>.py``; offline groups without a service (``data``)
register theirs the same way when present. The model store commands (publish, pull, alias, list)
and ``capabilities`` (what the catalog says, with the routes each service declares) are shared.
"""

from __future__ import annotations

import importlib
import json

import typer

from services.core.capabilities import get_catalog, routes_json

app = typer.Typer(help="adserve: train, evaluate, publish, pull and serve the platform's models.", no_args_is_help=True)

_models = importlib.import_module("scripts.commands.models")
for _name in ("publish", "pull", "alias"):
    app.command(_name)(getattr(_models, _name))
app.command("list")(_models.list_versions)

OFFLINE_GROUPS = ("data",)  # command groups of offline work that no service serves


@app.command("capabilities")
def capabilities(as_json: bool = typer.Option(False, "--json", help="The whole catalog as JSON.")) -> None:
    """The capability catalog: service, port, GPU, routes (* = batchable) and default models of each.

    The routes are read from the service classes (every service module is imported).
    """
    catalog = get_catalog()
    if as_json:
        dumped = catalog.model_dump(mode="json")
        for name, routes in routes_json(catalog).items():
            dumped["capabilities"][name]["routes"] = routes
        typer.echo(json.dumps(dumped, indent=2))
        return
    for cap in catalog.capabilities.values():
        typer.echo(f"{cap.name:<10} :{cap.port}  {'gpu' if cap.gpu else 'cpu'}  {cap.service}")
        typer.echo(f"{'':<10} routes  {' '.join(r.path + ('*' if r.batchable else '') for r in cap.routes)}")
        if cap.models:
            typer.echo(f"{'':<10} models  {' '.join(f'{m.name} ({m.env})' for m in cap.models)}")
        if cap.depends_on:
            typer.echo(f"{'':<10} calls   {' '.join(cap.depends_on)}")


for _group in get_catalog().names:
    app.add_typer(importlib.import_module(f"scripts.commands.{_group}").app, name=_group)
for _group in OFFLINE_GROUPS:
    try:
        _module = importlib.import_module(f"scripts.commands.{_group}")
    except ModuleNotFoundError as exc:
        if exc.name != f"scripts.commands.{_group}":
            raise
        continue
    app.add_typer(_module.app, name=_group)


if __name__ == "__main__":
    app()
