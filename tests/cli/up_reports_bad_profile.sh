#!/bin/sh
# Usage: up_reports_bad_profile.sh PPTPCTL
# `up` does not read the profile itself (it may hold the password); the
# daemon does, and a problem still reaches the user as one sentence, exit 3.
# Here: a profile naming a password_file that group or others can write
# (issue 9: refuse with the chmod to run), and a missing profile.
pptpctl=$1
[ "$(id -u)" = 0 ] || { echo "SKIPPED: needs root"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
chmod 700 "$tmp"
mkdir -m 0700 "$tmp/conf"
printf 'pw\n' >"$tmp/conf/o.secret"
chmod 600 "$tmp/conf/o.secret"
printf '{"server": "127.0.0.1", "username": "u", "password_file": "o.secret"}\n' >"$tmp/conf/o.json"
chmod 664 "$tmp/conf/o.json"
export PPTPCTL_CONFIG_DIR="$tmp/conf" PPTPCTL_RUN_DIR="$tmp/run"
fail=0
expect() {  # expect NAME WORDS
  out=$(unshare -n "$pptpctl" up "$1" 2>&1)
  rc=$?
  echo "pptpctl up $1 -> $rc: $out"
  [ "$rc" = 3 ] || { echo "FAILED: exit $rc, expected 3"; fail=1; }
  [ "$(printf '%s\n' "$out" | grep -c 'pptpctl: ')" = 1 ] || { echo "FAILED: expected one line"; fail=1; }
  printf '%s\n' "$out" | grep -qF "$2" || { echo "FAILED: no \"$2\""; fail=1; }
}
expect o "$tmp/conf/o.json names a password_file, and whoever can change it can send the password elsewhere, but it can be written by users other than its owner (mode 0664); run: chmod go-w $tmp/conf/o.json"
expect missing "no profile \"missing\": $tmp/conf/missing.json does not exist"
exit $fail
