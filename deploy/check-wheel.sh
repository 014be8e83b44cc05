#!/usr/bin/env bash
# The wheel deploys on its own: build it, install it WITHOUT dev extras into a clean venv
# (pinned by requirements/constraints.txt), then, from a folder outside the source tree,
# `flask db upgrade` a fresh SQLite database and start the app (GET /healthz, a Chinese page).
# Usage: deploy/check-wheel.sh [python]   (CI: `make wheel-check`)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${1:-python3}"
WORK="$(mktemp -d -t linli-wheel-XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

echo "--- wheel-check: building the wheel"
"$PYTHON" -m pip wheel --quiet --no-deps --wheel-dir "$WORK/dist" "$ROOT" 2>&1 \
  | grep -v -e '^WARNING: Location' || true
WHEEL="$(ls "$WORK"/dist/linli-*.whl)"
"$PYTHON" - "$WHEEL" <<'PY'
import sys
import zipfile

names = set(zipfile.ZipFile(sys.argv[1]).namelist())
wanted = ["app/migrations/env.py", "app/migrations/alembic.ini",
          "app/translations/zh/LC_MESSAGES/messages.mo"]
missing = [name for name in wanted if name not in names]
if not any(name.startswith("app/migrations/versions/") for name in names):
    missing.append("app/migrations/versions/*")
if missing:
    sys.exit(f"wheel-check: missing from the wheel: {', '.join(missing)}")
PY

echo "--- wheel-check: installing $(basename "$WHEEL") into a clean venv (no extras)"
"$PYTHON" -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install --quiet -c "$ROOT/requirements/constraints.txt" \
  "$WHEEL" 2>&1 | grep -v -e '^WARNING: Location' || true

echo "--- wheel-check: flask db upgrade and start, outside the source tree"
mkdir -p "$WORK/site"
cd "$WORK/site"
export LINLI_INSTANCE_PATH="$WORK/site/instance"
export DATABASE_URL="sqlite:///$WORK/site/linli.db"
export FLASK_APP="app:create_app"
unset HUEY_URL REDIS_URL PYTHONPATH
"$WORK/venv/bin/flask" db upgrade
"$WORK/venv/bin/python" - "$WORK/venv" <<'PY'
import sys
from pathlib import Path

import app
from app import create_app

venv = Path(sys.argv[1]).resolve()
assert Path(app.__file__).resolve().is_relative_to(venv), f"not the wheel: {app.__file__}"
application = create_app()
client = application.test_client()
health = client.get("/healthz")
assert health.status_code == 200, (health.status_code, health.get_data(as_text=True))
assert health.get_json()["checks"] == {"database": "ok", "queue": "ok"}, health.get_json()
page = client.get("/login")
assert page.status_code == 200, page.status_code
assert "登录" in page.get_data(as_text=True), "the Chinese catalog is not compiled into the wheel"
import app.tasks  # noqa: E402,F401  (what `huey_consumer app.tasks.huey` loads)
print(f"wheel-check: ok — {Path(app.__file__).parent} migrated, /healthz 200, zh catalog present")
PY
