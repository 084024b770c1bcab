#!/bin/sh
# Usage: no_secret_leaks.sh PPTPCTL
# No secret in argv or logs (issue 9), the part that needs no server: `up`
# with a known password (in a password_file, then inline) in a private
# network namespace with nothing to reach. The `up` process (traced with
# strace) opens neither the profile (it may hold the password
# inline) nor the password file: only the daemon reads them. Nothing `up`
# printed and no daemon log holds the password.
# The full connect path (status, /proc cmdline and environ, --debug log,
# dmesg) is the lab scenario tests/lab/no-secrets.sh.
pptpctl=$1
[ "$(id -u)" = 0 ] || { echo "SKIPPED: needs root"; exit 77; }
command -v unshare >/dev/null || { echo "SKIPPED: no unshare"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
chmod 700 "$tmp"
pw='Canary-Pw-7f3e9a1c'
mkdir -m 0700 "$tmp/conf" "$tmp/out"
printf '%s\n' "$pw" >"$tmp/conf/filed.secret"
common='"server": "127.0.0.1", "username": "alice", "connect_timeout_s": 5, "debug": true,
  "reconnect": {"enabled": false}'
printf '{%s, "password_file": "filed.secret"}\n' "$common" >"$tmp/conf/filed.json"
printf '{%s, "password": "%s"}\n' "$common" "$pw" >"$tmp/conf/inline.json"
chmod 600 "$tmp/conf/filed.secret" "$tmp/conf/filed.json" "$tmp/conf/inline.json"
strace=$(command -v strace) || { echo "FAILED: strace is missing (scripts/setup installs it)"; exit 1; }
export PPTPCTL_CONFIG_DIR="$tmp/conf" PPTPCTL_RUN_DIR="$tmp/run"

fail=0
for name in filed inline; do
  if [ -n "$strace" ]; then
    # Not -f: the `up` process only, not the daemon it forks.
    unshare -n "$strace" -o "$tmp/out/$name.up.strace" -e trace=open,openat,execve \
      "$pptpctl" up "$name" --debug >"$tmp/out/$name.up.out" 2>&1
  else
    unshare -n "$pptpctl" up "$name" --debug >"$tmp/out/$name.up.out" 2>&1
  fi
  echo "== $name: up exited $?: $(tail -1 "$tmp/out/$name.up.out")"
  cp "$tmp/run/$name.log" "$tmp/out/$name.daemon.log" 2>/dev/null || { echo "FAILED: $name: no daemon log"; fail=1; }
  grep -q "run $name" "$tmp/out/$name.up.strace" 2>/dev/null && echo "FAILED: $name: up traced the daemon" && fail=1
  if leaked=$(grep -lF "$pw" "$tmp/out/$name".*); then
    echo "FAILED: $name: the password is in: $leaked"
    fail=1
  else
    echo "ok: $name: the password is in none of: $(cd "$tmp/out" && ls "$name".* | tr '\n' ' ')"
  fi
done
if [ -n "$strace" ]; then
  # up only looks the profile up (stat); it opens neither the profile (an
  # inline password) nor the password file.
  grep -q 'execve' "$tmp/out/filed.up.strace" || { echo "FAILED: the trace is empty"; fail=1; }
  for name in filed inline; do
    if grep -E "open.*($name\.json|$name\.secret)" "$tmp/out/$name.up.strace"; then
      echo "FAILED: the up process opened the profile or the password file (above)"
      fail=1
    else
      echo "ok: the up process for $name opened neither $name.json nor a password file"
    fi
  done
fi
exit $fail
