# Scenario "ipv6-block": no IPv6 leak around a full tunnel (issue 9, item 1).
# The client has IPv6 on its uplink (2001:db8:1::2/64) and a default IPv6
# route via the server side (2001:db8:1::1), which owns an off-link address
# 2001:db8:2::1. With a default_route tunnel up, "ipv6" defaults to "block":
# off-link IPv6 is refused at once while the on-link /64 still answers and
# IPv4 flows in the tunnel; the block stands while the daemon redials after
# the server is killed; `down` restores IPv6 routing exactly. Then
# "ipv6": "allow" leaves IPv6 alone.
. "$LAB_REPO/tests/lab/lib.sh"

OFFLINK6=2001:db8:2::1
ONLINK6=2001:db8:1::1

lab_setup_net
ip -n srv -6 addr add $ONLINK6/64 dev veth-srv nodad
ip -n cli -6 addr add 2001:db8:1::2/64 dev veth-cli nodad
ip -n srv -6 addr add $OFFLINK6/128 dev lo
ip -n cli -6 route add default via $ONLINK6 dev veth-cli
lab_start_server
lab_profile full '"default_route": true, "reconnect": {"max_delay_s": 2}'
lab_profile open '"default_route": true, "ipv6": "allow"'
lab_profile side '"routes": ["203.0.113.0/24"], "ipv6": "block"'

routes6() { ip -n cli -6 route show table all; }
ping6_ok() { ip netns exec cli ping -6 -c 1 -W 3 "$1" >/dev/null 2>&1; }

ping6_ok $OFFLINK6 || lab_fail "before up: no IPv6 ping reply from the off-link $OFFLINK6 (lab setup)"
ping6_ok $ONLINK6 || lab_fail "before up: no IPv6 ping reply from the on-link $ONLINK6 (lab setup)"
routes6 >"$LOGS/routes6.before"
lab_client_snapshot >"$LOGS/snapshot"
lab_log "client: before up, IPv6 reaches $OFFLINK6 (off-link, via $ONLINK6) and $ONLINK6 (on-link)"

# --- "ipv6" absent, default_route true: block ----------------------------------
lab_pptpctl_up full
[ $UP_RC = 0 ] || lab_fail "pptpctl up failed (exit $UP_RC): $(lab_last_words full)"
grep -qE 'IPv6 route unreachable ::/1 metric [0-9]+' "$LOGS/pptpctl-up.log" \
  || lab_fail "up did not say it blocked IPv6 ::/1"
routes6 >"$LOGS/routes6.up"
grep -qE '^unreachable ::/1 dev lo proto 80 metric [0-9]+' "$LOGS/routes6.up" \
  && grep -qE '^unreachable 8000::/1 dev lo proto 80 metric [0-9]+' "$LOGS/routes6.up" \
  || lab_fail "no unreachable ::/1 and 8000::/1 of ours: $(grep -v '^local\|^multicast\|^fe80' "$LOGS/routes6.up" | tr '\n' ' ')"
get=$(ip -n cli -6 route get $OFFLINK6 2>&1)
echo "$get" | grep -qE 'unreachable|No route to host' || lab_fail "ip -6 route get $OFFLINK6 is not unreachable: $get"
if ping6_ok $OFFLINK6; then lab_fail "IPv6 to the off-link $OFFLINK6 still answers with the full tunnel up (leak)"; fi
# Refused by the route at connect(), not lost on the way: nothing is sent.
err=$(ip netns exec cli ping -6 -c 1 -W 3 $OFFLINK6 2>&1 | head -1)
echo "$err" | grep -qE 'No route to host|unreachable' || lab_fail "ping -6 $OFFLINK6 was not refused at once: $err"
ping6_ok $ONLINK6 || lab_fail "the on-link $ONLINK6 no longer answers with the block in place"
ip -n cli route get 9.9.9.9 | grep -q 'dev pptp-full' || lab_fail "IPv4 is not routed through the tunnel"
ip netns exec cli ping -c 3 -W 5 $SRV_TUN_IP >/dev/null || lab_fail "no IPv4 ping reply through the tunnel"
tunnel=$(lab_iperf cli $SRV_TUN_IP 2) || lab_fail "iperf3 through the tunnel failed: $(lab_iperf_error)"
lab_log "client: up; ip -6 route get $OFFLINK6: $(echo "$get" | head -1)"
lab_log "client: off-link IPv6 refused ($err); on-link $ONLINK6 answers; IPv4 ${tunnel} Mbit/s in the tunnel"
lab_figures "ipv6-block: IPv4 through the tunnel ${tunnel} Mbit/s with IPv6 blocked"

