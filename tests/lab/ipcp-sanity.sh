# Scenario "ipcp-sanity": what a server hands out in IPCP is checked (issue
# 9, item 3). Part 1: pptpd's pppd offers "ms-dns 127.0.0.1" as the second
# DNS server: the tunnel comes up without it and says why. Part 2: the
# server's pool is its own real address (remoteip 192.0.2.1): pptpctl asks
# again three times, then fails with exit 14 and a sentence naming it.
. "$LAB_REPO/tests/lab/lib.sh"

lab_setup_net
# A third ms-dns line: pppd offers one of the first two and 127.0.0.1.
lab_server_options "ms-dns 127.0.0.1"
lab_start_server
lab_profile office
lab_client_snapshot >"$LOGS/snapshot"

# --- Part 1: a loopback DNS server is not used -------------------------------------
lab_pptpctl_up office
[ $UP_RC = 0 ] || lab_fail "pptpctl up failed (exit $UP_RC): $(lab_last_words office)"
refused=$(grep -o 'IPCP: not using 127.0.0.1 as secondary DNS server: it is a loopback address (127.0.0.0/8)' \
  "$LOGS/pptpctl-up.log" | head -1)
[ -n "$refused" ] || lab_fail "up did not say it refused the DNS server 127.0.0.1"
status=$(lab_pptpctl_status office)
[ -n "$status" ] || lab_fail "no status for office"
echo "$status" | grep -q '127\.0\.0\.1' && lab_fail "127.0.0.1 is among the tunnel's DNS servers: $status"
[ "$(echo "$status" | jq -c .dns)" = '["192.0.2.54"]' ] || [ "$(echo "$status" | jq -c .dns)" = '["192.0.2.53"]' ] \
  || lab_fail "the tunnel's DNS servers are not the one good server: $(echo "$status" | jq -c .dns)"
ip netns exec cli ping -c 2 -W 5 $SRV_TUN_IP >/dev/null || lab_fail "no ping reply through the tunnel"
lab_log "client: up, '$refused'"
lab_pptpctl_down office
lab_same_as "$LOGS/snapshot"

# --- Part 2: the server assigns us its own address ------------------------------------
lab_kill_server
sed -i "s/^remoteip .*/remoteip $SRV_IP/" /etc/pptpd.conf
lab_start_pptpd
lab_pptpctl_up office
words=$(lab_last_words office)
[ $UP_RC = 14 ] || lab_fail "expected exit 14 (no address), got $UP_RC: $words"
echo "$words" | grep -q "the server assigned us $SRV_IP, the PPTP server's own address" \
  || lab_fail "the failure does not name the address: $words"
lab_log "client: exit $UP_RC in ${UP_SECONDS}s: $words"
lab_same_as "$LOGS/snapshot"
lab_log "client: nothing left behind"
