# Scenario "fault-partition-short": a 4 s partition (TCP 1723 and GRE dropped
# both ways), shorter than both sides' LCP echo windows (20 s), is ridden out:
# no redial at all. The same daemon keeps the same call (call ID, uptime
# running on, reconnects 0), the server keeps the same pppd, and traffic flows
# again once the path heals.
. "$LAB_REPO/tests/lab/lib.sh"

PARTITION_S=4
# Echo windows: 5 s x 4 on both sides = 20 s without an answer. We wait 25 s
# after the heal, past a whole window, so a spurious detection would show.
lab_setup_net
lab_server_options "lcp-echo-interval 5" "lcp-echo-failure 4"
lab_start_server
lab_profile short '"routes": ["203.0.113.0/24"], "lcp_echo": {"interval_s": 5, "failures": 4}'

lab_pptpctl_up short
[ $UP_RC = 0 ] || lab_fail "pptpctl up failed (exit $UP_RC): $(lab_last_words short)"
up_at=$(lab_now)
lab_check_link short pptp-short 203.0.113.0/24
lab_status short || lab_fail "no status from the daemon"
pid0=$(lab_field short pid) call0=$(lab_field short call_id)
server_pppd0=$(lab_server_pids pppd)
ip netns exec cli ping -c 2 -W 5 $SRV_TUN_IP >/dev/null || lab_fail "no ping through the tunnel before the partition"

lab_partition on
sleep $PARTITION_S
dropped=$(lab_partition_dropped)
lab_partition off
lab_log "path: cut for ${PARTITION_S}s (dropped $dropped packets), healed"
# Proof the cut was real: the LCP echoes at least (every 5 s, both ways).
[ "$dropped" -gt 0 ] || lab_fail "the partition dropped nothing: it proves nothing"

lab_wait_traffic short $SRV_TUN_IP 20 "$(lab_now)"
back_s=$WAITED
sleep 25

lab_status short || lab_fail "the daemon is gone after a ${PARTITION_S}s partition: $(grep -h 'error: ' /run/pptpctl/short.log | tail -1)"
state=$(lab_field short state) rec=$(lab_field short reconnects) uptime=$(lab_field short uptime_s)
[ "$state" = up ] || lab_fail "state is $state after a ${PARTITION_S}s partition, not up"
[ "${rec:-0}" = 0 ] || lab_fail "the daemon redialled ($rec) for a ${PARTITION_S}s partition"
[ "$(lab_field short pid)" = "$pid0" ] || lab_fail "another daemon answers (pid $(lab_field short pid), was $pid0)"
[ "$(lab_field short call_id)" = "$call0" ] || lab_fail "the call changed ($call0 -> $(lab_field short call_id)): a redial"
since_up=$(lab_elapsed "$up_at")
awk -v u="$uptime" -v s="$since_up" 'BEGIN { exit !(u + 2 >= s) }' \
  || lab_fail "uptime_s is $uptime but the link came up ${since_up}s ago: it was brought up again"
[ "$(lab_server_pids pppd)" = "$server_pppd0" ] || lab_fail "the server's pppd changed ($server_pppd0 -> $(lab_server_pids pppd)): the server dropped the call"
grep -q "No response to .* echo-requests" "$LOGS/server-pppd.log" && lab_fail "the server's pppd counted the link dead"
lab_check_link short pptp-short 203.0.113.0/24
mbps=$(lab_iperf cli $SRV_TUN_IP 3) || lab_fail "iperf3 through the tunnel failed after the partition: $(lab_iperf_error)"
lab_log "client: same call $call0 and daemon $pid0 after the cut, uptime ${uptime}s, reconnects ${rec:-absent}, ${mbps} Mbit/s"

lab_pptpctl_down short
lab_figures "partition_s=$PARTITION_S echo_window_s=20 dropped=$dropped ping_back_s=$back_s reconnects=${rec:-absent} uptime_s=$uptime tunnel_mbps=$mbps"
