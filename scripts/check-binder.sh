#!/usr/bin/env bash
# Run Binder's set-up steps in a fresh environment and check what a launch would open.
# As repo2docker does, a clean copy of the repository becomes the home folder; the
# packages of binder/environment.yml go into a fresh virtual environment (with pip, for
# what pip can install: python and nodejs pins are compared with the machine's, not
# installed); binder/postBuild runs there; then JupyterLab starts with no arguments of
# ours beyond port and token, and must redirect to the example notebook, serve it and
# cars.csv, and have both halves of the extension enabled; the example runs on a kernel.
# What this cannot show: that conda solves environment.yml from conda-forge, and what
# repo2docker and BinderHub themselves do.
# Usage: bash scripts/check-binder.sh [--keep]   (--keep leaves the temporary folder)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/common.sh
source "$ROOT/scripts/common.sh"

KEEP=0
for arg in "$@"; do
  case "$arg" in
    --keep) KEEP=1 ;;
    *) echo "check-binder: unknown argument: $arg (expected --keep)" >&2; exit 2 ;;
  esac
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/agent-team-binder.XXXXXX")"
SERVER_PID=""
start_time=$SECONDS

cleanup() {
  local status=$?
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "$KEEP" = 1 ]; then
    echo "check-binder: kept $WORK"
  else
    rm -rf "$WORK"
  fi
  if [ "$status" -ne 0 ]; then
    echo "check-binder: FAILED (exit $status) after $((SECONDS - start_time)) s" >&2
  fi
}
trap cleanup EXIT

say() { echo "check-binder: $*"; }
fail() {
  echo "check-binder: $*" >&2
  exit 1
}

# --- The repository as Binder's home folder ----------------------------------------------
printf '\n==== check-binder 1/4: clean copy as the home folder, fresh environment ====\n'
use_local_pip_mirror python3
for conf in "$HOME/.config/pip/pip.conf" "$HOME/.pip/pip.conf"; do
  if [ -z "${PIP_CONFIG_FILE:-}" ] && [ -f "$conf" ]; then export PIP_CONFIG_FILE="$conf"; fi
done
if [ -f "$HOME/.npmrc" ]; then export NPM_CONFIG_USERCONFIG="$HOME/.npmrc"; fi
npm_config_cache="$(npm config get cache)"
export npm_config_cache
export HOME="$WORK/home"
unset JUPYTER_CONFIG_DIR JUPYTER_DATA_DIR JUPYTER_RUNTIME_DIR JUPYTER_PATH VIRTUAL_ENV
clean_copy "$ROOT" "$HOME"
cd "$HOME"
[ -x binder/postBuild ] || fail "binder/postBuild is not executable; Binder would not run it"

# The conda packages of environment.yml as pip requirements: `name=1.2` is conda's
# "1.2.*"; python, nodejs and pip come from the machine.
mapfile -t specs < <(python3 - binder/environment.yml <<'PYCODE'
import re
import sys

items, list_indent, in_deps = [], None, False
for raw in open(sys.argv[1], encoding="utf-8"):
    line = raw.split("#", 1)[0].rstrip()
    if not line.strip():
        continue
    if not line.startswith(" "):
        in_deps = line.startswith("dependencies:")
        continue
    match = re.match(r"^( *)- *(.+)$", line)
    if not in_deps or not match:
        continue
    indent, item = len(match.group(1)), match.group(2).strip()
    if list_indent is None:
        list_indent = indent
    if item == "pip:":
        continue
    if indent > list_indent:
        items.append(("pip", item))
        continue
    name, rest = re.match(r"^([A-Za-z0-9_.-]+)\s*(.*)$", item).groups()
    pin = rest[1:] if re.match(r"^=[^=]", rest) else ""
    items.append(("conda", name, pin, "" if pin else name + rest))
for item in items:
    print("|".join(item))
PYCODE
)
[ "${#specs[@]}" -gt 0 ] || fail "no dependencies read from binder/environment.yml"
requirements=()
for spec in "${specs[@]}"; do
  IFS='|' read -r kind a b c <<<"$spec"
  if [ "$kind" = pip ]; then
    requirements+=("$a")
    continue
  fi
  case "$a" in
    python)
      found="$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
      say "environment.yml pins python=$b; this check uses Python $found"
      ;;
    nodejs)
      found="$(node --version | sed 's/^v//')"
      case "$found" in
        "$b" | "$b".*) say "environment.yml pins nodejs=$b; this machine has Node.js $found" ;;
        *) fail "environment.yml pins nodejs=$b but this machine has Node.js $found" ;;
      esac
      ;;
    pip) ;;
    *) if [ -n "$b" ]; then requirements+=("$a==$b.*"); else requirements+=("$c"); fi ;;
  esac
