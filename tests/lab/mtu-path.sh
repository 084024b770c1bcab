# Scenario "mtu-path": the tunnel sizes itself to the path (issue 12).
# The client's uplink is 1300 bytes (veth-cli, as behind PPPoE-in-LTE or
# another tunnel) to a router namespace rtr that drops IP fragments, as many
# firewalls and NATs do; beyond it the server on 1500.
#   a. "mtu": 1400 with "clamp_mss": false, as the seeds set it: the outer GRE
#      of a full-size packet is 1444 bytes, the kernel fragments it (no DF),
#      rtr drops the fragments, and a 2 MB upload stalls. Pings still work.
#   b. the defaults ("mtu": "auto", "clamp_mss": true): 1300 - 44 = 1256,
#      SYNs clamped to 1216; 2 MB both ways complete; status says how.
#   c. a plain 1500-byte path: auto arrives at 1500 - 44 = 1456, and a
#      1456-byte packet with DF crosses the tunnel.
#   d. the small link is beyond the router (rtr-srv 1300) and the server's
#      side drops fragments: this host sees 1500 and auto says 1456, but the
#      black-hole check finds that only about 1256 gets through (1260 when
#      the echo's GRE header lacks the ack field; 4 bytes are kept for it), lowers the
#      MTU (and the clamp) and says so; 2 MB then go up.
# Every down leaves nothing behind, the nftables table included.
. "$LAB_REPO/tests/lab/lib.sh"

lab_setup_net
# Re-plumb: cli -- rtr -- srv instead of one veth between cli and srv.
ip netns add rtr || lab_fail "cannot create namespace rtr"
ip -n cli link del veth-cli
ip link add veth-cli netns cli type veth peer name rtr-cli netns rtr
ip link add rtr-srv netns rtr type veth peer name veth-srv netns srv
ip -n cli addr add 203.0.113.2/24 dev veth-cli
ip -n rtr addr add 203.0.113.1/24 dev rtr-cli
ip -n rtr addr add 192.0.2.254/24 dev rtr-srv
ip -n srv addr add $SRV_IP/24 dev veth-srv
for l in "cli veth-cli" "rtr rtr-cli" "rtr rtr-srv" "srv veth-srv"; do
  set -- $l
  ip -n "$1" link set "$2" up
done
ip -n rtr link set lo up
ip -n cli route add default via 203.0.113.1
ip -n srv route add 203.0.113.0/24 via 192.0.2.254
ip netns exec rtr sysctl -qw net.ipv4.ip_forward=1
# The small uplink: both ends of the client's link.
set_uplink_mtu() {
  ip -n cli link set veth-cli mtu "$1" && ip -n rtr link set rtr-cli mtu "$1" || lab_fail "cannot set the uplink MTU to $1"
}
set_uplink_mtu 1300
# Any fragment (more-fragments set or an offset) is dropped on the way through.
ip netns exec rtr nft -f - <<'NFT' || lab_fail "cannot install rtr's fragment filter"
table ip rtr {
  chain forward {
    type filter hook forward priority 0; policy accept;
    ip frag-off & 0x3fff != 0 counter drop comment "fragments"
  }
}
NFT
ip netns exec cli ping -c 1 -W 5 $SRV_IP >/dev/null || lab_fail "the client does not reach $SRV_IP through rtr (lab setup)"
ip netns exec cli ping -c 1 -W 5 -s 1400 $SRV_IP >/dev/null \
  && lab_fail "a fragmented 1428-byte ping crossed rtr: its fragment filter does not work (lab setup)"
lab_start_server
# A second iperf3 server for the transfer that is meant to stall: the first
# one stays free for the transfers that must complete.
ip netns exec srv iperf3 -s -D -p 5202 --logfile "$LOGS/iperf3-server-5202.log" || lab_fail "iperf3 server on 5202 did not start"
lab_client_snapshot >"$LOGS/snapshot"

frag_drops() { ip netns exec rtr nft list table ip rtr | awk '/counter packets/ { for (i = 1; i < NF; i++) if ($i == "packets") print $(i+1) }'; }
no_table_left() {
  ip netns exec cli nft list tables | grep -q pptpctl- && lab_fail "$1: an nftables table of pptpctl's is left: $(ip netns exec cli nft list tables | tr '\n' ' ')"
  return 0
}

