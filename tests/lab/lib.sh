# Sourced by every lab scenario (bash, inside the lab VM, as root).
# Topology: namespaces srv (192.0.2.1) and cli (192.0.2.2) joined by veth;
# the PPTP server hands out 198.51.100.10-20 and is 198.51.100.1 in the tunnel.
set -u
SRV_IP=192.0.2.1
CLI_IP=192.0.2.2
SRV_TUN_IP=198.51.100.1
LAB_USER=alice
LAB_PASSWORD=${LAB_PASSWORD:-lab-secret-1}
LOGS=$LAB_RESULTS/logs

lab_log() { echo "lab: $*"; }

lab_fail() {
  cp /run/pptpctl/*.log "$LOGS/" 2>/dev/null
  echo "$*" >"$LAB_RESULTS/reason"
  echo "lab: FAIL: $*"
  exit 1
}

lab_figures() {
  echo "$*" >>"$LAB_RESULTS/figures"
  echo "$*"
}

lab_now() { date +%s.%N; }
lab_elapsed() { awk -v a="$1" -v b="$(lab_now)" 'BEGIN { printf "%.2f", b - a }'; }

# LAB_MODULES: what to load up front (the systemd scenario loads no PPP module:
# the kernel must autoload them).
lab_modules() {
  for m in ${LAB_MODULES:-veth ppp_generic ppp_async ppp_mppe pptp sch_netem}; do
    modprobe "$m" || lab_fail "kernel module $m did not load"
  done
}

lab_setup_net() {
  lab_modules
  ip netns add srv && ip netns add cli || lab_fail "cannot create network namespaces"
  ip link add veth-srv netns srv type veth peer name veth-cli netns cli
  ip -n srv addr add $SRV_IP/24 dev veth-srv
  ip -n cli addr add $CLI_IP/24 dev veth-cli
  for ns in srv cli; do
    ip -n $ns link set lo up
    ip -n $ns link set veth-$ns up
  done
  ip netns exec cli ping -c 1 -W 5 $SRV_IP >/dev/null || lab_fail "veth between cli and srv does not pass traffic"
}

# Writes the server's pppd options: the defaults of a hardened PoPToP, plus
# whatever lines the scenario passes (e.g. "mppe-stateful").
lab_server_options() {
  {
    echo "name pptpd"
    echo "require-mschap-v2"
    echo "require-mppe-128"
    echo "ms-dns 192.0.2.53"
    echo "ms-dns 192.0.2.54"
    echo "lcp-echo-interval 10"
    echo "lcp-echo-failure 3"
    echo "nodefaultroute"
    echo "noipx"
    echo "nobsdcomp"
    echo "nodeflate"
    echo "debug"
    echo "logfile $LOGS/server-pppd.log"
    for line in "$@"; do echo "$line"; done
  } >/etc/ppp/pptpd-options
  LAB_SERVER_OPTIONS_SET=1
}

lab_start_server() {
  # The host's own /etc/ppp/pptpd-options shows through the overlay: always
  # replace it, with the defaults unless the scenario chose its lines.
  [ -n "${LAB_SERVER_OPTIONS_SET:-}" ] || lab_server_options
  # One secrets file serves both ends: the VM has one filesystem.
  printf '%s pptpd "%s" *\n' "$LAB_USER" "$LAB_PASSWORD" >/etc/ppp/chap-secrets
  chmod 600 /etc/ppp/chap-secrets
  cat >/etc/pptpd.conf <<CONF
option /etc/ppp/pptpd-options
debug
localip $SRV_TUN_IP
remoteip 198.51.100.10-20
CONF
  ip netns exec srv pptpd -c /etc/pptpd.conf || lab_fail "pptpd did not start"
  for _ in $(seq 50); do
    ip netns exec srv ss -ltn 2>/dev/null | grep -q ':1723 ' && break
    sleep 0.2
  done
  ip netns exec srv ss -ltn | grep -q ':1723 ' || lab_fail "pptpd is not listening on 1723"
  ip netns exec srv iperf3 -s -D --logfile "$LOGS/iperf3-server.log" || lab_fail "iperf3 server did not start"
  lab_log "server: pptpd listening on $SRV_IP:1723 ($(grep -c . /etc/ppp/pptpd-options) pppd option lines)"
  if [ "$LAB_SERVER_DOWN" = 1 ]; then
    # Lab self-test: the server goes away before the client starts.
    pkill -x pptpd
    sleep 0.5
    lab_log "server: stopped on purpose (--server-down)"
  fi
}

# Prints the IPv4 address of IFACE in namespace NS once it has one, waiting up
# to SECONDS.
lab_wait_addr() {
  local ns=$1 iface=$2 seconds=$3 addr=""
  for _ in $(seq $((seconds * 5))); do
    addr=$(ip -n "$ns" -4 -o addr show dev "$iface" 2>/dev/null | awk '{print $4}' | cut -d/ -f1)
    [ -n "$addr" ] && { echo "$addr"; return 0; }
    sleep 0.2
  done
  return 1
}

# iperf3 from NS to TARGET for SECONDS; prints the receiver's Mbit/s.
lab_iperf() {
  local ns=$1 target=$2 seconds=${3:-5} out
  out=$(timeout $((seconds + 30)) ip netns exec "$ns" iperf3 -c "$target" -t "$seconds" -f m 2>&1) || {
    echo "$out" >>"$LOGS/iperf3-client.log"
    return 1
  }
  echo "$out" >>"$LOGS/iperf3-client.log"
  echo "$out" | awk '/receiver/ { for (i = 1; i < NF; i++) if ($(i+1) == "Mbits/sec") print $i }' | tail -1
}

# pppd's exit status as words (pppd(8), EXIT STATUS).
lab_pppd_status() {
  case $1 in
    0) echo "ok" ;; 1) echo "fatal error" ;; 2) echo "bad options" ;; 6) echo "serial port lock failed" ;;
    8) echo "connect script failed" ;; 10) echo "PPP negotiation failed" ;; 11) echo "peer failed to authenticate" ;;
    16) echo "link terminated by the peer or the control connection closed" ;; 19) echo "authentication failed" ;;
    *) echo "status $1" ;;
  esac
}

PPTPCTL=${LAB_REPO}/build/pptpctl
export PPTPCTL_CONFIG_DIR=/etc/pptpctl

# Writes profile NAME with the lab's server and user, plus the JSON members
# given (e.g. '"routes": ["203.0.113.0/24"]'); the password goes to a 0600 file.
lab_profile() {
  local name=$1 extra=${2:-}
  mkdir -p /etc/pptpctl
  printf '%s\n' "$LAB_PASSWORD" >/etc/pptpctl/$name.secret
  chmod 600 /etc/pptpctl/$name.secret
  cat >/etc/pptpctl/$name.json <<JSON
{ "server": "$SRV_IP", "username": "$LAB_USER", "password_file": "$name.secret"${extra:+, $extra} }
JSON
}

# The state a clean teardown must leave behind, for a before/after diff.
lab_client_snapshot() {
  {
    ip -n cli -o link show | awk '{print $2}' | grep -v '^lo:\|^veth-cli' || true
    ip -4 -n cli route show table all
    ip -4 -n cli -o addr show | awk '{print $2, $4}'
    sha256sum /etc/resolv.conf 2>/dev/null || echo "no resolv.conf"
    ls -l /etc/resolv.conf 2>/dev/null | awk '{print $1, $NF}'
  } | sort
}

# Fails unless the client looks as it did in snapshot file $1.
lab_same_as() {
  lab_client_snapshot >"$1.after"
  # /dev/fd is missing on devtmpfs, so no <(...): compare files.
  diff "$1" "$1.after" >"$1.diff" || lab_fail "down left changes behind: $(grep '^[<>]' "$1.diff" | tr '\n' ' ')"
}

# pptpctl up PROFILE [ARGS]: output (debug lines included) to $LOGS/pptpctl-up.log,
# phases echoed; sets UP_RC and UP_SECONDS.
lab_pptpctl_up() {
  local name=$1; shift
  local start
  start=$(lab_now)
  ip netns exec cli "$PPTPCTL" up --debug "$@" "$name" >"$LOGS/pptpctl-up.log" 2>&1
  UP_RC=$?
  UP_SECONDS=$(lab_elapsed "$start")
  grep -v -E "$name: (sent|rcvd|pptp:|ppp:) " "$LOGS/pptpctl-up.log" | sed 's/^/  /'
}

# The last line pptpctl printed about PROFILE: its reason when it failed.
lab_last_words() { grep "pptpctl: $1: " "$LOGS/pptpctl-up.log" | tail -1 | sed "s/^pptpctl: $1: //"; }

lab_pptpctl_down() {
  ip netns exec cli "$PPTPCTL" down "$1" >>"$LOGS/pptpctl-up.log" 2>&1 || lab_fail "pptpctl down $1 failed"
}
