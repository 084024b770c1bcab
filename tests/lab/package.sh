# Scenario "package": the Debian package scripts/package built is installed
# with dpkg -i into the VM's root (the overlay: the host never sees it), and
# the installed /usr/sbin/pptpctl brings a tunnel up with the installed
# example profile, pings through it and takes it down cleanly. Both man
# pages render with `man -l` and no warnings; the bash completion parses and
# offers commands and profile names; dpkg -r removes it all.
. "$LAB_REPO/tests/lab/lib.sh"

deb=$(ls -t "$LAB_REPO"/build/pptpctl_*_amd64.deb 2>/dev/null | head -1)
[ -n "$deb" ] || lab_fail "no build/pptpctl_*_amd64.deb: run scripts/package first"
version=$(dpkg-deb --field "$deb" Version)

# man-db's trigger would rebuild its whole index under TCG; Debian's switch
# for that is this file (the overlay's copy only).
rm -f /var/lib/man-db/auto-update
dpkg -i "$deb" >"$LOGS/dpkg-install.log" 2>&1 || lab_fail "dpkg -i $(basename "$deb") failed: $(tail -1 "$LOGS/dpkg-install.log")"
dpkg-query -W -f='${Status}' pptpctl | grep -q 'install ok installed' || lab_fail "dpkg does not list pptpctl as installed"
for f in /usr/sbin/pptpctl /usr/lib/systemd/system/pptpctl@.service /usr/share/man/man8/pptpctl.8.gz \
  /usr/share/man/man5/pptpctl.json.5.gz /usr/share/bash-completion/completions/pptpctl \
  /usr/share/zsh/vendor-completions/_pptpctl /usr/share/doc/pptpctl/examples/office.json \
  /usr/share/doc/pptpctl/copyright /usr/share/doc/pptpctl/changelog.gz; do
  dpkg -L pptpctl | grep -qx "$f" || lab_fail "the package does not hold $f"
  [ -f "$f" ] || lab_fail "$f is not there after dpkg -i"
done
[ "$(/usr/sbin/pptpctl --version)" = "pptpctl $version" ] || lab_fail "/usr/sbin/pptpctl --version says \"$(/usr/sbin/pptpctl --version)\", not pptpctl $version"
grep -qx 'ExecStart=/usr/sbin/pptpctl run %i' /usr/lib/systemd/system/pptpctl@.service \
  || lab_fail "the packaged unit does not start /usr/sbin/pptpctl: $(grep ExecStart= /usr/lib/systemd/system/pptpctl@.service)"
lab_log "client: installed $(basename "$deb") ($(dpkg -L pptpctl | wc -l) paths)"

# The man pages: render, no warnings from man/groff.
for page in /usr/share/man/man8/pptpctl.8.gz /usr/share/man/man5/pptpctl.json.5.gz; do
  warnings=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >"$LOGS/$(basename "$page" .gz).txt")
  [ -z "$warnings" ] || lab_fail "man -l $page warns: $(echo "$warnings" | head -3 | tr '\n' ' ')"
  [ "$(wc -l <"$LOGS/$(basename "$page" .gz).txt")" -gt 50 ] || lab_fail "man -l $page rendered only $(wc -l <"$LOGS/$(basename "$page" .gz).txt") lines"
done
grep -q 'EXIT STATUS' "$LOGS/pptpctl.8.txt" && grep -q 'wrong-password' "$LOGS/pptpctl.8.txt" \
  || lab_fail "pptpctl(8) has no exit status table"
grep -q '^ *inject_guard$' "$LOGS/pptpctl.json.5.txt" || lab_fail "pptpctl.json(5) does not list the key inject_guard"
lab_log "client: man -l renders pptpctl(8) and pptpctl.json(5) without warnings"

# The installed example is the lab's own office: its server and user.
mkdir -p /etc/pptpctl
cp /usr/share/doc/pptpctl/examples/office.json /etc/pptpctl/office.json
printf '%s\n' "$LAB_PASSWORD" >/etc/pptpctl/office.secret
chmod 600 /etc/pptpctl/office.secret

# The bash completion, as bash loads it.
offered=$(bash -c '. /usr/share/bash-completion/completions/pptpctl; compopt() { :; }
  COMP_WORDS=(pptpctl u) COMP_CWORD=1; _pptpctl; echo "${COMPREPLY[*]}"
  COMP_WORDS=(pptpctl up "") COMP_CWORD=2; _pptpctl; echo "${COMPREPLY[*]}"' 2>&1)
[ "$(echo "$offered" | sed -n 1p)" = up ] || lab_fail "the bash completion does not offer up for 'pptpctl u': $offered"
[ "$(echo "$offered" | sed -n 2p)" = office ] || lab_fail "the bash completion does not offer profile office after 'pptpctl up': $offered"
lab_log "client: bash completion offers \"up\" and the profile \"office\""

lab_setup_net
lab_start_server
lab_client_snapshot >"$LOGS/snapshot"
PPTPCTL=/usr/sbin/pptpctl
lab_pptpctl_up office
[ $UP_RC = 0 ] || lab_fail "/usr/sbin/pptpctl up failed (exit $UP_RC): $(lab_last_words office)"
addr=$(lab_wait_addr cli pptp-office 1) || lab_fail "pptp-office has no IPv4 address after up"
pid=$(lab_daemon_pid office) || lab_fail "status finds no daemon for office"
# The same file, not the same name: in the chroot VM the kernel shows the
# path outside the chroot.
[ /proc/"$pid"/exe -ef /usr/sbin/pptpctl ] || lab_fail "the daemon runs $(readlink /proc/"$pid"/exe), not /usr/sbin/pptpctl"
ip -n cli route show 203.0.113.0/24 | grep -q 'dev pptp-office' || lab_fail "the example's route 203.0.113.0/24 is not through pptp-office"
ip netns exec cli ping -c 3 -W 5 $SRV_TUN_IP >/dev/null || lab_fail "no ping reply from $SRV_TUN_IP through the tunnel"
lab_log "client: /usr/sbin/pptpctl (pid $pid) up with $addr, ping through the tunnel answered"
lab_pptpctl_down office
lab_same_as "$LOGS/snapshot"
lab_log "client: down, nothing left behind"

dpkg -r pptpctl >"$LOGS/dpkg-remove.log" 2>&1 || lab_fail "dpkg -r pptpctl failed: $(tail -1 "$LOGS/dpkg-remove.log")"
[ ! -e /usr/sbin/pptpctl ] && [ ! -e /usr/share/man/man8/pptpctl.8.gz ] || lab_fail "dpkg -r left the package's files behind"
lab_log "client: dpkg -r removed it"
lab_figures "deb_bytes=$(stat -c %s "$deb") installed_kb=$(dpkg-deb --field "$deb" Installed-Size)"
