# Sourced by the bench's server.sh and client.sh (bash, inside a bench VM, as
# root). Two VMs joined by a QEMU socket link: server 192.0.2.1, client
# 192.0.2.2, both on eth0; the PPTP server is 198.51.100.1 in the tunnel and
# hands out 198.51.100.10-40, enough for 20 tunnels plus stragglers. In the
# one-VM topology (onevm.sh) the same two scripts run in network namespaces
# srv and cli of one VM, and eth0 is each end of a veth pair between them.
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
# The impaired paths of the loss and reordering rows: netem on eth0's egress
# on both sides, so each direction of the path drops (or reorders) its
# packets alike, the data and the ACKs. Reordering: 20% of packets go at once,
# the rest wait 5 ms, so each early packet overtakes those sent in the 5 ms
# before it.
NETEM_LOSS="loss random 1%"
NETEM_REORDER="delay 5ms reorder 20%"

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
  # sch_netem: the loss and reordering rows.
  for m in ppp_generic ppp_async ppp_mppe pptp nf_tables tun sch_netem; do
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
  # Each TCP connection starts afresh: the kernel would otherwise remember a
  # lossy run's ssthresh for the tunnel's address and hand it to the next
  # client's first run.
  sysctl -qw net.ipv4.tcp_no_metrics_save=1 || bench_fail "cannot turn off TCP's saved metrics"
}

# bench_netem SPEC: netem on eth0's egress ("" takes it away).
bench_netem() {
  tc qdisc del dev eth0 root 2>/dev/null
  [ -z "$1" ] || tc qdisc add dev eth0 root netem $1
}

# PIDs on stdin, one a line, that live in this shell's network namespace: in
# the one-VM topology the server's pppd and the client's share one PID space.
bench_here() {
  local me p
  me=$(readlink /proc/$$/ns/net)
  while read -r p; do
    [ "$(readlink "/proc/$p/ns/net" 2>/dev/null)" = "$me" ] && echo "$p"
  done
}
