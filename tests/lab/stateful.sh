# Scenario "stateful": the profile allows stateful MPPE and the server
# (pppd mppe-stateful) sends stateful; 2% loss on the server's side makes
# the kernel lose MPPE sync, and CCP Reset-Request/Ack must bring it back
# while iperf3 runs.
. "$LAB_REPO/tests/lab/lib.sh"

lab_setup_net
lab_server_options mppe-stateful
lab_start_server
lab_profile lossy '"mppe": {"required": true, "bits": [128], "stateful": true}'

lab_pptpctl_up lossy
[ $UP_RC = 0 ] || lab_fail "pptpctl up failed (exit $UP_RC): $(lab_last_words lossy)"
grep -q "encrypted: send MPPE 128-bit stateless, receive MPPE 128-bit stateful" "$LOGS/pptpctl-up.log" \
  || lab_fail "expected stateless sending and stateful receiving: $(grep encrypted "$LOGS/pptpctl-up.log")"
# 2% loss of what the server sends, deterministic: every 50th GRE packet. Random loss (netem) sooner or later drops the flushed packet that
# follows a Reset-Ack, and Linux's stateful MPPE, which rekeys on every
# flushed packet, can never resynchronise after that (any client; the
# client detects it and says so). A fixed stride never lands there.
# The drop sits where the server's packets enter the client: dropping them on
# the server's output would fail pptpd's raw-socket send and end the call.
modprobe nf_tables || lab_fail "nf_tables did not load"
ip netns exec cli nft add table inet lab
ip netns exec cli nft add chain inet lab in '{ type filter hook input priority 0; }'
ip netns exec cli nft add rule inet lab in meta l4proto gre numgen inc mod 50 == 0 counter drop
# Server to client is the stateful direction: iperf3 -R makes the server send.
out=$(lab_iperf_run timeout 60 ip netns exec cli iperf3 -c $SRV_TUN_IP -R -t 8 -f m) || lab_fail "iperf3 through the lossy stateful tunnel failed: $(lab_iperf_error)"
mbps=$(echo "$out" | lab_iperf_mbps)
resets=$(grep -c 'sent \[CCP ResetReq' /run/pptpctl/lossy.log || true)
[ "$resets" -gt 0 ] || lab_fail "no CCP Reset-Request was sent although packets were lost"
grep -q 'rcvd \[CCP ResetAck' /run/pptpctl/lossy.log || lab_fail "the server never acknowledged a Reset-Request"
ip netns exec cli ping -c 3 -W 5 $SRV_TUN_IP >/dev/null || lab_fail "no ping through the tunnel after the lossy run"
lab_log "client: ${mbps} Mbit/s through 2% loss, $resets Reset-Requests"
dropped=$(ip netns exec cli nft list chain inet lab in | grep -o 'packets [0-9]*' | awk '{print $2}')
lab_log "path: dropped $dropped GRE packets from the server on purpose"
ip netns exec cli nft delete table inet lab
lab_pptpctl_down lossy
