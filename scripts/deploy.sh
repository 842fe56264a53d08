#!/usr/bin/env bash
# Deploy a release to an environment: record image tags and model aliases in
# infra/envs/ENV/deploy.auto.tfvars.json, generate the paths of every capability from its service
# class into infra/envs/ENV/routes.auto.tfvars.json (git-ignored), then terraform init/plan/apply.
# Usage: scripts/deploy.sh ENV [--image-tag SERVICE=TAG]... [--model-alias MODEL=ALIAS]...
#                              [--plan-only | --no-apply] [--restart SERVICE]... [--yes]
#   ENV                      dev or prod (a directory under infra/envs)
#   --image-tag SVC=TAG      image tag (bento version) of a service; without any --image-tag the
#                            versions in var/bentos/<service>.tag (scripts/build_bentos.sh) are used
#   --model-alias M=ALIAS    alias or version a service loads, e.g. recommend-lightfm=production
#                            or recommend-lightfm=20240601-1 (pins a version)
#   --plan-only              write the file, run terraform init and plan, do not apply
#   --no-apply               only write the file (with --restart: restart without terraform)
#   --restart SVC            force a new deployment of SVC after apply, so its tasks pull the
#                            model an alias points to now (after moving an alias in S3)
#   --yes                    apply the plan without asking
# Values not given are kept from the previous deploy.auto.tfvars.json, so re-running is safe.
set -euo pipefail
cd "$(dirname "$0")/.."

CATALOG_PY=${ADSERVE_CATALOG_PYTHON:-.venv/bin/python}  # reads services/catalog.yaml
ROUTES_PY=${ADSERVE_ROUTES_PYTHON:-$CATALOG_PY}          # imports the service classes for their routes
ALL_SERVICES=($("$CATALOG_PY" -m services.core.capabilities names))
TERRAFORM=${TERRAFORM:-terraform}
TAG_DIR=${ADSERVE_BENTO_TAG_DIR:-var/bentos}

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; }
step() { printf '\n==> %s\n' "$*"; }
fail() { printf 'deploy: %s\n' "$*" >&2; exit 1; }
is_service() { case " ${ALL_SERVICES[*]} " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

[ $# -gt 0 ] || { usage >&2; exit 2; }
case "$1" in -h|--help) usage; exit 0 ;; esac
ENV_NAME=$1
shift
ENV_DIR=${ADSERVE_INFRA_ENV_DIR:-infra/envs/$ENV_NAME}
[ -d "$ENV_DIR" ] || fail "no environment directory $ENV_DIR"

image_tags=()
model_aliases=()
restarts=()
MODE=apply
ASSUME_YES=0
while [ $# -gt 0 ]; do
  case "$1" in
    --image-tag)
      kv=${2:?--image-tag needs SERVICE=TAG}
      [[ "$kv" == *=?* ]] || fail "--image-tag expects SERVICE=TAG, got '$kv'"
      is_service "${kv%%=*}" || fail "unknown service '${kv%%=*}'"
      image_tags+=("$kv"); shift ;;
    --model-alias)
      kv=${2:?--model-alias needs MODEL=ALIAS}
      [[ "$kv" == *=?* ]] || fail "--model-alias expects MODEL=ALIAS, got '$kv'"
      model_aliases+=("$kv"); shift ;;
    --restart)
      svc=${2:?--restart needs a service}
      is_service "$svc" || fail "unknown service '$svc'"
      restarts+=("$svc"); shift ;;
    --plan-only) MODE=plan ;;
    --no-apply) MODE=none ;;
    --yes) ASSUME_YES=1 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; fail "unknown argument $1" ;;
  esac
  shift
done

