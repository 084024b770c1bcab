# Scenario "no-secrets": no secret in argv, logs, status or the kernel log
# (issue 9). A full MS-CHAPv2 connect with --debug against the real server,
# then the password is looked for in the daemon's /proc cmdline and environ,
# `status` and `status --json`, everything `up` and `down` printed, the
# daemon's log and dmesg. The password is a canary nobody else prints.
LAB_PASSWORD='Canary-Pw-7f3e9a1c'
. "$LAB_REPO/tests/lab/lib.sh"

lab_setup_net
lab_start_server
lab_profile leak '"debug": true'

lab_pptpctl_up leak
[ $UP_RC = 0 ] || lab_fail "pptpctl up failed (exit $UP_RC): $(lab_last_words leak)"
grep -q "authenticated" "$LOGS/pptpctl-up.log" || grep -q "MS-CHAPv2" "$LOGS/pptpctl-up.log" \
  || lab_fail "the up output does not show the authentication: the check below would prove nothing"

pid=$(lab_daemon_pid leak) || lab_fail "no daemon answers status"
tr '\0' ' ' <"/proc/$pid/cmdline" >"$LOGS/leak.cmdline"
tr '\0' '\n' <"/proc/$pid/environ" >"$LOGS/leak.environ"
ip netns exec cli "$PPTPCTL" status --json leak >"$LOGS/leak.status.json" || lab_fail "status --json failed"
ip netns exec cli "$PPTPCTL" status leak >"$LOGS/leak.status.txt" || lab_fail "status failed"
[ "$(jq -r .state "$LOGS/leak.status.json")" = up ] || lab_fail "status says $(jq -r .state "$LOGS/leak.status.json"), not up"
lab_log "daemon argv: $(cat "$LOGS/leak.cmdline")"

lab_pptpctl_down leak
cp /run/pptpctl/leak.log "$LOGS/leak.daemon.log"
dmesg >"$LOGS/leak.dmesg" 2>/dev/null || true
grep -q "rcvd \[CHAP" "$LOGS/leak.daemon.log" || lab_fail "the daemon's log has no decoded CHAP packets (--debug)"

leaked=""
for f in "$LOGS/pptpctl-up.log" "$LOGS/leak.cmdline" "$LOGS/leak.environ" "$LOGS/leak.status.json" \
         "$LOGS/leak.status.txt" "$LOGS/leak.daemon.log" "$LOGS/leak.dmesg"; do
  grep -qF "$LAB_PASSWORD" "$f" && leaked="$leaked $(basename "$f")"
done
[ -z "$leaked" ] || lab_fail "the password is in:$leaked"
lab_log "the password is in none of: up/down output, daemon argv and environ, status, status --json, daemon log, dmesg"
