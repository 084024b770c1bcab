# Scenario "fault-netem": 3% random loss plus reordering (netem) for 60 s of
# iperf3 over stateless MPPE, on what the client receives (the server's
# veth), with the server sending (iperf3 -R): the client's kernel drops late
# GRE packets, so reordering is more loss there, and stateless MPPE must
# decrypt every packet that does arrive, with no resync. The client's ACKs
# cross the clean direction. The link must stay up (same daemon and call, no
# redial) and every 2 s interval must move bytes.
# Why not both ways: PoPToP's userspace GRE already loses some of what the
# client sends in this lab (its raw socket overflows under TCG; syslog shows
# "GRE: timeout waiting for N packets" even without netem) and holds every
# packet behind a gap until its reorder timeout, so loss toward the server
# stalls any client's uploads for seconds: that would measure PoPToP.
. "$LAB_REPO/tests/lab/lib.sh"

RUN_S=60
INTERVAL_S=2
# 3% loss; 5 ms delay with a quarter of the packets sent at once (jumping the
# queue); a stable echo window, 5 s x 6, which 3% loss does not empty.
NETEM="loss random 3% delay 5ms reorder 25% 50%"
lab_setup_net
lab_server_options "lcp-echo-interval 5" "lcp-echo-failure 6"
lab_start_server
lab_profile lossy '"lcp_echo": {"interval_s": 5, "failures": 6}'

lab_pptpctl_up lossy
[ $UP_RC = 0 ] || lab_fail "pptpctl up failed (exit $UP_RC): $(lab_last_words lossy)"
grep -q "encrypted: send MPPE 128-bit stateless, receive MPPE 128-bit stateless" "$LOGS/pptpctl-up.log" \
  || lab_fail "expected stateless MPPE both ways: $(grep encrypted "$LOGS/pptpctl-up.log")"
lab_status lossy || lab_fail "no status from the daemon"
pid0=$(lab_field lossy pid) call0=$(lab_field lossy call_id)

ip netns exec srv tc qdisc add dev veth-srv root netem $NETEM || lab_fail "netem on veth-srv: tc failed"
lab_log "path: $NETEM, server -> client"
# iperf3 [ARGS]: one run of RUN_S; checks every interval moved bytes; sets
# MBPS, RETR, N_INT, MIN_KB for that direction.
run_iperf() {
  local out rc intervals stalled
  out=$(timeout $((RUN_S + 40)) ip netns exec cli iperf3 -c $SRV_TUN_IP -t $RUN_S -i $INTERVAL_S -f m "$@" 2>&1)
  rc=$?
  echo "$out" >>"$LOGS/iperf3-client.log"
  [ $rc = 0 ] || lab_fail "iperf3 $* through the lossy path failed (status $rc): $(echo "$out" | tail -1)"
  # "[  5]   4.00-6.00   sec   384 KBytes  1.57 Mbits/sec ..." per interval.
  intervals=$(echo "$out" | awk '$1 == "[" && $4 == "sec" && $NF != "sender" && $NF != "receiver" { split($3, r, "-"); print r[2], $5, $6 }')
  N_INT=$(echo "$intervals" | grep -c .)
  [ "$N_INT" -ge $((RUN_S / INTERVAL_S)) ] || lab_fail "iperf3 $* reported $N_INT intervals, expected $((RUN_S / INTERVAL_S))"
  stalled=$(echo "$intervals" | awk '$2 + 0 == 0 { print $1 }' | tr '\n' ' ')
  [ -z "$stalled" ] || lab_fail "iperf3 $* moved no bytes in the interval(s) ending at: ${stalled}s"
  MIN_KB=$(echo "$intervals" | awk '{ k = $2; if ($3 == "MBytes") k *= 1024; if ($3 == "Bytes") k /= 1024; if (min == "" || k < min) min = k } END { printf "%.0f", min }')
  MBPS=$(echo "$out" | awk '/receiver/ { for (i = 1; i < NF; i++) if ($(i+1) == "Mbits/sec") print $i }' | tail -1)
  RETR=$(echo "$out" | awk '/sender/ { print $(NF-1) }' | tail -1)
}
run_iperf -R
ip netns exec srv tc -s qdisc show dev veth-srv >>"$LOGS/netem.log"
ip netns exec srv tc qdisc del dev veth-srv root

lab_status lossy || lab_fail "the daemon is gone after the lossy run: $(grep -h 'error: ' /run/pptpctl/lossy.log | tail -1)"
state=$(lab_field lossy state) rec=$(lab_field lossy reconnects)
[ "$state" = up ] || lab_fail "state is $state after the lossy run, not up"
[ "${rec:-0}" = 0 ] || lab_fail "the daemon redialled $rec times during the lossy run"
[ "$(lab_field lossy pid)" = "$pid0" ] && [ "$(lab_field lossy call_id)" = "$call0" ] \
  || lab_fail "the call or the daemon changed during the lossy run"
lost=$(grep -o 'dropped [0-9]*' "$LOGS/netem.log" | awk '{n += $2} END {print n + 0}')
lab_log "client: $MBPS Mbit/s server -> client over ${RUN_S}s, $N_INT intervals all moving (least $MIN_KB KB per ${INTERVAL_S}s), $RETR retransmissions; netem dropped $lost"
lab_pptpctl_down lossy
lab_figures "netem_s=$RUN_S intervals=$N_INT min_interval_kb=$MIN_KB tunnel_mbps=$MBPS retransmits=$RETR netem_dropped=$lost reconnects=${rec:-absent}"
