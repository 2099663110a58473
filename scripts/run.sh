#!/usr/bin/env bash
# What `make run` (and `make demo`) does once the virtualenv exists: start the service on
# 127.0.0.1:8000 with the embedded SQLite in ./instance.
#
#   scripts/run.sh            # system packages, database, model, first admin, gunicorn
#   scripts/run.sh --demo     # the same, plus a demo unit with one user per role
#
# Steps (each one idempotent, so running it again just starts the service):
#   1. system packages needed at run time (LibreOffice and CJK fonts for PDF review sheets):
#      scripts/system-deps.sh, which installs only what is missing
#   2. `screening init`: create or migrate the database
#   3. `screening train --if-changed`: build the classifier when missing or when its corpus changed
#   4. `screening bootstrap [--demo]`: the first administrator with a random password printed once
#      (no default passwords); with --demo, the demo accounts and API key, printed once
#   5. `screening serve`: gunicorn on 127.0.0.1:${PORT:-8000} (HOST and PORT override)
#
# Configuration comes from the environment (DATABASE_URL, SCREENING_INSTANCE, REDIS_URL, ...;
# see screening/web/settings.py). With REDIS_URL set, also run `screening worker` for large documents.
set -euo pipefail

cd "$(dirname "$0")/.."
BIN=.venv/bin
DEMO=()
case "${1:-}" in
    --demo) DEMO=(--demo) ;;
    "") ;;
    *) echo "usage: $0 [--demo]" >&2; exit 2 ;;
esac

[ -x "$BIN/screening" ] || { echo "run.sh: $BIN/screening is missing: run \`make venv\` first" >&2; exit 1; }

if ! bash scripts/system-deps.sh --check 2>/dev/null; then
    bash scripts/system-deps.sh || echo "run.sh: 警告：系统软件包未能安装，PDF 审查单将不可用（docx 不受影响）" >&2
fi
"$BIN/screening" init
if [ ! -f models/classifier.joblib ]; then
    echo "正在训练分类模型（约1分钟）……" >&2
else
    echo "正在检查分类模型（语料有变化时重新训练，约1分钟）……" >&2
fi
"$BIN/screening" train --if-changed
ACCOUNTS=$("$BIN/screening" bootstrap "${DEMO[@]}")
URL="http://${HOST:-127.0.0.1}:${PORT:-8000}/"
# The last thing printed before the server starts: where to go and how to log in.
cat <<BLOCK

==================================================================
 保密审查服务：$URL
 （换端口或地址：PORT=8080 HOST=0.0.0.0 make run）
$ACCOUNTS
 以上密码只显示这一次，请立即记下；忘记时：.venv/bin/screening user password 用户名
==================================================================

BLOCK
exec "$BIN/screening" serve --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}"
