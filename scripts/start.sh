#!/usr/bin/env bash
# The main job, in one command on a fresh machine: install, prepare the default models, serve.
#   ./scripts/start.sh            # every service: campaign + recommend, text, creative in one process
#                                 # on $PORT (3000), vision on $PORT+1 (3001)
#   ./scripts/start.sh recommend  # one capability alone on $PORT
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
scripts/prepare_models.sh
export BENTOML_HOME=${BENTOML_HOME:-$PWD/.bentoml} HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
target=${1:-all}
case "$target" in
  all) svc=$(.venv/bin/python -c "import yaml; print(yaml.safe_load(open('bentofile.yaml'))['service'])") ;;
  recommend) svc=services.recommend.service:RecommendService ;;
  vision) svc=services.vision.service:VisionService ;;
  text) svc=services.text.service:TextService ;;
  creative) svc=services.creative.service:CreativeService ;;
  campaign) svc=services.campaign.service:CampaignService ;;
  *) echo "unknown service $target" >&2; exit 2 ;;
esac
port=${PORT:-3000}
if [ "$target" = all ]; then
  printf '\n==> bentoml serve services.vision.service:VisionService on http://0.0.0.0:%s\n' "$((port + 1))"
  .venv/bin/bentoml serve services.vision.service:VisionService --host 0.0.0.0 --port "$((port + 1))" &
  vision_pid=$!
  trap 'kill "$vision_pid" 2>/dev/null' EXIT INT TERM
fi
printf '\n==> bentoml serve %s on http://0.0.0.0:%s\n' "$svc" "$port"
.venv/bin/bentoml serve "$svc" --host 0.0.0.0 --port "$port"