# The block is part of the hold: it stands while the daemon redials.
killed_at=$(lab_now)
lab_kill_server KILL
lab_wait_not_up full 30 "$killed_at"
between=$(ip -n cli -6 route show table all proto 80 | grep -c '^unreachable')
[ "$between" = 2 ] || lab_fail "between two links the IPv6 block is gone: $(ip -n cli -6 route show table all proto 80 | tr '\n' ' ')"
if ping6_ok $OFFLINK6; then lab_fail "IPv6 to $OFFLINK6 answers while the tunnel redials (leak)"; fi
back_at=$(lab_now)
lab_start_pptpd
lab_wait_traffic full $SRV_TUN_IP 60 "$back_at"
lab_wait_redial full 10 "$back_at"
[ "$(ip -n cli -6 route show table all proto 80 | grep -c '^unreachable')" = 2 ] || lab_fail "after the redial the IPv6 block is not there once"
if ping6_ok $OFFLINK6; then lab_fail "IPv6 to $OFFLINK6 answers after the redial (leak)"; fi
lab_log "client: server killed: IPv6 block stood while redialling, up again $(lab_elapsed "$back_at")s after the server returned"

lab_pptpctl_down full
routes6 >"$LOGS/routes6.after"
diff "$LOGS/routes6.before" "$LOGS/routes6.after" >"$LOGS/routes6.diff" \
  || lab_fail "down left IPv6 routing changed: $(grep '^[<>]' "$LOGS/routes6.diff" | tr '\n' ' ')"
lab_same_as "$LOGS/snapshot"
ping6_ok $OFFLINK6 || lab_fail "after down: the off-link $OFFLINK6 does not answer again"
lab_log "client: down, ip -6 route show table all exactly as before, $OFFLINK6 answers again"

# --- "ipv6": "allow": IPv6 left alone ------------------------------------------
lab_pptpctl_up open
[ $UP_RC = 0 ] || lab_fail "pptpctl up (ipv6 allow) failed (exit $UP_RC): $(lab_last_words open)"
ip -n cli -6 route show table all proto 80 | grep -q . \
  && lab_fail "\"ipv6\": \"allow\" still added IPv6 routes: $(ip -n cli -6 route show table all proto 80 | tr '\n' ' ')"
ping6_ok $OFFLINK6 || lab_fail "\"ipv6\": \"allow\": the off-link $OFFLINK6 does not answer"
ip netns exec cli ping -c 2 -W 5 $SRV_TUN_IP >/dev/null || lab_fail "\"ipv6\": \"allow\": no IPv4 ping reply through the tunnel"
lab_pptpctl_down open
routes6 >"$LOGS/routes6.after-allow"
diff "$LOGS/routes6.before" "$LOGS/routes6.after-allow" >/dev/null || lab_fail "\"ipv6\": \"allow\" left IPv6 routing changed"
lab_same_as "$LOGS/snapshot"
lab_log "client: \"ipv6\": \"allow\": IPv6 untouched, $OFFLINK6 answers with the tunnel up"

# --- Two tunnels that both block: each has its own block routes, so the
# first one down does not take the other's away.
lab_pptpctl_up full
[ $UP_RC = 0 ] || lab_fail "pptpctl up full (two tunnels) failed (exit $UP_RC): $(lab_last_words full)"
lab_pptpctl_up side
[ $UP_RC = 0 ] || lab_fail "pptpctl up side (two tunnels) failed (exit $UP_RC): $(lab_last_words side)"
[ "$(ip -n cli -6 route show table all proto 80 | grep -c '^unreachable')" = 4 ] \
  || lab_fail "two blocking tunnels do not have two blocks each: $(ip -n cli -6 route show table all proto 80 | tr '\n' ' ')"
lab_pptpctl_down side
[ "$(ip -n cli -6 route show table all proto 80 | grep -c '^unreachable')" = 2 ] \
  || lab_fail "after the split tunnel's down, the full tunnel's IPv6 block is not whole: $(ip -n cli -6 route show table all proto 80 | tr '\n' ' ')"
if ping6_ok $OFFLINK6; then lab_fail "IPv6 to $OFFLINK6 answers after the other tunnel went down (leak)"; fi
lab_pptpctl_down full
routes6 >"$LOGS/routes6.after-two"
diff "$LOGS/routes6.before" "$LOGS/routes6.after-two" >/dev/null || lab_fail "two tunnels left IPv6 routing changed"
lab_same_as "$LOGS/snapshot"
lab_log "client: two blocking tunnels: the first down leaves the other's IPv6 block whole; both down, IPv6 routing as before"
