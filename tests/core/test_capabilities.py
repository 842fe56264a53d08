"""The capability catalog against the services themselves, the settings, the bentos and the shell view.

The catalog (``services/catalog.yaml``) is the one list of capabilities; these tests fail when it and
a service class disagree about a route, an API method, a batchable flag or a content type, so adding
an endpoint to a service without the catalog (or the reverse) is caught here.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from services.core.capabilities import CATALOG_PATH, Capability, Catalog, get_catalog, load_catalog, shell_lines
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
def test_catalog_routes_are_the_service_apis(name: str) -> None:
    cap = CATALOG[name]
    apis = _service(cap).apis
    served = {api.route: (method, api.batchable, _content(api)) for method, api in apis.items()}
    listed = {
        r.path: (r.method, r.batchable and r.batched_by_default, r.content)
        for r in (*cap.routes, *CATALOG.platform_routes)
    }
    assert served == listed, f"{name}: services/catalog.yaml and {cap.service} disagree"


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
    listed = {c.name: sorted(r.path for r in c.routes if r.batchable) for c in CATALOG.capabilities.values()}
    assert served == listed


@pytest.mark.slow
@pytest.mark.parametrize("name", CATALOG.names)
def test_catalog_models_are_the_managed_models_of_the_service(name: str) -> None:
    cap = CATALOG[name]
    managed = [v for v in vars(_service(cap).inner).values() if isinstance(v, ManagedModel)]
    assert sorted(m.setting for m in managed) == sorted(m.setting for m in cap.models)


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
