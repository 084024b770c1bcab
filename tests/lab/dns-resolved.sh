# Scenario "dns-resolved": systemd-resolved, unpacked from Debian's package
# into the VM's overlay (this machine never installs it) and run in the
# client's namespace (it manages the links of its own namespace). pptpctl
# must find it on the bus and set DNS per link:
#   a. a full tunnel with dns.domains ["corp.example"]: the link's servers are
#      the tunnel's, its domains "~. ~corp.example";
#   b. a split tunnel with the same domains: "~corp.example" only, no "~.";
#   c. /etc/resolv.conf untouched throughout; down reverts the link.
# lab: systemd
. "$LAB_REPO/tests/lab/lib.sh"

[ "$(readlink /proc/1/exe)" = /usr/lib/systemd/systemd ] || [ "$(readlink /proc/1/exe)" = /lib/systemd/systemd ] \
  || lab_fail "PID 1 is $(readlink /proc/1/exe), not systemd"
systemctl start dbus.socket dbus.service >"$LOGS/dbus.log" 2>&1 || lab_fail "the system bus did not start: $(tail -1 "$LOGS/dbus.log")"

lab_unpack_deb systemd-resolved /run/lab-deb
d=/run/lab-deb
cp $d/lib/systemd/systemd-resolved /usr/lib/systemd/systemd-resolved
# The lab's boot masks the host's resolved (a /dev/null symlink in /etc): replace the mask.
rm -f /etc/systemd/system/systemd-resolved.service
cp $d/lib/systemd/system/systemd-resolved.service /etc/systemd/system/systemd-resolved.service
cp $d/usr/bin/resolvectl /usr/bin/resolvectl
cp $d/usr/share/dbus-1/system.d/org.freedesktop.resolve1.conf /usr/share/dbus-1/system.d/
cp $d/usr/share/dbus-1/system-services/org.freedesktop.resolve1.service /usr/share/dbus-1/system-services/
cp $d/usr/lib/sysusers.d/systemd-resolve.conf /usr/lib/sysusers.d/
mkdir -p /etc/systemd && cp -n $d/etc/systemd/resolved.conf /etc/systemd/resolved.conf
systemd-sysusers /usr/lib/sysusers.d/systemd-resolve.conf >"$LOGS/sysusers.log" 2>&1
systemctl reload dbus.service 2>/dev/null || busctl call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus ReloadConfig

LAB_MODULES="veth ppp_generic ppp_async ppp_mppe pptp" lab_setup_net
# resolved manages the links of the namespace it runs in: the client's.
mkdir -p /etc/systemd/system/systemd-resolved.service.d
printf '[Service]\nNetworkNamespacePath=/run/netns/cli\n' >/etc/systemd/system/systemd-resolved.service.d/lab-netns.conf
systemctl daemon-reload
systemctl start systemd-resolved >"$LOGS/resolved-start.log" 2>&1 \
  || lab_fail "systemd-resolved did not start: $(journalctl -u systemd-resolved --no-pager | tail -3 | tr '\n' ' ')"
busctl status org.freedesktop.resolve1 >/dev/null 2>&1 || lab_fail "org.freedesktop.resolve1 is not on the bus"
lab_log "systemd-resolved $(resolvectl --version | head -1 | awk '{print $2}') running in the client's namespace"

lab_start_server
sha_before=$(sha256sum /etc/resolv.conf)
lab_profile full '"default_route": true, "dns": {"domains": ["corp.example"]}'
lab_profile split '"routes": ["203.0.113.0/24"], "dns": {"domains": ["corp.example"]}'

check_link() {
  local name=$1 want_domains=$2 dns domains
  dns=$(ip netns exec cli resolvectl dns pptp-$name 2>&1)
  domains=$(ip netns exec cli resolvectl domain pptp-$name 2>&1)
  lab_log "resolvectl dns: $dns"
  lab_log "resolvectl domain: $domains"
  echo "$dns" | grep -q '192.0.2.53' && echo "$dns" | grep -q '192.0.2.54' || lab_fail "$name: resolvectl dns shows no tunnel servers: $dns"
  [ "$(echo "$domains" | sed 's/^[^:]*: *//')" = "$want_domains" ] || lab_fail "$name: resolvectl domain is '$domains', not '$want_domains'"
}

for name in full split; do
  case $name in full) want="~. ~corp.example" ;; split) want="~corp.example" ;; esac
  lab_pptpctl_up $name
  [ $UP_RC = 0 ] || lab_fail "pptpctl up $name failed (exit $UP_RC): $(lab_last_words $name)"
  lab_dns_lines $name
  grep -q "via systemd-resolved (routing domains $want)" "$LOGS/pptpctl-up.log" || lab_fail "$name: pptpctl did not use systemd-resolved"
  check_link $name "$want"
  lab_pptpctl_down $name
  ip netns exec cli resolvectl dns pptp-$name >/dev/null 2>&1 && lab_fail "$name: resolved still knows pptp-$name after down"
  [ "$(sha256sum /etc/resolv.conf)" = "$sha_before" ] || lab_fail "$name: /etc/resolv.conf was edited although systemd-resolved runs"
  lab_log "$name: per-link DNS with domains '$want', reverted on down, /etc/resolv.conf untouched"
done