done
ENV_DIR="$WORK/env"
python3 -m venv "$ENV_DIR"
export PATH="$ENV_DIR/bin:$PATH"
say "pip install ${requirements[*]}"
pip_time=$SECONDS
python -m pip install -q "${requirements[@]}" 2>&1 |
  { grep -v "is ignored: it is neither a file nor a directory" || true; }
say "environment installed in $((SECONDS - pip_time)) s"

# --- postBuild ----------------------------------------------------------------------------
printf '\n==== check-binder 2/4: binder/postBuild ====\n'
post_time=$SECONDS
./binder/postBuild 2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; }
say "postBuild took $((SECONDS - post_time)) s"

# --- What a launch opens ------------------------------------------------------------------
printf '\n==== check-binder 3/4: JupyterLab as Binder starts it ====\n'
PORT="$(free_port)"
TOKEN="binder-check-$RANDOM$RANDOM"
LAB_ARGS=(--no-browser --port="$PORT" --IdentityProvider.token="$TOKEN")
if [ "$(id -u)" -eq 0 ]; then LAB_ARGS+=(--ServerApp.allow_root=True); fi
jupyter lab "${LAB_ARGS[@]}" >"$WORK/lab.log" 2>&1 &
SERVER_PID=$!
BASE="http://127.0.0.1:$PORT"
if ! wait_for_url "$BASE/api/status?token=$TOKEN" 60 "$SERVER_PID"; then
  tail -n 30 "$WORK/lab.log" >&2
  fail "JupyterLab did not answer on port $PORT"
fi
AUTH=(-H "Authorization: token $TOKEN")
location="$(curl -s -o /dev/null -w '%{redirect_url}' "${AUTH[@]}" "$BASE/")"
case "$location" in
  */lab/tree/example/cars_analysis.ipynb) say "GET / redirects to ${location#"$BASE"}" ;;
  *) fail "GET / redirects to '$location', not to the example notebook" ;;
esac
curl -sf "${AUTH[@]}" "$location" -o "$WORK/page.html" || fail "GET $location failed"
grep -q '"jupyterlab-agent-team"' "$WORK/page.html" ||
  fail "the page does not load jupyterlab-agent-team"
say "GET ${location#"$BASE"}: 200, the page loads jupyterlab-agent-team"
for path in example/cars_analysis.ipynb example/cars.csv; do
  code="$(curl -s -o /dev/null -w '%{http_code}' "${AUTH[@]}" "$BASE/api/contents/$path?content=0")"
  [ "$code" = 200 ] || fail "GET /api/contents/$path answered $code"
  say "GET /api/contents/$path: 200"
done
code="$(curl -s -o /dev/null -w '%{http_code}' "${AUTH[@]}" "$BASE/agent-team/endpoints")"
[ "$code" = 200 ] || fail "GET /agent-team/endpoints answered $code"
say "GET /agent-team/endpoints: 200"
grep -q "jupyterlab_agent_team | extension was successfully loaded" "$WORK/lab.log" ||
  fail "the server log does not show jupyterlab_agent_team loaded"
kill "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""

# --- The example on a kernel ---------------------------------------------------------------
printf '\n==== check-binder 4/4: the example notebook on a kernel of the environment ====\n'
jupyter nbconvert --to notebook --execute example/cars_analysis.ipynb \
  --output-dir "$WORK" --output executed.ipynb 2>&1 | tail -n 1
(cd example && python -c 'import matplotlib, pandas; print(len(pandas.read_csv("cars.csv")))') |
  sed 's/^/check-binder: cars.csv read with pandas from the example folder: /; s/$/ rows/'

say "all checks passed in $((SECONDS - start_time)) s"
