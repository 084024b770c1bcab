# Scenario "dns-symlink": /etc/resolv.conf is a (relative) symlink to another
# file, as resolvconf, systemd-resolved and NetworkManager make it. With no
# resolvconf and no systemd-resolved, pptpctl edits the file: the link must
# stay a link (never replaced by a plain file), the target gets the tunnel's
# servers and search domain, and `down` restores the target byte-exact.
. "$LAB_REPO/tests/lab/lib.sh"

lab_setup_net
lab_start_server
mkdir -p /run/lab-dns
# Odd bytes on purpose: a Latin-1 byte, a CRLF line, no final newline.
printf 'nameserver 192.0.2.99\nsearch lab.example\r\n# caf\351\noptions edns0' >/run/lab-dns/resolv.conf
cp -p /run/lab-dns/resolv.conf "$LOGS/resolv.conf.orig"
rm -f /etc/resolv.conf
ln -s ../run/lab-dns/resolv.conf /etc/resolv.conf
link=$(readlink /etc/resolv.conf)
lab_profile office '"dns": {"domains": ["corp.example"]}'

lab_pptpctl_up office
[ $UP_RC = 0 ] || lab_fail "pptpctl up failed (exit $UP_RC): $(lab_last_words office)"
lab_dns_lines office
[ -L /etc/resolv.conf ] || lab_fail "/etc/resolv.conf is no longer a symlink while up"
[ "$(readlink /etc/resolv.conf)" = "$link" ] || lab_fail "the symlink now points to $(readlink /etc/resolv.conf), not $link"
grep -q '^nameserver 192.0.2.53$' /run/lab-dns/resolv.conf || lab_fail "the symlink's target lacks the tunnel's DNS 192.0.2.53: $(cat /run/lab-dns/resolv.conf)"
grep -q '^search corp.example lab.example$' /run/lab-dns/resolv.conf || lab_fail "the target's search line is not 'corp.example lab.example': $(grep search /run/lab-dns/resolv.conf)"
grep -q 'through its symlink, into /run/lab-dns/resolv.conf; the link stays' "$LOGS/pptpctl-up.log" \
  || lab_fail "pptpctl did not say it wrote through the symlink"
lab_log "client: up; /etc/resolv.conf still -> $link, target has 192.0.2.53 and search corp.example"

lab_pptpctl_down office
[ -L /etc/resolv.conf ] && [ "$(readlink /etc/resolv.conf)" = "$link" ] || lab_fail "after down /etc/resolv.conf is not the symlink to $link"
lab_same_bytes /run/lab-dns/resolv.conf "$LOGS/resolv.conf.orig"
cat /run/pptpctl/office.log >>"$LOGS/pptpctl-up.log"  # the daemon's own undo lines
grep -q 'restored /etc/resolv.conf (through its symlink' "$LOGS/pptpctl-up.log" || lab_fail "down did not say it restored the file"
[ ! -e /var/lib/pptpctl/resolv.conf.json ] || lab_fail "the DNS state was left in /var/lib/pptpctl"
lab_log "client: down; still a symlink to $link, target restored byte-exact ($(sha256sum </run/lab-dns/resolv.conf | cut -c1-12))"
