# Scenario "path-change": a laptop changes networks under a full tunnel. The
# client has two uplinks to the server (203.0.113.1 behind srv): veth-cli
# (192.0.2.0/24) and veth-cli2 (198.51.100.128/25). The LCP echo is slow on
# purpose, so only the route watch can notice: when the default route moves,
# the daemon redials at once along the new path and pins the server there;
# when the uplink it uses disappears, it keeps retrying, with everything the
# tunnel carries unreachable meanwhile (block_while_down), and once a way
# back exists it redials at once, without waiting out its backoff (30 s here).
. "$LAB_REPO/tests/lab/lib.sh"

lab_setup_net
ip -n srv addr add 203.0.113.1/32 dev lo
ip -n cli route add default via $SRV_IP dev veth-cli
lab_start_server
lab_profile roam '"server": "203.0.113.1", "default_route": true, "lcp_echo": {"interval_s": 60, "failures": 3}, "reconnect": {"delay_s": 30}'
sed -i "s/\"server\": \"$SRV_IP\", //" /etc/pptpctl/roam.json
lab_client_snapshot >"$LOGS/snapshot"

lab_pptpctl_up roam
[ $UP_RC = 0 ] || lab_fail "pptpctl up failed (exit $UP_RC): $(lab_last_words roam)"
ip -n cli route get 203.0.113.1 | grep -q "via $SRV_IP dev veth-cli" || lab_fail "server not pinned via $SRV_IP"

# The second uplink, and the default route moves to it.
ip link add veth-srv2 netns srv type veth peer name veth-cli2 netns cli
ip -n srv addr add 198.51.100.129/25 dev veth-srv2
ip -n cli addr add 198.51.100.130/25 dev veth-cli2
ip -n srv link set veth-srv2 up
ip -n cli link set veth-cli2 up
start=$(lab_now)
ip -n cli route replace default via 198.51.100.129 dev veth-cli2
lab_wait_redial roam 30 "$start" 0
moved_s=$WAITED
lab_field roam last_failure | grep -q "changed" || lab_fail "the redial does not say the path changed: $(lab_field roam last_failure)"
ip -n cli route get 203.0.113.1 | grep -q "via 198.51.100.129 dev veth-cli2" \
  || lab_fail "the server is not pinned along the new path: $(ip -n cli route get 203.0.113.1)"
ip netns exec cli ping -c 2 -W 5 $SRV_TUN_IP >/dev/null || lab_fail "no ping through the tunnel after the move"
lab_log "client: default route moved, redialled along the new path in ${moved_s}s"

# The uplink in use goes away: no way to the server at all for a while.
start=$(lab_now)
ip -n cli link del veth-cli2
lab_wait_not_up roam 10 "$start"
sleep 3
[ "$(lab_state roam)" != up ] || lab_fail "up without any way to the server"
ip -n cli route get 203.0.113.99 2>&1 | grep -qE "unreachable|No route" \
  || lab_fail "while down, traffic for the tunnel is not blocked: $(ip -n cli route get 203.0.113.99 2>&1)"
[ -n "$(lab_field roam next_attempt_s)" ] || lab_fail "status shows no next attempt while reconnecting"
# DNS is part of what is held: lookups keep going to the tunnel's servers
# (unreachable now), not to the LAN's resolver in clear.
grep -q '^nameserver 192.0.2.53' /etc/resolv.conf \
  || lab_fail "while down, resolv.conf no longer names the tunnel's DNS: $(grep nameserver /etc/resolv.conf | tr '\n' ' ')"
before=$(lab_field roam reconnects)
start=$(lab_now)
ip -n cli route replace default via $SRV_IP dev veth-cli
# Well under the 24 s the backoff alone would wait.
lab_wait_redial roam 20 "$start" "${before:-0}"
back_s=$WAITED
grep -q "redialling now" /run/pptpctl/roam.log || lab_fail "the way back did not cut the backoff short"
ip -n cli route get 203.0.113.1 | grep -q "via $SRV_IP dev veth-cli" || lab_fail "server not pinned via $SRV_IP again"
ip netns exec cli ping -c 2 -W 5 $SRV_TUN_IP >/dev/null || lab_fail "no ping through the tunnel after the uplink came back"
lab_log "client: uplink gone and back, tunnel up again ${back_s}s after a way back appeared (reconnects $(lab_field roam reconnects))"

lab_pptpctl_down roam
lab_same_as "$LOGS/snapshot"
lab_figures "path_moved_redial_s=$moved_s uplink_back_s=$back_s"
