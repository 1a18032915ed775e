# shellcheck shell=bash
# Helpers shared by the scripts in this folder; sourced, never run.

# pip on some machines is configured with local mirrors as extra-index-url while the
# public index is unreachable; pip then retries the public index for minutes per
# package. When a local mirror is configured (and the caller has not chosen an index),
# export the first local mirror as the index and the other extra indexes as extras.
# Exported, so pip in build environments (python -m build) and fresh venvs uses them too.
# Usage: use_local_pip_mirror PYTHON; sets LOCAL_PIP_MIRROR=1 when it did.
# shellcheck disable=SC2034  # LOCAL_PIP_MIRROR is read by the caller
use_local_pip_mirror() {
  local py="$1" url first_local="" rest=()
  LOCAL_PIP_MIRROR=0
  [ -z "${PIP_INDEX_URL:-}" ] || return 0
  local extra_urls=()
  mapfile -t extra_urls < <(
    "$py" -m pip config list 2>/dev/null |
      sed -n "s/^[^=]*extra-index-url=//p" | tr -d "'\"" | tr ' ' '\n' | sed '/^$/d' |
      awk '!seen[$0]++'
  )
  for url in "${extra_urls[@]+"${extra_urls[@]}"}"; do
    case "$url" in
      file://* | http://localhost[:/]* | http://127.* | http://\[::1\]* | \
        https://localhost[:/]* | https://127.*)
        first_local="$url"
        break
        ;;
    esac
  done
  [ -n "$first_local" ] || return 0
  for url in "${extra_urls[@]}"; do
    [ "$url" = "$first_local" ] || rest+=("$url")
  done
  export PIP_INDEX_URL="$first_local"
  export PIP_EXTRA_INDEX_URL="${rest[*]+"${rest[*]}"}"
  LOCAL_PIP_MIRROR=1
}

# The files a fresh clone of the working tree would have (tracked and new, not ignored),
# copied to DEST. Usage: clean_copy SOURCE DEST
clean_copy() {
  local src="$1" dest="$2"
  mkdir -p "$dest"
  # Files deleted in the working tree but still tracked are skipped.
  (cd "$src" && git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
    tar --null -T - -cf -) | tar -xf - -C "$dest"
}

# A TCP port nothing listens on right now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_for_url URL SECONDS PID: polls URL until it answers, the process PID exits or
# SECONDS pass.
wait_for_url() {
  local url="$1" pid="$3" deadline=$((SECONDS + $2))
  while [ "$SECONDS" -lt "$deadline" ]; do
    curl -sf -o /dev/null "$url" && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}

# Colour codes stripped so that lines read well in logs and grep finds them.
strip_colours() { sed 's/\x1b\[[0-9;]*[A-Za-z]//g'; }
