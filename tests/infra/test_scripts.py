"""Release scripts, run against stand-in aws/docker/bentoml/terraform/python executables that record
their arguments, so every step can be checked without credentials or a Docker engine."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from tests.infra.conftest import REPO

SCRIPTS = ["build_bentos.sh", "containerize_push.sh", "publish_models.sh", "deploy.sh", "infra_check.sh"]
REGISTRY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"

FAKE_TOOL = r"""#!/usr/bin/env bash
name=$(basename "$0")
echo "$name $*" >> "$FAKE_LOG"
if [ -n "${FAKE_FORBID:-}" ] && [[ " $FAKE_FORBID " == *" $name "* ]]; then
  echo "$name must not run here" >&2
  exit 97
fi
[[ "${1:-}" == -chdir=* ]] && shift
case "$name ${1:-} ${2:-}" in
  "aws ecr get-login-password") echo "fake-password" ;;
  "aws ecr describe-images")
    for tag in ${FAKE_EXISTING_TAGS:-}; do
      [[ "$*" == *"imageTag=$tag"* ]] && { echo '{"imageDetails": [{}]}'; exit 0; }
    done
    echo "ImageNotFoundException" >&2; exit 254 ;;
  "aws ecs update-service") echo "deployment-id IN_PROGRESS" ;;
  "docker login"*) echo "docker-login-stdin $(cat)" >> "$FAKE_LOG"; echo "Login Succeeded" ;;
  "bentoml build"*) echo "__tag__:adserve-$(basename "$3" .yaml):20260101abc" ;;
  "terraform output -raw")
    case "$3" in
      model_bucket) echo -n "tf-model-bucket" ;;
      cluster_name) echo -n "adserve-dev" ;;
    esac ;;
  "terraform output -json") echo "{\"recommend\": \"$FAKE_REGISTRY/adserve-dev/recommend\", \"creative\": \"$FAKE_REGISTRY/adserve-dev/creative\"}" ;;
  "python -m services.core.capabilities") echo '{"capability_paths": {"recommend": ["/recommend"]}}' ;;
  "python -m scripts.cli") echo "publish env ADSERVE_MODEL_STORE=$ADSERVE_MODEL_STORE ADSERVE_S3_REGION=${ADSERVE_S3_REGION:-}" >> "$FAKE_LOG" ;;
