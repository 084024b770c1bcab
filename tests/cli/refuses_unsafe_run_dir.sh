#!/bin/sh
# Usage: refuses_unsafe_run_dir.sh PPTPCTL
# RUN_DIR decides where sockets, logs and change records go, and `down`
# replays a record as root: a run dir that is a symlink, not root's, or open
# to group/others is refused by every command, in one sentence with the fix,
# exit 1, before anything is created in it. (issue 9, item 7)
pptpctl=$1
[ "$(id -u)" = 0 ] || { echo "SKIPPED: needs root"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir -m 0700 "$tmp/conf"
printf '{"server": "127.0.0.1", "username": "u", "password": "pw"}\n' >"$tmp/conf/t.json"
chmod 600 "$tmp/conf/t.json"
export PPTPCTL_CONFIG_DIR="$tmp/conf"
fail=0

mkdir -m 0700 "$tmp/real"
ln -s "$tmp/real" "$tmp/link"
mkdir -m 0755 "$tmp/open"
mkdir -m 0700 "$tmp/foreign" && chown 65534 "$tmp/foreign"

check() {  # check CASE DIR EXPECTED-WORDS
  for cmd in "up t" "down t" "status" "status t" "list"; do
    out=$(PPTPCTL_RUN_DIR="$2" "$pptpctl" $cmd 2>&1)
    rc=$?
    echo "$1: pptpctl $cmd -> $rc: $out"
    [ "$rc" = 1 ] || { echo "FAILED: exit $rc, expected 1"; fail=1; }
    [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] || { echo "FAILED: expected one line"; fail=1; }
    printf '%s\n' "$out" | grep -qF "$3" || { echo "FAILED: no \"$3\""; fail=1; }
  done
}
check symlink "$tmp/link" "$tmp/link is a symbolic link; refusing to use it"
check open "$tmp/open" "(mode 0755); refusing to use it; run: chmod 700 $tmp/open"
check foreign "$tmp/foreign" "is owned by uid 65534, not root; refusing to use it; run: chown root $tmp/foreign"
# Nothing was created through the link or in the refused dirs.
[ -z "$(find "$tmp/real" "$tmp/open" "$tmp/foreign" -mindepth 1)" ] || { echo "FAILED: files appeared"; ls -la "$tmp"/*; fail=1; }
# A missing run dir is made root's, 0700, by up (which then fails to
# connect: nothing listens in this test, so only the dir is looked at).
out=$(PPTPCTL_RUN_DIR="$tmp/fresh" "$pptpctl" status 2>&1)
echo "fresh: pptpctl status -> $?: $out"
[ ! -e "$tmp/fresh" ] || { echo "FAILED: status created the run dir"; fail=1; }
exit $fail
