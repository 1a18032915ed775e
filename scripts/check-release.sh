#!/usr/bin/env bash
# Check a release as a newcomer would meet it: in a clean copy of the working tree, run
# the README's "Installing from a wheel" commands as written (build the sdist and the
# wheel, install the wheel into a fresh virtual environment); check what the sdist and
# the wheel hold; start a Jupyter server from that environment and check that the lab
# extension and the server extension are enabled and the /agent-team/ route answers;
# then run the smoke UI test (ui-tests/tests/smoke.spec.ts) against a JupyterLab from
# that environment. Needs Python 3.10+, Node.js 20+ with npm, git and curl.
# Usage: bash scripts/check-release.sh [--keep]   (--keep leaves the temporary folder)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/common.sh
source "$ROOT/scripts/common.sh"

KEEP=0
for arg in "$@"; do
  case "$arg" in
    --keep) KEEP=1 ;;
    *) echo "check-release: unknown argument: $arg (expected --keep)" >&2; exit 2 ;;
  esac
done

VERSION="$(python3 -c 'import json; print(json.load(open("package.json"))["version"])')"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/agent-team-release.XXXXXX")"
SRC="$WORK/src"
SERVER_PID=""
start_time=$SECONDS
step_time=$SECONDS

cleanup() {
  local status=$?
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "$KEEP" = 1 ]; then
    echo "check-release: kept $WORK"
  else
    rm -rf "$WORK"
  fi
  if [ "$status" -ne 0 ]; then
    echo "check-release: FAILED (exit $status) after $((SECONDS - start_time)) s" >&2
  fi
}
trap cleanup EXIT

STEP=0
STEPS=6
step() {
  if [ "$STEP" -gt 0 ]; then
    echo "check-release: step $STEP took $((SECONDS - step_time)) s"
  fi
  STEP=$((STEP + 1))
  step_time=$SECONDS
  printf '\n==== check-release %s/%s: %s ====\n' "$STEP" "$STEPS" "$*"
}
fail() {
  echo "check-release: $*" >&2
  exit 1
}

# --- 1. A clean copy and a fresh home ------------------------------------------------
step "clean copy of the working tree, fresh home folder"
# The machine's package settings are kept; pip's user config and the local mirror
# (see common.sh) are found before HOME moves.
use_local_pip_mirror python3
for conf in "$HOME/.config/pip/pip.conf" "$HOME/.pip/pip.conf"; do
  if [ -z "${PIP_CONFIG_FILE:-}" ] && [ -f "$conf" ]; then export PIP_CONFIG_FILE="$conf"; fi
done
if [ -f "$HOME/.npmrc" ]; then export NPM_CONFIG_USERCONFIG="$HOME/.npmrc"; fi
npm_config_cache="$(npm config get cache)"
export npm_config_cache
# Jupyter's user folders (config, data, runtime) start empty, as on a new machine.
export HOME="$WORK/home"
mkdir -p "$HOME"
unset JUPYTER_CONFIG_DIR JUPYTER_DATA_DIR JUPYTER_RUNTIME_DIR JUPYTER_PATH VIRTUAL_ENV
clean_copy "$ROOT" "$SRC"
echo "check-release: version $VERSION, $(find "$SRC" -type f | wc -l) files copied to $SRC"
[ "$LOCAL_PIP_MIRROR" = 0 ] || echo "check-release: pip uses the locally configured mirror(s)"

# --- 2. The README's install section, as written --------------------------------------
step "README 'Installing from a wheel', run as written"
README_SCRIPT="$WORK/readme-install.sh"
python3 - "$SRC/README.md" >"$README_SCRIPT" <<'PYCODE'
import re
import sys

text = open(sys.argv[1], encoding="utf-8").read()
section = re.search(r"^## Installing from a wheel\n(.*?)(?=^## )", text, re.M | re.S)
if not section:
    sys.exit("README.md has no '## Installing from a wheel' section")
blocks = re.findall(r"^```bash\n(.*?)^```", section.group(1), re.M | re.S)
if not blocks:
    sys.exit("the README's install section has no bash block")
print("set -e")
print("\n".join(blocks))
PYCODE
echo "check-release: running these commands in $SRC:"
sed -n '2,$p' "$README_SCRIPT" | sed 's/^/    /'
# Where the commands left their virtual environment; expanded when they run.
# shellcheck disable=SC2016
printf 'printf "%%s\\n" "${VIRTUAL_ENV:-}" >"%s"\n' "$WORK/venv-path" >>"$README_SCRIPT"
readme_time=$SECONDS
# A mirror that lacks a package makes pip warn once per package; only that noise is dropped.
(cd "$SRC" && bash "$README_SCRIPT") 2>&1 |
  { grep -v "is ignored: it is neither a file nor a directory" || true; }
