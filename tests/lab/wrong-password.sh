# Scenario "wrong-password": up fails within 15 s, says the user name or
# password was rejected, with its own exit code, and does not retry.
. "$LAB_REPO/tests/lab/lib.sh"

lab_setup_net
lab_start_server
lab_profile oops
printf 'not-the-password\n' >/etc/pptpctl/oops.secret

lab_pptpctl_up oops
[ $UP_RC = 9 ] || lab_fail "expected exit 9 (wrong-password), got $UP_RC: $(lab_last_words oops)"
lab_last_words oops | grep -q "wrong user name or password" || lab_fail "the reason does not say so: $(lab_last_words oops)"
awk -v s="$UP_SECONDS" 'BEGIN { exit !(s < 15) }' || lab_fail "took ${UP_SECONDS}s to fail (limit 15 s)"
sleep 2
tries=$(grep -c 'CHAP Response' "$LOGS/server-pppd.log" || true)
[ "$tries" = 1 ] || lab_fail "the server saw $tries authentication attempts: a retry storm"
ip -n cli -o link show | grep -q pptp- && lab_fail "an interface was left behind"
lab_log "client: refused in ${UP_SECONDS}s with \"$(lab_last_words oops)\", one attempt"
