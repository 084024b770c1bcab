# Scenario "default-route": a full tunnel. The server sits behind a gateway
# (203.0.113.1 on srv's loopback, reached via 192.0.2.1), so without the
# pinned host route every GRE packet would be routed into the tunnel itself.
. "$LAB_REPO/tests/lab/lib.sh"

lab_setup_net
ip -n srv addr add 203.0.113.1/32 dev lo
ip -n cli route add default via $SRV_IP dev veth-cli
lab_start_server
lab_profile full '"server": "203.0.113.1", "default_route": true'
sed -i "s/\"server\": \"$SRV_IP\", //" /etc/pptpctl/full.json
lab_client_snapshot >"$LOGS/snapshot"

lab_pptpctl_up full
[ $UP_RC = 0 ] || lab_fail "pptpctl up failed (exit $UP_RC): $(lab_last_words full)"
ip -n cli route get 203.0.113.1 | grep -q "via $SRV_IP dev veth-cli" \
  || lab_fail "no host route keeps the server 203.0.113.1 outside the tunnel: $(ip -n cli route get 203.0.113.1)"
for dst in 203.0.113.99 9.9.9.9 100.64.0.1; do
  # A routing decision only: nothing is sent to these addresses.
  ip -n cli route get $dst | grep -q 'dev pptp-full' || lab_fail "$dst is not routed through the tunnel: $(ip -n cli route get $dst)"
done
ip netns exec cli ping -c 3 -W 5 $SRV_TUN_IP >/dev/null || lab_fail "no ping reply through the full tunnel"
tunnel=$(lab_iperf cli $SRV_TUN_IP 3) || lab_fail "iperf3 through the full tunnel failed (GRE looping into the tunnel?): $(lab_iperf_error)"
lab_log "client: full tunnel up, server pinned via $SRV_IP, ${tunnel} Mbit/s"

lab_pptpctl_down full
lab_same_as "$LOGS/snapshot"
lab_log "client: down, routes and DNS exactly as before"
