# The bench's server VM, for the recovery figures and the impaired paths: one connection to
# RECOVERY_PORT runs this, its stdin and stdout the connection. It reads one
# command, does it, and answers one line:
#   cut         drop GRE and TCP port 1723 arriving here -> "cut"
#   heal        take that rule away                      -> "healed"
#   restart S   kill PoPToP with every session it runs (pptpd, pptpctrl,
#               pppd: SIGKILL, so no client hears of it but by the kernel
#               closing its TCP connection), stay down S seconds, start pptpd
#               again -> "listening", as soon as port 1723 is
#   netem loss|reorder|off   the loss or reordering rows' netem on eth0's
#               egress (common.sh), or none -> "netem loss" etc.
#   rmem [BYTES] net.core.rmem_default, which every new socket starts with:
#               pptpctrl's GRE socket for the next call (it never sets
#               SO_RCVBUF) -> "rmem BYTES"; without BYTES, only says it
#   gre-drops   packets the kernel dropped at this namespace's GRE raw
#               sockets since they opened (/proc/net/raw, last column), for
#               pptpctrl a full receive buffer -> the count
# The client times from the answer; the socket link adds well under a
# millisecond. Drops are in the input hook only, here and in the client VM:
# an output drop fails the sender's own send (EPERM), which tells a client
# whose GRE runs in userspace that something is wrong, and a cut path would
# not.
. "$BENCH_REPO/scripts/bench.d/common.sh"

read -r -t 10 cmd arg || { echo "no command"; exit 1; }
case $cmd in
  cut)
    nft -f - <<'NFT' || { echo "nft could not cut the path"; exit 1; }
table inet bench_cut {
  chain in { type filter hook input priority -100; policy accept; meta l4proto gre drop; tcp dport 1723 drop; }
}
NFT
    echo cut ;;
  heal)
    nft delete table inet bench_cut 2>/dev/null
    echo healed ;;
  restart)
    case $arg in ''|*[!0-9.]*) arg=3 ;; esac
    pids=$(pgrep -x 'pptpd|pptpctrl|pppd')
    [ -n "$pids" ] && kill -9 $pids 2>/dev/null
    for _ in $(seq 100); do
      [ -z "$(pgrep -x 'pptpd|pptpctrl|pppd')" ] && break
      sleep 0.1
    done
    sleep "$arg"
    # Not on this connection: pptpd would hold it open.
    pptpd -c /etc/pptpd.conf </dev/null >/dev/null 2>&1 || { echo "pptpd did not start again"; exit 1; }
    for _ in $(seq 400); do
      ss -Hltn 'sport = :1723' | grep -q . && { echo listening; exit 0; }
      sleep 0.02
    done
    echo "pptpd is not listening on 1723 again after 8 s" ;;
  netem)
    case $arg in
      loss) spec=$NETEM_LOSS ;;
      reorder) spec=$NETEM_REORDER ;;
      off) spec="" ;;
      *) echo "unknown netem $arg"; exit 1 ;;
    esac
    bench_netem "$spec" || { echo "tc could not set netem $arg"; exit 1; }
    echo "netem $arg" ;;
  rmem)
    # net.core.rmem_default is the whole machine's and shows only in the
    # first network namespace: in one VM this runs in srv, so through PID 1's.
    rmem_sysctl() { nsenter --net=/proc/1/ns/net sysctl "$@"; }
    [ -z "$arg" ] && { echo "rmem $(rmem_sysctl -n net.core.rmem_default)"; exit 0; }
    case $arg in *[!0-9]*) echo "rmem needs a byte count"; exit 1 ;; esac
    rmem_sysctl -qw net.core.rmem_default="$arg" || { echo "sysctl could not set net.core.rmem_default"; exit 1; }
    echo "rmem $arg" ;;
  gre-drops)
    # local_address ends in :002F (protocol 47) for a raw GRE socket.
    awk 'NR > 1 && $2 ~ /:002F$/ { s += $NF } END { print s + 0 }' /proc/net/raw ;;
  *) echo "unknown command $cmd" ;;
esac
