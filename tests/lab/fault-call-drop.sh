# Scenario "fault-call-drop": the server drops the call. The pppd serving it
# is killed (SIGKILL: no LCP Terminate), so pptpctrl sees its pty close and
# clears the call with a Call-Disconnect-Notify and then Stop-Control-
# Connection-Request (PoPToP's bail()). The server's log shows it; the daemon
# logs the CDN's reason and redials.
. "$LAB_REPO/tests/lab/lib.sh"

lab_setup_net
lab_start_server
lab_profile drop '"routes": ["203.0.113.0/24"]'

lab_pptpctl_up drop
[ $UP_RC = 0 ] || lab_fail "pptpctl up failed (exit $UP_RC): $(lab_last_words drop)"
lab_check_link drop pptp-drop 203.0.113.0/24
lab_status drop || lab_fail "no status from the daemon"
pid0=$(lab_field drop pid) call0=$(lab_field drop call_id)

pppd=$(lab_server_pids pppd)
[ "$(echo "$pppd" | grep -c .)" = 1 ] || lab_fail "expected one pppd on the server, found: $pppd"
drop_at=$(lab_now)
kill -KILL "$pppd"
lab_wait_not_up drop 15 "$drop_at"
detect_s=$WAITED
sleep 1
# pptpctrl (debug) logs its way out of an active call: a CDN, then StopCCRQ.
grep -q "CTRL: Exiting with active call" "$LOGS/syslog.log" \
  || lab_fail "the server's log does not show pptpctrl clearing the call (no 'Exiting with active call')"
grep -h -i "disconnect" /run/pptpctl/drop.log | grep -q -i "call" \
  || lab_fail "the daemon's log does not mention the Call-Disconnect-Notify: $(tail -3 /run/pptpctl/drop.log | tr '\n' ' ')"
lab_log "server: pptpctrl sent Call-Disconnect-Notify; client left up after ${detect_s}s ($(grep -h -i 'disconnect' /run/pptpctl/drop.log | tail -1 | cut -c21-))"

lab_wait_traffic drop $SRV_TUN_IP 60 "$drop_at"
back_s=$WAITED
lab_wait_redial drop 10 "$drop_at"
lab_check_link drop pptp-drop 203.0.113.0/24
[ "$(lab_field drop pid)" = "$pid0" ] || lab_fail "another daemon answers (pid $(lab_field drop pid), was $pid0): not a redial"
lab_log "client: back ${back_s}s after the drop; call $call0 -> $(lab_field drop call_id)"

lab_pptpctl_down drop
lab_figures "detect_s=$detect_s back_s=$back_s reconnects=$(lab_field drop reconnects)"
