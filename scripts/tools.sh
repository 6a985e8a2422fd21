#!/usr/bin/env bash
# Installs the tools Hangar's tests and local stack need, once, and prints nothing but errors.
# Source it: `. scripts/tools.sh` exports TEMPORAL_CLI and TCTL (absolute paths).
#
#   temporal  the Temporal CLI v1.5.1 (dev server with SQLite persistence and the Web UI)
#   tctl      tctl v1.18.0 (the older CLI many operators still use)
#
# Both are built with `go install` from the Go module proxy into $HANGAR_TOOLS
# (default: ~/.cache/hangar/tools), once per machine.
set -euo pipefail

HANGAR_TOOLS="${HANGAR_TOOLS:-$HOME/.cache/hangar/tools}"
TEMPORAL_VERSION="v1.5.1"
TCTL_VERSION="v1.18.0"  # v1.18.4 could not be fetched from the Go module proxy; v1.18.0 can
mkdir -p "$HANGAR_TOOLS/bin"

hangar_need_go() {
  if ! command -v go >/dev/null 2>&1; then
    echo "Hangar needs Go (1.22 or newer) to build the Temporal CLI: install it, or put temporal $TEMPORAL_VERSION on PATH" >&2
    return 1
  fi
}

hangar_install() { # name module version
  local name="$1" module="$2" version="$3" stamp="$HANGAR_TOOLS/bin/.$1-$3"
  if [[ -x "$HANGAR_TOOLS/bin/$name" && -f "$stamp" ]]; then
    return 0
  fi
  hangar_need_go || return 1
  echo "installing $name $version (go install, first run only)..." >&2
  GOBIN="$HANGAR_TOOLS/bin" GOFLAGS=-mod=mod go install "$module@$version" >&2 || return 1
  touch "$stamp"
}

# tctl's module has no version list on the proxy, which `go install` insists on reading; so fetch
# the one version and build it from the module cache.
hangar_build_tctl() {
  local stamp="$HANGAR_TOOLS/bin/.tctl-$TCTL_VERSION" dir
  if [[ -x "$HANGAR_TOOLS/bin/tctl" && -f "$stamp" ]]; then
    return 0
  fi
  hangar_need_go || return 1
  echo "installing tctl $TCTL_VERSION (go build, first run only)..." >&2
  dir=$(go mod download -json "github.com/temporalio/tctl@$TCTL_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p') || return 1
  [[ -n "$dir" ]] || return 1
  (cd "$dir" && GOFLAGS=-mod=mod go build -o "$HANGAR_TOOLS/bin/tctl" ./cmd/tctl) >&2 || return 1
  touch "$stamp"
}

hangar_install temporal github.com/temporalio/cli/cmd/temporal "$TEMPORAL_VERSION"
export TEMPORAL_CLI="$HANGAR_TOOLS/bin/temporal"
# tctl is optional: tests that drive it are skipped, loudly, when it cannot be installed.
if hangar_build_tctl; then
  export TCTL="$HANGAR_TOOLS/bin/tctl"
else
  echo "WARNING: tctl $TCTL_VERSION could not be installed; tctl tests will be skipped" >&2
  export TCTL=""
fi
