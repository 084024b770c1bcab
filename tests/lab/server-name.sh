# Scenario "server-name": the server by name, resolved again on every
# attempt, each of its addresses tried in turn. vpn.example.net has two
# addresses in /etc/hosts: 192.0.2.3, where nobody answers, and 192.0.2.1,
# the server. The first up reaches the server through the second; then the
# name moves to 192.0.2.5 (the server's other address) and the server
# restarts: the redial resolves the name again and follows it.
. "$LAB_REPO/tests/lab/lib.sh"

lab_setup_net
ip -n srv addr add 192.0.2.5/24 dev veth-srv
lab_start_server
# glibc returns every address of a name in /etc/hosts with "multi on"; both
# rules that could reorder them (file order, longest prefix with our
# 192.0.2.2) put 192.0.2.3 first.
echo "multi on" >/etc/host.conf
printf '192.0.2.3 vpn.example.net\n192.0.2.1 vpn.example.net\n' >>/etc/hosts
lab_profile named '"routes": ["203.0.113.0/24"], "connect_timeout_s": 30'
sed -i "s/\"server\": \"$SRV_IP\"/\"server\": \"vpn.example.net\"/" /etc/pptpctl/named.json
lab_client_snapshot >"$LOGS/snapshot"

lab_pptpctl_up named
[ $UP_RC = 0 ] || lab_fail "pptpctl up failed (exit $UP_RC): $(lab_last_words named)"
log=/run/pptpctl/named.log
grep -q "trying 192.0.2.3:1723 (address 1 of 2 for vpn.example.net)" $log \
  || lab_fail "the first address was not tried first: $(grep -h 'trying' $log | tr '\n' ' ')"
grep -q "cannot reach 192.0.2.3:1723.*trying the next address" $log || lab_fail "no word on the unreachable first address"
grep -q "trying 192.0.2.1:1723 (address 2 of 2" $log || lab_fail "the second address was not tried"
lab_status named && [ "$(lab_field named server_address)" = 192.0.2.1 ] \
  || lab_fail "status says server_address $(lab_field named server_address), not 192.0.2.1"
lab_log "client: up through the second address of vpn.example.net"

# The name moves; the server restarts.
sed -i '/vpn.example.net/d' /etc/hosts
echo "192.0.2.5 vpn.example.net" >>/etc/hosts
start=$(lab_now)
lab_kill_server
lab_start_pptpd
lab_wait_redial named 60 "$start"
[ "$(lab_field named server_address)" = 192.0.2.5 ] \
  || lab_fail "the redial did not follow the name to 192.0.2.5 (server_address $(lab_field named server_address))"
ip netns exec cli ping -c 2 -W 5 $SRV_TUN_IP >/dev/null || lab_fail "no ping through the tunnel after the name moved"
lab_log "client: redialled to 192.0.2.5 after the name moved, in ${WAITED}s"

lab_pptpctl_down named
lab_same_as "$LOGS/snapshot"
lab_figures "name_moved_redial_s=$WAITED"
