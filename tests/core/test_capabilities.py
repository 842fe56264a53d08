"""The capability catalog, the routes derived from the services, the settings, the bentos and the shell view.

The catalog (``services/catalog.yaml``) lists no routes: ``Capability.routes`` reads them from the
service class. These tests check the derivation against BentoML's own view of every service, that
a new API on a service shows up in its routes (and in the Terraform paths) with no other edit, and
that the OpenAPI document a running service answers gives the playground the same JSON routes.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from services.campaign.ui_app import NOT_FORWARDED
from services.core import capabilities as caps
from services.core.bentoml_compat import openapi_document
from services.core.capabilities import (
    CATALOG_PATH,
    Capability,
    Catalog,
    get_catalog,
    load_catalog,
    openapi_json_paths,
    shell_lines,
    tfvars,
)
from services.core.managed_model import ManagedModel
from services.core.settings import PlatformSettings

ROOT = Path(__file__).resolve().parents[2]
CATALOG = get_catalog()


def _service(cap: Capability) -> Any:
    return getattr(importlib.import_module(cap.module), cap.class_name)


def _content(api: Any) -> str:
    if api.is_stream:
        return "ndjson"
    return "multipart" if api.input_spec.mime_type() == "multipart/form-data" else "json"


@pytest.mark.slow
@pytest.mark.parametrize("name", CATALOG.names)
def test_routes_are_the_service_apis(name: str) -> None:
    cap = CATALOG[name]
    apis = _service(cap).apis
    served = {api.route: (method, api.batchable, _content(api), api.is_task) for method, api in apis.items()}
    derived = {
        r.path: (r.method, r.batchable and r.batched_by_default, r.content, r.task)
        for r in (*cap.routes, *CATALOG.platform_routes)
    }
    assert served == derived, f"{name}: routes derived from {cap.service} disagree with BentoML"
    assert cap.route(cap.routes[0].method) == cap.routes[0]
    assert {r.path for r in CATALOG.platform_routes} == {"/noop", "/model_info"}


@pytest.mark.slow
@pytest.mark.parametrize("name", CATALOG.names)
def test_the_openapi_document_gives_the_same_json_routes(name: str) -> None:
    """What the playground reads from a running service (``/docs.json``) is the derivation's JSON routes."""
    cap = CATALOG[name]
    served = openapi_json_paths(openapi_document(_service(cap)), NOT_FORWARDED)
    assert sorted(served) == sorted(r.path for r in cap.routes if r.content == "json")


@pytest.mark.slow
def test_the_terraform_paths_are_every_route_and_everything_under_a_task() -> None:
    paths = tfvars(CATALOG)["capability_paths"]
    assert list(paths) == CATALOG.names
    for name in CATALOG.names:
        assert paths[name] == CATALOG[name].paths
    assert {"/style_video", "/style_video/*"} <= set(paths["creative"])
    assert "/noop" not in paths["vision"]


BATCHABLE_WHEN_ALL_ON = """
import importlib, json
from services.core.capabilities import get_catalog
out = {}
for cap in get_catalog().capabilities.values():
    svc = getattr(importlib.import_module(cap.module), cap.class_name)
    out[cap.name] = sorted(a.route for a in svc.apis.values() if a.batchable)
print(json.dumps(out))
"""


@pytest.mark.slow
def test_batchable_routes_are_the_ones_that_batch_when_every_api_may() -> None:
    env = {**os.environ, "ADSERVE_BATCHING_APIS": "all", "PYTHONWARNINGS": "ignore"}
    run = subprocess.run(
        [sys.executable, "-c", BATCHABLE_WHEN_ALL_ON], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr[-3000:]
    served = json.loads(run.stdout.strip().splitlines()[-1])
    derived = {c.name: sorted(r.path for r in c.routes if r.batchable) for c in CATALOG.capabilities.values()}
    assert served == derived


@pytest.mark.slow
@pytest.mark.parametrize("name", CATALOG.names)
def test_catalog_models_are_the_managed_models_of_the_service(name: str) -> None:
    cap = CATALOG[name]
    managed = [v for v in vars(_service(cap).inner).values() if isinstance(v, ManagedModel)]
    assert sorted(m.setting for m in managed) == sorted(m.setting for m in cap.models)


# ---------------------------------------------------------------- a new API needs no other edit

DEMO_MODULE = "services._routes_demo"
DEMO_SERVICE = """
from __future__ import annotations

from collections.abc import AsyncGenerator
from pathlib import Path

import bentoml

from services.core.service_kit import PlatformService, batch_api, platform_service


@platform_service()
class RoutesDemo(PlatformService):
    @batch_api(max_batch_size=8, max_latency_ms=50, batched=False, route="/score")
    def score(self, items: list[str]) -> list[float]:
        return [1.0 for _ in items]

    @bentoml.api(route="/lines")
    async def lines(self, n: int = 2) -> AsyncGenerator[str, None]:
        yield "line"

    @bentoml.task(route="/render")
    def render(self, image: Path) -> dict[str, str]:
        return {}
"""
NEW_API = """
    @bentoml.api(route="/explain")
    def explain(self, item: str = "a") -> dict[str, str]:
        return {"item": item}
"""


def _load_demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: str = "") -> Any:
    """The demo service module, imported from ``tmp_path`` as a module of ``services``."""
    source = tmp_path / f"demo_{len(extra)}.py"
    source.write_text(DEMO_SERVICE + extra)
    spec = importlib.util.spec_from_file_location(DEMO_MODULE, source)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, DEMO_MODULE, module)
    spec.loader.exec_module(module)
    caps.service_routes.cache_clear()
    return module.RoutesDemo


