# Sourced by the bench's server.sh and client.sh (bash, inside a bench VM, as
# root). Two VMs joined by a QEMU socket link: server 192.0.2.1, client
# 192.0.2.2, both on eth0; the PPTP server is 198.51.100.1 in the tunnel and
# hands out 198.51.100.10-40, enough for 20 tunnels plus stragglers.
set -u
SRV_IP=192.0.2.1
CLI_IP=192.0.2.2
SRV_TUN_IP=198.51.100.1
BENCH_USER=alice
BENCH_PASSWORD=bench-secret-1
LOGS=$BENCH_RESULTS/logs
# Small services on the server that the client queries between measurements:
# the server's /proc/stat (its CPU share), how many PPP sessions it still
# holds (so each connect starts from a clean server), and the end of the run;
# and one the client calls to cut the path or restart PoPToP (recovery).
STAT_PORT=5998
SESSIONS_PORT=5997
DONE_PORT=5999
RECOVERY_PORT=5996

bench_log() { echo "bench: $*"; }

bench_fail() {
  echo "$*" >"$BENCH_RESULTS/reason"
  echo "bench: FAIL: $*"
  exit 1
}

bench_now() { date +%s.%N; }
bench_elapsed() { awk -v a="$1" -v b="$(bench_now)" 'BEGIN { printf "%.2f", b - a }'; }

bench_modules() {
  # nf_tables: pptpctl's injection guard; tun: its userspace data path (the
  # VM cannot autoload modules).
  for m in ppp_generic ppp_async ppp_mppe pptp nf_tables tun; do
    modprobe "$m" || bench_fail "kernel module $m did not load"
  done
}

# Brings eth0 (the socket link) up with ADDR/24.
bench_link() {
  local addr=$1
  modprobe virtio_net || bench_fail "kernel module virtio_net did not load"
  for _ in $(seq 50); do ip link show eth0 >/dev/null 2>&1 && break; sleep 0.1; done
  ip link show eth0 >/dev/null 2>&1 || bench_fail "no eth0: the QEMU socket NIC did not appear"
  ip addr add "$addr/24" dev eth0
  ip link set eth0 up
}
