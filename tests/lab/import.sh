# Scenario "import": `pptpctl import` turns each kind of existing set-up into
# a profile that connects: a pppd peers file (pptpsetup form, with a `file`
# include, password from the default /etc/ppp/chap-secrets), macOS's
# PPTP.ppp options (password inline) and a NetworkManager-pptp keyfile
# (password under [vpn-secrets]). Each result goes up, passes pings through
# the tunnel and comes down leaving nothing; importing again exits 21.
. "$LAB_REPO/tests/lab/lib.sh"

lab_setup_net
lab_start_server
lab_client_snapshot >"$LOGS/snapshot"
mkdir -p /etc/ppp/peers "$LOGS/import"

# pppd: what pptpsetup --create lab-pppd --server 192.0.2.1 --encrypt writes,
# plus an include; lib.sh's chap-secrets already has "alice pptpd PASSWORD *".
cat >/etc/ppp/options.lab <<'OPTS'
# included by the peers file below
refuse-pap
refuse-eap
refuse-chap
refuse-mschap
require-mppe-128
OPTS
cat >/etc/ppp/peers/lab-pppd <<PEERS
# written by pptpsetup
pty "pptp $SRV_IP --nolaunchpppd"
lock
noauth
nobsdcomp
nodeflate
name $LAB_USER
remotename pptpd
ipparam lab-pppd
file /etc/ppp/options.lab
usepeerdns
PEERS

cat >"$LOGS/import/lab-macos" <<MACOS
plugin PPTP.ppp
noauth
remoteaddress "$SRV_IP"
redialcount 1
redialtimer 5
refuse-pap
refuse-chap-md5
refuse-eap
mppe-stateless
mppe-128
user "$LAB_USER"
password "$LAB_PASSWORD"
lcp-echo-interval 5
lcp-echo-failure 3
MACOS

cat >"$LOGS/import/lab.nmconnection" <<NM
[connection]
id=lab-nm
type=vpn

[vpn]
gateway=$SRV_IP
user=$LAB_USER
password-flags=0
refuse-eap=yes
refuse-pap=yes
refuse-chap=yes
refuse-mschap=yes
require-mppe-128=yes
service-type=org.freedesktop.NetworkManager.pptp

[vpn-secrets]
password=$LAB_PASSWORD

[ipv4]
method=auto
never-default=true
route1=203.0.113.0/24
NM

# import FILE NAME FORM: imports, checks the form line, the modes and that the
# password is in no report line.
lab_import() {
  local file=$1 name=$2 form=$3 out
  out="$LOGS/import-$name.log"
  ip netns exec cli "$PPTPCTL" import "$file" >"$out" 2>&1 || lab_fail "import $file failed (exit $?): $(tail -1 "$out")"
  sed 's/^/  /' "$out"
  grep -qx "form: $form" "$out" || lab_fail "import $file did not say it is $form"
  [ -f /etc/pptpctl/$name.json ] || lab_fail "import $file wrote no /etc/pptpctl/$name.json"
  [ "$(stat -c %a /etc/pptpctl/$name.json)" = 644 ] || lab_fail "$name.json is not mode 0644"
  [ "$(stat -c %a /etc/pptpctl/$name.secret)" = 600 ] || lab_fail "$name.secret is not mode 0600"
  grep -qF "$LAB_PASSWORD" "$out" && lab_fail "import $file printed the password"
  grep -c '^ignored: \|^warning: \|^pppd: \|^macos: \|^nm: ' "$out" >/dev/null || lab_fail "import $file printed no report"
}

# connect NAME: up, ping through the tunnel, down, nothing left behind.
lab_connect() {
  local name=$1 iface
  iface=$(printf 'pptp-%s' "$name" | cut -c1-15)
  lab_pptpctl_up "$name"
  [ $UP_RC = 0 ] || lab_fail "pptpctl up $name failed (exit $UP_RC): $(lab_last_words "$name")"
  lab_wait_addr cli "$iface" 5 >/dev/null || lab_fail "$iface has no IPv4 address after up"
  ip netns exec cli ping -c 3 -W 5 $SRV_TUN_IP >/dev/null || lab_fail "$name: no ping reply from $SRV_TUN_IP through the tunnel"
  lab_log "client: $name up on $iface after ${UP_SECONDS}s, pings answered"
  lab_pptpctl_down "$name"
  lab_same_as "$LOGS/snapshot"
}

lab_import /etc/ppp/peers/lab-pppd lab-pppd "a pppd peers file (pptp-linux / pptpsetup)"
grep -q 'include: lab-pppd:10: file "/etc/ppp/options.lab" -> read, 5 options' "$LOGS/import-lab-pppd.log" \
  || lab_fail "the pppd import did not follow the file include"
ip netns exec cli "$PPTPCTL" import /etc/ppp/peers/lab-pppd >/dev/null 2>&1
rc=$?
[ $rc = 21 ] || lab_fail "importing over an existing profile exited $rc, not 21"
lab_connect lab-pppd

lab_import "$LOGS/import/lab-macos" lab-macos "a macOS PPTP.ppp options file"
lab_connect lab-macos

lab_import "$LOGS/import/lab.nmconnection" lab-nm "a NetworkManager-pptp keyfile"
grep -q '"routes"' /etc/pptpctl/lab-nm.json || lab_fail "the keyfile's route1 is not in the profile"
lab_connect lab-nm

lab_log "client: three imported profiles connected and came down clean"
lab_figures "imported=3"
