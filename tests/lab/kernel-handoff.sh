# Scenario "kernel-handoff": the kernel side of a call, without a PPTP server.
# kernel_probe binds a PPTP socket (the kernel picks the call ID), connects it
# to peer call 0x1234 at the server address, plugs its channel into a new PPP
# unit named pptp-probe, installs MPPE keys both ways and raises CCP; we check
# the link with ip, then the teardown removes it. Then the refusals: a second
# bind to the same call ID, a second connect to the same peer call, and
# kernels with ppp_mppe and then pptp unavailable.
. "$LAB_REPO/tests/lab/lib.sh"

PROBE=$LAB_REPO/build/tests/kernel_probe
IFNAME=pptp-probe
PEER_CALL_ID=0x1234
[ -x "$PROBE" ] || lab_fail "no $PROBE: build it first (cmake --build build)"

lab_setup_net

probe() { ip netns exec cli "$PROBE" "$@"; }

out=$(probe modules) || lab_fail "kernel_probe modules: $out"
[ "$out" = "modules: ok" ] || lab_fail "kernel_probe modules said: $out"
lab_log "modules: ppp_generic, pptp and ppp_mppe all present"

# The probe holds the link until it reads a line on stdin.
coproc PROBE_PROC { probe handoff $IFNAME $CLI_IP $SRV_IP $PEER_CALL_ID 2>&1; }
exec {to_probe}>&"${PROBE_PROC[1]}" {from_probe}<&"${PROBE_PROC[0]}"
up=""
while read -r -t 30 line <&$from_probe; do
  echo "$line" >>"$LOGS/kernel-probe.log"
  case $line in
    "up "*) up=$line; break ;;
    FAIL:*) lab_fail "hand-off: ${line#FAIL: }" ;;
  esac
done
[ -n "$up" ] || lab_fail "kernel_probe never reported the link up (see kernel-probe.log)"
lab_log "probe: $up"

busy=$(grep '^busy: ' "$LOGS/kernel-probe.log" | sed 's/^busy: //')
call_id=$(grep '^bound ' "$LOGS/kernel-probe.log" | sed 's/.*call_id=//')
[ "$busy" = "call ID $call_id is already in use" ] \
  || lab_fail "second bind to call ID $call_id: expected 'call ID $call_id is already in use', got '$busy'"
already=$(grep '^already: ' "$LOGS/kernel-probe.log" | sed 's/^already: //')
[ "$already" = "another PPTP socket is already connected to peer call ID $PEER_CALL_ID at $SRV_IP" ] \
  || lab_fail "second connect to the same peer call: got '$already'"

link=$(ip -n cli -o link show dev $IFNAME 2>&1) || lab_fail "interface $IFNAME does not exist while the probe holds it: $link"
echo "$link" >>"$LOGS/kernel-probe.log"
echo "$link" | grep -q 'link/ppp' || lab_fail "$IFNAME is not a PPP link: $link"
ifindex=$(echo "$up" | sed 's/.*ifindex=\([0-9]*\).*/\1/')
[ "${link%%:*}" = "$ifindex" ] || lab_fail "$IFNAME has index ${link%%:*}, the probe reported $ifindex"
ip link show dev $IFNAME >/dev/null 2>&1 && lab_fail "$IFNAME leaked out of the cli namespace"
lab_log "link: $IFNAME exists (index $ifindex) with call ID $call_id, MPPE keys in, CCP up"

echo down >&$to_probe
read -r -t 30 line <&$from_probe || lab_fail "kernel_probe did not finish its teardown"
[ "$line" = down ] || lab_fail "teardown: ${line#FAIL: }"
exec {to_probe}>&- {from_probe}<&-
wait "$PROBE_PROC_PID" 2>/dev/null
ip -n cli link show dev $IFNAME >/dev/null 2>&1 && lab_fail "interface $IFNAME is still there after the teardown"
lab_log "teardown: $IFNAME is gone"

# Every PPP object is freed by now, so the modules can go; a modprobe rule
# that always fails keeps them (and the kernel's autoload) out.
unload() {
  for _ in $(seq 25); do rmmod "$1" 2>/dev/null && break; sleep 0.2; done
  grep -q "^$1 " /proc/modules && lab_fail "cannot unload $1 to test its absence"
  echo "install $1 /bin/false" >>/etc/modprobe.d/lab-kernel-handoff.conf
}

unload ppp_mppe
# Only a PPP unit with keys can show MPPE missing: the probe cannot, and says ok.
out=$(probe modules)
[ "$out" = "modules: ok" ] || lab_fail "with ppp_mppe unloadable, kernel_probe modules said: $out"
out=$(probe handoff $IFNAME $CLI_IP $SRV_IP $PEER_CALL_ID </dev/null)
echo "$out" >>"$LOGS/kernel-probe.log"
echo "$out" | grep -qx 'FAIL: MPPE is missing in the kernel (module ppp_mppe not available)' \
  || lab_fail "with ppp_mppe unloadable, the hand-off said: $(echo "$out" | tail -1)"
ip -n cli link show dev $IFNAME >/dev/null 2>&1 && lab_fail "a failed hand-off left $IFNAME behind"
lab_log "without ppp_mppe: 'MPPE is missing in the kernel', and nothing left behind"

unload pptp
out=$(probe modules)
[ "$out" = "missing: the kernel has no PPTP support (module pptp not available)" ] \
  || lab_fail "with pptp unloadable, kernel_probe modules said: $out"
out=$(probe handoff $IFNAME $CLI_IP $SRV_IP $PEER_CALL_ID </dev/null)
[ "$out" = "FAIL: the kernel has no PPTP support (module pptp not available)" ] \
  || lab_fail "with pptp unloadable, the hand-off said: $out"
lab_log "without pptp: 'the kernel has no PPTP support'"
lab_figures "kernel_handoff=ok call_id=$call_id"