esac
exit 0
"""


@pytest.fixture
def fakes(tmp_path: Path) -> dict:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("aws", "docker", "bentoml", "terraform", "python"):
        exe = bin_dir / tool
        exe.write_text(FAKE_TOOL)
        exe.chmod(exe.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    tag_dir = tmp_path / "bentos"
    tag_dir.mkdir()
    log = tmp_path / "calls.log"
    log.touch()
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "FAKE_LOG": str(log),
        "FAKE_REGISTRY": REGISTRY,
        "BENTOML": str(bin_dir / "bentoml"),
        "TERRAFORM": str(bin_dir / "terraform"),
        "ADSERVE_PYTHON": str(bin_dir / "python"),
        "ADSERVE_ROUTES_PYTHON": str(bin_dir / "python"),
        "ADSERVE_BENTO_TAG_DIR": str(tag_dir),
    }
    for name in (
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "ADSERVE_S3_REGION",
        "ADSERVE_ECR_REGISTRY",
        "ADSERVE_MODEL_BUCKET",
    ):
        env.pop(name, None)
    return {"env": env, "log": log, "tags": tag_dir, "tmp": tmp_path}


def run(script: str, *args: str, env: dict, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", f"scripts/{script}", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        input=stdin if stdin is not None else "",
        check=False,
    )


def calls(fakes: dict) -> list[str]:
    return [line for line in fakes["log"].read_text().splitlines() if line]


# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("script", SCRIPTS)
def test_scripts_are_strict_bash(script: str) -> None:
    path = REPO / "scripts" / script
    assert path.is_file()
    assert os.access(path, os.X_OK), f"{script} is not executable"
    text = path.read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text
    subprocess.run(["bash", "-n", str(path)], check=True)


@pytest.mark.parametrize("script", ["build_bentos.sh", "containerize_push.sh", "publish_models.sh", "deploy.sh"])
def test_help(script: str) -> None:
    proc = subprocess.run(["bash", f"scripts/{script}", "--help"], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0
    assert "Usage: scripts/" in proc.stdout


# --------------------------------------------------------------------------------------------------
# containerize_push.sh
# --------------------------------------------------------------------------------------------------


def test_containerize_push_dry_run_prints_every_command_and_runs_none(fakes: dict) -> None:
    (fakes["tags"] / "recommend.tag").write_text("adserve-recommend:20260101abc\n")
    (fakes["tags"] / "creative.tag").write_text("adserve-creative:20260102def\n")
    env = {**fakes["env"], "FAKE_FORBID": "aws docker bentoml terraform"}
    proc = run("containerize_push.sh", "--dry-run", "--registry", REGISTRY, env=env)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout

    assert calls(fakes) == [], "a dry run must not call aws, docker, bentoml or terraform"
    assert (
        f"+ aws ecr get-login-password --region eu-west-1 | docker login --username AWS --password-stdin {REGISTRY}"
        in out
    )
    for svc, version in (("recommend", "20260101abc"), ("creative", "20260102def")):
        image = f"{REGISTRY}/adserve-dev/{svc}:{version}"
        assert f"containerize adserve-{svc}:{version} --image-tag {image} --platform linux/amd64" in out
        assert f"+ docker push {image}" in out
        assert f"--repository-name adserve-dev/{svc} --image-ids imageTag={version}" in out
    assert out.index("docker login") < out.index("containerize adserve-recommend") < out.index("docker push")


def test_containerize_push_dry_run_with_named_service_and_env(fakes: dict) -> None:
    (fakes["tags"] / "vision.tag").write_text("adserve-vision:v7\n")
    env = {**fakes["env"], "FAKE_FORBID": "aws docker bentoml terraform", "ADSERVE_ECR_REGISTRY": REGISTRY}
    proc = run("containerize_push.sh", "--dry-run", "--env", "prod", "vision", env=env)
    assert proc.returncode == 0, proc.stderr
    assert f"+ docker push {REGISTRY}/adserve-prod/vision:v7" in proc.stdout
    assert calls(fakes) == []


def test_containerize_push_dry_run_needs_a_registry(fakes: dict) -> None:
    (fakes["tags"] / "recommend.tag").write_text("adserve-recommend:1\n")
    env = {**fakes["env"], "FAKE_FORBID": "aws docker bentoml terraform"}
    proc = run("containerize_push.sh", "--dry-run", env=env)
    assert proc.returncode != 0
    assert "--registry" in proc.stderr
    assert calls(fakes) == []


def test_containerize_push_fails_without_built_bentos(fakes: dict) -> None:
    proc = run("containerize_push.sh", "--dry-run", "--registry", REGISTRY, env=fakes["env"])
    assert proc.returncode != 0
    assert "build_bentos.sh" in proc.stderr


def test_containerize_push_logs_in_builds_pushes_and_skips_existing_tags(fakes: dict) -> None:
    (fakes["tags"] / "recommend.tag").write_text("adserve-recommend:20260101abc\n")
    (fakes["tags"] / "creative.tag").write_text("adserve-creative:20260102def\n")
    env = {**fakes["env"], "FAKE_EXISTING_TAGS": "20260102def"}
    proc = run("containerize_push.sh", env=env)  # repositories from the (fake) terraform output
    assert proc.returncode == 0, proc.stderr
    log = calls(fakes)
    assert log[0] == "terraform -chdir=infra/envs/dev output -json ecr_repository_urls"
    assert "aws ecr get-login-password --region eu-west-1" in log
    assert f"docker login --username AWS --password-stdin {REGISTRY}" in log
    assert "docker-login-stdin fake-password" in log
    image = f"{REGISTRY}/adserve-dev/recommend:20260101abc"
    assert f"bentoml containerize adserve-recommend:20260101abc --image-tag {image} --platform linux/amd64" in log
    assert f"docker push {image}" in log
    # creative's tag is already in ECR (immutable): neither rebuilt nor pushed
    assert not any("adserve-creative" in line and "containerize" in line for line in log)
    assert not any(line.startswith("docker push") and "creative" in line for line in log)
    assert "already in ECR" in proc.stdout


# --------------------------------------------------------------------------------------------------
# build_bentos.sh
# --------------------------------------------------------------------------------------------------


def test_build_bentos_dry_run(fakes: dict) -> None:
    env = {**fakes["env"], "FAKE_FORBID": "bentoml"}
    proc = run("build_bentos.sh", "--dry-run", "recommend", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "build -f bentos/recommend.yaml --output tag" in proc.stdout
    assert calls(fakes) == []


def test_build_bentos_records_the_built_tag(fakes: dict) -> None:
    proc = run("build_bentos.sh", "recommend", env=fakes["env"])
    assert proc.returncode == 0, proc.stderr
    assert calls(fakes) == ["bentoml build -f bentos/recommend.yaml --output tag"]
    assert (fakes["tags"] / "recommend.tag").read_text().strip() == "adserve-recommend:20260101abc"


def test_build_bentos_rejects_unknown_services(fakes: dict) -> None:
    proc = run("build_bentos.sh", "--dry-run", "nope", env=fakes["env"])
    assert proc.returncode != 0
    assert "unknown service" in proc.stderr


def test_build_bentos_uses_the_project_venv_by_default() -> None:
    text = (REPO / "scripts" / "build_bentos.sh").read_text()
    assert "BENTOML=${BENTOML:-.venv/bin/bentoml}" in text


# --------------------------------------------------------------------------------------------------
# publish_models.sh
# --------------------------------------------------------------------------------------------------


def test_publish_models_dry_run(fakes: dict) -> None:
    env = {**fakes["env"], "FAKE_FORBID": "python terraform"}
    proc = run("publish_models.sh", "--dry-run", "--bucket", "my-bucket", "recommend-lightfm:latest", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "ADSERVE_MODEL_STORE=s3://my-bucket/models" in proc.stdout
    assert "-m scripts.cli publish recommend-lightfm:latest --alias production" in proc.stdout
    assert calls(fakes) == []


def test_publish_models_reads_the_bucket_from_terraform(fakes: dict) -> None:
    env = {**fakes["env"], "AWS_REGION": "eu-west-1"}
    proc = run("publish_models.sh", "--env", "prod", "--alias", "staging", "text-generator:v3", env=env)
    assert proc.returncode == 0, proc.stderr
    log = calls(fakes)
    assert log[0] == "terraform -chdir=infra/envs/prod output -raw model_bucket"
    assert "python -m scripts.cli publish text-generator:v3 --alias staging" in log
    assert "publish env ADSERVE_MODEL_STORE=s3://tf-model-bucket/models ADSERVE_S3_REGION=eu-west-1" in log


def test_publish_models_bucket_override_and_all(fakes: dict) -> None:
    env = {**fakes["env"], "ADSERVE_MODEL_BUCKET": "override-bucket", "FAKE_FORBID": "terraform"}
    proc = run("publish_models.sh", "--all", env=env)
    assert proc.returncode == 0, proc.stderr
    published = [line for line in calls(fakes) if line.startswith("python -m scripts.cli publish")]
    assert len(published) == 5
    assert "python -m scripts.cli publish creative-diffusion:latest --alias production" in published
    assert "ADSERVE_MODEL_STORE=s3://override-bucket/models" in proc.stdout


def test_publish_models_requires_a_reference(fakes: dict) -> None:
    proc = run("publish_models.sh", "--bucket", "b", env=fakes["env"])
    assert proc.returncode != 0


# --------------------------------------------------------------------------------------------------
# deploy.sh
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def env_dir(fakes: dict) -> Path:
    path = fakes["tmp"] / "envs" / "dev"
    path.mkdir(parents=True)
    fakes["env"]["ADSERVE_INFRA_ENV_DIR"] = str(path)
    return path


def _tfvars(env_dir: Path) -> dict:
    return json.loads((env_dir / "deploy.auto.tfvars.json").read_text())


def test_deploy_writes_and_merges_the_release_file(fakes: dict, env_dir: Path) -> None:
    (fakes["tags"] / "recommend.tag").write_text("adserve-recommend:r1\n")
    (fakes["tags"] / "creative.tag").write_text("adserve-creative:c1\n")
    env = {**fakes["env"], "FAKE_FORBID": "terraform aws"}

    proc = run("deploy.sh", "dev", "--no-apply", "--model-alias", "creative-diffusion=production", env=env)
    assert proc.returncode == 0, proc.stderr
    assert _tfvars(env_dir) == {
        "image_tags": {"creative": "c1", "recommend": "r1"},
        "model_aliases": {"creative-diffusion": "production"},
    }

    proc = run(
        "deploy.sh", "dev", "--no-apply", "--image-tag", "text=t9", "--model-alias", "text-generator=v2", env=env
    )
    assert proc.returncode == 0, proc.stderr
    assert _tfvars(env_dir) == {
        "image_tags": {"creative": "c1", "recommend": "r1", "text": "t9"},
        "model_aliases": {"creative-diffusion": "production", "text-generator": "v2"},
    }
    # re-running with the same values changes nothing
    before = (env_dir / "deploy.auto.tfvars.json").read_text()
    assert run("deploy.sh", "dev", "--no-apply", "--image-tag", "text=t9", env=env).returncode == 0
    assert (env_dir / "deploy.auto.tfvars.json").read_text() == before
    assert calls(fakes) == []


def test_deploy_plan_only_does_not_apply(fakes: dict, env_dir: Path) -> None:
    (env_dir / "backend.hcl").write_text('bucket = "state"\n')
    proc = run("deploy.sh", "dev", "--plan-only", "--image-tag", "recommend=r2", env=fakes["env"])
    assert proc.returncode == 0, proc.stderr
    log = calls(fakes)
    assert log == [
        "python -m services.core.capabilities tfvars",
        f"terraform -chdir={env_dir} init -input=false -backend-config=backend.hcl",
        f"terraform -chdir={env_dir} plan -input=false -out=deploy.tfplan",
    ]
    assert _tfvars(env_dir)["image_tags"] == {"recommend": "r2"}
    # the paths of every capability are generated from the services before terraform reads them
    routes = json.loads((env_dir / "routes.auto.tfvars.json").read_text())
    assert routes == {"capability_paths": {"recommend": ["/recommend"]}}


def test_deploy_applies_the_saved_plan_and_restarts(fakes: dict, env_dir: Path) -> None:
    proc = run("deploy.sh", "dev", "--yes", "--image-tag", "recommend=r3", "--restart", "recommend", env=fakes["env"])
    assert proc.returncode == 0, proc.stderr
    log = calls(fakes)
    assert f"terraform -chdir={env_dir} apply -input=false deploy.tfplan" in log
    assert log.index(f"terraform -chdir={env_dir} plan -input=false -out=deploy.tfplan") < log.index(
        f"terraform -chdir={env_dir} apply -input=false deploy.tfplan"
    )
    assert "aws ecs update-service --cluster adserve-dev --service recommend --force-new-deployment" in " ".join(log)


def test_deploy_refuses_to_apply_unattended_without_yes(fakes: dict, env_dir: Path) -> None:
    proc = run("deploy.sh", "dev", "--image-tag", "recommend=r4", env=fakes["env"])
    assert proc.returncode != 0
    assert "--yes" in proc.stderr
    assert not any(" apply " in line for line in calls(fakes))


def test_deploy_rejects_unknown_services_and_environments(fakes: dict, env_dir: Path) -> None:
    assert run("deploy.sh", "dev", "--image-tag", "nope=1", "--no-apply", env=fakes["env"]).returncode != 0
    env = {k: v for k, v in fakes["env"].items() if k != "ADSERVE_INFRA_ENV_DIR"}
    proc = run("deploy.sh", "staging-does-not-exist", "--no-apply", env=env)
    assert proc.returncode != 0
    assert "no environment directory" in proc.stderr
