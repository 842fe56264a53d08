#!/usr/bin/env bash
# Build one bento per service with the project venv's BentoML:
#   bentoml build -f bentos/<service>.yaml
# Usage: scripts/build_bentos.sh [--dry-run] [SERVICE...]
#   SERVICE   a capability of services/catalog.yaml (default: every one)
#   --dry-run print the commands without running them
# The built tag (name:version) of each service is written to var/bentos/<service>.tag, where
# scripts/containerize_push.sh and scripts/deploy.sh pick it up. Safe to re-run: each run builds
# a new bento version and updates the tag file.
set -euo pipefail
cd "$(dirname "$0")/.."

CATALOG_PY=${ADSERVE_CATALOG_PYTHON:-.venv/bin/python}  # reads services/catalog.yaml
ALL_SERVICES=($("$CATALOG_PY" -m services.core.capabilities names))
BENTOML=${BENTOML:-.venv/bin/bentoml}
TAG_DIR=${ADSERVE_BENTO_TAG_DIR:-var/bentos}
DRY_RUN=0

usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; }
step() { printf '\n==> %s\n' "$*"; }
fail() { printf 'build_bentos: %s\n' "$*" >&2; exit 1; }

services=()
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) DRY_RUN=1 ;;
    -h|--help) usage; exit 0 ;;
    -*) usage >&2; fail "unknown option $1" ;;
    *) services+=("$1") ;;
  esac
  shift
done
[ ${#services[@]} -gt 0 ] || services=("${ALL_SERVICES[@]}")

for svc in "${services[@]}"; do
  case " ${ALL_SERVICES[*]} " in
    *" $svc "*) ;;
    *) fail "unknown service '$svc' (expected one of: ${ALL_SERVICES[*]})" ;;
  esac
  [ -f "bentos/$svc.yaml" ] || fail "bentos/$svc.yaml not found"
done

if [ "$DRY_RUN" = 0 ]; then
  [ -x "$BENTOML" ] || fail "$BENTOML not found; run scripts/bootstrap.sh first"
fi
mkdir -p "$TAG_DIR"
export BENTOML_DO_NOT_TRACK=True

for svc in "${services[@]}"; do
  step "building bento for $svc from bentos/$svc.yaml"
  echo "+ $BENTOML build -f bentos/$svc.yaml --output tag"
  if [ "$DRY_RUN" = 1 ]; then
    echo "  (dry run) would write the built tag to $TAG_DIR/$svc.tag"
    continue
  fi
  out=$("$BENTOML" build -f "bentos/$svc.yaml" --output tag)
  printf '%s\n' "$out"
  # `--output tag` prints __tag__:<name>:<version>; fall back to the human-readable line.
  tag=$(printf '%s\n' "$out" | sed -n 's/^__tag__:\(.*\)$/\1/p' | tail -n1)
  if [ -z "$tag" ]; then
    tag=$(printf '%s\n' "$out" | sed -n 's/.*Bento(tag="\([^"]*\)").*/\1/p' | tail -n1)
  fi
  [ -n "$tag" ] || fail "could not read the bento tag from the build output of $svc"
  printf '%s\n' "$tag" > "$TAG_DIR/$svc.tag"
  echo "built $tag -> $TAG_DIR/$svc.tag"
done

step "done: ${services[*]}"
