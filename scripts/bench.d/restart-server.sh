# The bench's server VM, for the recovery figures (one connection to
# RESTART_PORT runs this, its stdin and stdout the connection): reads the
# number of seconds to stay down, kills PoPToP with every session it runs
# (pptpd, pptpctrl, pppd: SIGKILL, so no client is told anything but by the
# kernel closing its TCP connection), waits that long, starts pptpd again and
# writes "listening" as soon as port 1723 is. The client times from that
# line; the socket link adds well under a millisecond.
. "$BENCH_REPO/scripts/bench.d/common.sh"

read -r -t 10 gap || gap=3
case $gap in ''|*[!0-9.]*) gap=3 ;; esac
pids=$(pgrep -x 'pptpd|pptpctrl|pppd')
[ -n "$pids" ] && kill -9 $pids 2>/dev/null
for _ in $(seq 100); do
  [ -z "$(pgrep -x 'pptpd|pptpctrl|pppd')" ] && break
  sleep 0.1
done
sleep "$gap"
# Not on this connection: pptpd would hold it open and the client would wait
# for its end.
pptpd -c /etc/pptpd.conf </dev/null >/dev/null 2>&1 || { echo "pptpd did not start again"; exit 1; }
for _ in $(seq 400); do
  ss -Hltn 'sport = :1723' | grep -q . && { echo listening; exit 0; }
  sleep 0.02
done
echo "pptpd is not listening on 1723 again after 8 s"
exit 1