echo "check-release: README install commands took $((SECONDS - readme_time)) s"
VENV="$(cat "$WORK/venv-path")"
if [ -z "$VENV" ] || [ ! -x "$VENV/bin/python" ]; then
  fail "the README's install commands did not leave a virtual environment activated"
fi
echo "check-release: fresh environment: $VENV"

# --- 3. What the sdist and the wheel hold ----------------------------------------------
step "sdist and wheel contents"
shopt -s nullglob
sdists=("$SRC"/dist/*.tar.gz)
wheels=("$SRC"/dist/*.whl)
shopt -u nullglob
[ "${#sdists[@]}" -eq 1 ] || fail "expected one sdist in dist/, found ${#sdists[@]}"
[ "${#wheels[@]}" -eq 1 ] || fail "expected one wheel in dist/, found ${#wheels[@]}"
[ "$(basename "${wheels[0]}")" = "jupyterlab_agent_team-$VERSION-py3-none-any.whl" ] ||
  fail "wheel $(basename "${wheels[0]}") does not carry version $VERSION"
python3 - "${sdists[0]}" "${wheels[0]}" "$VERSION" <<'PYCODE'
import email.parser
import os
import sys
import tarfile
import zipfile

sdist_path, wheel_path, version = sys.argv[1:]
problems = []
labext = f"jupyterlab_agent_team-{version}.data/data/share/jupyter/labextensions/jupyterlab-agent-team/"

with tarfile.open(sdist_path) as sdist:
    sdist_files = [m.name.split("/", 1)[1] for m in sdist.getmembers() if m.isfile()]
for needed in ("jupyterlab_agent_team/labextension/package.json",
               "jupyterlab_agent_team/labextension/static/style.js", "hatch_build.py"):
    if needed not in sdist_files:
        problems.append(f"sdist lacks {needed}")
if any(f.startswith("node_modules/") for f in sdist_files):
    problems.append("sdist holds node_modules")

with zipfile.ZipFile(wheel_path) as wheel:
    files = wheel.namelist()
    meta = email.parser.Parser().parsestr(
        wheel.read(f"jupyterlab_agent_team-{version}.dist-info/METADATA").decode())
labext_files = [f for f in files if f.startswith(labext)]
for needed in ("package.json", "install.json", "static/style.js"):
    if labext + needed not in files:
        problems.append(f"wheel lacks {labext}{needed}")
if [f for f in files if f.startswith("jupyterlab_agent_team/labextension/")]:
    problems.append("wheel holds the labextension inside the package too")
if [f for f in files if "/tests/" in f or f.startswith("tests/")]:
    problems.append("wheel holds tests")
if meta["Version"] != version:
    problems.append(f"wheel metadata version {meta['Version']} is not {version}")
requires = meta.get_all("Requires-Dist") or []
for name in ("jupyterlab", "jupyter-server"):
    if not any(r.split("<")[0].split(">")[0].split("=")[0].strip() == name for r in requires):
        problems.append(f"wheel does not depend on {name}")

def size(path):
    return f"{os.path.getsize(path) / 1024:.0f} KiB"

print(f"check-release: sdist {os.path.basename(sdist_path)}: {size(sdist_path)}, "
      f"{len(sdist_files)} files")
print(f"check-release: wheel {os.path.basename(wheel_path)}: {size(wheel_path)}, "
      f"{len(files)} files ({len(labext_files)} of the labextension, once, in "
      "share/jupyter/labextensions/jupyterlab-agent-team; no tests)")
print("check-release: wheel requires: " + "; ".join(r for r in requires if "extra ==" not in r))
if problems:
    print("check-release: " + "\ncheck-release: ".join(problems), file=sys.stderr)
    sys.exit(1)
PYCODE

# --- 4. The extensions in the fresh environment ---------------------------------------
step "extensions enabled in the fresh environment"
export PATH="$VENV/bin:$PATH"
[ "$(command -v jupyter)" = "$VENV/bin/jupyter" ] ||
  fail "jupyter is not the fresh environment's ($(command -v jupyter || echo none))"
echo "check-release: $(jupyter lab --version | sed 's/^/JupyterLab /'), $(python --version)"
labext="$(jupyter labextension list 2>&1 | strip_colours | grep jupyterlab-agent-team || true)"
serverext="$(jupyter server extension list 2>&1 | strip_colours | grep jupyterlab_agent_team || true)"
echo "$labext" | sed 's/^ */check-release: labextension: /'
echo "$serverext" | sed 's/^ */check-release: server extension: /'
echo "$labext" | grep -q "jupyterlab-agent-team v$VERSION enabled.*OK" ||
  fail "labextension jupyterlab-agent-team v$VERSION is not listed as enabled and OK"
echo "$serverext" | grep -q "jupyterlab_agent_team enabled" ||
  fail "server extension jupyterlab_agent_team is not listed as enabled"
echo "$serverext" | grep -q "jupyterlab_agent_team $VERSION OK" ||
  fail "server extension jupyterlab_agent_team $VERSION does not validate"
# -I: the installed package, not the source folder the commands ran in.
module_version="$(python -I -c 'import jupyterlab_agent_team as m; print(m.__version__)')"
[ "$module_version" = "$VERSION" ] ||
  fail "jupyterlab_agent_team.__version__ is $module_version, not $VERSION"

# --- 5. A Jupyter server from the fresh environment ------------------------------------
step "Jupyter server from the fresh environment: /agent-team/ route and lab page"
PORT="$(free_port)"
TOKEN="release-check-$RANDOM$RANDOM"
SERVER_ARGS=(--no-browser --port="$PORT" --IdentityProvider.token="$TOKEN"
  --ServerApp.root_dir="$SRC/example")
if [ "$(id -u)" -eq 0 ]; then SERVER_ARGS+=(--ServerApp.allow_root=True); fi
jupyter server "${SERVER_ARGS[@]}" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
BASE="http://127.0.0.1:$PORT"
if ! wait_for_url "$BASE/api/status?token=$TOKEN" 60 "$SERVER_PID"; then
  tail -n 30 "$WORK/server.log" >&2
  fail "the Jupyter server did not answer on port $PORT"
fi
code="$(curl -s -o "$WORK/endpoints.json" -w '%{http_code}' \
  -H "Authorization: token $TOKEN" "$BASE/agent-team/endpoints")"
[ "$code" = 200 ] || fail "GET /agent-team/endpoints answered $code"
python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$WORK/endpoints.json" ||
  fail "GET /agent-team/endpoints did not answer JSON"
echo "check-release: GET /agent-team/endpoints with the token: 200, $(head -c 120 "$WORK/endpoints.json")…"
code="$(curl -s -o /dev/null -w '%{http_code}' "$BASE/agent-team/endpoints")"
[ "$code" = 403 ] || fail "GET /agent-team/endpoints without the token answered $code, not 403"
echo "check-release: GET /agent-team/endpoints without the token: 403"
curl -sf -H "Authorization: token $TOKEN" "$BASE/lab" -o "$WORK/lab.html" ||
  fail "GET /lab failed"
grep -q '"jupyterlab-agent-team"' "$WORK/lab.html" ||
  fail "the /lab page does not list jupyterlab-agent-team among its extensions"
echo "check-release: GET /lab: 200, the page loads jupyterlab-agent-team"
grep -q "jupyterlab_agent_team | extension was successfully loaded" "$WORK/server.log" ||
  fail "the server log does not show jupyterlab_agent_team loaded"
kill "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""

# --- 6. The smoke UI test against JupyterLab from the fresh environment -----------------
step "smoke UI test (ui-tests/tests/smoke.spec.ts) against the fresh environment"
bash "$ROOT/scripts/install-chromium.sh"
cd "$ROOT/ui-tests"
# The UI tests' servers use fixed ports (8888, 8911, 8912): one run at a time.
exec 9>/tmp/agent-team-ui.lock
flock 9
if [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ] ||
  [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "check-release: npm ci (ui-tests)"
  npm ci --no-audit --no-fund --loglevel=error
fi
for port in 8888 8911 8912; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    fail "port $port is in use; the smoke test starts its own servers there"
  fi
done
# CI=1: Playwright starts JupyterLab itself (from PATH, so the fresh environment's)
# rather than reusing a server found on the port.
CI=1 npx playwright test tests/smoke.spec.ts 2>&1 | tee "$WORK/smoke.log"
flock -u 9
grep -q "JupyterLab extension loaded from $VENV/" "$WORK/smoke.log" ||
  fail "the smoke test's JupyterLab did not come from $VENV"
echo "check-release: the smoke test ran against JupyterLab from $VENV"
cd "$ROOT"

echo "check-release: step $STEP took $((SECONDS - step_time)) s"
echo "check-release: all checks passed for $VERSION in $((SECONDS - start_time)) s"
