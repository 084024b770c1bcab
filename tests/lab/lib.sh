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
  cp /run/pptpctl/*.log /run/lab/*.json "$LOGS/" 2>/dev/null
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
# the kernel must autoload them). nf_tables: pptpctl's injection guard runs
# nft, and the chroot VM cannot autoload modules.
lab_modules() {
  for m in ${LAB_MODULES:-veth ppp_generic ppp_async ppp_mppe pptp sch_netem nf_tables}; do
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

# The server alone, on the VM's own NIC (no cli, no veth): for scenarios whose
# client is outside the VM (# lab: host-client, the host end of a tap). Moves
# the NIC that DRIVER (default virtio_net) drives into namespace srv at
# $SRV_IP/24, so lab_start_server and everything else that says "srv" works
# as with the veth topology. Leaves the NIC's name in LAB_NIC (a variable:
# lab_fail must end the scenario, not a $(...) subshell).
lab_setup_server_nic() {
  local driver=${1:-virtio_net} nic="" d
  LAB_MODULES=${LAB_MODULES:-$driver ppp_generic ppp_async ppp_mppe pptp} lab_modules
  # The driver binds the device as it loads; the name shows up in sysfs soon after.
  for _ in $(seq 50); do
    for d in /sys/class/net/*; do
      [ "$(basename "$(readlink "$d/device/driver" 2>/dev/null)")" = "$driver" ] && { nic=$(basename "$d"); break 2; }
    done
    sleep 0.1
  done
  [ -n "$nic" ] || lab_fail "the VM has no network interface driven by $driver (is QEMU's NIC there?)"
  ip netns add srv || lab_fail "cannot create network namespace srv"
  ip link set "$nic" netns srv || lab_fail "cannot move $nic into srv"
  ip -n srv addr add $SRV_IP/24 dev "$nic"
  ip -n srv link set lo up
  ip -n srv link set "$nic" up || lab_fail "cannot bring $nic up"
  LAB_NIC=$nic
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

# lab_start_server [POOL]: the PPTP server and an iperf3 server in srv. POOL is
# pptpd's remoteip range, 198.51.100.10-20 unless a scenario needs more calls
# at once (e.g. 198.51.100.10-250 for 20 tunnels and their redials).
lab_start_server() {
  LAB_POOL=${1:-198.51.100.10-20}
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
remoteip $LAB_POOL
CONF
  lab_start_pptpd
  ip netns exec srv iperf3 -s -D --logfile "$LOGS/iperf3-server.log" || lab_fail "iperf3 server did not start"
  lab_log "server: pptpd listening on $SRV_IP:1723 ($(grep -c . /etc/ppp/pptpd-options) pppd option lines, pool $LAB_POOL)"
  if [ "$LAB_SERVER_DOWN" = 1 ]; then
    # Lab self-test: the server goes away before the client starts.
    pkill -x pptpd
    sleep 0.5
    lab_log "server: stopped on purpose (--server-down)"
  fi
}

# pptpd alone, with the configuration lab_start_server wrote; returns once it
# listens on 1723. Also brings the server back after lab_kill_server.
lab_start_pptpd() {
  ip netns exec srv pptpd -c /etc/pptpd.conf || lab_fail "pptpd did not start"
  for _ in $(seq 50); do
    ip netns exec srv ss -ltn 2>/dev/null | grep -q ':1723 ' && break
    sleep 0.2
  done
  ip netns exec srv ss -ltn | grep -q ':1723 ' || lab_fail "pptpd is not listening on 1723"
}

# The PIDs of the PPTP server in srv: pptpd, one pptpctrl per control
# connection and one pppd per call (COMMS narrows it, e.g. "pppd").
lab_server_pids() {
  local comms=${1:-"pptpd pptpctrl pppd"} pid comm
  for pid in $(ip netns pids srv); do
    comm=$(cat /proc/$pid/comm 2>/dev/null) || continue
    case " $comms " in *" $comm "*) echo "$pid" ;; esac
  done
}

# Kills the whole PPTP server at once with SIGNAL (default KILL: a crash,
# nothing sent on purpose; the kernel closes its sockets) and waits until it
# is gone. iperf3's server stays.
lab_kill_server() {
  local sig=${1:-KILL} pids
  pids=$(lab_server_pids)
  [ -n "$pids" ] || lab_fail "no PPTP server process to kill"
  kill -"$sig" $pids 2>/dev/null
  for _ in $(seq 50); do
    [ -z "$(lab_server_pids)" ] && return 0
    sleep 0.1
  done
  lab_fail "the PPTP server is still running 5 s after SIG$sig: $(lab_server_pids | tr '\n' ' ')"
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

# Runs an iperf3 client command line (ARGS) and prints what it printed. An
# iperf3 server serves one test at a time and, under TCG, can still be
# cleaning up the previous one when the next arrives: it then refuses with
# "the server is busy running a test" (iperf3's IESERVERBUSY). That refusal,
# and only that, is retried, at most three times. The output goes to
# iperf3-client.log; on failure, iperf3's own error line goes to a file that
# lab_iperf_error prints (callers run this in a $(...) subshell).
lab_iperf_run() {
  local out rc try err
  rm -f "$LOGS/iperf3-last-error"
  for try in 1 2 3 4; do
    out=$("$@" 2>&1)
    rc=$?
    echo "$out" >>"$LOGS/iperf3-client.log"
    [ $rc != 0 ] && [ $try != 4 ] && echo "$out" | grep -q "server is busy" || break
    echo "(iperf3 server busy; retry $try)" >>"$LOGS/iperf3-client.log"
    sleep 1
  done
  if [ $rc != 0 ]; then
    err=$(echo "$out" | grep -m1 -i "error" || echo "$out" | tail -1)
    echo "${err:-exit status $rc, no output}" >"$LOGS/iperf3-last-error"
    return 1
  fi
  echo "$out"
}

# Why the last lab_iperf_run failed, in iperf3's words.
lab_iperf_error() { cat "$LOGS/iperf3-last-error" 2>/dev/null || echo "no error recorded"; }

# The receiver's Mbit/s from iperf3's output on stdin.
lab_iperf_mbps() {
  awk '/receiver/ { for (i = 1; i < NF; i++) if ($(i+1) == "Mbits/sec") print $i }' | tail -1
}

# iperf3 from NS to TARGET for SECONDS; prints the receiver's Mbit/s.
lab_iperf() {
  local ns=$1 target=$2 seconds=${3:-5} out
  out=$(lab_iperf_run timeout $((seconds + 30)) ip netns exec "$ns" iperf3 -c "$target" -t "$seconds" -f m) || return 1
  echo "$out" | lab_iperf_mbps
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
# The host half of a host-client scenario keeps its profiles elsewhere.
export PPTPCTL_CONFIG_DIR=${PPTPCTL_CONFIG_DIR:-/etc/pptpctl}

# Writes profile NAME with the lab's server and user, plus the JSON members
# given (e.g. '"routes": ["203.0.113.0/24"]'); the password goes to a 0600 file.
lab_profile() {
  local name=$1 extra=${2:-}
  mkdir -p "$PPTPCTL_CONFIG_DIR"
  printf '%s\n' "$LAB_PASSWORD" >"$PPTPCTL_CONFIG_DIR/$name.secret"
  chmod 600 "$PPTPCTL_CONFIG_DIR/$name.secret"
  cat >"$PPTPCTL_CONFIG_DIR/$name.json" <<JSON
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

# The last line pptpctl printed about PROFILE: its reason when it failed
# (without the "[   1.234] " that --debug puts before each line).
lab_last_words() { grep "pptpctl: $1: " "$LOGS/pptpctl-up.log" | tail -1 | sed -E "s/^(\[ *[0-9.]+\] )?pptpctl: $1: //"; }

lab_pptpctl_down() {
  ip netns exec cli "$PPTPCTL" down "$1" >>"$LOGS/pptpctl-up.log" 2>&1 || lab_fail "pptpctl down $1 failed"
}

# --- Faults and redial -------------------------------------------------------

lab_pptpctl_status() { ip netns exec cli "$PPTPCTL" status --json "$1" 2>/dev/null; }

# status --json of PROFILE saved to /run/lab/status-PROFILE.json (tmpfs: polled
# often; lab_fail copies it to the logs); fails when no daemon answers.
lab_status() {
  mkdir -p /run/lab
  lab_pptpctl_status "$1" >"/run/lab/status-$1.json.new" && mv "/run/lab/status-$1.json.new" "/run/lab/status-$1.json"
}

# One field of PROFILE's last lab_status ("" when absent or null).
lab_field() { jq -r ".$2 // empty" "/run/lab/status-$1.json" 2>/dev/null; }

# The daemon's state, or "gone" when nothing answers for PROFILE.
lab_state() {
  if lab_status "$1"; then lab_field "$1" state; else echo gone; fi
}

# The daemon's pid, from its lock (the profile's own process).
lab_daemon_pid() { lab_status "$1" && lab_field "$1" pid; }

# The why of a daemon that is gone: its last error line.
lab_daemon_last_error() {
  grep -h 'error: ' "/run/pptpctl/$1.log" 2>/dev/null | tail -1 | sed 's/^[0-9: -]*error: //'
}

# The waits below run in the scenario's shell (not in $(...), so lab_fail
# ends the scenario) and leave the seconds since START (a lab_now) in WAITED.

# Waits up to SECONDS for PROFILE to leave "up" (any other state, no daemon
# at all, or already up on another call than at its last lab_status: a
# redial can be quicker than a poll); fails if it never does.
lab_wait_not_up() {
  local name=$1 seconds=$2 start=$3 call0
  call0=$(lab_field "$name" call_id)
  local until=$(($(date +%s) + seconds))
  while [ "$(date +%s)" -lt "$until" ]; do
    if [ "$(lab_state "$name")" != up ] || [ "$(lab_field "$name" call_id)" != "$call0" ]; then
      WAITED=$(lab_elapsed "$start")
      return 0
    fi
    sleep 0.2
  done
  lab_fail "$name: still up ${seconds}s after the fault"
}

# Waits up to SECONDS for PROFILE to be up again after a redial: state up and
# reconnects > BEFORE (default 0). Fails at once if the daemon exits (today's
# exit 18 on link loss), else after SECONDS with its state and last_failure.
lab_wait_redial() {
  local name=$1 seconds=$2 start=$3 before=${4:-0} state rec
  local until=$(($(date +%s) + seconds))
  while [ "$(date +%s)" -lt "$until" ]; do
    state=$(lab_state "$name")
    [ "$state" = gone ] && lab_fail "$name: the daemon exited instead of redialling (its last error: $(lab_daemon_last_error "$name"))"
    rec=$(lab_field "$name" reconnects)
    [ "$state" = up ] && [ "${rec:-0}" -gt "$before" ] && { WAITED=$(lab_elapsed "$start"); return 0; }
    sleep 0.2
  done
  lab_fail "$name: not up again ${seconds}s after the fault (state $state, reconnects ${rec:-absent}, last failure: $(lab_field "$name" last_failure))"
}

# Waits up to SECONDS until a ping from cli to TARGET through PROFILE's tunnel
# is answered. Fails at once if PROFILE's daemon exits.
lab_wait_traffic() {
  local name=$1 target=$2 seconds=$3 start=$4
  local until=$(($(date +%s) + seconds))
  while [ "$(date +%s)" -lt "$until" ]; do
    ip netns exec cli ping -c 1 -W 1 "$target" >/dev/null 2>&1 && { WAITED=$(lab_elapsed "$start"); return 0; }
    [ "$(lab_state "$name")" = gone ] \
      && lab_fail "$name: the daemon exited instead of redialling (its last error: $(lab_daemon_last_error "$name"))"
    sleep 0.2
  done
  lab_fail "$name: no ping answered through the tunnel ${seconds}s after the fault (state $(lab_state "$name"), last failure: $(lab_field "$name" last_failure))"
}

# Fails unless PROFILE's link is whole: interface IFACE with an address and
# each route given through it.
lab_check_link() {
  local name=$1 iface=$2; shift 2
  lab_wait_addr cli "$iface" 5 >/dev/null || lab_fail "$name: $iface has no IPv4 address"
  for r in "$@"; do
    ip -n cli route show "$r" | grep -q "dev $iface" || lab_fail "$name: route $r is not through $iface: $(ip -n cli route show "$r")"
  done
}

# lab_partition on|off: drops TCP 1723 and GRE between cli and srv, both ways,
# in cli's own firewall (the cable is cut; both ends keep their state).
lab_partition() {
  case $1 in
    on)
      modprobe nf_tables || lab_fail "nf_tables did not load"
      ip netns exec cli nft -f - <<NFT || lab_fail "cannot install the partition rules"
table inet partition {
  chain in { type filter hook input priority -10; ip saddr $SRV_IP tcp sport 1723 counter drop; ip saddr $SRV_IP meta l4proto gre counter drop; }
  chain out { type filter hook output priority -10; ip daddr $SRV_IP tcp dport 1723 counter drop; ip daddr $SRV_IP meta l4proto gre counter drop; }
}
NFT
      ;;
    off)
      ip netns exec cli nft list table inet partition >>"$LOGS/partition.log" 2>&1
      ip netns exec cli nft delete table inet partition || lab_fail "cannot remove the partition rules"
      ;;
  esac
}

# Packets the partition dropped (both ways), from its counters.
lab_partition_dropped() {
  ip netns exec cli nft list table inet partition | grep -o 'packets [0-9]*' | awk '{n += $2} END {print n + 0}'
}

# --- DNS -----------------------------------------------------------------------

# The daemon's `up` lines about DNS (what it did with resolv.conf or resolvconf).
lab_dns_lines() { grep -E "$1: .*dns " "$LOGS/pptpctl-up.log" | sed 's/^/lab: said: /'; }

# Fails unless file $1 holds exactly the bytes of file $2.
lab_same_bytes() {
  cmp -s "$1" "$2" || lab_fail "$1 is not byte-exact as before: $(diff "$2" "$1" | grep '^[<>]' | tr '\n' ' ')"
}

# Unpacks the lab's copy of Debian package $1 (scripts/setup fetches it into
# build/lab-debs) into $2 inside the VM; the host never sees it.
lab_unpack_deb() {
  local deb
  deb=$(ls "$LAB_REPO"/build/lab-debs/"$1"_*.deb 2>/dev/null | head -1)
  [ -n "$deb" ] || lab_fail "no $1 .deb in build/lab-debs (run scripts/setup)"
  mkdir -p "$2" && dpkg -x "$deb" "$2" || lab_fail "cannot unpack $deb"
}
