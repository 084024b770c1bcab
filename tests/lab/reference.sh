# Scenario "reference": the incumbent client, pptp-linux + pppd from Debian,
# against the real PoPToP server. Proves the lab and gives the baseline
# figures later benchmarks compare against.
. "$LAB_REPO/tests/lab/lib.sh"

lab_setup_net
lab_start_server

cat >/etc/ppp/options.lab-ref <<OPTS
name $LAB_USER
file $LAB_REPO/tests/lab/pptp-linux.options
ifname pptp-ref
debug
logfile $LOGS/client-pppd.log
OPTS

lab_log "client: pptp-linux + pppd connecting to $SRV_IP"
start=$(lab_now)
# updetach: pppd returns once IPCP is up, or fails with its exit status.
ip netns exec cli timeout 60 pppd pty "pptp $SRV_IP --nolaunchpppd --loglevel 1" \
  file /etc/ppp/options.lab-ref updetach >>"$LOGS/client.log" 2>&1
rc=$?
if [ $rc != 0 ]; then
  # pptp's own words say why the control connection failed, where it did.
  why=$(grep -m1 -oE 'connect: [A-Za-z ]+' "$LOGS/client-pppd.log" | sed 's/^connect: //')
  [ -n "$why" ] && lab_fail "pptp-linux could not open the control connection to $SRV_IP:1723: $why"
  lab_fail "pptp-linux did not connect to $SRV_IP: pppd says $(lab_pppd_status $rc)"
fi
addr=$(lab_wait_addr cli pptp-ref 10) || lab_fail "client link pptp-ref has no IPv4 address"
connect_s=$(lab_elapsed "$start")
lab_log "client: pptp-ref up with $addr after ${connect_s}s"

grep -q "MPPE 128-bit stateless compression enabled" "$LOGS/client-pppd.log" \
  || lab_fail "client link came up without MPPE-128 (see client-pppd.log)"
ip netns exec cli ping -c 3 -W 5 $SRV_TUN_IP >/dev/null || lab_fail "no ping reply from $SRV_TUN_IP through the tunnel"

tunnel=$(lab_iperf cli $SRV_TUN_IP 5) || lab_fail "iperf3 through the tunnel failed: $(lab_iperf_error)"
veth=$(lab_iperf cli $SRV_IP 5) || lab_fail "iperf3 over bare veth failed: $(lab_iperf_error)"

ip netns pids cli | xargs -r kill
lab_figures "connect_s=$connect_s tunnel_mbps=$tunnel veth_mbps=$veth"
