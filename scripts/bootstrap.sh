#!/usr/bin/env bash
# Set up a fresh machine for this project: system fonts, PostgreSQL and Chromium (tests), Java (Spark), the project venv
# (.venv) with pinned dependencies, idempotent (re-runs only what changed). Used by scripts/start.sh and scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
export LIGHTFM_NO_CFLAGS=1   # no -march=native in the LightFM build: the wheel runs on any x86-64

step() { printf '\n==> %s\n' "$*"; }

# Fonts for banner text in English and Chinese (Debian package; skipped when present or not root).
if ! fc-list 2>/dev/null | grep -qi "wqy\|noto sans cjk"; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    step "installing CJK fonts (fonts-wqy-zenhei)"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-zenhei >/dev/null
  else
    echo "warning: no CJK font found; Chinese banner text needs fonts-wqy-zenhei" >&2
  fi
fi

# PostgreSQL for the feedback-store tests (a real server on 127.0.0.1, temporary data directory):
# Debian's package when root and missing (CI runs on a clean machine); the tests run it as 'postgres'.
have_pg() { command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; }
if ! have_pg; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    step "installing PostgreSQL (postgresql)"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "warning: PostgreSQL not found; the feedback-store tests need it (apt-get install postgresql)" >&2
  fi
fi

# Chromium for the playground test (tests/mainjob/test_playground.py drives Debian's package headless through
# playwright): installed when root and missing, like PostgreSQL.
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    step "installing Chromium (chromium)"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "warning: /usr/bin/chromium not found; the playground test needs it (apt-get install chromium)" >&2
  fi
fi

# Java for the Spark pipeline (pyspark runs a local JVM; Spark tests are marked `spark`): Debian's default JRE
# when root and missing, like PostgreSQL and Chromium above.
if ! command -v java >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    step "installing Java (default-jre-headless)"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null
  else
    echo "warning: java not found; the Spark pipeline and its tests need it (apt-get install default-jre-headless)" >&2
  fi
fi

if [ ! -x .venv/bin/python ]; then
  step "creating .venv with $($PY --version)"
  "$PY" -m venv .venv
fi

stamp=.venv/.adserve-installed
want=$(cat pyproject.toml requirements.lock | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  step "installing pinned dependencies into .venv (first run: about 3 minutes)"
  .venv/bin/python -m pip install --progress-bar off -c requirements.lock -e '.[dev]'
  echo "$want" > "$stamp"
else
  step ".venv up to date"
fi
