# Scenario "stateful": the profile allows stateful MPPE and the server
# (pppd mppe-stateful) takes it for its direction; 2% loss on the server's
# side makes the kernel lose MPPE sync, and CCP Reset-Request/Ack must
# bring it back while iperf3 runs.
. "$LAB_REPO/tests/lab/lib.sh"

lab_setup_net
lab_server_options mppe-stateful
lab_start_server
lab_profile lossy '"mppe": {"required": true, "bits": [128], "stateful": true}'

lab_pptpctl_up lossy
[ $UP_RC = 0 ] || lab_fail "pptpctl up failed (exit $UP_RC): $(lab_last_words lossy)"
grep -q "encrypted: send MPPE 128-bit stateless, receive MPPE 128-bit stateful" "$LOGS/pptpctl-up.log" \
  || lab_fail "expected stateless sending and stateful receiving: $(grep encrypted "$LOGS/pptpctl-up.log")"
tc -n srv qdisc add dev veth-srv root netem loss 2%
# Server to client is the stateful direction: iperf3 -R makes the server send.
out=$(ip netns exec cli iperf3 -c $SRV_TUN_IP -R -t 8 -f m 2>&1) || lab_fail "iperf3 through the lossy stateful tunnel failed"
echo "$out" >>"$LOGS/iperf3-client.log"
mbps=$(echo "$out" | awk '/receiver/ { for (i = 1; i < NF; i++) if ($(i+1) == "Mbits/sec") print $i }' | tail -1)
resets=$(grep -c 'sent \[CCP ResetReq' /run/pptpctl/lossy.log || true)
[ "$resets" -gt 0 ] || lab_fail "no CCP Reset-Request was sent although packets were lost"
grep -q 'rcvd \[CCP ResetAck' /run/pptpctl/lossy.log || lab_fail "the server never acknowledged a Reset-Request"
ip netns exec cli ping -c 3 -W 5 $SRV_TUN_IP >/dev/null || lab_fail "no ping through the tunnel after the lossy run"
lab_log "client: ${mbps} Mbit/s through 2% loss, $resets Reset-Requests"
tc -n srv qdisc del dev veth-srv root
lab_pptpctl_down lossy
