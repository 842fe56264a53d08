#!/usr/bin/env bash
# The main job, in one command on a fresh machine: install, prepare the default models, serve.
#   ./scripts/start.sh            # every capability, each on its own port, the campaign composing
#                                 # the others over HTTP
#   ./scripts/start.sh recommend  # one capability alone on $PORT (default: its catalog port)
# Capabilities, services and ports come from the capability catalog (services/catalog.yaml:
# campaign 3000, recommend 3001, text 3002, creative 3003, vision 3004); $PORT moves the base and
# the others follow. ADSERVE_SKIP_SETUP=1 skips install and model preparation (models already in
# $BENTOML_HOME).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${ADSERVE_SKIP_SETUP:-0}" != 1 ]; then
  scripts/bootstrap.sh
  scripts/prepare_models.sh
fi
export BENTOML_HOME=${BENTOML_HOME:-$PWD/.bentoml} HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
# capabilities, target[cap] (module:Class), port[cap], depends_on[cap], models
eval "$(.venv/bin/python -m services.core.capabilities shell ${PORT:+--base "$PORT"})"
host=${ADSERVE_HOST:-0.0.0.0}

serve() {  # serve <capability> <port>
  printf '==> %s on http://%s:%s\n' "$1" "$host" "$2"
  exec .venv/bin/bentoml serve "${target[$1]}" --host "$host" --port "$2"
}

what=${1:-all}
if [ "$what" != all ]; then
  [ -n "${target[$what]:-}" ] || { echo "unknown capability $what (one of: ${capabilities[*]})" >&2; exit 2; }
  serve "$what" "${PORT:-${port[$what]}}"
fi

# Every capability in its own process; a capability reaches the ones it depends on at their URLs
# (ADSERVE_<CAPABILITY>_<DEPENDENCY>_URL), and the campaign's playground (/ui) reaches every one.
for cap in "${capabilities[@]}"; do
  for dep in ${depends_on[$cap]}; do
    export "ADSERVE_${cap^^}_${dep^^}_URL=http://127.0.0.1:${port[$dep]}"
  done
  export "ADSERVE_UI_${cap^^}_URL=http://127.0.0.1:${port[$cap]}"
done
# Dependencies start first, so that a capability finds what it calls.
order=()
for cap in "${capabilities[@]}"; do [ -n "${depends_on[$cap]}" ] || order+=("$cap"); done
for cap in "${capabilities[@]}"; do [ -z "${depends_on[$cap]}" ] || order+=("$cap"); done
pids=()
stop() { trap - EXIT INT TERM; kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT INT TERM
for cap in "${order[@]}"; do
  (serve "$cap" "${port[$cap]}") &
  pids+=($!)
done
printf '\n==> waiting for readiness\n'
for cap in "${order[@]}"; do
  until curl -fs "http://127.0.0.1:${port[$cap]}/readyz" >/dev/null 2>&1; do
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { echo "a service exited during start-up" >&2; exit 1; }; done
    sleep 1
  done
  printf '    %-9s ready at http://localhost:%s\n' "$cap" "${port[$cap]}"
done
printf '==> playground: http://localhost:%s/ui\n' "${port[campaign]}"
printf '==> all capabilities ready (Ctrl-C stops them)\n'
wait -n "${pids[@]}"
