#!/usr/bin/env bash
# Upload the lake pipeline's Spark job to the lake bucket and start an EMR Serverless job run.
# Usage: scripts/submit_spark.sh [--env ENV] [--input S3_URI] [--mapping FILE] [--lake S3_URI] [--key-uri S3_URI]
#                                [--application-id ID] [--role-arn ARN] [--bucket NAME] [--wait] [--dry-run]
#   --env ENV            environment (default: dev); application, role, bucket and lake come from
#                        `terraform -chdir=infra/envs/ENV output -json data_lake` (stack enable_data_lake = true)
#   --input URI          interactions CSV/Parquet file or folder (default: s3://<bucket>/raw/online_retail_ii/)
#   --mapping FILE       mapping file of the export (docs/data.md; default: the online-retail-ii adapter's),
#                        uploaded as JSON next to the job
#   --lake URI           lake root (default: the lake_uri output, s3://<bucket>/lake)
#   --key-uri URI        object holding the pseudonymization key, readable only by the job role
#                        (default: s3://<bucket>/secrets/pii_hmac.key; put the same key as ADSERVE_PII_HMAC_KEY there)
#   --application-id, --role-arn, --bucket   override the terraform outputs
#   --wait               poll the run until it ends; exit non-zero unless it SUCCESS
#   --dry-run            print the commands without running them
# The job is services/data/spark/entry.py with the job package (services/data/spark, pyspark and the standard
# library only) as --py-files. Logs go to s3://<bucket>/logs/. Safe to re-run: each run rewrites the lake.
set -euo pipefail
cd "$(dirname "$0")/.."

TERRAFORM=${TERRAFORM:-terraform}
AWS=${AWS:-aws}
ENV_NAME=dev
INPUT="" MAPPING="" LAKE="" KEY_URI="" APP_ID="" ROLE_ARN="" BUCKET=""
WAIT=0 DRY_RUN=0

usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; }
step() { printf '\n==> %s\n' "$*"; }
fail() { printf 'submit_spark: %s\n' "$*" >&2; exit 1; }
run() { echo "+ $*"; [ "$DRY_RUN" = 1 ] || "$@"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --env) ENV_NAME=${2:?--env needs a value}; shift ;;
    --input) INPUT=${2:?--input needs a value}; shift ;;
    --mapping) MAPPING=${2:?--mapping needs a value}; shift ;;
    --lake) LAKE=${2:?--lake needs a value}; shift ;;
    --key-uri) KEY_URI=${2:?--key-uri needs a value}; shift ;;
    --application-id) APP_ID=${2:?--application-id needs a value}; shift ;;
    --role-arn) ROLE_ARN=${2:?--role-arn needs a value}; shift ;;
    --bucket) BUCKET=${2:?--bucket needs a value}; shift ;;
    --wait) WAIT=1 ;;
    --dry-run) DRY_RUN=1 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; fail "unknown argument $1" ;;
  esac
  shift
done

