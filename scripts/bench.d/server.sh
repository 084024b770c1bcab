# The bench's server VM (or, in one VM, namespace srv): PoPToP (pptpd + pppd,
# MS-CHAPv2, MPPE-128 required, as in the lab) and an iperf3 server on
# 192.0.2.1, until the client says it is done.
. "$BENCH_REPO/scripts/bench.d/common.sh"

bench_modules
bench_link $SRV_IP

# The host's own /etc/ppp/pptpd-options shows through the overlay: replace it.
# No "debug": the server should spend its CPU on the tunnels, the same for
# both clients.
cat >/etc/ppp/pptpd-options <<OPTS
name pptpd
require-mschap-v2
require-mppe-128
lcp-echo-interval 10
lcp-echo-failure 3
nodefaultroute
noipx
nobsdcomp
nodeflate
logfile $LOGS/server-pppd.log
OPTS
printf '%s pptpd "%s" *\n' "$BENCH_USER" "$BENCH_PASSWORD" >/etc/ppp/chap-secrets
chmod 600 /etc/ppp/chap-secrets
cat >/etc/pptpd.conf <<CONF
option /etc/ppp/pptpd-options
localip $SRV_TUN_IP
remoteip 198.51.100.10-40
connections 60
CONF

pptpd -c /etc/pptpd.conf || bench_fail "pptpd did not start"
iperf3 -s -D --logfile "$LOGS/iperf3-server.log" || bench_fail "iperf3 server did not start"
for _ in $(seq 50); do ss -ltn | grep -q ':1723 ' && break; sleep 0.2; done
ss -ltn | grep -q ':1723 ' || bench_fail "pptpd is not listening on 1723"
# -ll keeps each listener serving connection after connection. They start
# last: the client takes an answer on SESSIONS_PORT to mean "server ready".
# Their output goes elsewhere: holding guest.sh's pipe open would keep its tee
# waiting after this script ends.
busybox nc -ll -p $STAT_PORT -e cat /proc/stat </dev/null >/dev/null 2>&1 &
# Sessions: this namespace's only (in one VM the client's pppd runs beside).
busybox nc -ll -p $SESSIONS_PORT -e bash -c '. "$0"; pgrep -x "pptpctrl|pppd" | bench_here | grep -c .' \
  "$BENCH_REPO/scripts/bench.d/common.sh" </dev/null >/dev/null 2>&1 &
busybox nc -ll -p $RECOVERY_PORT -e bash "$BENCH_REPO/scripts/bench.d/recovery-server.sh" </dev/null >/dev/null 2>&1 &
bench_log "server: pptpd on $SRV_IP:1723, iperf3 on 5201; waiting for the client"

# One connection to DONE_PORT ends the run; the VM's limit ends it otherwise.
busybox nc -l -p $DONE_PORT </dev/null >/dev/null
bench_log "server: the client is done"
