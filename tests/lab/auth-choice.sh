# Scenario "auth-choice": the server asks for CHAP-MD5 first but also takes
# MS-CHAPv2; the client Naks towards MS-CHAPv2 and connects with MPPE.
. "$LAB_REPO/tests/lab/lib.sh"

lab_setup_net
lab_server_options require-chap
lab_start_server
lab_profile choosy

lab_pptpctl_up choosy
grep -q 'rcvd \[LCP ConfReq .*<auth chap MD5>' "$LOGS/pptpctl-up.log" \
  || lab_fail "the server did not offer CHAP-MD5 first (check its options)"
grep -q 'sent \[LCP ConfNak .*<auth chap MS-v2>' "$LOGS/pptpctl-up.log" || lab_fail "the client did not Nak towards MS-CHAPv2"
[ $UP_RC = 0 ] || lab_fail "pptpctl up failed (exit $UP_RC): $(lab_last_words choosy)"
grep -q "authenticated with MS-CHAPv2" "$LOGS/pptpctl-up.log" || lab_fail "did not authenticate with MS-CHAPv2"
ip netns exec cli ping -c 2 -W 5 $SRV_TUN_IP >/dev/null || lab_fail "no ping through the tunnel"
lab_log "client: CHAP-MD5 offer Nak'd, MS-CHAPv2 used"
lab_pptpctl_down choosy
