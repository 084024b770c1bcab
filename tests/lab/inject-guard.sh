# Scenario "inject-guard": no clear-text injection (issue 9, item 5). Linux
# hands a clear IPv4 frame (PPP 0x0021) from the channel to the stack even
# while MPPE runs. An attacker in the server's namespace (gre_inject: a raw
# socket, the real call ID, the server's next GRE sequence number) forges an
# ICMP echo request from the server's tunnel address to the client's.
#   1. With pptpctl's guard, the client's stack never sees it (Icmp InEchos
#      unchanged) and the guard's drop counter says it dropped it; MPPE
#      traffic keeps flowing; after down no table is left.
#   2. With the guard's table deleted by hand, the same forgery reaches the
#      client's stack: the guard is what stops it.
#   3. After a SIGKILL of the daemon, `down` takes the table back from the
#      crash record.
. "$LAB_REPO/tests/lab/lib.sh"
INJECT=$LAB_REPO/build/tests/gre_inject
TABLE=pptpctl-pptp-guard
scenario_start=$(lab_now)

lab_setup_net
lab_start_server
lab_profile guard '"routes": ["203.0.113.0/24"]'
lab_client_snapshot >"$LOGS/snapshot"

# Echo requests the client's IPv4 stack took in (RFC 2011 icmpInEchos).
in_echos() {
  ip netns exec cli awk '/^Icmp:/ { if (!n) { for (i = 1; i <= NF; i++) if ($i == "InEchos") n = i } else print $n }' /proc/net/snmp
}
guard_dropped() {
  ip netns exec cli nft list table ip $TABLE | grep -o 'counter packets [0-9]*' | awk '{print $3}'
}
guard_tables() { ip netns exec cli nft list tables | grep -c pptpctl; }

# One forgery: gre_inject waits in srv for the server's next GRE packet to
# our call (the answer to one ping through the tunnel) and sends seq + 1.
inject() {
  local call=$1 addr=$2 log=$LOGS/gre-inject-$3.log
  ip netns exec srv "$INJECT" veth-srv $SRV_IP $CLI_IP "$call" $SRV_TUN_IP "$addr" 10 >"$log" 2>&1 &
  local pid=$!
  for _ in $(seq 50); do grep -q listening "$log" && break; sleep 0.1; done
  ip netns exec cli ping -c 1 -W 2 $SRV_TUN_IP >/dev/null 2>&1
  wait $pid || lab_fail "gre_inject: $(tail -1 "$log")"
  lab_log "attacker: $(tail -1 "$log" | sed 's/^gre_inject: //')"
}

up_guard() {
  lab_pptpctl_up guard
  [ $UP_RC = 0 ] || lab_fail "pptpctl up failed (exit $UP_RC): $(lab_last_words guard)"
  addr=$(lab_wait_addr cli pptp-guard 1) || lab_fail "pptp-guard has no IPv4 address after up"
  lab_status guard || lab_fail "status --json failed"
  call=$(lab_field guard call_id)
  [ -n "$call" ] || lab_fail "status --json has no call_id"
  [ "$(lab_field guard inject_guard)" = "ip $TABLE" ] || lab_fail "status: inject_guard is \"$(lab_field guard inject_guard)\""
  grep -q "nftables table ip $TABLE (drops clear-text frames from $SRV_IP" "$LOGS/pptpctl-up.log" \
    || lab_fail "up did not say it installed the injection guard"
  ip netns exec cli nft list table ip $TABLE >"$LOGS/guard-table.nft" 2>&1 || lab_fail "no nftables table $TABLE while up"
}

