# Scenario "dns-crash": power loss with the tunnel up. The daemon is SIGKILLed
# (nothing undone), /run/pptpctl is wiped as a reboot wipes /run, and the
# interface is gone. /etc/resolv.conf still holds the dead tunnel's DNS; the
# next pptpctl command, whatever it is (here `status`), restores it
# byte-exact from /var/lib/pptpctl and says so.
. "$LAB_REPO/tests/lab/lib.sh"

lab_setup_net
lab_start_server
printf 'nameserver 192.0.2.99\nsearch lab.example\n' >/etc/resolv.conf
cp -p /etc/resolv.conf "$LOGS/resolv.conf.orig"
lab_profile office

lab_pptpctl_up office
[ $UP_RC = 0 ] || lab_fail "pptpctl up failed (exit $UP_RC): $(lab_last_words office)"
lab_dns_lines office
grep -qx 'nameserver 192.0.2.53' /etc/resolv.conf || lab_fail "resolv.conf lacks the tunnel's DNS while up"
pid=$(lab_daemon_pid office) || lab_fail "no daemon pid for office"
kill -KILL "$pid"
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && lab_fail "the daemon $pid survived SIGKILL"
rm -rf /run/pptpctl
for _ in $(seq 50); do ip -n cli link show pptp-office >/dev/null 2>&1 || break; sleep 0.1; done
ip -n cli link show pptp-office >/dev/null 2>&1 && lab_fail "pptp-office is still there after the daemon died"
grep -qx 'nameserver 192.0.2.53' /etc/resolv.conf || lab_fail "resolv.conf lost the dead tunnel's DNS by itself (nothing to prove)"
lab_log "client: daemon $pid SIGKILLed, /run/pptpctl wiped, pptp-office gone; resolv.conf still has 192.0.2.53"

start=$(lab_now)
out=$(ip netns exec cli "$PPTPCTL" status 2>&1)
rc=$?
echo "$out" | sed 's/^/lab: said: /'
[ $rc = 0 ] || lab_fail "pptpctl status exited $rc"
echo "$out" | grep -q 'the daemon of pptp-office is gone (crash or reboot): restored /etc/resolv.conf byte-exact' \
  || lab_fail "pptpctl status did not say it restored resolv.conf"
lab_same_bytes /etc/resolv.conf "$LOGS/resolv.conf.orig"
[ ! -e /var/lib/pptpctl/resolv.conf.json ] || lab_fail "the DNS state was left in /var/lib/pptpctl"
lab_log "client: pptpctl status restored resolv.conf byte-exact in $(lab_elapsed "$start")s"
out=$(ip netns exec cli "$PPTPCTL" status 2>&1)
echo "$out" | grep -q restored && lab_fail "a second command restored again: $out"
lab_log "client: a second command finds nothing left to do"
