# Scenario "office-route": the server is never routed into its own tunnel
# (issue 9, item 2). The office LAN 192.0.2.0/24 holds the VPN server
# (192.0.2.1) and a host 192.0.2.9 (on srv's lo); the client sits elsewhere
# (203.0.113.2/24) and reaches the office through its default gateway
# 203.0.113.1 (srv). Part 1: a split tunnel with "routes": ["192.0.2.0/24"]
# and no default_route covers the server, so its /32 is pinned via the
# gateway before the /24 goes into the tunnel. Part 2: the server is its own
# tunnel peer (pptpd's localip 192.0.2.1): the kernel's route to the peer's
# /32 would take GRE into the tunnel, so the pin goes in before the address.
. "$LAB_REPO/tests/lab/lib.sh"

OFFICE_HOST=192.0.2.9

lab_setup_net
# The client leaves the office LAN: its only way there is the gateway.
ip -n srv addr add 203.0.113.1/24 dev veth-srv
ip -n cli addr add 203.0.113.2/24 dev veth-cli
ip -n cli addr del $CLI_IP/24 dev veth-cli
ip -n cli route add default via 203.0.113.1 dev veth-cli
ip -n srv addr add $OFFICE_HOST/32 dev lo
ip netns exec cli ping -c 1 -W 5 $SRV_IP >/dev/null || lab_fail "the client does not reach $SRV_IP via 203.0.113.1 (lab setup)"
lab_start_server
lab_profile office '"routes": ["192.0.2.0/24"]'
lab_profile peer '"routes": ["192.0.2.9/32"]'
lab_client_snapshot >"$LOGS/snapshot"

# --- Part 1: routes cover the server --------------------------------------------
lab_pptpctl_up office
[ $UP_RC = 0 ] || lab_fail "pptpctl up failed (exit $UP_RC): $(lab_last_words office)"
grep -q "host route $SRV_IP via 203.0.113.1 dev veth-cli" "$LOGS/pptpctl-up.log" \
  || lab_fail "up did not pin the server's /32"
server_way=$(ip -n cli route get $SRV_IP | head -1)
office_way=$(ip -n cli route get $OFFICE_HOST | head -1)
echo "$server_way" | grep -q "via 203.0.113.1 dev veth-cli" \
  || lab_fail "the server $SRV_IP is not pinned outside the tunnel: $server_way"
echo "$office_way" | grep -q "dev pptp-office" || lab_fail "$OFFICE_HOST is not routed through the tunnel: $office_way"
ip -n cli route show $SRV_IP/32 | grep -q 'proto 80' || lab_fail "no pinned /32 of ours: $(ip -n cli route show $SRV_IP/32)"
ip netns exec cli ping -c 3 -W 5 $SRV_TUN_IP >/dev/null || lab_fail "no ping reply from the tunnel peer $SRV_TUN_IP"
rx0=$(ip netns exec cli cat /sys/class/net/pptp-office/statistics/rx_packets)
ip netns exec cli ping -c 3 -W 5 $OFFICE_HOST >/dev/null || lab_fail "no ping reply from $OFFICE_HOST through the tunnel"
rx1=$(ip netns exec cli cat /sys/class/net/pptp-office/statistics/rx_packets)
[ $((rx1 - rx0)) -ge 3 ] || lab_fail "the replies from $OFFICE_HOST did not come through pptp-office ($rx0 -> $rx1 packets)"
tunnel=$(lab_iperf cli $OFFICE_HOST 3) || lab_fail "iperf3 to $OFFICE_HOST through the tunnel failed (GRE looping into the tunnel?): $(lab_iperf_error)"
sleep 2
[ "$(lab_state office)" = up ] || lab_fail "the tunnel did not stay up (state $(lab_state office))"
lab_log "client: up; ip route get $SRV_IP: $server_way"
lab_log "client: ip route get $OFFICE_HOST: $office_way"
lab_log "client: $OFFICE_HOST answers through pptp-office, ${tunnel} Mbit/s"
lab_figures "office-route: iperf3 to the office LAN through the tunnel ${tunnel} Mbit/s"
lab_pptpctl_down office
lab_same_as "$LOGS/snapshot"
lab_log "client: down, pin and route gone, routes exactly as before"

# --- Part 2: the server is its own tunnel peer ------------------------------------
lab_kill_server
sed -i "s/^localip .*/localip $SRV_IP/" /etc/pptpd.conf
lab_start_pptpd
lab_pptpctl_up peer
[ $UP_RC = 0 ] || lab_fail "pptpctl up (peer = server) failed (exit $UP_RC): $(lab_last_words peer)"
peer=$(ip -n cli -4 -o addr show dev pptp-peer | sed -n 's/.* peer \([0-9.]*\).*/\1/p')
[ "$peer" = $SRV_IP ] || lab_fail "the tunnel's peer is $peer, not the server $SRV_IP (lab setup)"
server_way=$(ip -n cli route get $SRV_IP | head -1)
ip netns exec cli ping -c 3 -W 5 $OFFICE_HOST >/dev/null || lab_fail "no ping reply from $OFFICE_HOST through the tunnel (peer = server; ip route get $SRV_IP: $server_way)"
sleep 2
[ "$(lab_state peer)" = up ] || lab_fail "the tunnel (peer = server) did not stay up (state $(lab_state peer))"
echo "$server_way" | grep -q "via 203.0.113.1 dev veth-cli" \
  || lab_fail "the server $SRV_IP (the tunnel's peer) is routed into the tunnel: $server_way"
grep -q "host route $SRV_IP via 203.0.113.1 dev veth-cli" "$LOGS/pptpctl-up.log" \
  || lab_fail "up did not pin the server, its own tunnel peer"
lab_log "client: peer = server $SRV_IP: ip route get $SRV_IP: $server_way; $OFFICE_HOST answers through pptp-peer"
lab_pptpctl_down peer
lab_same_as "$LOGS/snapshot"
lab_log "client: down, routes exactly as before"
