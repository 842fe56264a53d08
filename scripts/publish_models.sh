#!/usr/bin/env bash
# Publish local models to an environment's S3 model store with the project CLI:
#   ADSERVE_MODEL_STORE=s3://<bucket>/models .venv/bin/python -m scripts.cli publish <ref> --alias <alias>
# Usage: scripts/publish_models.sh [--env ENV] [--alias ALIAS] [--bucket NAME] [--region REGION]
#                                  [--dry-run] MODEL_REF...
#   MODEL_REF    local model, name:version or name:latest (e.g. recommend-lightfm:latest);
#                --all: the latest local version of every model of services/catalog.yaml
#   --env ENV    environment (default: dev); the bucket comes from
#                `terraform -chdir=infra/envs/ENV output -raw model_bucket`
#   --bucket B   bucket name; overrides terraform output (also $ADSERVE_MODEL_BUCKET)
#   --alias A    alias moved to each published version (default: production)
#   --region R   region of the bucket (default: $ADSERVE_S3_REGION, $AWS_REGION, $AWS_DEFAULT_REGION)
#   --dry-run    print the commands without running them
# Running services pick up a moved alias on their next deployment
# (scripts/deploy.sh ENV --restart SERVICE). Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

CATALOG_PY=${ADSERVE_CATALOG_PYTHON:-.venv/bin/python}  # reads services/catalog.yaml
ALL_MODELS=($("$CATALOG_PY" -m services.core.capabilities models))
PY=${ADSERVE_PYTHON:-.venv/bin/python}
TERRAFORM=${TERRAFORM:-terraform}
ENV_NAME=dev
ALIAS=production
BUCKET=${ADSERVE_MODEL_BUCKET:-}
REGION=${ADSERVE_S3_REGION:-${AWS_REGION:-${AWS_DEFAULT_REGION:-}}}
DRY_RUN=0

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; }
step() { printf '\n==> %s\n' "$*"; }
fail() { printf 'publish_models: %s\n' "$*" >&2; exit 1; }

refs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --env) ENV_NAME=${2:?--env needs a value}; shift ;;
    --alias) ALIAS=${2:?--alias needs a value}; shift ;;
    --bucket) BUCKET=${2:?--bucket needs a value}; shift ;;
    --region) REGION=${2:?--region needs a value}; shift ;;
    --all) for m in "${ALL_MODELS[@]}"; do refs+=("$m:latest"); done ;;
    --dry-run) DRY_RUN=1 ;;
    -h|--help) usage; exit 0 ;;
    -*) usage >&2; fail "unknown option $1" ;;
    *) refs+=("$1") ;;
  esac
  shift
done
[ ${#refs[@]} -gt 0 ] || { usage >&2; fail "give at least one model reference, or --all"; }

step "model store of environment '$ENV_NAME'"
if [ -z "$BUCKET" ]; then
  echo "+ $TERRAFORM -chdir=infra/envs/$ENV_NAME output -raw model_bucket"
  [ "$DRY_RUN" = 0 ] || fail "--dry-run needs --bucket or ADSERVE_MODEL_BUCKET (terraform is not run in a dry run)"
  BUCKET=$("$TERRAFORM" -chdir="infra/envs/$ENV_NAME" output -raw model_bucket)
fi
[ -n "$BUCKET" ] || fail "empty bucket name"
export ADSERVE_MODEL_STORE="s3://$BUCKET/models"
[ -z "$REGION" ] || export ADSERVE_S3_REGION="$REGION"
echo "ADSERVE_MODEL_STORE=$ADSERVE_MODEL_STORE${REGION:+ ADSERVE_S3_REGION=$REGION}"

if [ "$DRY_RUN" = 0 ]; then
  [ -x "$PY" ] || fail "$PY not found; run scripts/bootstrap.sh first"
fi

for ref in "${refs[@]}"; do
  step "publishing $ref (alias $ALIAS)"
  echo "+ $PY -m scripts.cli publish $ref --alias $ALIAS"
  [ "$DRY_RUN" = 1 ] || "$PY" -m scripts.cli publish "$ref" --alias "$ALIAS"
done

step "done; roll services onto the new versions with: scripts/deploy.sh $ENV_NAME --restart SERVICE"
