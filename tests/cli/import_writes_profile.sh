#!/bin/sh
# Usage: import_writes_profile.sh PPTPCTL
# `pptpctl import` writes NAME.json 0644 and NAME.secret 0600 that the
# daemon's loader accepts, never overwrites either (exit 21), and refuses a
# bad --name or an unreadable file as one sentence (exit 3).
pptpctl=$1
fixtures=$(dirname "$0")/../unit/fixtures/import
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
export PPTPCTL_CONFIG_DIR="$tmp/conf" PPTPCTL_RUN_DIR="$tmp/run"
fail=0
check() {  # check WHAT EXPECTED ACTUAL
  [ "$2" = "$3" ] || { echo "FAILED: $1: expected $2, got $3"; fail=1; }
}
out=$("$pptpctl" import "$fixtures/office.nmconnection" 2>&1)
check "import exit" 0 $?
echo "$out" | tail -1
check "json mode" 644 "$(stat -c %a "$tmp/conf/Office-VPN.json")"
check "secret mode" 600 "$(stat -c %a "$tmp/conf/Office-VPN.secret")"
check "secret" "lab secret 1" "$(cat "$tmp/conf/Office-VPN.secret")"
echo "$out" | grep -q "lab secret 1" && { echo "FAILED: the password was printed"; fail=1; }
before=$(cat "$tmp/conf/Office-VPN.json")
out=$("$pptpctl" import "$fixtures/office.nmconnection" 2>&1)
check "second import exit" 21 $?
echo "$out" | grep -q "import never overwrites one" || { echo "FAILED: no reason for exit 21: $out"; fail=1; }
check "profile untouched" "$before" "$(cat "$tmp/conf/Office-VPN.json")"
"$pptpctl" import --name ../evil "$fixtures/office.nmconnection" >/dev/null 2>&1
check "bad --name exit" 3 $?
out=$("$pptpctl" import "$tmp/missing" 2>&1)
check "missing file exit" 3 $?
check "missing file lines" 1 "$(printf '%s\n' "$out" | grep -c 'pptpctl: import: ')"
"$pptpctl" import --secrets "$tmp/none" "$fixtures/pptpsetup-office" >/dev/null 2>&1
check "missing --secrets exit" 3 $?
"$pptpctl" import --name office --secrets "$fixtures/pptpsetup-chap-secrets" "$fixtures/pptpsetup-office" >/dev/null
check "pptpsetup import exit" 0 $?
check "pptpsetup secret" "lab-secret-1" "$(cat "$tmp/conf/office.secret")"
exit $fail
