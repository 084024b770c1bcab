# Scenario "gre-blocked": TCP 1723 works but the server drops IP protocol 47;
# up fails within its timeout and names GRE as the cause.
. "$LAB_REPO/tests/lab/lib.sh"

lab_setup_net
modprobe nf_tables || lab_fail "nf_tables did not load"
ip netns exec srv nft add table inet lab
ip netns exec srv nft add chain inet lab in '{ type filter hook input priority 0; }'
ip netns exec srv nft add rule inet lab in meta l4proto gre drop
lab_start_server
lab_profile blocked '"connect_timeout_s": 15'

lab_pptpctl_up blocked
[ $UP_RC = 8 ] || lab_fail "expected exit 8 (gre-blocked), got $UP_RC: $(lab_last_words blocked)"
lab_last_words blocked | grep -q "GRE" || lab_fail "the reason does not name GRE: $(lab_last_words blocked)"
awk -v s="$UP_SECONDS" 'BEGIN { exit !(s < 25) }' || lab_fail "took ${UP_SECONDS}s to fail with a 15 s timeout"
ip -n cli -o link show | grep -q pptp- && lab_fail "an interface was left behind"
lab_log "client: failed in ${UP_SECONDS}s with \"$(lab_last_words blocked)\""
