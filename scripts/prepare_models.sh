#!/usr/bin/env bash
# Train the default models from ../shared/data when they are missing from the local model store
# (or pull them when ADSERVE_MODEL_STORE=s3://… is set). Idempotent; shows progress.
# The shipped data sets go through their adapters first (services/data/adapters/, `data prepare`):
# every default model trains from an ingested data set in var/data/<name>. Then every capability of
# the catalog (services/catalog.yaml), or those in $ADSERVE_CAPABILITIES.
set -euo pipefail
cd "$(dirname "$0")/.."
export BENTOML_HOME=${BENTOML_HOME:-$PWD/.bentoml} HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
for dataset in ${ADSERVE_DATASETS:-online-retail-ii myntra-fashion-product-styles womens-ecommerce-clothing-reviews}; do
  printf '\n==> ingesting %s\n' "$dataset"
  .venv/bin/python -m scripts.cli data prepare "$dataset"
done
for cap in ${ADSERVE_CAPABILITIES:-$(.venv/bin/python -m services.core.capabilities names)}; do
  printf '\n==> preparing %s model(s)\n' "$cap"
  .venv/bin/python -m scripts.cli "$cap" prepare
done
