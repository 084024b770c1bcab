# Scenario "fault-call-drop": the server drops the call. PoPToP sends a
# Call-Disconnect-Notify (then Stop-Control-Connection-Request) only when the
# pptpctrl serving the call is stopped by a signal (its bail(): "Exiting with
# active call"); when only its pppd dies it just closes TCP. So SIGTERM goes
# to that pptpctrl. The server's log shows the clear; the daemon logs the
# CDN's reason and redials.
. "$LAB_REPO/tests/lab/lib.sh"

lab_setup_net
lab_start_server
lab_profile drop '"routes": ["203.0.113.0/24"]'

lab_pptpctl_up drop
[ $UP_RC = 0 ] || lab_fail "pptpctl up failed (exit $UP_RC): $(lab_last_words drop)"
lab_check_link drop pptp-drop 203.0.113.0/24
lab_status drop || lab_fail "no status from the daemon"
pid0=$(lab_field drop pid) call0=$(lab_field drop call_id)

ctrl=$(lab_server_pids pptpctrl)
[ "$(echo "$ctrl" | grep -c .)" = 1 ] || lab_fail "expected one pptpctrl on the server, found: $ctrl"
drop_at=$(lab_now)
kill -TERM "$ctrl"
lab_wait_not_up drop 15 "$drop_at"
detect_s=$WAITED
sleep 1
# pptpctrl (debug) logs its way out of an active call: a CDN (which PoPToP
# calls "CALL DISCONNECT RPLY"), then StopCCRQ.
grep -q "CTRL: Exiting with active call" "$LOGS/syslog.log" && grep -q "CTRL: Made a CALL DISCONNECT" "$LOGS/syslog.log" \
  || lab_fail "the server's log does not show pptpctrl sending a Call-Disconnect-Notify"
# PoPToP numbers its calls from 0: a CDN for call 0x0000 is ours.
grep -q "ignored a CDN for call" /run/pptpctl/drop.log \
  && lab_fail "the daemon ignored the server's Call-Disconnect-Notify: $(grep -h 'ignored a CDN' /run/pptpctl/drop.log | tail -1 | cut -c21-) (the server's call ID is $(grep -ho "the server's 0x[0-9a-f]*" /run/pptpctl/drop.log | tail -1 | cut -d' ' -f3))"
grep -q "server disconnected the call" /run/pptpctl/drop.log \
  || lab_fail "the daemon's log does not give the Call-Disconnect-Notify as the reason: $(lab_daemon_last_error drop)"
lab_log "server: pptpctrl sent Call-Disconnect-Notify; client left up after ${detect_s}s ($(grep -h 'server disconnected the call' /run/pptpctl/drop.log | tail -1 | cut -c21-))"

lab_wait_traffic drop $SRV_TUN_IP 60 "$drop_at"
back_s=$WAITED
lab_wait_redial drop 10 "$drop_at"
lab_check_link drop pptp-drop 203.0.113.0/24
[ "$(lab_field drop pid)" = "$pid0" ] || lab_fail "another daemon answers (pid $(lab_field drop pid), was $pid0): not a redial"
lab_log "client: back ${back_s}s after the drop; call $call0 -> $(lab_field drop call_id)"

lab_pptpctl_down drop
lab_figures "detect_s=$detect_s back_s=$back_s reconnects=$(lab_field drop reconnects)"
