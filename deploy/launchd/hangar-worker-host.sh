#!/bin/bash
# Starts the Hangar worker-host under launchd (deploy/launchd/dev.hangar.worker-host.plist).
#
# Secrets (HANGAR_SECRETS_KEY, ...) are read from $HANGAR_ENV_FILE, which must be owned by the user
# running the host and not readable by group or others (chmod 600): the script refuses to start
# otherwise. The file holds KEY=value lines; lines starting with # and empty lines are ignored. It
# is read as data, never executed by a shell.
#
# Everything else: $HANGAR_CONFIG_FILE (worker-host.yml, passed as an additional config location).
# JVM options: $HANGAR_JVM_OPTIONS_FILE (deploy/jvm/worker-host.options, a Java argument file) if it
# exists, then $JAVA_OPTS, whose options win.
# The JVM runs with exec, so launchd's SIGTERM reaches it and starts the drain.
set -euo pipefail

HANGAR_HOME="${HANGAR_HOME:-/usr/local/hangar}"
HANGAR_ENV_FILE="${HANGAR_ENV_FILE:-$HANGAR_HOME/etc/worker-host.env}"
HANGAR_CONFIG_FILE="${HANGAR_CONFIG_FILE:-$HANGAR_HOME/etc/worker-host.yml}"
HANGAR_JAR="${HANGAR_JAR:-$HANGAR_HOME/lib/hangar-worker-host.jar}"
HANGAR_JVM_OPTIONS_FILE="${HANGAR_JVM_OPTIONS_FILE:-$HANGAR_HOME/etc/worker-host.jvm.options}"

die() {
  echo "hangar-worker-host: $*" >&2
  exit 78 # EX_CONFIG
}

if [[ -e "$HANGAR_ENV_FILE" ]]; then
  [[ -O "$HANGAR_ENV_FILE" ]] || die "$HANGAR_ENV_FILE must be owned by $(id -un)"
  if [[ "$(uname -s)" == Darwin ]]; then
    mode="$(stat -f '%Lp' "$HANGAR_ENV_FILE")"
  else
    mode="$(stat -c '%a' "$HANGAR_ENV_FILE")"
  fi
  [[ "$mode" == "600" || "$mode" == "400" ]] || die "$HANGAR_ENV_FILE has mode $mode; run chmod 600 on it"
  while IFS= read -r line || [[ -n "$line" ]]; do
    line="${line%$'\r'}"
    [[ -z "${line//[[:space:]]/}" || "$line" =~ ^[[:space:]]*# ]] && continue
    [[ "$line" =~ ^([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] || die "$HANGAR_ENV_FILE: not a KEY=value line (its content is not shown)"
    export "${BASH_REMATCH[1]}=${BASH_REMATCH[2]}"
  done < "$HANGAR_ENV_FILE"
else
  echo "hangar-worker-host: no $HANGAR_ENV_FILE; HANGAR_SECRETS_KEY must come from elsewhere" >&2
fi

[[ -f "$HANGAR_JAR" ]] || die "no jar at $HANGAR_JAR"
if [[ -n "${JAVA_HOME:-}" && "$JAVA_HOME" != __* ]]; then
  JAVA="$JAVA_HOME/bin/java"
else
  JAVA="$(command -v java)" || die "no java on PATH and JAVA_HOME is not set"
fi

args=()
if [[ -f "$HANGAR_CONFIG_FILE" ]]; then
  args+=("--spring.config.additional-location=file:$HANGAR_CONFIG_FILE")
fi

jvm=()
if [[ -f "$HANGAR_JVM_OPTIONS_FILE" ]]; then
  jvm+=("@$HANGAR_JVM_OPTIONS_FILE")
fi

# shellcheck disable=SC2086 # JAVA_OPTS is a list of options on purpose
exec "$JAVA" ${jvm[@]+"${jvm[@]}"} ${JAVA_OPTS:-} -jar "$HANGAR_JAR" ${args[@]+"${args[@]}"} "$@"
