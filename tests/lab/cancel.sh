# Scenario "cancel": the server drops GRE, so `pptpctl up` hangs in LCP; a
# Ctrl-C (SIGINT) cancels the attempt: exit 20 within 10 s, no pptpctl process
# left, and the client as it was before.
. "$LAB_REPO/tests/lab/lib.sh"

lab_setup_net
modprobe nf_tables || lab_fail "nf_tables did not load"
ip netns exec srv nft add table inet lab
ip netns exec srv nft add chain inet lab in '{ type filter hook input priority 0; }'
ip netns exec srv nft add rule inet lab in meta l4proto gre drop
lab_start_server
# Long enough that only the Ctrl-C can end the attempt.
lab_profile hang '"connect_timeout_s": 120'
lab_client_snapshot >"$LOGS/snapshot"

# A script's background job ignores SIGINT unless job control is on.
set -m
ip netns exec cli "$PPTPCTL" up --debug hang >"$LOGS/pptpctl-up.log" 2>&1 &
up_pid=$!
set +m
# Hanging for real: the call is up and LCP goes unanswered through GRE.
for _ in $(seq 150); do
  grep -q "call established" "$LOGS/pptpctl-up.log" && break
  sleep 0.2
done
grep -q "call established" "$LOGS/pptpctl-up.log" || lab_fail "up never reached the call: $(tail -1 "$LOGS/pptpctl-up.log")"
sleep 2
ip netns exec cli "$PPTPCTL" status hang >/dev/null 2>&1 || lab_fail "the daemon is not running before the Ctrl-C"

start=$(lab_now)
kill -INT "$up_pid"
# A watchdog, so a hung `up` fails the scenario instead of the lab's timeout.
(sleep 10; kill -KILL "$up_pid" 2>/dev/null) &
watchdog=$!
wait "$up_pid"
rc=$?
seconds=$(lab_elapsed "$start")
kill "$watchdog" 2>/dev/null
wait "$watchdog" 2>/dev/null
grep -v -E "hang: (sent|rcvd|pptp:|ppp:) " "$LOGS/pptpctl-up.log" | sed 's/^/  /'

[ "$rc" = 20 ] || lab_fail "expected exit 20 (cancelled) within 10 s, got $rc after ${seconds}s"
grep -q "hang: cancelling" "$LOGS/pptpctl-up.log" || lab_fail "up did not say it was cancelling"
left=$(pgrep -af 'pptpctl (up|run) ' || true)
[ -z "$left" ] || lab_fail "pptpctl processes left behind: $left"
ip netns exec cli "$PPTPCTL" status hang >/dev/null 2>&1 && lab_fail "status still finds the tunnel after the cancel"
lab_same_as "$LOGS/snapshot"
lab_figures "cancel_s=$seconds"
lab_log "client: cancelled in ${seconds}s, nothing left behind"
