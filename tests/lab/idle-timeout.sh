# Scenario "idle-timeout": pppd's `idle`. Traffic keeps the tunnel up past
# idle_timeout_s; once it stops, the daemon hangs up by itself, cleanly and
# without a redial, and leaves nothing behind. LCP echoes do not count as
# traffic.
. "$LAB_REPO/tests/lab/lib.sh"

lab_setup_net
lab_start_server
lab_profile quiet '"routes": ["203.0.113.0/24"], "idle_timeout_s": 8, "lcp_echo": {"interval_s": 2, "failures": 3}'
lab_client_snapshot >"$LOGS/snapshot"

lab_pptpctl_up quiet
[ $UP_RC = 0 ] || lab_fail "pptpctl up failed (exit $UP_RC): $(lab_last_words quiet)"
# 14 s of a ping every 2 s: busy, so still up.
ip netns exec cli ping -c 7 -i 2 -W 2 $SRV_TUN_IP >/dev/null || lab_fail "no ping through the tunnel"
[ "$(lab_state quiet)" = up ] || lab_fail "hung up although traffic flowed (state $(lab_state quiet))"
start=$(lab_now)
gone=""
for _ in $(seq 150); do
  [ "$(lab_state quiet)" = gone ] && { gone=$(lab_elapsed "$start"); break; }
  sleep 0.2
done
[ -n "$gone" ] || lab_fail "still running 30 s after the traffic stopped (idle_timeout_s 8)"
awk -v s="$gone" 'BEGIN { exit !(s >= 5) }' || lab_fail "hung up after ${gone}s, before 8 s of silence"
grep -q "state: up -> stopping" /run/pptpctl/quiet.log || lab_fail "the log does not show the hang-up"
grep -q "idle_timeout_s" /run/pptpctl/quiet.log || lab_fail "the log does not say why it hung up"
grep -q "reconnecting" /run/pptpctl/quiet.log && lab_fail "an idle hang-up was redialled"
grep -q "error:" /run/pptpctl/quiet.log && lab_fail "an idle hang-up was logged as an error"
lab_same_as "$LOGS/snapshot"
lab_log "client: hung up ${gone}s after the last traffic, nothing left behind"
lab_figures "idle_hangup_s=$gone"
