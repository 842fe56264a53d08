"""The ``adserve`` console command: the entry point of pyproject.toml loads the CLI, which reads the catalog."""

from __future__ import annotations

import json
import tomllib
from importlib.metadata import EntryPoint

import typer
from typer.testing import CliRunner

from services.core.capabilities import get_catalog, routes_json
from tests.infra.conftest import REPO


def _project() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())


def test_adserve_entry_point_is_the_typer_app_and_its_package_is_installed() -> None:
    project = _project()
    target = project["project"]["scripts"]["adserve"]
    app = EntryPoint(name="adserve", value=target, group="console_scripts").load()
    assert isinstance(app, typer.Typer)
    package = target.split(".", 1)[0]
    assert any(package.startswith(p.rstrip("*")) for p in project["tool"]["setuptools"]["packages"]["find"]["include"])


def test_adserve_lists_every_capability_group_and_the_catalog() -> None:
    from scripts.cli import app

    runner = CliRunner()
    help_text = runner.invoke(app, ["--help"], prog_name="adserve").output
    for name in [*get_catalog().names, "publish", "pull", "alias", "list", "capabilities"]:
        assert name in help_text, name
    shown = runner.invoke(app, ["capabilities", "--json"], prog_name="adserve")
    assert shown.exit_code == 0, shown.output
    listed = json.loads(shown.output)
    routes = {name: listed["capabilities"][name].pop("routes") for name in get_catalog().names}
    assert listed == get_catalog().model_dump(mode="json")
    assert routes == routes_json(get_catalog())  # read from the service classes
    assert "/recommend*" in runner.invoke(app, ["capabilities"], prog_name="adserve").output
