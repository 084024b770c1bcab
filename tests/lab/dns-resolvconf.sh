# Scenario "dns-resolvconf": Debian's resolvconf package, unpacked into the
# VM's overlay (dpkg -x; this machine never installs it). pptpctl must find it
# on PATH and use it as wg-quick does: `resolvconf -a pptp-office` with our
# nameservers and search domain, `resolvconf -d pptp-office` on down;
# /etc/resolv.conf itself is resolvconf's business and stays untouched.
. "$LAB_REPO/tests/lab/lib.sh"

lab_unpack_deb resolvconf /run/lab-deb
# Copy rather than unpack onto /: /sbin and /lib are symlinks into /usr here.
cp /run/lab-deb/sbin/resolvconf /usr/sbin/resolvconf
cp -r /run/lab-deb/lib/resolvconf /usr/lib/resolvconf
cp -r /run/lab-deb/etc/resolvconf /etc/resolvconf
command -v resolvconf >/dev/null || lab_fail "resolvconf is not on PATH after unpacking"
lab_log "resolvconf: $(resolvconf --version | head -1) unpacked in the VM"

lab_setup_net
lab_start_server
sha_before=$(sha256sum /etc/resolv.conf)
lab_profile office '"dns": {"domains": ["corp.example"]}'
record=/run/resolvconf/interface/tun.pptp-office
# The LAN's record, as dhclient would leave it: ours must come before it.
printf 'nameserver 192.0.2.99\n' | resolvconf -a eth0.dhclient

lab_pptpctl_up office
[ $UP_RC = 0 ] || lab_fail "pptpctl up failed (exit $UP_RC): $(lab_last_words office)"
lab_dns_lines office
grep -q 'via /usr/sbin/resolvconf -a tun.pptp-office (search corp.example)' "$LOGS/pptpctl-up.log" \
  || lab_fail "pptpctl did not use resolvconf"
[ -f $record ] || lab_fail "no resolvconf record $record"
grep -qx 'nameserver 192.0.2.53' $record && grep -qx 'nameserver 192.0.2.54' $record \
  || lab_fail "$record lacks our servers: $(cat $record)"
grep -qx 'search corp.example' $record || lab_fail "$record lacks 'search corp.example': $(cat $record)"
resolvconf -l >"$LOGS/resolvconf-l.up" 2>&1
grep -q '^# resolv.conf from tun.pptp-office' "$LOGS/resolvconf-l.up" || lab_fail "resolvconf -l does not list tun.pptp-office: $(cat "$LOGS/resolvconf-l.up")"
order=$(sed -n 's/^# resolv.conf from //p' "$LOGS/resolvconf-l.up" | tr '\n' ' ')
case "$order" in
  "tun.pptp-office eth0.dhclient "*) ;;
  *) lab_fail "resolvconf orders the tunnel's record after the LAN's: $order" ;;
esac
[ "$(sha256sum /etc/resolv.conf)" = "$sha_before" ] || lab_fail "pptpctl edited /etc/resolv.conf although resolvconf is there"
lab_log "client: up; $record: $(tr '\n' ' ' <$record); resolvconf's order: $order"

lab_pptpctl_down office
[ ! -e $record ] || lab_fail "$record is still there after down: $(cat $record)"
resolvconf -l >"$LOGS/resolvconf-l.down" 2>&1
grep -q 'tun.pptp-office' "$LOGS/resolvconf-l.down" && lab_fail "resolvconf -l still lists pptp-office after down"
cat /run/pptpctl/office.log >>"$LOGS/pptpctl-up.log"  # the daemon's own undo lines
grep -q 'dns record tun.pptp-office removed with /usr/sbin/resolvconf -d tun.pptp-office' "$LOGS/pptpctl-up.log" \
  || lab_fail "down did not say it removed the resolvconf record"
lab_log "client: down; resolvconf has no record of pptp-office, /etc/resolv.conf untouched"

# A crash: the daemon is SIGKILLed with its record in resolvconf. The next
# command, whatever it is (here `list`), removes the record and says so.
lab_pptpctl_up office
[ $UP_RC = 0 ] || lab_fail "pptpctl up (second) failed (exit $UP_RC): $(lab_last_words office)"
[ -f $record ] || lab_fail "no resolvconf record $record on the second up"
pid=$(lab_daemon_pid office) || lab_fail "no daemon pid for office"
kill -KILL "$pid"
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
[ -f $record ] || lab_fail "the record went away by itself (nothing to prove)"
out=$(ip netns exec cli "$PPTPCTL" list 2>&1)
echo "$out" | sed 's/^/lab: said: /'
echo "$out" | grep -q 'the daemon of pptp-office is gone (crash or reboot): dns record tun.pptp-office removed with /usr/sbin/resolvconf -d tun.pptp-office' \
  || lab_fail "pptpctl list did not remove the dead tunnel's resolvconf record"
[ ! -e $record ] || lab_fail "$record is still there after the dead daemon's recovery"
lab_log "client: daemon $pid SIGKILLed; the next command removed its resolvconf record"
