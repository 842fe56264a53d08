#!/usr/bin/env bash
# The whole test suite, in one command on a fresh machine: install, then pytest.
# Extra arguments go to pytest (e.g. scripts/test.sh tests/recommend -x).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
export HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false BENTOML_DO_NOT_TRACK=True
start=$(date +%s)
set +e
.venv/bin/python -m pytest "$@"
rc=$?
set -e
echo "suite wall time: $(( $(date +%s) - start )) s"
exit $rc
