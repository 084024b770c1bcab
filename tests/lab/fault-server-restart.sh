# Scenario "fault-server-restart": the PPTP server (pptpd, its pptpctrl and
# pppd) is killed mid-iperf3 and started again DOWN_S later. The daemon sees
# the loss, redials by itself, and traffic resumes on the same interface with
# the routes back. Figures: seconds from the kill to the daemon leaving "up"
# (detect_s), from the server's return to a ping answered through the tunnel
# (resume_s), and whether the iperf3 stream that was running moved bytes again.
. "$LAB_REPO/tests/lab/lib.sh"

DOWN_S=5
lab_setup_net
lab_start_server
lab_profile office '"routes": ["203.0.113.0/24"], "lcp_echo": {"interval_s": 5, "failures": 3}'

lab_pptpctl_up office
[ $UP_RC = 0 ] || lab_fail "pptpctl up failed (exit $UP_RC): $(lab_last_words office)"
lab_check_link office pptp-office 203.0.113.0/24
addr0=$(lab_wait_addr cli pptp-office 1)
lab_status office || lab_fail "no status from the daemon"
pid0=$(lab_field office pid) call0=$(lab_field office call_id)

# iperf3 spans the outage: 1 s intervals, stamped from its start.
iperf_at=$(lab_now)
timeout 90 ip netns exec cli iperf3 -c $SRV_TUN_IP -t 35 -i 1 -f m --forceflush >"$LOGS/iperf3-restart.log" 2>&1 &
iperf_pid=$!
sleep 5

killed_at=$(lab_now)
lab_kill_server KILL
lab_log "server: killed (pptpd, pptpctrl, pppd) $(lab_elapsed "$iperf_at")s into iperf3"
lab_wait_not_up office 30 "$killed_at"
detect_s=$WAITED
lab_log "client: left up after ${detect_s}s (state $(lab_field office state), last failure: $(lab_field office last_failure))"
sleep $DOWN_S

back_at=$(lab_now)
lab_start_pptpd
lab_log "server: back after $(lab_elapsed "$killed_at")s"
lab_wait_traffic office $SRV_TUN_IP 60 "$back_at"
resume_s=$WAITED
lab_wait_redial office 10 "$back_at"
lab_check_link office pptp-office 203.0.113.0/24
[ "$(lab_field office interface)" = pptp-office ] || lab_fail "status names interface $(lab_field office interface)"
[ "$(lab_field office pid)" = "$pid0" ] || lab_fail "another daemon answers (pid $(lab_field office pid), was $pid0): not a redial"
addr1=$(lab_wait_addr cli pptp-office 1)
lab_log "client: traffic ${resume_s}s after the server's return; call $call0 -> $(lab_field office call_id), $addr0 -> $addr1"

# The running iperf3: its TCP survives if the address came back the same.
wait "$iperf_pid"
iperf_rc=$?
back_rel=$(awk -v a="$iperf_at" -v b="$back_at" 'BEGIN { printf "%.1f", b - a }')
resumed=$(awk -v t="$back_rel" '$1 == "[" && $4 == "sec" && $NF != "sender" && $NF != "receiver" {
  split($3, r, "-"); if (r[1] + 0 >= t && $5 + 0 > 0) { printf "%.0f", r[1] - t; exit } }' "$LOGS/iperf3-restart.log")
if [ "$addr1" = "$addr0" ]; then
  [ -n "$resumed" ] || lab_fail "the iperf3 stream never moved bytes again although the address came back the same (iperf3 status $iperf_rc)"
fi
mbps=$(lab_iperf cli $SRV_TUN_IP 3) || lab_fail "a new iperf3 through the tunnel failed after the redial: $(lab_iperf_error)"

lab_pptpctl_down office
lab_figures "detect_s=$detect_s down_s=$DOWN_S resume_s=$resume_s iperf_resumed_s=${resumed:-never} reconnects=$(lab_field office reconnects) tunnel_mbps=$mbps"