if [ -z "$APP_ID" ] || [ -z "$ROLE_ARN" ] || [ -z "$BUCKET" ]; then
  step "data lake of environment '$ENV_NAME' (terraform output)"
  [ "$DRY_RUN" = 0 ] || fail "--dry-run needs --application-id, --role-arn and --bucket (terraform is not run in a dry run)"
  outputs=$("$TERRAFORM" -chdir="infra/envs/$ENV_NAME" output -json data_lake)
  [ "$outputs" != "null" ] || fail "no data lake in '$ENV_NAME': set enable_data_lake = true and apply"
  field() { python3 -c 'import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$outputs" "$1"; }
  APP_ID=${APP_ID:-$(field application_id)}
  ROLE_ARN=${ROLE_ARN:-$(field job_role_arn)}
  BUCKET=${BUCKET:-$(field bucket)}
  LAKE=${LAKE:-$(field lake_uri)}
fi
INPUT=${INPUT:-s3://$BUCKET/raw/online_retail_ii/}
LAKE=${LAKE:-s3://$BUCKET/lake}
KEY_URI=${KEY_URI:-s3://$BUCKET/secrets/pii_hmac.key}
case "$LAKE" in "s3://$BUCKET/lake"|"s3://$BUCKET/lake/"*) ;; *) echo "note: the job role may write only under s3://$BUCKET/lake" >&2 ;; esac

step "packaging the job"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work/adserve_spark.zip" <<'PY'
import sys
import zipfile
from pathlib import Path

# The job modules only: pyspark and the standard library (EMR has neither pydantic nor the project's venv).
files = ["services/__init__.py", "services/data/__init__.py"] + [
    f"services/data/spark/{name}.py"
    for name in ("__init__", "contract", "pseudonym", "cleaning", "keywords", "features", "manifest", "job")
]
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as archive:
    for name in files:
        archive.write(Path(name), name)
print(f"{sys.argv[1]}: {len(files)} files")
PY
# The mapping file as JSON (validated by the project's own loader): the job reads it with the standard library.
"${PYTHON:-.venv/bin/python}" - "$MAPPING" "$work/mapping.json" <<'PY'
import json
import sys
from pathlib import Path

from services.data.spark.runner import lake_mapping

mapping = lake_mapping(Path(sys.argv[1]) if sys.argv[1] else None)
Path(sys.argv[2]).write_text(json.dumps(mapping.model_dump(mode="json")))
print(f"mapping {mapping.name}: {sys.argv[2]}")
PY
jobs="s3://$BUCKET/jobs/$stamp"

step "uploading to $jobs"
run "$AWS" s3 cp services/data/spark/entry.py "$jobs/entry.py"
run "$AWS" s3 cp "$work/adserve_spark.zip" "$jobs/adserve_spark.zip"
run "$AWS" s3 cp "$work/mapping.json" "$jobs/mapping.json"

step "starting the job run on application $APP_ID"
driver=$(python3 - "$jobs" "$INPUT" "$LAKE" "$KEY_URI" <<'PY'
import json
import sys

jobs, source, lake, key_uri = sys.argv[1:]
print(json.dumps({"sparkSubmit": {
    "entryPoint": f"{jobs}/entry.py",
    "entryPointArguments": [
        "--input", source, "--mapping", f"{jobs}/mapping.json", "--lake", lake, "--hmac-key-uri", key_uri,
    ],
    "sparkSubmitParameters": " ".join([
        f"--py-files {jobs}/adserve_spark.zip",
        "--conf spark.sql.session.timeZone=UTC",
        "--conf spark.sql.parquet.outputTimestampType=TIMESTAMP_MICROS",
        "--conf spark.hadoop.mapreduce.fileoutputcommitter.marksuccessfuljobs=false",
    ]),
}}))
PY
)
overrides="{\"monitoringConfiguration\": {\"s3MonitoringConfiguration\": {\"logUri\": \"s3://$BUCKET/logs/\"}}}"
if [ "$DRY_RUN" = 1 ]; then
  run "$AWS" emr-serverless start-job-run --application-id "$APP_ID" --execution-role-arn "$ROLE_ARN" \
    --name "adserve-lake-$stamp" --job-driver "$driver" --configuration-overrides "$overrides"
  exit 0
fi
echo "+ $AWS emr-serverless start-job-run --application-id $APP_ID --execution-role-arn $ROLE_ARN ..."
run_id=$("$AWS" emr-serverless start-job-run --application-id "$APP_ID" --execution-role-arn "$ROLE_ARN" \
  --name "adserve-lake-$stamp" --job-driver "$driver" --configuration-overrides "$overrides" \
  --query jobRunId --output text)
echo "job run $run_id; lake $LAKE (complete when $LAKE/_SUCCESS exists)"
[ "$WAIT" = 1 ] || exit 0

step "waiting for job run $run_id"
while :; do
  state=$("$AWS" emr-serverless get-job-run --application-id "$APP_ID" --job-run-id "$run_id" \
    --query jobRun.state --output text)
  echo "$(date -u +%H:%M:%S) $state"
  case "$state" in
    SUCCESS) exit 0 ;;
    FAILED|CANCELLED) fail "job run $run_id ended $state (logs: s3://$BUCKET/logs/)" ;;
  esac
  sleep 30
done
