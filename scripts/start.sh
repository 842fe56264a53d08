#!/usr/bin/env bash
# The main job, in one command on a fresh machine: install, prepare the default models, serve.
#   ./scripts/start.sh            # every capability, each on its own port (below), the campaign
#                                 # composing the others over HTTP
#   ./scripts/start.sh recommend  # one capability alone on $PORT (default: its port below)
# Ports (base $PORT, default 3000): campaign +0, recommend +1, text +2, creative +3, vision +4.
# ADSERVE_SKIP_SETUP=1 skips install and model preparation (models already in $BENTOML_HOME).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${ADSERVE_SKIP_SETUP:-0}" != 1 ]; then
  scripts/bootstrap.sh
  scripts/prepare_models.sh
fi
export BENTOML_HOME=${BENTOML_HOME:-$PWD/.bentoml} HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
base=${PORT:-3000}
capabilities=(campaign recommend text creative vision)
declare -A class=(
  [campaign]=CampaignService [recommend]=RecommendService [text]=TextService
  [creative]=CreativeService [vision]=VisionService
)
declare -A port
for i in "${!capabilities[@]}"; do port[${capabilities[$i]}]=$((base + i)); done
host=${ADSERVE_HOST:-0.0.0.0}

serve() {  # serve <capability> <port>
  printf '==> %s on http://%s:%s\n' "$1" "$host" "$2"
  exec .venv/bin/bentoml serve "services.$1.service:${class[$1]}" --host "$host" --port "$2"
}

target=${1:-all}
if [ "$target" != all ]; then
  [ -n "${class[$target]:-}" ] || { echo "unknown capability $target (one of: ${capabilities[*]})" >&2; exit 2; }
  serve "$target" "${PORT:-${port[$target]}}"
fi

# Every capability in its own process; the campaign reaches the others at their URLs.
export ADSERVE_CAMPAIGN_RECOMMEND_URL=http://127.0.0.1:${port[recommend]}
export ADSERVE_CAMPAIGN_TEXT_URL=http://127.0.0.1:${port[text]}
export ADSERVE_CAMPAIGN_CREATIVE_URL=http://127.0.0.1:${port[creative]}
export ADSERVE_CAMPAIGN_VISION_URL=http://127.0.0.1:${port[vision]}
pids=()
stop() { trap - EXIT INT TERM; kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT INT TERM
for cap in recommend text creative vision campaign; do
  (serve "$cap" "${port[$cap]}") &
  pids+=($!)
done
printf '\n==> waiting for readiness\n'
for cap in recommend text creative vision campaign; do
  until curl -fs "http://127.0.0.1:${port[$cap]}/readyz" >/dev/null 2>&1; do
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { echo "a service exited during start-up" >&2; exit 1; }; done
    sleep 1
  done
  printf '    %-9s ready at http://localhost:%s\n' "$cap" "${port[$cap]}"
done
printf '==> all capabilities ready (Ctrl-C stops them)\n'
wait -n "${pids[@]}"
