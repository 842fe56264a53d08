#!/usr/bin/env bash
# The main job, in one command on a fresh machine: install, prepare the default models, serve.
#   ./scripts/start.sh            # all services in one process (campaign + its dependencies)
#   ./scripts/start.sh recommend  # one capability alone
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
printf '\n==> bentoml serve %s on http://0.0.0.0:%s\n' "$svc" "${PORT:-3000}"
exec .venv/bin/bentoml serve "$svc" --host 0.0.0.0 --port "${PORT:-3000}"
