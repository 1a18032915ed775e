#!/usr/bin/env bash
# Set up a development environment from a fresh clone:
#   .venv (JupyterLab, ipykernel, pandas, matplotlib, pytest, build tools),
#   root node_modules, the built extension, and the Python package installed
#   into .venv so JupyterLab loads both the labextension and the server extension.
# Safe to run again: steps whose inputs have not changed are skipped, and when nothing
# changed since the last successful run it returns at once.
# Usage: bash scripts/setup.sh [--force]   (--force rebuilds and reinstalls everything)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

FORCE=0
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    *) echo "setup: unknown argument: $arg (expected --force)" >&2; exit 2 ;;
  esac
done

VENV="$ROOT/.venv"
PY="$VENV/bin/python"
PYTHON_REQUIREMENTS=(
  "jupyterlab==4.6.4" ipykernel pandas matplotlib
  # Notebook 7, to check the sidebar in the other front end too.
  "notebook>=7.6.3,<7.7"
  pytest pytest-asyncio hatchling jupyter_builder build
  # Lints the Python side (scripts/test.sh); pinned, as new versions add rules.
  "ruff==0.16.9"
)
# Stamps live inside .venv so that deleting .venv resets everything.
DEPS_STAMP="$VENV/.agent-team-deps"
BUILD_STAMP="$VENV/.agent-team-build"
# Holds the fingerprint of the inputs that the last fully verified run started from.
READY_STAMP="$VENV/.agent-team-ready"
LABEXT_DIR="$VENV/share/jupyter/labextensions/jupyterlab-agent-team"

step() { printf 'setup: %s\n' "$*"; }
start_time=$SECONDS

# --- Nothing changed since the last verified run: done -----------------------------
# Path, size and mtime of every input of the steps below (a change, a new file or a
# deleted one changes it); it takes milliseconds, the checks after a full run seconds,
# so relaunching scripts/lab.sh is quick.
fingerprint() {
  {
    find scripts/setup.sh scripts/common.sh src style schema jupyterlab_agent_team \
      jupyter-config package.json package-lock.json tsconfig.json install.json \
      pyproject.toml hatch_build.py eval/runner \
      \( -path jupyterlab_agent_team/labextension -o -path jupyterlab_agent_team/tests \
      -o -path jupyterlab_agent_team/evaluation/runner.js \
      -o -path jupyterlab_agent_team/_version.py -o -name __pycache__ \) -prune \
      -o -type f -printf '%p %s %T@\n' 2>/dev/null || true
  } | LC_ALL=C sort | sha1sum | cut -d' ' -f1
}
inputs="$(fingerprint)"
if [ "$FORCE" = 0 ] && [ -x "$VENV/bin/jupyter" ] && [ -d "$LABEXT_DIR" ] &&
  [ -f "$VENV/etc/jupyter/jupyter_server_config.d/jupyterlab_agent_team.json" ] &&
  [ -f node_modules/.package-lock.json ] &&
  [ ! package-lock.json -nt node_modules/.package-lock.json ] &&
  [ "$(cat "$READY_STAMP" 2>/dev/null)" = "$inputs" ]; then
  step "up to date: nothing changed since the last set-up (--force redoes it)"
  exit 0
fi
# A run that fails leaves no fingerprint, so the next one does everything it needs.
rm -f "$READY_STAMP"

# --- Python virtual environment -------------------------------------------------
if [ ! -x "$PY" ]; then
  step "creating .venv ($(python3 --version 2>&1))"
  python3 -m venv "$VENV"
fi

# shellcheck source=scripts/common.sh
source "$ROOT/scripts/common.sh"
use_local_pip_mirror "$PY"
# A mirror that lacks a package makes pip warn once per package; drop that noise only.
pip_install() {
  "$PY" -m pip install -q "$@" \
    2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
}

# Runtime dependencies declared by the project (pyproject.toml) are installed with the
# tool list, because the package itself is installed with --no-deps further down.
project_requirements=()
if [ -f pyproject.toml ]; then
  mapfile -t project_requirements < <(
    "$PY" - <<'PYCODE'
try:
    import tomllib
except ImportError:  # Python < 3.11
    try:
        import tomli as tomllib
    except ImportError:
        raise SystemExit(0)
with open("pyproject.toml", "rb") as f:
    data = tomllib.load(f)
for req in data.get("project", {}).get("dependencies", []):
    print(req)
PYCODE
  )