@pytest.fixture
def demo_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.delenv("ADSERVE_BATCHING_APIS", raising=False)
    monkeypatch.delenv("ADSERVE_BATCHING", raising=False)
    path = tmp_path / "catalog.yaml"
    entry = {"service": f"{DEMO_MODULE}:RoutesDemo", "port": 3900, "models": []}
    path.write_text(yaml.safe_dump({"capabilities": {"demo": entry}}))
    yield path
    caps.service_routes.cache_clear()


def test_routes_are_read_from_the_service_class(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_catalog: Path
) -> None:
    service = _load_demo(tmp_path, monkeypatch)
    demo = load_catalog(demo_catalog)["demo"]
    assert [(r.path, r.method, r.batchable, r.batched_by_default, r.content, r.task) for r in demo.routes] == [
        ("/lines", "lines", False, True, "ndjson", False),
        ("/render", "render", False, True, "multipart", True),
        ("/score", "score", True, False, "json", False),
    ]
    assert demo.paths == ["/lines", "/render", "/render/*", "/score"]
    assert demo.route("score").batchable
    with pytest.raises(KeyError, match="has no API"):
        demo.route("nope")
    assert openapi_json_paths(openapi_document(service), NOT_FORWARDED) == ["/score"]


def test_a_new_api_shows_up_in_the_routes_with_no_other_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_catalog: Path
) -> None:
    catalog_text = demo_catalog.read_text()
    _load_demo(tmp_path, monkeypatch)
    assert "/explain" not in load_catalog(demo_catalog)["demo"].paths
    service = _load_demo(tmp_path, monkeypatch, extra=NEW_API)  # only the service changed
    after = load_catalog(demo_catalog)
    assert demo_catalog.read_text() == catalog_text
    assert after["demo"].route("explain").content == "json"
    assert "/explain" in tfvars(after)["capability_paths"]["demo"]
    assert "/explain" in openapi_json_paths(openapi_document(service), NOT_FORWARDED)


def test_the_tfvars_command_prints_json_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "noisy_service.py").write_text('print("loading weights...")\nService = object\n')
    monkeypatch.syspath_prepend(str(tmp_path))

    def noisy(catalog: Catalog) -> dict[str, dict[str, list[str]]]:
        caps.load_service("noisy_service:Service")  # a service module that prints while imported
        return {"capability_paths": {"demo": ["/a"]}}

    monkeypatch.setattr(caps, "tfvars", noisy)
    assert caps.main(["tfvars"]) == 0
    out = capsys.readouterr()
    assert json.loads(out.out) == {"capability_paths": {"demo": ["/a"]}}
    assert "loading weights" in out.err


def test_model_settings_default_to_the_catalog_models(monkeypatch: pytest.MonkeyPatch) -> None:
    for model in CATALOG.models():
        monkeypatch.delenv(model.env, raising=False)
    settings = PlatformSettings()
    for model in CATALOG.models():
        assert getattr(settings, model.setting) == f"{model.name}:latest"
    monkeypatch.setenv("ADSERVE_RECOMMEND_MODEL", "recommend-lightfm:production")
    assert PlatformSettings().recommend_model == "recommend-lightfm:production"


def test_every_capability_has_its_bento_and_the_bentos_ship_the_catalog() -> None:
    for cap in CATALOG.capabilities.values():
        bento = yaml.safe_load((ROOT / "bentos" / f"{cap.name}.yaml").read_text())
        assert bento["service"] == cap.service
        assert "services/catalog.yaml" in bento["include"], f"bentos/{cap.name}.yaml must ship the catalog"
    assert "services/catalog.yaml" in yaml.safe_load((ROOT / "bentofile.yaml").read_text())["include"]


def test_main_job_ports_follow_the_base_port() -> None:
    assert [CATALOG.port(n) for n in CATALOG.names] == [3000, 3001, 3002, 3003, 3004]
    assert CATALOG.port("vision", base=4100) == 4104
    script = "\n".join([*shell_lines(CATALOG, 4100), 'echo "${capabilities[*]}|${port[vision]}|${target[text]}"'])
    out = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True).stdout.strip()
    assert out == f"{' '.join(CATALOG.names)}|4104|{CATALOG['text'].service}"


def test_the_catalog_refuses_inconsistent_entries() -> None:
    raw = yaml.safe_load(CATALOG_PATH.read_text())
    assert load_catalog() == CATALOG
    assert all("routes" not in entry for entry in raw["capabilities"].values()), "routes come from the services"
    with pytest.raises(ValidationError, match="routes"):
        Catalog.model_validate({"capabilities": {"x": {**raw["capabilities"]["vision"], "routes": []}}})
    clash = {**raw, "capabilities": {**raw["capabilities"], "vision": {**raw["capabilities"]["vision"], "port": 3000}}}
    with pytest.raises(ValidationError, match="share a port"):
        Catalog.model_validate(clash)
    dangling = {
        **raw,
        "capabilities": {**raw["capabilities"], "text": {**raw["capabilities"]["text"], "depends_on": ["x"]}},
    }
    with pytest.raises(ValidationError, match="unknown capabilities"):
        Catalog.model_validate(dangling)
    with pytest.raises(KeyError, match="unknown capability"):
        CATALOG["data"]