# --- a. a fixed 1400 without clamping stalls --------------------------------
lab_profile fixed '"mtu": 1400, "clamp_mss": false'
lab_pptpctl_up fixed
[ $UP_RC = 0 ] || lab_fail "a. pptpctl up failed (exit $UP_RC): $(lab_last_words fixed)"
ip netns exec cli ping -c 2 -W 5 $SRV_TUN_IP >/dev/null || lab_fail "a. no small ping through the tunnel"
[ "$(ip -n cli -o link show pptp-fixed | sed -n 's/.* mtu \([0-9]*\) .*/\1/p')" = 1400 ] || lab_fail "a. pptp-fixed's MTU is not the profile's 1400"
before=$(frag_drops)
start=$(lab_now)
if timeout 15 ip netns exec cli iperf3 -c $SRV_TUN_IP -p 5202 -n 2M -f m >"$LOGS/iperf3-stall.log" 2>&1; then
  lab_fail "a. 2 MB went through a 1400-byte tunnel over a 1300-byte uplink that drops fragments: the scenario shows nothing"
fi
stall_s=$(lab_elapsed "$start")
dropped=$(( $(frag_drops) - before ))
[ "$dropped" -gt 0 ] || lab_fail "a. the transfer failed, but rtr dropped no fragments: something else broke it"
lab_log "a. mtu 1400, no clamp: 2 MB upload stalled (gave up after ${stall_s}s), rtr dropped $dropped fragments"
lab_pptpctl_down fixed
no_table_left "a"

# --- b. the defaults complete ------------------------------------------------
lab_profile office
lab_pptpctl_up office
[ $UP_RC = 0 ] || lab_fail "b. pptpctl up failed (exit $UP_RC): $(lab_last_words office)"
lab_pptpctl_status office >"$LOGS/status-b.json" || lab_fail "b. status --json failed"
[ "$(jq -r .mtu "$LOGS/status-b.json")" = 1256 ] || lab_fail "b. status: mtu $(jq -r .mtu "$LOGS/status-b.json"), expected 1300 - 44 = 1256"
[ "$(jq -r .mtu_source "$LOGS/status-b.json")" = "auto: veth-cli 1300 - 44" ] || lab_fail "b. status: mtu_source \"$(jq -r .mtu_source "$LOGS/status-b.json")\""
[ "$(jq -r .clamp_mss "$LOGS/status-b.json")" = 1216 ] || lab_fail "b. status: clamp_mss $(jq -r .clamp_mss "$LOGS/status-b.json"), expected 1216"
ip netns exec cli "$PPTPCTL" status office | grep -q "mtu: 1256 (auto: veth-cli 1300 - 44), TCP MSS clamped to 1216" \
  || lab_fail "b. status does not say the MTU and how it was chosen: $(ip netns exec cli "$PPTPCTL" status office | tr '\n' '|')"
ip netns exec cli nft list table ip pptpctl-pptp-office >"$LOGS/table-b.nft" || lab_fail "b. no nftables table pptpctl-pptp-office"
[ "$(grep -c 'tcp option maxseg size set 1216' "$LOGS/table-b.nft")" = 2 ] || lab_fail "b. the table does not clamp both ways to 1216"
before=$(frag_drops)
up=$(lab_iperf_run timeout 60 ip netns exec cli iperf3 -c $SRV_TUN_IP -n 2M -f m) || lab_fail "b. 2 MB upload with the defaults failed: $(lab_iperf_error)"
down=$(lab_iperf_run timeout 60 ip netns exec cli iperf3 -c $SRV_TUN_IP -R -n 2M -f m) || lab_fail "b. 2 MB download with the defaults failed: $(lab_iperf_error)"
up_mbps=$(echo "$up" | lab_iperf_mbps) down_mbps=$(echo "$down" | lab_iperf_mbps)
[ "$(( $(frag_drops) - before ))" = 0 ] || lab_fail "b. rtr dropped fragments with the defaults: the tunnel's packets do not fit the path"
# The clamp at work: the server's SYN-ACK and our SYN crossed the table.
ip netns exec cli nft list table ip pptpctl-pptp-office >/dev/null || lab_fail "b. the table vanished"
lab_log "b. defaults: mtu 1256 (auto: veth-cli 1300 - 44), MSS 1216 both ways; 2 MB up ${up_mbps} Mbit/s, down ${down_mbps} Mbit/s, no fragments"
lab_pptpctl_down office
no_table_left "b"