fi
all_requirements=("${PYTHON_REQUIREMENTS[@]}" "${project_requirements[@]+"${project_requirements[@]}"}")
wanted_deps="$(printf '%s\n' "${all_requirements[@]}")"
if [ "$FORCE" = 1 ] || [ ! -f "$DEPS_STAMP" ] || [ "$(cat "$DEPS_STAMP")" != "$wanted_deps" ]; then
  step "pip: installing ${all_requirements[*]}"
  [ "$LOCAL_PIP_MIRROR" = 0 ] || step "pip: using the locally configured package mirror(s)"
  pip_install "${all_requirements[@]}"
  printf '%s\n' "$wanted_deps" >"$DEPS_STAMP"
else
  step "pip: Python dependencies already installed"
fi

# --- Node packages -----------------------------------------------------------------
# npm writes node_modules/.package-lock.json on every install; a newer package-lock.json
# means the dependencies changed since.
if [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ] ||
  [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "npm ci (root)"
  npm ci --no-audit --no-fund --loglevel=error
else
  step "npm: node_modules up to date"
fi

# --- Build and install the extension -----------------------------------------------
# Rebuild only when a build input is newer than the last successful install.
needs_build() {
  [ "$FORCE" = 1 ] && return 0
  [ -f "$BUILD_STAMP" ] || return 0
  [ -d "$LABEXT_DIR" ] || return 0
  local newer
  newer="$(find src style schema jupyterlab_agent_team package.json package-lock.json \
    tsconfig.json install.json pyproject.toml hatch_build.py jupyter-config eval/runner \
    \( -path jupyterlab_agent_team/labextension -o -path jupyterlab_agent_team/tests \
    -o -path jupyterlab_agent_team/evaluation/runner.js \
    -o -path jupyterlab_agent_team/_version.py -o -name __pycache__ \) -prune \
    -o -type f -newer "$BUILD_STAMP" -print 2>/dev/null |
    head -n 1 || true)"
  [ -n "$newer" ]
}

if needs_build; then
  if [ ! -f pyproject.toml ]; then
    echo "setup: pyproject.toml is missing; cannot install the Python package" >&2
    exit 1
  fi
  # Stamp the start, so that edits made during the build trigger the next one.
  touch "$BUILD_STAMP.next"
  step "building the extension and the evaluation's runner (npm run build:prod)"
  # jupyter-builder (Python) comes from .venv.
  PATH="$VENV/bin:$PATH" npm run --silent build:prod
  step "installing jupyterlab_agent_team into .venv"
  # Non-editable, so the wheel's shared-data puts the labextension and the server
  # extension config into .venv/share and .venv/etc.
  pip_install --no-deps --no-build-isolation --force-reinstall .
  mv -f "$BUILD_STAMP.next" "$BUILD_STAMP"
else
  step "extension: build and install up to date"
fi

# --- Verify ------------------------------------------------------------------------
# Colour codes stripped so the lines read well in logs.
ext_list() { "$VENV/bin/jupyter" "$@" 2>&1 | strip_colours; }
# Both listings take seconds each; run them side by side.
list_dir="$(mktemp -d)"
(ext_list labextension list >"$list_dir/lab" || true) &
ext_list server extension list >"$list_dir/server" || true
wait
labext="$(grep jupyterlab-agent-team "$list_dir/lab" || true)"
serverext="$(grep jupyterlab_agent_team "$list_dir/server" || true)"
rm -rf "$list_dir"
problems=()
echo "$labext" | grep -q "enabled.*OK" ||
  problems+=("labextension jupyterlab-agent-team is not listed as enabled and OK")
echo "$serverext" | grep -q "enabled" ||
  problems+=("server extension jupyterlab_agent_team is not listed as enabled")
# "OK" after "Validating" means the server extension module imports and loads.
echo "$serverext" | grep -Eq "jupyterlab_agent_team .*OK" ||
  problems+=("server extension jupyterlab_agent_team did not validate (import failed?)")
if [ "${#problems[@]}" -gt 0 ]; then
  echo "setup: verification failed:" >&2
  printf '  %s\n' "${problems[@]}" >&2
  printf '%s\n%s\n' "$labext" "$serverext" >&2
  rm -f "$BUILD_STAMP"
  exit 1
fi
step "labextension: $(echo "$labext" | head -n 1 | sed 's/^ *//')"
step "server extension: $(echo "$serverext" | grep -E "jupyterlab_agent_team .*OK" | head -n 1 | sed 's/^ *//; s/  */ /g')"
# The fingerprint from the start: edits made during this run count as changes next time.
printf '%s\n' "$inputs" >"$READY_STAMP"
step "done in $((SECONDS - start_time)) s"
