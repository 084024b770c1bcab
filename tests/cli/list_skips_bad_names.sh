#!/bin/sh
# Usage: list_skips_bad_names.sh PPTPCTL
# `list` shows only files whose names are valid profile names: those are the
# only names it goes on to use in a path (RUN_DIR/NAME.sock). (issue 9, item 7)
pptpctl=$1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
for f in office.json home-2.json .hidden.json "sp ace.json" "x;rm.json" notjson.txt; do
  : >"$tmp/$f"
done
out=$(PPTPCTL_RUN_DIR="$tmp/run" "$pptpctl" --config-dir "$tmp" list 2>&1)
rc=$?
echo "$out"
[ "$rc" = 0 ] || { echo "FAILED: exit $rc"; exit 1; }
[ "$out" = "home-2
office" ] || { echo "FAILED: expected exactly home-2 and office"; exit 1; }
