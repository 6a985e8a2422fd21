#!/bin/bash
# Hangar, inside the VM: runs the ephemeral runner once, then records its exit code in
# $HANGAR_DIR/exit-code. Started in the background by start-runner.sh.
# $HANGAR_DIR/.jitconfig (0600) holds either a JIT configuration (base64), run with
# `run.sh --jitconfig`, or, with hangar.github.runner-registration=registration-token, the lines
# `key=value` after "# hangar runner registration v1" that `config.sh` needs; then the runner is
# configured (`config.sh --unattended --ephemeral ...`, the values as quoted arguments, never
# through the shell unquoted) and run with `run.sh`. The file is removed before the runner starts,
# so the job's own steps cannot read it. Override: a file of the same name in
# hangar.host.anka.scripts-dir (hangar.host.tart.scripts-dir).
set -uo pipefail
cd "$RUNNER_HOME" || exit 4
config_file="$HANGAR_DIR/.jitconfig"
header=""
IFS= read -r header <"$config_file" || true
if [ "$header" = "# hangar runner registration v1" ]; then
  url="" token="" name="" labels="" group="" work="_work"
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
      url=*) url="${line#url=}" ;;
      token=*) token="${line#token=}" ;;
      name=*) name="${line#name=}" ;;
      labels=*) labels="${line#labels=}" ;;
      group=*) group="${line#group=}" ;;
      work=*) work="${line#work=}" ;;
    esac
  done <"$config_file"
  rm -f "$config_file"
  # Positional parameters rather than an array: macOS's bash 3.2 and `set -u` dislike empty arrays.
  set -- --unattended --ephemeral --disableupdate --url "$url" --token "$token" --name "$name" \
    --labels "$labels" --work "$work"
  if [ -n "$group" ]; then
    set -- "$@" --runnergroup "$group"
  fi
  ./config.sh "$@"
  code=$?
  set --
  unset token
  if [ "$code" -eq 0 ]; then
    ./run.sh
    code=$?
  fi
else
  config="$(cat "$config_file")"
  rm -f "$config_file"
  ./run.sh --jitconfig "$config"
  code=$?
  unset config
fi
echo "$code" >"$HANGAR_DIR/exit-code.tmp" && mv "$HANGAR_DIR/exit-code.tmp" "$HANGAR_DIR/exit-code"
exit "$code"