# --- 1. guarded ---------------------------------------------------------------
up_guard
lab_log "client: pptp-guard up with $addr, call ID $call, guard table $TABLE"
ip netns exec cli ping -c 3 -W 5 $SRV_TUN_IP >/dev/null || lab_fail "no ping reply through the guarded tunnel"
echos0=$(in_echos) dropped0=$(guard_dropped)
inject "$call" "$addr" guarded
sleep 1
echos1=$(in_echos) dropped1=$(guard_dropped)
[ "$dropped1" = $((dropped0 + 1)) ] || lab_fail "the guard's counter went from $dropped0 to $dropped1, not up by one"
[ "$echos1" = "$echos0" ] || lab_fail "the forged echo request reached the client's stack through the guard (InEchos $echos0 -> $echos1)"
lab_log "guarded: dropped $dropped0 -> $dropped1, client InEchos $echos0 -> $echos1 (not seen)"
# MPPE traffic keeps flowing (the forgery may cost the server one packet:
# its sequence number was taken).
ip netns exec cli ping -c 3 -W 5 $SRV_TUN_IP >/dev/null || lab_fail "no ping reply through the guarded tunnel after the forgery"
tunnel=$(lab_iperf cli $SRV_TUN_IP 3) || lab_fail "iperf3 through the guarded tunnel failed: $(lab_iperf_error)"
[ "$(guard_dropped)" = "$dropped1" ] || lab_fail "the guard dropped real traffic: counter $(guard_dropped) after ping and iperf3"
lab_log "guarded: ping and iperf3 (${tunnel} Mbit/s) pass, nothing else dropped"
lab_pptpctl_down guard
[ "$(guard_tables)" = 0 ] || lab_fail "down left an nftables table: $(ip netns exec cli nft list tables)"
lab_same_as "$LOGS/snapshot"
lab_log "client: down, no nftables table left"

# --- 2. unguarded -------------------------------------------------------------
up_guard
ip netns exec cli nft delete table ip $TABLE || lab_fail "cannot delete $TABLE by hand"
seen=""
for try in 1 2 3; do
  echos0=$(in_echos)
  inject "$call" "$addr" unguarded-$try
  sleep 1
  echos1=$(in_echos)
  [ "$echos1" -gt "$echos0" ] && { seen=$try; break; }
done
[ -n "$seen" ] || lab_fail "without the guard the forged echo request never reached the client's stack: the lab proves nothing"
lab_log "unguarded: client InEchos $echos0 -> $echos1 (the forged packet reached the stack, try $seen)"
lab_pptpctl_down guard
grep -q "nftables table ip $TABLE (injection guard[^)]*): already gone" /run/pptpctl/guard.log \
  || lab_fail "down did not report the hand-deleted table as already gone"
lab_same_as "$LOGS/snapshot"

# --- 3. crash record ----------------------------------------------------------
up_guard
pid=$(lab_daemon_pid guard) || lab_fail "no daemon pid"
ls -la /run/pptpctl >"$LOGS/run-dir.txt" 2>&1
cp /run/pptpctl/guard.changes.json "$LOGS/record-before-kill.json" 2>>"$LOGS/run-dir.txt"
jq -e '.steps[] | select(.kind == "nft_table" and .guard == true and .ifname == "pptp-guard")' "$LOGS/record-before-kill.json" >/dev/null \
  || lab_fail "the crash record does not name the guard: $(cat "$LOGS/run-dir.txt" | tr '\n' ' ')"
kill -KILL "$pid"
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
[ "$(guard_tables)" = 1 ] || lab_fail "the table went with the daemon: nothing for the crash record to prove"
lab_pptpctl_down guard
[ "$(guard_tables)" = 0 ] || lab_fail "down after a crash left the table: $(ip netns exec cli nft list tables)"
grep -q "undo: removed nftables table ip $TABLE (injection guard[^)]*)" "$LOGS/pptpctl-up.log" \
  || lab_fail "down after the crash did not say it removed the table"
lab_same_as "$LOGS/snapshot"
lab_log "crash: SIGKILL left $TABLE; down took it back from the record"
lab_figures "guard_dropped=$((dropped1 - dropped0)) unguarded_seen=1 tunnel_mbps=$tunnel scenario_s=$(lab_elapsed "$scenario_start")"