if [ ${#image_tags[@]} -eq 0 ]; then
  for svc in "${ALL_SERVICES[@]}"; do
    if [ -f "$TAG_DIR/$svc.tag" ]; then
      tag=$(tr -d '[:space:]' < "$TAG_DIR/$svc.tag")
      image_tags+=("$svc=${tag##*:}")
    fi
  done
fi

TFVARS="$ENV_DIR/deploy.auto.tfvars.json"
step "recording the release in $TFVARS"
python3 - "$TFVARS" "${#image_tags[@]}" "${image_tags[@]}" "${model_aliases[@]}" <<'PY'
import json
import pathlib
import sys

path = pathlib.Path(sys.argv[1])
n_tags = int(sys.argv[2])
pairs = sys.argv[3:]
tags, aliases = pairs[:n_tags], pairs[n_tags:]
data = json.loads(path.read_text()) if path.exists() else {}
data.setdefault("image_tags", {})
data.setdefault("model_aliases", {})
for kind, items in (("image_tags", tags), ("model_aliases", aliases)):
    for item in items:
        key, value = item.split("=", 1)
        old = data[kind].get(key)
        data[kind][key] = value
        print(f"  {kind}.{key} = {value}" + (f" (was {old})" if old and old != value else ""))
data["image_tags"] = dict(sorted(data["image_tags"].items()))
data["model_aliases"] = dict(sorted(data["model_aliases"].items()))
path.write_text(json.dumps(data, indent=2) + "\n")
if not tags and not aliases:
    print("  no changes; keeping", json.dumps(data))
PY

if [ "$MODE" != none ]; then
  ROUTES="$ENV_DIR/routes.auto.tfvars.json"
  step "generating the capability paths in $ROUTES"
  echo "+ $ROUTES_PY -m services.core.capabilities tfvars > $ROUTES"
  "$ROUTES_PY" -m services.core.capabilities tfvars > "$ROUTES.tmp"
  mv "$ROUTES.tmp" "$ROUTES"

  step "terraform init ($ENV_DIR)"
  init_args=(-input=false)
  [ -f "$ENV_DIR/backend.hcl" ] && init_args+=("-backend-config=backend.hcl")
  echo "+ $TERRAFORM -chdir=$ENV_DIR init ${init_args[*]}"
  "$TERRAFORM" -chdir="$ENV_DIR" init "${init_args[@]}"

  step "terraform plan"
  echo "+ $TERRAFORM -chdir=$ENV_DIR plan -input=false -out=deploy.tfplan"
  "$TERRAFORM" -chdir="$ENV_DIR" plan -input=false -out=deploy.tfplan

  if [ "$MODE" = plan ]; then
    step "plan only: nothing applied (plan saved in $ENV_DIR/deploy.tfplan)"
    exit 0
  fi

  if [ "$ASSUME_YES" = 0 ]; then
    if [ -t 0 ]; then
      read -r -p "Apply this plan to '$ENV_NAME'? [y/N] " answer
      [[ "$answer" =~ ^[Yy]$ ]] || fail "not applied"
    else
      fail "not a terminal: pass --yes to apply without confirmation"
    fi
  fi

  step "terraform apply"
  echo "+ $TERRAFORM -chdir=$ENV_DIR apply -input=false deploy.tfplan"
  "$TERRAFORM" -chdir="$ENV_DIR" apply -input=false deploy.tfplan
  rm -f "$ENV_DIR/deploy.tfplan"
fi

if [ ${#restarts[@]} -gt 0 ]; then
  step "forcing new deployments: ${restarts[*]}"
  cluster=$("$TERRAFORM" -chdir="$ENV_DIR" output -raw cluster_name)
  for svc in "${restarts[@]}"; do
    echo "+ aws ecs update-service --cluster $cluster --service $svc --force-new-deployment"
    aws ecs update-service --cluster "$cluster" --service "$svc" --force-new-deployment \
      --query 'service.deployments[0].[id,rolloutState]' --output text
  done
  echo "follow with: aws ecs wait services-stable --cluster $cluster --services ${restarts[*]}"
fi

step "done"
if [ "$MODE" = apply ]; then
  "$TERRAFORM" -chdir="$ENV_DIR" output endpoint_urls || true
fi
