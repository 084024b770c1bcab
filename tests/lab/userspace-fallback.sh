# Scenario "userspace-fallback": a client kernel without the pptp module
# (not loaded, rmmod'ed if it was, and blocked with "install pptp /bin/false"
# as a distribution would ship it). With "data_path": "auto" pptpctl says why
# and carries the tunnel itself over TUN and a raw GRE socket: ping and
# iperf3 both ways through the real PoPToP server, status says "userspace"
# with its counters, and down leaves nothing (no interface, no routes, no GRE
# socket). "data_path": "kernel" fails with exit 4 (kernel-missing) in one
# line. Then the same with stateful MPPE from the server.
. "$LAB_REPO/tests/lab/lib.sh"

# The server's pppd still needs ppp_generic and ppp_mppe (same kernel); only
# the client's PPTP module is missing. tun for the userspace data path.
rmmod pptp 2>/dev/null || true
mkdir -p /etc/modprobe.d
echo "install pptp /bin/false" >/etc/modprobe.d/lab-no-pptp.conf
LAB_MODULES="veth ppp_generic ppp_async ppp_mppe tun nf_tables" lab_setup_net
modprobe pptp 2>/dev/null && lab_fail "modprobe pptp succeeded although it is blocked"
grep -q '^pptp ' /proc/modules && lab_fail "the pptp module is loaded"
lab_start_server
lab_profile office '"routes": ["203.0.113.0/24"], "lcp_echo": {"interval_s": 5, "failures": 3}'
lab_client_snapshot >"$LOGS/snapshot"

lab_pptpctl_up office
[ $UP_RC = 0 ] || lab_fail "pptpctl up failed (exit $UP_RC): $(lab_last_words office)"
grep -q "the kernel has no PPTP (socket: .*); carrying the tunnel in userspace" "$LOGS/pptpctl-up.log" \
  || lab_fail "up did not say why it carries the tunnel in userspace"
grep -q "no injection guard needed" "$LOGS/pptpctl-up.log" || lab_fail "up did not say it needs no nft guard"
addr=$(lab_wait_addr cli pptp-office 1) || lab_fail "pptp-office has no IPv4 address after up"
ip -n cli -d link show pptp-office | grep -q 'tun type tun' || lab_fail "pptp-office is not a TUN device: $(ip -n cli -d link show pptp-office)"
lab_log "client: pptp-office (TUN) up with $addr after ${UP_SECONDS}s"
ip -n cli route show 203.0.113.0/24 | grep -q 'dev pptp-office' || lab_fail "route 203.0.113.0/24 is not through pptp-office"
ip netns exec cli ping -c 3 -W 5 $SRV_TUN_IP >/dev/null || lab_fail "no ping reply from $SRV_TUN_IP through the userspace tunnel"
grep -q "MPPE 128-bit stateless compression enabled" "$LOGS/server-pppd.log" || lab_fail "server did not enable MPPE-128"
up_mbps=$(lab_iperf cli $SRV_TUN_IP 5) || lab_fail "iperf3 client to server through the userspace tunnel failed: $(lab_iperf_error)"
out=$(lab_iperf_run timeout 40 ip netns exec cli iperf3 -c $SRV_TUN_IP -R -t 5 -f m) || lab_fail "iperf3 server to client (-R) failed: $(lab_iperf_error)"
down_mbps=$(echo "$out" | lab_iperf_mbps)

ip netns exec cli "$PPTPCTL" status --json office >"$LOGS/status.json" || lab_fail "status --json failed"
[ "$(jq -r .data_path "$LOGS/status.json")" = userspace ] || lab_fail "status: data_path is $(jq -r .data_path "$LOGS/status.json")"
for key in reordered late lost clear_dropped; do
  jq -e ".datapath | has(\"$key\")" "$LOGS/status.json" >/dev/null || lab_fail "status --json lacks datapath.$key"
done
[ "$(jq -r .tx_bytes "$LOGS/status.json")" -gt 1000000 ] || lab_fail "status: tx_bytes does not count the iperf3 traffic"
[ "$(jq -r .rx_bytes "$LOGS/status.json")" -gt 1000000 ] || lab_fail "status: rx_bytes does not count the iperf3 -R traffic"
[ "$(jq -r .inject_guard "$LOGS/status.json")" = null ] || lab_fail "status: an nft guard on the userspace path"
ip netns exec cli "$PPTPCTL" status office | tee "$LOGS/status.txt" | sed 's/^/  /'
grep -q "data path: userspace (reordered" "$LOGS/status.txt" || lab_fail "status text lacks the data path line"
lab_log "client: $(jq -c .datapath "$LOGS/status.json")"

pid=$(jq -r .pid "$LOGS/status.json")
ls -l /proc/$pid/fd >"$LOGS/fds-up" 2>&1
lab_pptpctl_down office
lab_same_as "$LOGS/snapshot"
ip -n cli link show pptp-office >/dev/null 2>&1 && lab_fail "pptp-office still exists after down"
[ -z "$(ip netns exec cli ss -H -w -a 2>/dev/null | grep -w 47)" ] || lab_fail "a raw GRE socket is left after down: $(ip netns exec cli ss -w -a)"
kill -0 "$pid" 2>/dev/null && lab_fail "the daemon ($pid) still runs after down"
sleep 1
grep -q "CALL CLR" "$LOGS/syslog.log" || lab_fail "the server's log shows no Call-Clear-Request (no clean call disconnect)"
lab_log "client: down, nothing left behind"

# "kernel" where the kernel has no PPTP: exit 4, one sentence.
lab_profile kern '"data_path": "kernel"'
lab_pptpctl_up kern
[ $UP_RC = 4 ] || lab_fail "data_path kernel without pptp: exit $UP_RC, expected 4 (kernel-missing): $(lab_last_words kern)"
lab_log "client: data_path kernel refused: $(lab_last_words kern)"
lab_last_words kern | grep -q "no PPTP support" || lab_fail "the refusal does not say PPTP is missing"
lab_same_as "$LOGS/snapshot"

# Stateful MPPE from the server, through the userspace engine.
pkill -x pptpd; sleep 0.5
lab_server_options mppe-stateful
LAB_SERVER_OPTIONS_SET=1
lab_start_pptpd
lab_profile stateful '"mppe": {"required": true, "bits": [128], "stateful": true}, "data_path": "userspace"'
lab_pptpctl_up stateful
[ $UP_RC = 0 ] || lab_fail "stateful: pptpctl up failed (exit $UP_RC): $(lab_last_words stateful)"
grep -q "encrypted: send MPPE 128-bit stateless, receive MPPE 128-bit stateful" "$LOGS/pptpctl-up.log" \
  || lab_fail "stateful: expected stateless sending and stateful receiving"
ip netns exec cli ping -c 3 -W 5 $SRV_TUN_IP >/dev/null || lab_fail "stateful: no ping through the userspace tunnel"
out=$(lab_iperf_run timeout 40 ip netns exec cli iperf3 -c $SRV_TUN_IP -R -t 5 -f m) || lab_fail "stateful: iperf3 -R failed: $(lab_iperf_error)"
st_mbps=$(echo "$out" | lab_iperf_mbps)
lab_pptpctl_down stateful
lab_same_as "$LOGS/snapshot"
lab_log "client: stateful receive through the userspace path, $st_mbps Mbit/s"
lab_figures "connect_s=$UP_SECONDS up_mbps=$up_mbps down_mbps=$down_mbps stateful_mbps=$st_mbps"