# --- c. a plain 1500-byte path ------------------------------------------------
set_uplink_mtu 1500
lab_pptpctl_up office
[ $UP_RC = 0 ] || lab_fail "c. pptpctl up failed (exit $UP_RC): $(lab_last_words office)"
lab_pptpctl_status office >"$LOGS/status-c.json" || lab_fail "c. status --json failed"
[ "$(jq -r .mtu "$LOGS/status-c.json")" = 1456 ] || lab_fail "c. status: mtu $(jq -r .mtu "$LOGS/status-c.json"), expected 1500 - 44 = 1456"
[ "$(ip -n cli -o link show pptp-office | sed -n 's/.* mtu \([0-9]*\) .*/\1/p')" = 1456 ] || lab_fail "c. pptp-office's MTU is not 1456"
# 1428 bytes of ICMP data + 8 + 20 = 1456, don't fragment.
ip netns exec cli ping -c 2 -W 5 -M do -s 1428 $SRV_TUN_IP >/dev/null || lab_fail "c. a 1456-byte packet with DF did not cross the tunnel"
before=$(frag_drops)
ip netns exec cli ping -c 2 -W 5 -M do -s 1428 $SRV_TUN_IP >/dev/null
[ "$(( $(frag_drops) - before ))" = 0 ] || lab_fail "c. the full-size packet was fragmented on the way"
lab_log "c. plain 1500 path: mtu 1456 (auto: veth-cli 1500 - 44); a 1456-byte DF packet crosses unfragmented"
lab_pptpctl_down office
no_table_left "c"

# --- d. a black hole beyond what this host can see -----------------------------
ip -n rtr link set rtr-srv mtu 1300 && ip -n srv link set veth-srv mtu 1300 || lab_fail "d. cannot set rtr-srv's MTU"
# The server's firewall drops fragments before anything reassembles them.
ip netns exec srv nft -f - <<'NFT' || lab_fail "d. cannot install the server's fragment filter"
table ip srvfw {
  chain pre {
    type filter hook prerouting priority -450; policy accept;
    ip frag-off & 0x3fff != 0 counter drop comment "fragments"
  }
}
NFT
lab_pptpctl_up office
[ $UP_RC = 0 ] || lab_fail "d. pptpctl up failed (exit $UP_RC): $(lab_last_words office)"
mtu=""
for _ in $(seq 60); do
  mtu=$(lab_pptpctl_status office | jq -r .mtu)
  [ -n "$mtu" ] && [ "$mtu" != null ] && [ "$mtu" -lt 1456 ] && break
  sleep 0.5
done
lab_pptpctl_status office >"$LOGS/status-d.json"
cp /run/pptpctl/office.log "$LOGS/office-d.log" 2>/dev/null
[ -n "$mtu" ] && [ "$mtu" != null ] && [ "$mtu" -le 1256 ] && [ "$mtu" -ge $((1256 - 12)) ] \
  || lab_fail "d. the black-hole check did not bring mtu from 1456 to 1244..1256 in 30 s (status: $(jq -c '{mtu, mtu_source, clamp_mss}' "$LOGS/status-d.json"))"
grep -q "path drops packets over [0-9]* bytes (.* got no answer); tunnel MTU set to $mtu" /run/pptpctl/office.log \
  || lab_fail "d. the daemon's log does not say that the path drops packets and the MTU is now $mtu"
[ "$(ip -n cli -o link show pptp-office | sed -n 's/.* mtu \([0-9]*\) .*/\1/p')" = "$mtu" ] || lab_fail "d. pptp-office's MTU is not $mtu"
[ "$(jq -r .clamp_mss "$LOGS/status-d.json")" = $((mtu - 40)) ] || lab_fail "d. the clamp did not follow the MTU down to $((mtu - 40))"
ip netns exec cli nft list table ip pptpctl-pptp-office | grep -q "maxseg size set $((mtu - 40))" || lab_fail "d. the table does not clamp to $((mtu - 40))"
up=$(lab_iperf_run timeout 60 ip netns exec cli iperf3 -c $SRV_TUN_IP -n 2M -f m) || lab_fail "d. 2 MB upload after the check failed: $(lab_iperf_error)"
d_mbps=$(echo "$up" | lab_iperf_mbps)
lab_log "d. a 1300 link beyond rtr: auto said 1456, the check lowered it to $mtu (\"$(jq -r .mtu_source "$LOGS/status-d.json")\"); 2 MB up ${d_mbps} Mbit/s"
lab_pptpctl_down office
no_table_left "d"
ip netns exec srv nft delete table ip srvfw
ip -n rtr link set rtr-srv mtu 1500 && ip -n srv link set veth-srv mtu 1500
set_uplink_mtu 1300
lab_same_as "$LOGS/snapshot"
lab_log "client: every down left nothing behind"
lab_figures "stall_s=$stall_s fixed_frag_drops=$dropped auto_up_mbps=$up_mbps auto_down_mbps=$down_mbps checked_mtu=$mtu checked_up_mbps=$d_mbps"
