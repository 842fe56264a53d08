"""Layout and wiring of infra/: module files, documented variables, pinned sources, and an offline
substitute for `terraform validate` on local module calls and references."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.infra.conftest import (
    ENVS,
    INFRA,
    STACK,
    TfModule,
    load_module,
    module_dirs,
    root_dirs,
    strip_comments,
)

META_ARGS = {"source", "version", "for_each", "count", "depends_on", "providers"}
REGISTRY_SOURCE = re.compile(r"^terraform-aws-modules/[a-z0-9-]+/aws(//modules/[a-z0-9-]+)?$")
EXACT_VERSION = re.compile(r"^\d+\.\d+\.\d+$")


def _ids(paths: list[Path]) -> list[str]:
    return [p.relative_to(INFRA).as_posix() for p in paths]


@pytest.mark.parametrize("path", module_dirs(), ids=_ids(module_dirs()))
def test_module_has_standard_files(path: Path) -> None:
    for name in ("main.tf", "variables.tf", "outputs.tf", "versions.tf"):
        assert (path / name).is_file(), f"{path.name} lacks {name}"


def test_expected_modules_exist() -> None:
    names = {p.name for p in module_dirs()}
    assert {"network", "model-store", "ecr", "cluster", "gpu-capacity", "ecs-service", "edge"} <= names


@pytest.mark.parametrize("path", root_dirs(), ids=_ids(root_dirs()))
def test_every_variable_and_output_is_described(path: Path) -> None:
    mod = load_module(path)
    assert mod.variables or path.parent == ENVS, f"{mod.name} declares no variables"
    for name, body in mod.variables.items():
        desc = body.get("description")
        assert isinstance(desc, str) and len(desc.strip()) >= 10, f"{mod.name}: variable {name} lacks a description"
        assert "type" in body, f"{mod.name}: variable {name} lacks a type"
    for name, body in mod.outputs.items():
        desc = body.get("description")
        assert isinstance(desc, str) and desc.strip(), f"{mod.name}: output {name} lacks a description"


@pytest.mark.parametrize("path", root_dirs(), ids=_ids(root_dirs()))
def test_provider_versions_are_constrained(path: Path) -> None:
    mod = load_module(path)
    required = [rp for block in mod.terraform for rp in block.get("required_providers", [])]
    assert required, f"{mod.name}: no required_providers"
    providers = {k: v for rp in required for k, v in rp.items()}
    assert providers["aws"]["source"] == "hashicorp/aws"
    assert providers["aws"]["version"], f"{mod.name}: aws provider version unconstrained"
    assert any("required_version" in block for block in mod.terraform)


def _module_calls() -> list[tuple[TfModule, str, dict]]:
    calls = []
    for path in root_dirs():
        mod = load_module(path)
        calls.extend((mod, name, body) for name, body in mod.modules.items())
    return calls


def test_registry_modules_are_pinned_to_exact_versions() -> None:
    registry = [(m, n, b) for m, n, b in _module_calls() if not b["source"].startswith(".")]
    assert {b["source"].split("//")[0] for _, _, b in registry} == {
        "terraform-aws-modules/vpc/aws",
        "terraform-aws-modules/ecs/aws",
        "terraform-aws-modules/alb/aws",
        "terraform-aws-modules/s3-bucket/aws",
    }
    for mod, name, body in registry:
        assert REGISTRY_SOURCE.match(body["source"]), f"{mod.name}: module {name} source {body['source']}"
        assert EXACT_VERSION.match(str(body.get("version", ""))), f"{mod.name}: module {name} not pinned"


@pytest.mark.parametrize("path", root_dirs(), ids=_ids(root_dirs()))
def test_local_module_calls_match_module_interfaces(path: Path) -> None:
    """Arguments exist as variables of the called module, and every required variable is set."""
    mod = load_module(path)
    for name, body in mod.modules.items():
        source = body["source"]
        if not source.startswith("."):
            continue
        callee_dir = (path / source).resolve()
        assert callee_dir.is_dir(), f"{mod.name}: module {name} source {source} missing"
        callee = load_module(callee_dir)
        args = set(body) - META_ARGS
        unknown = args - set(callee.variables)
        assert not unknown, f"{mod.name}: module {name} passes unknown arguments {sorted(unknown)}"
        required = {v for v, spec in callee.variables.items() if "default" not in spec}
        missing = required - args
        assert not missing, f"{mod.name}: module {name} misses required arguments {sorted(missing)}"


@pytest.mark.parametrize("path", root_dirs(), ids=_ids(root_dirs()))
def test_references_resolve(path: Path) -> None:
    """var.*, local.*, module.*.<output>, resource and data references all point at declarations."""
    mod = load_module(path)
    text = strip_comments(mod.text)

    used_vars = set(re.findall(r"\bvar\.([a-zA-Z0-9_]+)", text))
    assert used_vars <= set(mod.variables), f"{mod.name}: undeclared variables {sorted(used_vars - set(mod.variables))}"

    used_locals = set(re.findall(r"\blocal\.([a-zA-Z0-9_]+)", text))
    assert used_locals <= set(mod.locals), f"{mod.name}: undeclared locals {sorted(used_locals - set(mod.locals))}"

    for call, output in re.findall(r"\bmodule\.([a-zA-Z0-9_]+)(?:\[[^\]]*\])?\.([a-zA-Z0-9_]+)", text):
        assert call in mod.modules, f"{mod.name}: reference to unknown module {call}"
        source = mod.modules[call]["source"]
        if source.startswith("."):
            callee = load_module((path / source).resolve())
            assert output in callee.outputs, f"{mod.name}: module.{call}.{output} is not an output of {source}"

    declared = set(mod.resources)
    for rtype, rname in re.findall(r"(?<![\w.])((?:aws|random)_[a-z0-9_]+)\.([a-z0-9_]+)\b", text):
        if (rtype, rname) in declared:
            continue
        # the type name itself in a `resource "aws_x" "y"` header is quoted and never matches
        pytest.fail(f"{mod.name}: reference to undeclared resource {rtype}.{rname}")
    for dtype, dname in re.findall(r"\bdata\.([a-z0-9_]+)\.([a-z0-9_]+)\b", text):
        assert (dtype, dname) in mod.data, f"{mod.name}: reference to undeclared data source {dtype}.{dname}"


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_environment_layout(env: str) -> None:
    path = ENVS / env
    mod = load_module(path)
    assert mod.modules["stack"]["source"] == "../../stack"
    for name in ("terraform.tfvars.example", "backend.hcl.example", "main.tf", "variables.tf", "outputs.tf"):
        assert (path / name).is_file(), f"envs/{env} lacks {name}"

    backends = [b for block in mod.terraform for b in block.get("backend", [])]
    assert len(backends) == 1 and "s3" in backends[0], "remote state must use the S3 backend"
    s3 = backends[0]["s3"]
    assert s3.get("encrypt") is True
    assert s3.get("use_lockfile") is True, "state locking must be on"

    for output in ("endpoint_urls", "base_url", "alb_dns_name", "model_bucket", "ecr_repository_urls", "cluster_name"):
        assert output in mod.outputs, f"envs/{env} lacks output {output}"

    example = (path / "backend.hcl.example").read_text()
    assert f"adserve/{env}/terraform.tfstate" in example
    tfvars = (path / "terraform.tfvars.example").read_text()
    assert "certificate_arn" in tfvars


def test_environments_differ_where_cost_and_availability_matter() -> None:
    dev = load_module(ENVS / "dev").modules["stack"]
    prod = load_module(ENVS / "prod").modules["stack"]
    assert dev["environment"] == "dev" and prod["environment"] == "prod"
    assert dev["single_nat_gateway"] is True and prod["single_nat_gateway"] is False
    assert prod["enable_waf"] is True
    assert prod["alb_deletion_protection"] is True and dev["alb_deletion_protection"] is False
    assert prod["enable_interface_endpoints"] is True
    assert prod["gpu_min_instances"] >= 1


def test_stack_is_called_with_every_required_variable() -> None:
    stack = load_module(STACK)
    required = {v for v, spec in stack.variables.items() if "default" not in spec}
    assert required == {"environment", "certificate_arn", "capability_paths"}


def test_readme_documents_the_platform() -> None:
    readme = (INFRA / "README.md").read_text()
    assert "```mermaid\nflowchart" in readme
    for heading in (
        "## Remote state",
        "## Deploy from zero",
        "## Rolling a model forward and back",
        "## Autoscaling",
        "## Scale to zero and its cold-start cost",
        "## Cost levers",
        "## Variables",
        "## Checks, and what cannot be validated offline",
    ):
        assert heading in readme, heading
    table = readme.split("<!-- BEGIN STACK VARIABLES -->")[1].split("<!-- END STACK VARIABLES -->")[0]
    documented = set(re.findall(r"^\| `([a-z0-9_]+)` \|", table, flags=re.M))
    assert documented == set(load_module(STACK).variables), "README stack variable table out of date"
    for env in ("dev", "prod"):
        for name in load_module(ENVS / env).variables:
            assert f"`{name}`" in readme, f"README lacks environment variable {name}"
    assert "concurrency per replica" in readme
