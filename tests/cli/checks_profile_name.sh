#!/bin/sh
# Usage: checks_profile_name.sh PPTPCTL SUBCOMMAND
# A name that could climb out of RUN_DIR is refused before it names any path:
# one line saying why, exit 3 (bad profile), as `pptpctl up` does.
pptpctl=$1 sub=$2
out=$("$pptpctl" "$sub" ../../etc/x 2>&1)
rc=$?
echo "$out"
[ "$rc" = 3 ] || { echo "FAILED: pptpctl $sub exited $rc, expected 3"; exit 1; }
[ "$(echo "$out" | wc -l)" = 1 ] || { echo "FAILED: expected one line"; exit 1; }
echo "$out" | grep -qF "profile name \"../../etc/x\" is not allowed" \
  || { echo "FAILED: the line does not say the name is not allowed"; exit 1; }
