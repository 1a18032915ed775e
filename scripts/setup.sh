#!/usr/bin/env bash
# Set up a development environment from a fresh clone:
#   .venv (JupyterLab, ipykernel, pandas, matplotlib, pytest, build tools),
#   root node_modules, the built extension, and the Python package installed
#   into .venv so JupyterLab loads both the labextension and the server extension.
# Safe to run again: steps whose inputs have not changed are skipped.
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
  pytest pytest-asyncio hatchling jupyter_builder
)
# Stamps live inside .venv so that deleting .venv resets everything.
DEPS_STAMP="$VENV/.agent-team-deps"
BUILD_STAMP="$VENV/.agent-team-build"
LABEXT_DIR="$VENV/share/jupyter/labextensions/jupyterlab-agent-team"

step() { printf 'setup: %s\n' "$*"; }
start_time=$SECONDS

# --- Python virtual environment -------------------------------------------------
if [ ! -x "$PY" ]; then
  step "creating .venv ($(python3 --version 2>&1))"
  python3 -m venv "$VENV"
fi

# pip on some machines is configured with local mirrors as extra-index-url while the
# public index is unreachable; pip then retries the public index for minutes per
# package. When a local mirror is configured (and the caller has not chosen an index),
# make the first local mirror the index and keep the other extra indexes as extras.
PIP_ENV=()
if [ -z "${PIP_INDEX_URL:-}" ]; then
  mapfile -t extra_urls < <(
    "$PY" -m pip config list 2>/dev/null |
      sed -n "s/^[^=]*extra-index-url=//p" | tr -d "'\"" | tr ' ' '\n' | sed '/^$/d' |
      awk '!seen[$0]++'
  )
  first_local=""
  for url in "${extra_urls[@]+"${extra_urls[@]}"}"; do
    case "$url" in
      file://* | http://localhost[:/]* | http://127.* | http://\[::1\]* | \
        https://localhost[:/]* | https://127.*)
        first_local="$url"
        break
        ;;
    esac
  done
  if [ -n "$first_local" ]; then
    rest=()
    for url in "${extra_urls[@]}"; do
      [ "$url" = "$first_local" ] || rest+=("$url")
    done
    PIP_ENV=("PIP_INDEX_URL=$first_local" "PIP_EXTRA_INDEX_URL=${rest[*]+"${rest[*]}"}")
  fi
fi
# A mirror that lacks a package makes pip warn once per package; drop that noise only.
pip_install() {
  env "${PIP_ENV[@]+"${PIP_ENV[@]}"}" "$PY" -m pip install -q "$@" \
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
  [ "${#PIP_ENV[@]}" -eq 0 ] || step "pip: using the locally configured package mirror(s)"
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
    tsconfig.json install.json pyproject.toml \
    \( -path jupyterlab_agent_team/labextension -o -path jupyterlab_agent_team/tests \
    -o -name __pycache__ \) -prune -o -type f -newer "$BUILD_STAMP" -print 2>/dev/null |
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
  step "building the extension (npm run build:prod)"
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
ext_list() { "$VENV/bin/jupyter" "$@" 2>&1 | sed 's/\x1b\[[0-9;]*m//g'; }
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
step "done in $((SECONDS - start_time)) s"
