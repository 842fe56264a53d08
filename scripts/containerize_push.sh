#!/usr/bin/env bash
# Turn built bentos into container images and push them to the environment's ECR repositories.
# Usage: scripts/containerize_push.sh [--env ENV] [--registry HOST] [--region REGION]
#                                     [--dry-run] [SERVICE...]
#   SERVICE        a capability of services/catalog.yaml (default: every capability with a
#                  built tag in var/bentos/<service>.tag, see scripts/build_bentos.sh)
#   --env ENV      environment whose ECR repositories receive the images (default: dev)
#   --registry H   ECR registry host (<account>.dkr.ecr.<region>.amazonaws.com); default: read from
#                  `terraform output ecr_repository_urls` of infra/envs/ENV, or $ADSERVE_ECR_REGISTRY
#   --region R     AWS region for the ECR login (default: taken from the registry host)
#   --dry-run      print every command (aws, bentoml, docker) without running any of them
# Needs a Docker engine, the AWS CLI and credentials allowed to push to the repositories.
# The image tag is the bento version. Tags are immutable in ECR, so images already present are
# skipped: safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

CATALOG_PY=${ADSERVE_CATALOG_PYTHON:-.venv/bin/python}  # reads services/catalog.yaml
ALL_SERVICES=($("$CATALOG_PY" -m services.core.capabilities names))
PROJECT=${ADSERVE_PROJECT:-adserve}
BENTOML=${BENTOML:-.venv/bin/bentoml}
TERRAFORM=${TERRAFORM:-terraform}
TAG_DIR=${ADSERVE_BENTO_TAG_DIR:-var/bentos}
ENV_NAME=dev
REGISTRY=${ADSERVE_ECR_REGISTRY:-}
REGION=${AWS_REGION:-${AWS_DEFAULT_REGION:-}}
DRY_RUN=0

usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; }
step() { printf '\n==> %s\n' "$*"; }
fail() { printf 'containerize_push: %s\n' "$*" >&2; exit 1; }
# Print a command, then run it unless this is a dry run.
run() {
  echo "+ $*"
  [ "$DRY_RUN" = 1 ] || "$@"
}

services=()
while [ $# -gt 0 ]; do
  case "$1" in
    --env) ENV_NAME=${2:?--env needs a value}; shift ;;
    --registry) REGISTRY=${2:?--registry needs a value}; shift ;;
    --region) REGION=${2:?--region needs a value}; shift ;;
    --dry-run) DRY_RUN=1 ;;
    -h|--help) usage; exit 0 ;;
    -*) usage >&2; fail "unknown option $1" ;;
    *) services+=("$1") ;;
  esac
  shift
done

if [ ${#services[@]} -eq 0 ]; then
  for svc in "${ALL_SERVICES[@]}"; do
    [ -f "$TAG_DIR/$svc.tag" ] && services+=("$svc")
  done
  [ ${#services[@]} -gt 0 ] || fail "no built bentos in $TAG_DIR; run scripts/build_bentos.sh first"
fi
for svc in "${services[@]}"; do
  case " ${ALL_SERVICES[*]} " in
    *" $svc "*) ;;
    *) fail "unknown service '$svc' (expected one of: ${ALL_SERVICES[*]})" ;;
  esac
done

step "resolving the ECR repositories of environment '$ENV_NAME'"
repo_url() {
  # repository URL of service $1
  if [ -n "$REGISTRY" ]; then
    echo "$REGISTRY/$PROJECT-$ENV_NAME/$1"
  else
    "$TERRAFORM" -chdir="infra/envs/$ENV_NAME" output -json ecr_repository_urls |
      python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
  fi
}
if [ -z "$REGISTRY" ]; then
  echo "+ $TERRAFORM -chdir=infra/envs/$ENV_NAME output -json ecr_repository_urls"
  [ "$DRY_RUN" = 0 ] || fail "--dry-run needs --registry or ADSERVE_ECR_REGISTRY (terraform is not run in a dry run)"
  first=$(repo_url "${services[0]}")
  REGISTRY_HOST=${first%%/*}
else
  REGISTRY_HOST=$REGISTRY
fi
if [ -z "$REGION" ]; then
  # <account>.dkr.ecr.<region>.amazonaws.com
  REGION=$(echo "$REGISTRY_HOST" | sed -n 's/^[0-9]*\.dkr\.ecr\.\([a-z0-9-]*\)\.amazonaws\.com.*$/\1/p')
  [ -n "$REGION" ] || fail "cannot tell the region from '$REGISTRY_HOST'; pass --region"
fi
echo "registry $REGISTRY_HOST, region $REGION"

step "logging in to $REGISTRY_HOST"
echo "+ aws ecr get-login-password --region $REGION | docker login --username AWS --password-stdin $REGISTRY_HOST"
if [ "$DRY_RUN" = 0 ]; then
  aws ecr get-login-password --region "$REGION" | docker login --username AWS --password-stdin "$REGISTRY_HOST"
fi

for svc in "${services[@]}"; do
  if [ -f "$TAG_DIR/$svc.tag" ]; then
    bento_tag=$(tr -d '[:space:]' < "$TAG_DIR/$svc.tag")
  else
    fail "no built bento for $svc ($TAG_DIR/$svc.tag missing); run scripts/build_bentos.sh $svc"
  fi
  version=${bento_tag##*:}
  if [ -z "$version" ] || [ "$version" = "$bento_tag" ]; then
    fail "bad bento tag '$bento_tag' for $svc"
  fi
  repo=$(repo_url "$svc")
  image="$repo:$version"
  repo_name=${repo#*/}

  step "$svc: $bento_tag -> $image"
  echo "+ aws ecr describe-images --region $REGION --repository-name $repo_name --image-ids imageTag=$version"
  if [ "$DRY_RUN" = 0 ] &&
    aws ecr describe-images --region "$REGION" --repository-name "$repo_name" \
      --image-ids "imageTag=$version" >/dev/null 2>&1; then
    echo "$image is already in ECR (tags are immutable); skipping"
    continue
  fi
  run "$BENTOML" containerize "$bento_tag" --image-tag "$image" --platform linux/amd64
  run docker push "$image"
  if [ "$DRY_RUN" = 1 ]; then echo "(dry run) nothing built or pushed"; else echo "pushed $image"; fi
done

step "done: ${services[*]}"
