# Scenario "fault-tcp-reset": the control connection is reset. `ss -K` on the
# server (sock_diag SOCK_DESTROY: tcp_abort() sends a real RST to the peer and
# fails pptpctrl's socket with ECONNABORTED, so the server drops the call
# too). A counter in cli's firewall shows the RST arrived; the daemon redials.
. "$LAB_REPO/tests/lab/lib.sh"

lab_setup_net
for m in inet_diag tcp_diag nf_tables; do modprobe $m || lab_fail "kernel module $m did not load"; done
lab_start_server
lab_profile reset '"routes": ["203.0.113.0/24"]'

lab_pptpctl_up reset
[ $UP_RC = 0 ] || lab_fail "pptpctl up failed (exit $UP_RC): $(lab_last_words reset)"
lab_check_link reset pptp-reset 203.0.113.0/24
lab_status reset || lab_fail "no status from the daemon"
pid0=$(lab_field reset pid) call0=$(lab_field reset call_id)

ip netns exec cli nft -f - <<NFT || lab_fail "cannot install the RST counter"
table inet watch { chain in { type filter hook input priority 0; ip saddr $SRV_IP tcp sport 1723 tcp flags & rst == rst counter; } }
NFT
reset_at=$(lab_now)
ip netns exec srv ss -K -tn state established '( sport = :1723 )' >"$LOGS/ss-kill.log" 2>&1 \
  || lab_fail "ss -K failed: $(tail -1 "$LOGS/ss-kill.log")"
grep -q "$CLI_IP" "$LOGS/ss-kill.log" || lab_fail "ss -K found no control connection from $CLI_IP to close: $(cat "$LOGS/ss-kill.log")"
lab_wait_not_up reset 15 "$reset_at"
detect_s=$WAITED
rst=$(ip netns exec cli nft list table inet watch | grep -o 'packets [0-9]*' | awk '{print $2}')
[ "${rst:-0}" -ge 1 ] || lab_fail "no TCP RST from the server reached the client: the reset was not real"
lab_log "client: RST received ($rst), left up after ${detect_s}s (last failure: $(lab_field reset last_failure))"

lab_wait_traffic reset $SRV_TUN_IP 60 "$reset_at"
back_s=$WAITED
lab_wait_redial reset 10 "$reset_at"
lab_check_link reset pptp-reset 203.0.113.0/24
[ "$(lab_field reset pid)" = "$pid0" ] || lab_fail "another daemon answers (pid $(lab_field reset pid), was $pid0): not a redial"
lab_log "client: back ${back_s}s after the reset; call $call0 -> $(lab_field reset call_id)"

lab_pptpctl_down reset
lab_figures "rst_seen=$rst detect_s=$detect_s back_s=$back_s reconnects=$(lab_field reset reconnects)"
