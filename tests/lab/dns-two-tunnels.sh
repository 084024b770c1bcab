# Scenario "dns-two-tunnels": two profiles, both taking the server's DNS, with
# a search domain each (a.example, b.example) so each one's part of
# /etc/resolv.conf can be told apart. Down in both orders: the tunnel still up
# keeps its servers and domain, and the last one out restores the original
# byte-exact.
. "$LAB_REPO/tests/lab/lib.sh"

lab_setup_net
lab_start_server
printf 'nameserver 192.0.2.99\nsearch lab.example\noptions edns0\n# end, no newline' >/etc/resolv.conf
cp -p /etc/resolv.conf "$LOGS/resolv.conf.orig"
lab_profile a '"dns": {"domains": ["a.example"]}'
lab_profile b '"dns": {"domains": ["b.example"]}'

# Fails unless resolv.conf's search line is exactly $1 and the header names $2.
expect() {
  grep -qx "search $1" /etc/resolv.conf || lab_fail "expected 'search $1' in resolv.conf, got: $(grep ^search /etc/resolv.conf)"
  grep -q "^# Written by pptpctl for $2;" /etc/resolv.conf || lab_fail "resolv.conf is not written for $2: $(head -1 /etc/resolv.conf)"
  grep -qx 'nameserver 192.0.2.53' /etc/resolv.conf || lab_fail "resolv.conf lacks the tunnel's DNS 192.0.2.53"
}

round() {
  local first=$1 second=$2 start
  start=$(lab_now)
  for p in a b; do
    lab_pptpctl_up $p
    [ $UP_RC = 0 ] || lab_fail "pptpctl up $p failed (exit $UP_RC): $(lab_last_words $p)"
  done
  lab_dns_lines b
  expect "b.example a.example lab.example" "pptp-b, pptp-a"
  lab_pptpctl_down $first
  expect "$second.example lab.example" "pptp-$second"
  grep -qw "$first.example" /etc/resolv.conf && lab_fail "$first's domain stayed after $first went down"
  lab_log "client: $first down first: $second's DNS stays ($(grep ^search /etc/resolv.conf))"
  lab_pptpctl_down $second
  lab_same_bytes /etc/resolv.conf "$LOGS/resolv.conf.orig"
  [ ! -e /var/lib/pptpctl/resolv.conf.json ] || lab_fail "the DNS state was left in /var/lib/pptpctl"
  lab_log "client: $second down last: resolv.conf restored byte-exact (round in $(lab_elapsed "$start")s)"
}

round a b
round b a
