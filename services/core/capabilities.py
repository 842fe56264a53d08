"""The capability catalog (``services/catalog.yaml``), loaded into typed, read-only models.

One file says which capabilities exist, which BentoML service serves each, its routes and which of
them batch, its default models and port, whether it asks for a GPU and what it calls. The scripts,
the CLI, the platform settings, the benchmark registry, Terraform and the tests read it from here
(shell scripts through ``python -m services.core.capabilities``); nothing else lists capabilities.

    python -m services.core.capabilities names            # campaign recommend text creative vision
    python -m services.core.capabilities models           # every default model name
    python -m services.core.capabilities shell --base 4000  # bash arrays: capabilities, target, port
"""

from __future__ import annotations

import argparse
import shlex
import sys
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

CATALOG_PATH = Path(__file__).resolve().parents[1] / "catalog.yaml"
Name = Field(pattern=r"^[a-z][a-z0-9_]*$")


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Route(_Frozen):
    path: str = Field(pattern=r"^/[a-z0-9_/]+$")
    method: str = Name
    batchable: bool = Field(False, description="Declared with adaptive batching (service_kit.batch_api).")
    batched_by_default: bool = Field(
        True, description="Batched unless configured otherwise (ADSERVE_BATCHING, ADSERVE_BATCHING_APIS)."
    )
    content: Literal["json", "multipart", "ndjson"] = "json"
    task: bool = Field(
        False,
        description="A BentoML task: <path>/submit, /status, /get, /cancel and /retry are served (and routed) too.",
    )


class ModelEntry(_Frozen):
    setting: str = Field(pattern=r"^[a-z][a-z0-9_]*_model$", description="PlatformSettings field of the reference.")
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="Model name in the model store.")

    @property
    def env(self) -> str:
        return f"ADSERVE_{self.setting.upper()}"

    @property
    def default_ref(self) -> str:
        return f"{self.name}:latest"


class Capability(_Frozen):
    name: str = Name
    service: str = Field(pattern=r"^services\.[a-z_.]+:[A-Za-z]+$")
    port: int = Field(ge=1024, le=65535)
    gpu: bool = False
    depends_on: tuple[str, ...] = ()
    models: tuple[ModelEntry, ...] = ()
    routes: tuple[Route, ...] = Field(min_length=1)

    @property
    def module(self) -> str:
        return self.service.split(":", 1)[0]

    @property
    def class_name(self) -> str:
        return self.service.split(":", 1)[1]

    @property
    def paths(self) -> list[str]:
        """Paths routed to the capability: each route, and everything under a task's route."""
        return [p for r in self.routes for p in ((r.path, f"{r.path}/*") if r.task else (r.path,))]

    def route(self, method: str) -> Route:
        for route in self.routes:
            if route.method == method:
                return route
        raise KeyError(f"{self.name} has no API {method!r}; it has {', '.join(r.method for r in self.routes)}")


class Catalog(_Frozen):
    platform_routes: tuple[Route, ...]
    capabilities: dict[str, Capability]

    @model_validator(mode="before")
    @classmethod
    def _names_from_keys(cls, data: object) -> object:
        if isinstance(data, dict) and isinstance(data.get("capabilities"), dict):
            caps = {k: {"name": k, **v} if isinstance(v, dict) else v for k, v in data["capabilities"].items()}
            data = {**data, "capabilities": caps}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Catalog:
        ports = [c.port for c in self.capabilities.values()]
        if len(set(ports)) != len(ports):
            raise ValueError("two capabilities share a port")
        for cap in self.capabilities.values():
            unknown = set(cap.depends_on) - set(self.capabilities)
            if unknown:
                raise ValueError(f"{cap.name} depends on unknown capabilities {sorted(unknown)}")
            paths = cap.paths + [r.path for r in self.platform_routes]
            if len(set(paths)) != len(paths):
                raise ValueError(f"{cap.name} lists a route twice")
        settings = [m.setting for c in self.capabilities.values() for m in c.models]
        if len(set(settings)) != len(settings):
            raise ValueError("two models share a setting")
        return self

    @property
    def names(self) -> list[str]:
        return list(self.capabilities)

    @property
    def base_port(self) -> int:
        return min(c.port for c in self.capabilities.values())

    def __getitem__(self, name: str) -> Capability:
        try:
            return self.capabilities[name]
        except KeyError:
            raise KeyError(f"unknown capability {name!r} (one of: {', '.join(self.capabilities)})") from None

    def port(self, name: str, base: int | None = None) -> int:
        """The capability's port; with ``base``, moved by the same offset as the main job's ``$PORT``."""
        port = self[name].port
        return port if base is None else base + port - self.base_port

    def local_urls(self, host: str = "localhost", base: int | None = None) -> dict[str, str]:
        """Capability -> URL of the main job on one host (``base``: its ``$PORT``, default the catalog's)."""
        return {name: f"http://{host}:{self.port(name, base)}" for name in self.capabilities}

    def models(self) -> list[ModelEntry]:
        return [m for c in self.capabilities.values() for m in c.models]

    def model_setting(self, setting: str) -> ModelEntry:
        for model in self.models():
            if model.setting == setting:
                return model
        raise KeyError(f"no catalog model for setting {setting!r}")


def load_catalog(path: Path = CATALOG_PATH) -> Catalog:
    return Catalog.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def get_catalog() -> Catalog:
    return load_catalog()


def default_model_ref(setting: str) -> str:
    """``<name>:latest`` of the catalog model behind a settings field (the settings' defaults)."""
    return get_catalog().model_setting(setting).default_ref


def shell_lines(catalog: Catalog, base: int | None) -> list[str]:
    """Bash declarations of the catalog, for ``eval`` in the scripts."""
    q = shlex.quote
    names = " ".join(q(n) for n in catalog.names)
    targets = " ".join(f"[{q(n)}]={q(catalog[n].service)}" for n in catalog.names)
    ports = " ".join(f"[{q(n)}]={catalog.port(n, base)}" for n in catalog.names)
    depends = " ".join(f"[{q(n)}]={q(' '.join(catalog[n].depends_on))}" for n in catalog.names)
    models = " ".join(q(m.name) for m in catalog.models())
    return [
        f"capabilities=({names})",
        f"declare -A target=({targets})",
        f"declare -A port=({ports})",
        f"declare -A depends_on=({depends})",
        f"models=({models})",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.core.capabilities", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="query", required=True)
    sub.add_parser("names", help="capability names, in catalog order")
    sub.add_parser("models", help="default model names")
    shell = sub.add_parser("shell", help="bash declarations: capabilities, target, port, depends_on, models")
    shell.add_argument("--base", type=int, default=None, help="base port ($PORT); default the catalog's ports")
    args = parser.parse_args(argv)
    catalog = get_catalog()
    if args.query == "names":
        print(" ".join(catalog.names))
    elif args.query == "models":
        print(" ".join(m.name for m in catalog.models()))
    else:
        print("\n".join(shell_lines(catalog, args.base)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
