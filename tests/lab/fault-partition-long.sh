# Scenario "fault-partition-long": a 25 s partition (TCP 1723 and GRE dropped
# both ways), longer than both sides' LCP echo windows (3 s x 3 = 9 to 12 s).
# Both ends count the link dead; the daemon keeps redialling through the cut
# (its attempts time out) and the tunnel is back on the same interface, with
# its routes, once the path heals. Figures: seconds from the cut to the
# daemon leaving "up" (detect_s), and from the heal to a ping answered (back_s).
. "$LAB_REPO/tests/lab/lib.sh"

PARTITION_S=25
lab_setup_net
lab_server_options "lcp-echo-interval 3" "lcp-echo-failure 3"
lab_start_server
lab_profile long '"routes": ["203.0.113.0/24"], "lcp_echo": {"interval_s": 3, "failures": 3}, "connect_timeout_s": 10'

lab_pptpctl_up long
[ $UP_RC = 0 ] || lab_fail "pptpctl up failed (exit $UP_RC): $(lab_last_words long)"
lab_check_link long pptp-long 203.0.113.0/24
lab_status long || lab_fail "no status from the daemon"
pid0=$(lab_field long pid) call0=$(lab_field long call_id)

cut_at=$(lab_now)
lab_partition on
lab_wait_not_up long 20 "$cut_at"
detect_s=$WAITED
lab_log "client: left up ${detect_s}s into the cut (state $(lab_field long state), last failure: $(lab_field long last_failure))"
# The daemon must still be there, trying: the cut is not permanent.
[ "$(lab_state long)" != gone ] || lab_fail "the daemon exited ${detect_s}s into the cut instead of redialling (its last error: $(lab_daemon_last_error long))"
while awk -v s="$(lab_elapsed "$cut_at")" -v p=$PARTITION_S 'BEGIN { exit !(s < p) }'; do
  [ "$(lab_state long)" != gone ] || lab_fail "the daemon exited during the cut (its last error: $(lab_daemon_last_error long))"
  sleep 1
done
dropped=$(lab_partition_dropped)
lab_partition off
healed_at=$(lab_now)
lab_log "path: cut for $(lab_elapsed "$cut_at")s (dropped $dropped packets), healed; state $(lab_state long)"
grep -q "No response to 3 echo-requests" "$LOGS/server-pppd.log" || lab_fail "the server's pppd did not count the link dead in the cut"

# Attempts in the cut time out (connect_timeout_s 10) and back off up to
# max_delay_s; allow one whole backoff step plus an attempt after the heal.
lab_wait_traffic long $SRV_TUN_IP 90 "$healed_at"
back_s=$WAITED
lab_wait_redial long 10 "$healed_at"
lab_check_link long pptp-long 203.0.113.0/24
[ "$(lab_field long pid)" = "$pid0" ] || lab_fail "another daemon answers (pid $(lab_field long pid), was $pid0): not a redial"
lab_log "client: back ${back_s}s after the heal; call $call0 -> $(lab_field long call_id), reconnects $(lab_field long reconnects)"

lab_pptpctl_down long
lab_figures "partition_s=$PARTITION_S echo_window_s=9 detect_s=$detect_s back_s=$back_s reconnects=$(lab_field long reconnects)"
