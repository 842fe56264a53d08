#!/usr/bin/env bash
# Benchmarks: python -m scripts.bench with the project's model store and environment.
#   scripts/bench.sh run --quick                 # smoke test with tiny models (< 2 minutes)
#   scripts/bench.sh run --publish               # full sweep on the default models -> docs/benchmarks/
#   scripts/bench.sh catalog                     # catalog scale only (exact vs HNSW)
set -euo pipefail
cd "$(dirname "$0")/.."
export BENTOML_HOME=${BENTOML_HOME:-$PWD/.bentoml} HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false BENTOML_DO_NOT_TRACK=True
exec .venv/bin/python -m scripts.bench "$@"
