# Scenario "basic": pptpctl up with split routes against the real PoPToP
# server, traffic through the kernel tunnel, status --json, and a clean down
# that leaves nothing behind.
. "$LAB_REPO/tests/lab/lib.sh"

lab_setup_net
lab_start_server
lab_profile office '"routes": ["203.0.113.0/24"], "lcp_echo": {"interval_s": 5, "failures": 3}'
lab_client_snapshot >"$LOGS/snapshot"

lab_pptpctl_up office
[ $UP_RC = 0 ] || lab_fail "pptpctl up failed (exit $UP_RC): $(lab_last_words office)"
connect_s=$UP_SECONDS
addr=$(lab_wait_addr cli pptp-office 1) || lab_fail "pptp-office has no IPv4 address after up"
grep -q "up: $addr peer $SRV_TUN_IP on pptp-office" "$LOGS/pptpctl-up.log" || lab_fail "up did not print the address it got ($addr)"
lab_log "client: pptp-office up with $addr after ${connect_s}s"

ip -n cli route show 203.0.113.0/24 | grep -q 'dev pptp-office' || lab_fail "route 203.0.113.0/24 is not through pptp-office"
grep -q '^nameserver 192.0.2.53' /etc/resolv.conf || lab_fail "resolv.conf does not list the server's DNS 192.0.2.53"
ip netns exec cli ping -c 3 -W 5 $SRV_TUN_IP >/dev/null || lab_fail "no ping reply from $SRV_TUN_IP through the tunnel"
grep -q "MPPE 128-bit stateless compression enabled" "$LOGS/server-pppd.log" || lab_fail "server did not enable MPPE-128"
tunnel=$(lab_iperf cli $SRV_TUN_IP 5) || lab_fail "iperf3 through the tunnel failed: $(lab_iperf_error)"

ip netns exec cli "$PPTPCTL" status --json office >"$LOGS/status.json" || lab_fail "status --json failed"
for key in state interface local peer dns mppe uptime_s rx_bytes tx_bytes; do
  jq -e "has(\"$key\")" "$LOGS/status.json" >/dev/null || lab_fail "status --json lacks \"$key\""
done
[ "$(jq -r .state "$LOGS/status.json")" = up ] || lab_fail "status says $(jq -r .state "$LOGS/status.json"), not up"
[ "$(jq -r .mppe.send "$LOGS/status.json")" = "MPPE 128-bit stateless" ] || lab_fail "status: mppe is $(jq -c .mppe "$LOGS/status.json")"
# iperf3 sends from the client: its bytes are ours to transmit.
[ "$(jq -r .tx_bytes "$LOGS/status.json")" -gt 100000 ] || lab_fail "status: tx_bytes does not count the iperf3 traffic"
[ "$(jq -r .rx_bytes "$LOGS/status.json")" -gt 0 ] || lab_fail "status: rx_bytes is zero"
ip netns exec cli "$PPTPCTL" status | sed 's/^/  /'

lab_pptpctl_down office
lab_same_as "$LOGS/snapshot"
ip netns exec cli "$PPTPCTL" status office >/dev/null 2>&1 && lab_fail "status still finds the tunnel after down"
sleep 1
grep -q "CALL CLR" "$LOGS/syslog.log" || lab_fail "the server's log shows no Call-Clear-Request (no clean call disconnect)"
lab_log "client: down, nothing left behind; server saw a clean call clear"
lab_figures "connect_s=$connect_s tunnel_mbps=$tunnel"
