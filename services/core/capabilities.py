"""The capability catalog (``services/catalog.yaml``), loaded into typed, read-only models.

One file says which capabilities exist, which BentoML service serves each, its default models and
port, whether it asks for a GPU and what it calls. The scripts, the CLI, the platform settings, the
benchmark registry, Terraform and the tests read it from here (shell scripts through
``python -m services.core.capabilities``); nothing else lists capabilities.

The routes of a capability are not listed anywhere: ``Capability.routes`` derives them from its
service class (imported on first use, then cached), so adding an endpoint means editing its service
and its docs only. Importing a service module loads its frameworks (torch, transformers): code
inside a serving process asks a running service for its OpenAPI document instead
(``openapi_json_paths``), and Terraform gets the paths as generated tfvars (``tfvars``).

    python -m services.core.capabilities names            # campaign recommend text creative vision
    python -m services.core.capabilities models           # every default model name
    python -m services.core.capabilities shell --base 4000  # bash arrays: capabilities, target, port
    python -m services.core.capabilities routes           # every capability's routes (JSON)
    python -m services.core.capabilities tfvars > infra/envs/dev/routes.auto.tfvars.json
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import shlex
import sys
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

if TYPE_CHECKING:  # bentoml_compat imports BentoML: loaded only where routes are derived
    from .bentoml_compat import ApiFacts

CATALOG_PATH = Path(__file__).resolve().parents[1] / "catalog.yaml"
TFVARS_VARIABLE = "capability_paths"
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


def route_of(api: ApiFacts) -> Route:
    """The route of one API, from what BentoML and ``service_kit.batch_api`` record on it."""
    from .service_kit import batch_capable, batched_by_default

    batchable = batch_capable(api)
    content = "ndjson" if api.stream else "multipart" if api.input_mime == "multipart/form-data" else "json"
    return Route(
        path=api.route,
        method=api.method,
        batchable=batchable,
        batched_by_default=batched_by_default(api) if batchable else True,
        content=content,
        task=api.task,
    )


@lru_cache(maxsize=1)
def platform_routes() -> tuple[Route, ...]:
    """The routes every service answers (the APIs of ``service_kit.PlatformService``)."""
    from .bentoml_compat import class_api_facts
    from .service_kit import PlatformService

    return tuple(route_of(api) for api in class_api_facts(PlatformService))


def load_service(target: str) -> Any:
    """The BentoML service of ``module:Class`` (importing the module; its output goes to stderr)."""
    module, _, name = target.partition(":")
    with contextlib.redirect_stdout(sys.stderr):
        return getattr(importlib.import_module(module), name)


@cache
def service_routes(target: str) -> tuple[Route, ...]:
    """The routes of the service ``module:Class`` in the order of BentoML's ``Service.apis`` (by name),
    platform routes left out."""
    from .bentoml_compat import api_facts

    platform = {r.path for r in platform_routes()}
    return tuple(route_of(api) for api in api_facts(load_service(target)) if api.route not in platform)


def openapi_json_paths(spec: dict[str, Any], exclude: Iterable[str] = ()) -> list[str]:
    """The JSON routes of a running service, from its OpenAPI document (``/docs.json``): POST paths
    with a JSON body and a JSON answer (the routes of ``content: json``, without the service's own
    health and platform paths given in ``exclude``). Needs no import of the service's module."""
    skip = set(exclude)
    found = []
    for path, operations in spec.get("paths", {}).items():
        post = operations.get("post") if isinstance(operations, dict) else None
        if path in skip or not isinstance(post, dict):
            continue
        body = post.get("requestBody", {}).get("content", {})
        responses = post.get("responses", {})
        answer = (responses.get("200") or responses.get(200) or {}).get("content", {})  # JSON text: "200"
        if "application/json" in body and "application/json" in answer:
            found.append(path)
    return found


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

    @property
    def module(self) -> str:
        return self.service.split(":", 1)[0]

    @property
    def class_name(self) -> str:
        return self.service.split(":", 1)[1]

    @property
    def routes(self) -> tuple[Route, ...]:
        """Its APIs, derived from the service class (imports its module on first use)."""
        return service_routes(self.service)

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
        settings = [m.setting for c in self.capabilities.values() for m in c.models]
        if len(set(settings)) != len(settings):
            raise ValueError("two models share a setting")
        return self

    @property
    def platform_routes(self) -> tuple[Route, ...]:
        return platform_routes()

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


def routes_json(catalog: Catalog) -> dict[str, list[dict[str, Any]]]:
    """Every capability's routes (imports every service module)."""
    return {name: [r.model_dump() for r in catalog[name].routes] for name in catalog.names}


def tfvars(catalog: Catalog) -> dict[str, dict[str, list[str]]]:
    """The Terraform variable ``capability_paths``: the paths the load balancer routes to each capability."""
    return {TFVARS_VARIABLE: {name: catalog[name].paths for name in catalog.names}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.core.capabilities", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="query", required=True)
    sub.add_parser("names", help="capability names, in catalog order")
    sub.add_parser("models", help="default model names")
    shell = sub.add_parser("shell", help="bash declarations: capabilities, target, port, depends_on, models")
    shell.add_argument("--base", type=int, default=None, help="base port ($PORT); default the catalog's ports")
    sub.add_parser("routes", help="every capability's routes, derived from its service (JSON)")
    sub.add_parser("tfvars", help=f"Terraform variables: {TFVARS_VARIABLE} (JSON, for a *.auto.tfvars.json)")
    args = parser.parse_args(argv)
    catalog = get_catalog()
    if args.query == "names":
        print(" ".join(catalog.names))
    elif args.query == "models":
        print(" ".join(m.name for m in catalog.models()))
    elif args.query == "routes":
        print(json.dumps(routes_json(catalog), indent=2))
    elif args.query == "tfvars":
        print(json.dumps(tfvars(catalog), indent=2))
    else:
        print("\n".join(shell_lines(catalog, args.base)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
