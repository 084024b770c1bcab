# The bench's client VM: the bare link, pptp-linux + pppd ("ref"), pptpctl
# ("ctl", the kernel data path) and pptpctl with "data_path": "userspace"
# ("usr": TUN, raw GRE and MPPE in the daemon) against the server VM, one
# after the other. Every figure goes to
# $BENCH_RESULTS/figures as key=value; scripts/bench turns them into the
# table. A client that fails to connect is recorded as a problem, the rest
# still runs, and the VM exits non-zero at the end.
# With BENCH_TOPOLOGY=onevm it runs in namespace cli of the one-VM topology
# (onevm.sh) and measures throughput only: the bare link once, then each
# client on a clean path, with 1% loss and with 20% reordering.
. "$BENCH_REPO/scripts/bench.d/common.sh"

# Every iperf3 figure is the median of REPEATS runs: the host's other work
# and PoPToP's losses (below) make single runs swing by a factor of two.
# RECOVERY: how many path cuts and server restarts per client.
# NET_SECS and NET_REPEATS: the same for the loss and reordering rows and
# every one-VM row (shorter, to keep the full run near 25 minutes); NET_KINDS:
# the clients those rows measure on the impaired paths, CLEAN_KINDS on the one
# VM's clean path ("bare" the bare link), NET_CONDS the impaired paths.
# IDLE_S: how long the idle client VM's busy share is sampled. The quick run
# is a smoke run of under 3 minutes, in two VMs only (scripts/bench boots no
# one-VM topology for it): every client once, 1 s iperf3 runs, 1% loss for
# the kernel path alone; it skips (QUICK_SKIPS, for the report) the memory
# readings and the 4 s they wait for pptpctl to settle, the CPU runs at a
# fixed load, the parallel tunnels, the recovery rounds, reordering and the
# rows with the server's GRE socket buffer raised.
TOPOLOGY=${BENCH_TOPOLOGY:-twovm}
if [ "$BENCH_QUICK" = 1 ]; then
  CYCLES=1 SECS=1 SCALE=0 REPEATS=1 RECOVERY=1 IDLE_S=1
  NET_SECS=1 NET_REPEATS=1 NET_KINDS="ctl" CLEAN_KINDS="" NET_CONDS="loss"
  QUICK_SKIPS="memory cpu scale recovery reorder onevm rmem"
else
  CYCLES=5 SECS=8 SCALE=20 REPEATS=3 RECOVERY=3 IDLE_S=3
  NET_SECS=3 NET_REPEATS=3 NET_KINDS="ref ctl usr" CLEAN_KINDS="bare ref ctl usr" NET_CONDS="loss reorder"
  QUICK_SKIPS=""
fi
# skipped WHAT: does this run leave WHAT out (QUICK_SKIPS)?
skipped() { case " $QUICK_SKIPS " in *" $1 "*) return 0 ;; esac; return 1; }
PPTPCTL=$BENCH_PPTPCTL
export PPTPCTL_CONFIG_DIR=/etc/pptpctl
FIG=$BENCH_RESULTS/figures
PROBLEMS=$BENCH_RESULTS/problems
: >"$FIG"
: >"$PROBLEMS"

fig() {
  echo "$1=$2" >>"$FIG"
  echo "  $1=$2"
}
problem() {
  echo "$*" >>"$PROBLEMS"
  bench_log "PROBLEM: $*"
}

# Whatever happens, release the server VM so it powers off too.
trap 'timeout 5 bash -c "echo done >/dev/tcp/$SRV_IP/$DONE_PORT" 2>/dev/null' EXIT

ask_server() { timeout 5 bash -c "exec 3<>/dev/tcp/$SRV_IP/$1; cat <&3" 2>/dev/null; }

# "total idle" jiffies from a /proc/stat (a file, or - for stdin).
cpu_sample() { awk '/^cpu / { t = 0; for (i = 2; i <= 9; i++) t += $i; print t, $5 + $6; exit }' "${1:-/proc/stat}"; }
# Busy share in percent between two samples.
busy_pct() {
  awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " "); dt = y[1] - x[1]; di = y[2] - x[2]
    if (dt <= 0) print "nan"; else printf "%.1f", 100 * (dt - di) / dt }'
}

# Each connect starts against a server that has let go of every earlier
# session (pptpctrl and pppd gone, pool address free again).
wait_server_clean() {
  local n
  for _ in $(seq 150); do
    n=$(ask_server $SESSIONS_PORT)
    [ "$n" = 0 ] && { sleep 0.3; return 0; }
    sleep 0.2
  done
  problem "the server still holds ${n:-?} PPP processes 30 s after the last disconnect"
  return 1
}

# iperf3 to TARGET, DIR up (client sends) or down (-R, server sends), for
# SECS, optionally paced at RATE ("12M"). Sets MBPS (receiver's rate),
# CLI_BUSY and SRV_BUSY (each VM's busy share over the run, percent; "nan"
# with NO_BUSY=1, which spares the rows that show none two round trips to
# the server) and RETR (TCP retransmissions).
NO_BUSY=0
measure() {
  local target=$1 dir=$2 secs=$3 rate=${4:-} out rc c0="" c1="" s0="" s1="" try
  local args=(-c "$target" -t "$secs" -J)
  [ "$dir" = down ] && args+=(-R)
  # Paced runs count the whole run against the whole CPU sample; unpaced ones
  # leave out TCP's first second of ramp-up.
  if [ -n "$rate" ]; then args+=(-b "$rate"); else args+=(-O 1); fi
  [ "$NO_BUSY" = 1 ] || { s0=$(ask_server $STAT_PORT | cpu_sample -); c0=$(cpu_sample); }
  # Under TCG the iperf3 server can still be closing the last test when the
  # next arrives, and refuses it as busy: that refusal, and only that, is
  # tried again (as the lab's lab_iperf_run).
  for try in 1 2 3 4; do
    out=$(timeout $((secs + 30)) iperf3 "${args[@]}" 2>>"$LOGS/iperf3-client.err")
    rc=$?
    [ $rc != 0 ] && [ $try != 4 ] && echo "$out" | grep -q "server is busy" || break
    sleep 1
  done
  [ "$NO_BUSY" = 1 ] || { c1=$(cpu_sample); s1=$(ask_server $STAT_PORT | cpu_sample -); }
  { echo "# iperf3 ${args[*]}"; echo "$out"; } >>"$LOGS/iperf3-client.json"
  [ $rc = 0 ] || return 1
  MBPS=$(echo "$out" | jq -r '.end.sum_received.bits_per_second' | awk '{ printf "%.1f", $1 / 1e6 }')
  RETR=$(echo "$out" | jq -r '.end.sum_sent.retransmits // 0')
  if [ "$NO_BUSY" = 1 ]; then
    CLI_BUSY=nan SRV_BUSY=nan
  else
    CLI_BUSY=$(busy_pct "$c0" "$c1")
    SRV_BUSY=$(busy_pct "$s0" "$s1")
  fi
}

# fig_spread KEY SAMPLE...: KEY_samples, and KEY_median, _min and _max (two
# decimals).
fig_spread() {
  local key=$1 line
  shift
  fig "${key}_samples" "$(IFS=,; echo "$*")"
  printf '%s\n' "$@" | sort -g | awk -v k="$key" '{ v[NR] = $1 }
    END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
          printf "%s_median=%.2f\n%s_min=%.2f\n%s_max=%.2f\n", k, m, k, v[1], k, v[NR] }' \
    | while IFS= read -r line; do fig "${line%%=*}" "${line#*=}"; done
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# measure, REPEATS times: the same variables, each the median of the runs;
# MBPS_ALL lists every run's rate; GRE_DROPS is what the server's GRE raw
# sockets (pptpctrl's) dropped over all the runs, full receive buffers: the
# upload gap's cause (docs/performance.md), "nan" if the server did not say.
measure_n() {
  local m=() c=() s=() r=() i d0 d1
  d0=$(ask_recovery gre-drops)
  for i in $(seq "${N_RUNS:-$REPEATS}"); do
    measure "$@" || return 1
    m+=("$MBPS") c+=("$CLI_BUSY") s+=("$SRV_BUSY") r+=("$RETR")
  done
  d1=$(ask_recovery gre-drops)
  MBPS=$(median "${m[@]}") CLI_BUSY=$(median "${c[@]}") SRV_BUSY=$(median "${s[@]}") RETR=$(median "${r[@]}")
  MBPS_ALL=$(IFS=,; echo "${m[*]}")
  GRE_DROPS=nan
  [[ "$d0" =~ ^[0-9]+$ && "$d1" =~ ^[0-9]+$ ]] && GRE_DROPS=$((d1 - d0))
}

# Prints the IPv4 address of IFACE, or fails.
addr_of() { ip -4 -o addr show dev "$1" 2>/dev/null | awk '{ print $4 }' | cut -d/ -f1 | grep .; }

# "rss_kib pss_kib" summed over PIDS. From smaps_rollup, which walks the page
# tables: status's VmRSS lags for processes that forked and barely ran since
# (pptp's call manager shows a tenth of its resident set there).
mem_of() {
  local rss=0 pss=0 p r s
  for p in "$@"; do
    read -r r s <<<"$(awk '/^Rss:/ { r = $2 } /^Pss:/ { s = $2 } END { print r + 0, s + 0 }' "/proc/$p/smaps_rollup" 2>/dev/null)"
    rss=$((rss + ${r:-0})) pss=$((pss + ${s:-0}))
  done
  echo "$rss $pss"
}

# --- pptp-linux + pppd, with the settings pptpctl uses by default:
# MS-CHAPv2 only, MPPE-128 stateless required, MTU 1400 (pptpctl: auto), LCP echo 10 s x 3,
# no DNS from the peer, no default route, no packet debugging.
cat >/etc/ppp/options.bench <<OPTS
name $BENCH_USER
file $BENCH_REPO/tests/lab/pptp-linux.options
mtu 1400
lcp-echo-interval 10
lcp-echo-failure 3
logfile $LOGS/client-pppd.log
OPTS
printf '%s pptpd "%s" *\n' "$BENCH_USER" "$BENCH_PASSWORD" >/etc/ppp/chap-secrets
chmod 600 /etc/ppp/chap-secrets

# ref_up LINK IFACE [LOCAL_ADDR]: returns once IPCP is up (updetach), like
# pptpctl up.
ref_up() {
  local bind=""
  [ -n "${3:-}" ] && bind="--localbind $3"
  timeout 150 pppd pty "pptp $SRV_IP --nolaunchpppd --loglevel 0 $bind" file /etc/ppp/options.bench \
    ifname "$2" linkname "$1" updetach >>"$LOGS/client.log" 2>&1
}
# Everything pptp-linux runs: pppd, the shell its pty option starts, and pptp
# as GRE gateway (pptpgw) and call manager (pptpcm). Every one in this VM is
# the bench's own.
# In one VM the server's pppd are the server's: bench_here leaves them out.
ref_pids() { { pgrep -x 'pppd|pptpgw|pptpcm'; pgrep -f '^sh -c pptp '; } | bench_here | sort -u; }
# Stops every pppd the bench started and waits until pptp has gone too.
ref_down_all() {
  local p
  for p in $(pgrep -x pppd | bench_here); do kill "$p" 2>/dev/null; done
  for _ in $(seq 150); do
    [ -z "$(pgrep -x 'pppd|pptpgw|pptpcm' | bench_here)" ] && return 0
    sleep 0.2
  done
  problem "pptp-linux: pppd or pptp still running 30 s after SIGTERM to pppd"
  pgrep -x 'pppd|pptpgw|pptpcm' | bench_here | xargs -r kill -9
}

# --- pptpctl: same server, same user, defaults (MS-CHAPv2, MPPE-128
# stateless, MTU auto: 1456 here, MSS clamp), no DNS and no routes, like the pppd side.
# ctl_profile NAME [MORE_JSON_MEMBERS]
ctl_profile() {
  mkdir -p /etc/pptpctl
  printf '%s\n' "$BENCH_PASSWORD" >"/etc/pptpctl/$1.secret"
  chmod 600 "/etc/pptpctl/$1.secret"
  cat >"/etc/pptpctl/$1.json" <<JSON
{ "server": "$SRV_IP", "username": "$BENCH_USER", "password_file": "$1.secret",
  "dns": {"use_peer": false}, "connect_timeout_s": 120${2:+, $2} }
JSON
}
ctl_up() { timeout 150 "$PPTPCTL" up "$1" >>"$LOGS/pptpctl-up.log" 2>&1; }
ctl_down() { timeout 60 "$PPTPCTL" down "$1" >>"$LOGS/pptpctl-up.log" 2>&1; }
ctl_pids() { pgrep -f '^pptpctl (--config-dir [^ ]+ )?run ' | bench_here | sort -u; }
# Which data path carries IFACE, from the device itself rather than from
# pptpctl's word: the kernel path's is a ppp unit (link/ppp), the userspace
# path's a TUN device.
data_path_of() {
  local d
  d=$(ip -d link show dev "$1" 2>/dev/null) || { echo none; return; }
  case $d in
    *"tun type tun"*) echo userspace ;;
    *link/ppp*) echo kernel ;;
    *) echo other ;;
  esac
}

# up/down helpers by client: KIND up|down INSTANCE ("" for the single tunnel).
iface_of() { case $1 in ref) echo "pptp-ref$2" ;; ctl) echo "pptp-ctl$2" ;; usr) echo "pptp-usr$2" ;; esac; }
bring_up() {
  case $1 in
    ref) ref_up "ref$2" "$(iface_of ref "$2")" ${2:+"$(ref_local_addr "$2")"} ;;
    ctl|usr) ctl_up "$1$2" ;;
  esac
}
bring_down() {
  case $1 in
    ref) ref_down_all ;;
    ctl|usr) ctl_down "$1$2" ;;
  esac
}
# pptp-linux keeps one call manager, so one control connection, per server
# address: tunnels started together race to launch it ("Call manager for
# 192.0.2.1 is already running", pppd exits 16), and PoPToP carries one call
# per control connection anyway. So each of the incumbent's parallel tunnels
# binds its own client address, which gives it its own call manager and
# control connection: what pptpctl has for every tunnel.
ref_local_addr() { echo "192.0.2.$((100 + $1))"; }
name_of() { case $1 in ref) echo "pptp-linux" ;; ctl) echo "pptpctl" ;; usr) echo "pptpctl (userspace data path)" ;; esac; }

# Where one pptpctl connect's time went, from the stamps `up --debug` puts
# before each line (seconds since `up` started): the server's share is every
# gap that ends with a packet received ("rcvd ..."), the time the daemon sat
# with nothing to do but wait for the server; "start" is `up` start to the
# SCCRQ sent (process start, kernel checks, TCP connect), "finish" the last
# packet received to "up" (link, addresses, the guard's last step). Prints
# "SERVER START FINISH", seconds.
connect_split() {
  awk -v name="$1" '
    match($0, /^\[ *[0-9]+\.[0-9]+\]/) {
      t = substr($0, 2, RLENGTH - 2) + 0
      rest = substr($0, RLENGTH + 2)
      if (index(rest, "pptpctl: " name ": rcvd ") == 1) { server += t - prev; last_rcvd = t }
      if (start == "" && index(rest, "pptpctl: " name ": sent SCCRQ") == 1) start = t
      if (index(rest, "pptpctl: " name ": up: ") == 1) up = t
      prev = t
    }
    END { printf "%.3f %.3f %.3f\n", server, start, (up == "" ? 0 : up - last_rcvd) }' "$2"
}

# CYCLES times: up, until the interface has an address (both commands return
# once IPCP is up, so this is a check), then down; the last one stays up.
# pptpctl's cycles run `up --debug`: its stamps split each connect into the
# server's waits and the client's own time (connect_split).
connect_cycles() {
  local kind=$1 start t iface samples=() rc split server=() client=() first=() last=()
  iface=$(iface_of "$kind" "")
  for i in $(seq "$CYCLES"); do
    wait_server_clean || return 1
    start=$(bench_now)
    if [ "$kind" = ctl ]; then
      timeout 150 "$PPTPCTL" up --debug ctl >"$LOGS/pptpctl-up-cycle$i.log" 2>&1
      rc=$?
      t=$(bench_elapsed "$start")
      cat "$LOGS/pptpctl-up-cycle$i.log" >>"$LOGS/pptpctl-up.log"
    else
      bring_up "$kind" ""
      rc=$?
      t=$(bench_elapsed "$start")
    fi
    if [ $rc != 0 ]; then
      problem "$(name_of "$kind") did not connect (cycle $i, exit $rc after ${t}s)"
      bring_down "$kind" ""
      return 1
    fi
    addr_of "$iface" >/dev/null || { problem "$(name_of "$kind") returned but $iface has no address"; bring_down "$kind" ""; return 1; }
    samples+=("$t")
    bench_log "$(name_of "$kind"): up in ${t}s"
    if [ "$kind" = ctl ]; then
      split=($(connect_split ctl "$LOGS/pptpctl-up-cycle$i.log"))
      server+=("${split[0]}")
      client+=("$(awk -v t="$t" -v s="${split[0]}" 'BEGIN { printf "%.3f", t - s }')")
      first+=("${split[1]}") last+=("${split[2]}")
      bench_log "$(name_of "$kind"): ${split[0]}s of it waiting for the server; ${split[1]}s to the SCCRQ, ${split[2]}s from the last packet to up"
    fi
    [ "$i" -lt "$CYCLES" ] && bring_down "$kind" ""
  done
  # -w: one echo a second until one answers. A single echo can beat the
  # server's pppd to its own address (it logs IPCP up after the client does).
  ping -c 1 -w 10 $SRV_TUN_IP >/dev/null || { problem "$(name_of "$kind"): no ping reply from $SRV_TUN_IP through $iface"; return 1; }
  fig_spread "${kind}_connect" "${samples[@]}"
  if [ "$kind" = ctl ]; then
    fig ctl_connect_server_s "$(printf '%.3f' "$(median "${server[@]}")")"
    fig ctl_connect_client_s "$(printf '%.3f' "$(median "${client[@]}")")"
    fig ctl_connect_start_s "$(printf '%.3f' "$(median "${first[@]}")")"
    fig ctl_connect_finish_s "$(printf '%.3f' "$(median "${last[@]}")")"
  fi
}

# The userspace data path's tunnel, up once (its connect time is the
# kernel path's, the same PPTP and PPP in the same daemon): up, an address,
# a TUN device rather than a ppp unit, a ping through it. A pptpctl built
# before the "data_path" key refuses the profile; that sets USR_MISSING and
# is no problem (the rows say so), so --commit still measures old builds.
USR_MISSING=""
usr_up() {
  local rc t start path
  wait_server_clean || return 1
  start=$(bench_now)
  : >"$LOGS/pptpctl-up-usr.log"
  timeout 150 "$PPTPCTL" up usr >"$LOGS/pptpctl-up-usr.log" 2>&1
  rc=$?
  t=$(bench_elapsed "$start")
  cat "$LOGS/pptpctl-up-usr.log" >>"$LOGS/pptpctl-up.log"
  if [ $rc != 0 ]; then
    if grep -q 'unknown key "data_path"' "$LOGS/pptpctl-up-usr.log"; then
      USR_MISSING=1
      fig usr_missing 1
      bench_log "pptpctl: this build has no \"data_path\" key; no userspace data path rows"
    else
      problem "$(name_of usr) did not connect (exit $rc after ${t}s: $(tail -1 "$LOGS/pptpctl-up-usr.log"))"
    fi
    bring_down usr ""
    return 1
  fi
  bench_log "$(name_of usr): up in ${t}s"
  path=$(data_path_of pptp-usr)
  if [ "$path" != userspace ]; then
    problem "$(name_of usr): pptp-usr is no TUN device (data path: $path)"
    bring_down usr ""
    return 1
  fi
  addr_of pptp-usr >/dev/null || { problem "$(name_of usr) returned but pptp-usr has no address"; bring_down usr ""; return 1; }
  ping -c 1 -w 10 $SRV_TUN_IP >/dev/null || { problem "$(name_of usr): no ping reply from $SRV_TUN_IP through pptp-usr"; bring_down usr ""; return 1; }
}

# Throughput both ways at full speed; "bare" for the link without a tunnel.
throughput() {
  local kind=$1 target=$2 dir
  for dir in up down; do
    if measure_n "$target" $dir "$SECS"; then
      fig "${kind}_${dir}_mbps" "$MBPS"
      fig "${kind}_${dir}_mbps_all" "$MBPS_ALL"
      fig "${kind}_${dir}_retr" "$RETR"
      fig "${kind}_${dir}_gre_drops" "$GRE_DROPS"
      fig "${kind}_${dir}_srv_busy" "$SRV_BUSY"
      fig "${kind}_${dir}_cli_busy" "$CLI_BUSY"
    else
      problem "$kind: iperf3 $dir to $target failed"
    fi
  done
}

# --- The loss and reordering rows, and every one-VM row: throughput only,
# NET_SECS per run, NET_REPEATS runs (RUNS for the bare link), no busy shares.
# Is KIND one of the clients whose loss and reordering rows this run measures?
net_kind() { case " $NET_KINDS " in *" $1 "*) return 0 ;; esac; return 1; }
clean_kind() { case " $CLEAN_KINDS " in *" $1 "*) return 0 ;; esac; return 1; }

# set_netem loss|reorder|off: the same netem (common.sh) on both ends of the
# path: eth0 here and, through its recovery service, the server's eth0.
set_netem() {
  local spec="" answer
  case $1 in loss) spec=$NETEM_LOSS ;; reorder) spec=$NETEM_REORDER ;; esac
  bench_netem "$spec" || { problem "tc could not set netem $1 on the client's eth0"; return 1; }
  answer=$(ask_recovery netem "$1")
  [ "$answer" = "netem $1" ] && return 0
  problem "the server could not set netem $1 on its eth0: ${answer:-no answer}"
  bench_netem ""
  return 1
}

# throughput_net KEY TARGET [RUNS]: KEY_up_mbps, KEY_down_mbps and their
# runs and retransmissions, on the path as it is.
throughput_net() {
  local key=$1 target=$2 runs=${3:-$NET_REPEATS} dir
  for dir in up down; do
    if NO_BUSY=1 N_RUNS=$runs measure_n "$target" $dir "$NET_SECS"; then
      fig "${key}_${dir}_mbps" "$MBPS"
      fig "${key}_${dir}_mbps_all" "$MBPS_ALL"
      fig "${key}_${dir}_retr" "$RETR"
      fig "${key}_${dir}_gre_drops" "$GRE_DROPS"
    else
      problem "$key: iperf3 $dir to $target failed"
    fi
  done
}

# impaired KIND TARGET: KIND's throughput both ways with 1% loss
# (KIND_loss_*), then with 20% reordering (KIND_reorder_*); its tunnel is up.
impaired() {
  local kind=$1 target=$2 cond
  for cond in $NET_CONDS; do
    bench_log "$(name_of "$kind"): iperf3 ${NET_SECS}s each way, netem $cond both ways"
    set_netem $cond || continue
    throughput_net "${kind}_${cond}" "$target"
    # The pptpctl daemon's own word on what the path did to it.
    [ "$kind" = usr ] && timeout 10 "$PPTPCTL" status usr --json >"$LOGS/status-usr-$cond.json" 2>&1
    set_netem off || return 1
  done
}

# The upload gap's cause, put to the test: pptpctl's kernel path once more,
# with the server's GRE sockets starting at RMEM_TEST bytes of receive buffer
# instead of the kernel's default (208 KiB), which pptpctrl never raises.
# ctl_rmem_* figures; the argument (fn) is throughput or throughput_net. In one VM
# the sysctl is the whole VM's (net.core is not per namespace); the kernel
# path's own socket has no receive queue to speak of (pptp_rcv hands packets
# straight to PPP).
RMEM_TEST=4194304
rmem_rows() {
  local fn=$1 was
  skipped rmem && return 0
  was=$(ask_recovery rmem)
  [[ "$was" =~ ^rmem\ [0-9]+$ ]] || { problem "the server did not say its rmem_default: ${was:-no answer}"; return 1; }
  [ "$(ask_recovery rmem $RMEM_TEST)" = "rmem $RMEM_TEST" ] || { problem "the server could not raise rmem_default"; return 1; }
  fig server_rmem_default "${was#rmem }"
  fig server_rmem_test "$RMEM_TEST"
  bench_log "$(name_of ctl): up again, the server's GRE socket buffer at $RMEM_TEST bytes"
  # Not connect_cycles: this connect is no connect figure.
  if wait_server_clean && bring_up ctl "" && [ "$(data_path_of pptp-ctl)" = kernel ]; then
    bench_log "$(name_of ctl), server rmem $RMEM_TEST: iperf3 each way"
    $fn ctl_rmem $SRV_TUN_IP
  else
    problem "$(name_of ctl) did not connect on the kernel path for the server-rmem rows"
  fi
  bring_down ctl ""
  ask_recovery rmem "${was#rmem }" >/dev/null
}

# Client busy share at the fixed offered load of each direction, LOAD_up
# and LOAD_down (Mbit/s).
cpu_at_load() {
  local kind=$1 target=$2 dir load
  for dir in up down; do
    load=LOAD_$dir
    if measure_n "$target" $dir "$SECS" "${!load}M"; then
      fig "${kind}_cpu_${dir}_busy" "$CLI_BUSY"
      fig "${kind}_cpu_${dir}_mbps" "$MBPS"
      fig "${kind}_cpu_${dir}_per_mbps" "$(awk -v b="$CLI_BUSY" -v m="$MBPS" 'BEGIN { if (m > 0) printf "%.3f", b / m; else print "nan" }')"
    else
      problem "$kind: paced iperf3 $dir at ${!load} Mbit/s failed"
    fi
  done
}

# Where each process's resident memory lies, biggest mappings first, to
# explain the figures.
mem_detail() {
  local p
  for p in "$@"; do
    echo "== pid $p: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"
    grep -E '^(Rss|Pss|Pss_Anon|Pss_File):' "/proc/$p/smaps_rollup" 2>/dev/null
    awk '/^[0-9a-f]+-[0-9a-f]+ / { name = (NF >= 6) ? $6 : "[anon]" } /^Rss:/ { rss[name] += $2 }
      END { for (n in rss) if (rss[n] > 0) printf "%8d kB  %s\n", rss[n], n }' "/proc/$p/smaps" 2>/dev/null | sort -rn | head -12
  done
}

memory() {
  local kind=$1 pids m
  case $kind in ref) pids=$(ref_pids) ;; ctl|usr) pids=$(ctl_pids) ;; esac
  mem_detail $pids >"$LOGS/memory-$kind.txt"
  m=$(mem_of $pids)
  fig "${kind}_procs" "$(echo $pids | wc -w)"
  fig "${kind}_rss_kib" "${m% *}"
  fig "${kind}_pss_kib" "${m#* }"
}

# SCALE tunnels started at once; the time until the last one is up, and the
# memory of everything running then.
scale() {
  local kind=$1 start ok=0 last rc t i pids m
  wait_server_clean || return 1
  rm -rf /run/scale && mkdir -p /run/scale
  [ "$kind" = ctl ] && for i in $(seq "$SCALE"); do ctl_profile "ctl$i"; done
  [ "$kind" = ref ] && for i in $(seq "$SCALE"); do ip addr replace "$(ref_local_addr "$i")/24" dev eth0; done
  bench_log "$(name_of "$kind"): starting $SCALE tunnels at once"
  start=$(bench_now)
  for i in $(seq "$SCALE"); do
    ( bring_up "$kind" "$i"; echo "$? $(bench_now)" >"/run/scale/$i" ) &
  done
  wait
  last=$start
  for i in $(seq "$SCALE"); do
    read -r rc t <"/run/scale/$i"
    if [ "$rc" = 0 ] && addr_of "$(iface_of "$kind" "$i")" >/dev/null; then
      ok=$((ok + 1))
      last=$(awk -v a="$last" -v b="$t" 'BEGIN { print (b > a) ? b : a }')
    else
      echo "$(name_of "$kind") tunnel $i: exit $rc" >>"$LOGS/scale-$kind.log"
    fi
  done
  fig "${kind}_scale_ok" "$ok"
  fig "${kind}_scale_s" "$(awk -v a="$start" -v b="$last" 'BEGIN { printf "%.2f", b - a }')"
  case $kind in ref) pids=$(ref_pids) ;; ctl) pids=$(ctl_pids) ;; esac
  m=$(mem_of $pids)
  fig "${kind}_scale_procs" "$(echo $pids | wc -w)"
  fig "${kind}_scale_rss_kib" "${m% *}"
  fig "${kind}_scale_pss_kib" "${m#* }"
  [ "$ok" = "$SCALE" ] || problem "$(name_of "$kind"): only $ok of $SCALE tunnels came up at once (see logs/scale-$kind.log)"
  bench_log "$(name_of "$kind"): $ok of $SCALE up; tearing down"
  case $kind in
    ref)
      ref_down_all
      for i in $(seq "$SCALE"); do ip addr del "$(ref_local_addr "$i")/24" dev eth0; done
      ;;
    ctl) for i in $(seq "$SCALE"); do ctl_down "ctl$i" & done; wait ;;
  esac
}

# --- Recovery. Both clients send an LCP echo every ECHO_S seconds and call
# the link dead after ECHO_FAILS unanswered, and redial 1 s after any
# failure, again and again: pppd with `persist holdoff 1` (and `maxfail 0`:
# the shared options' `maxfail 1` would end it at the first refused redial),
# pptpctl with a reconnect delay of 1 s capped at 1 s (its default backoff
# would double the wait on each refused redial while the server is away).
ECHO_S=2 ECHO_FAILS=3
# How long the server stays dead before it comes back: both clients have
# noticed by then and are redialling.
RESTART_GAP=3
REC_CTL_JSON="\"lcp_echo\": {\"interval_s\": $ECHO_S, \"failures\": $ECHO_FAILS}, \"reconnect\": {\"enabled\": true, \"delay_s\": 1, \"max_delay_s\": 1}"
REF_REC_LOG=$LOGS/client-pppd.log
CTL_REC_LOG=/run/pptpctl/rec.log

rec_up() {
  case $1 in
    ref) timeout 150 pppd pty "pptp $SRV_IP --nolaunchpppd --loglevel 0" file /etc/ppp/options.bench \
           lcp-echo-interval $ECHO_S lcp-echo-failure $ECHO_FAILS persist holdoff 1 maxfail 0 \
           ifname pptp-rec linkname rec updetach >>"$LOGS/client.log" 2>&1 ;;
    ctl) ctl_up rec ;;
  esac
}
rec_down() {
  case $1 in
    ref) ref_down_all ;;
    ctl) ctl_down rec ;;
  esac
}
# The client's own word that the link is dead: pppd's LCP echo verdict (or a
# hangup from pptp), pptpctl's "link lost" line. Prints how many such lines
# its log holds.
rec_dead_lines() {
  case $1 in
    ref) grep -cE 'No response to [0-9]+ echo-requests|Serial link appears to be disconnected|Modem hangup' "$REF_REC_LOG" 2>/dev/null ;;
    ctl) grep -c 'link lost: ' "$CTL_REC_LOG" 2>/dev/null ;;
  esac
}

# The server VM's recovery service (recovery-server.sh): sends a command,
# prints the one-line answer.
ask_recovery() {
  local line=""
  { echo "$*" >&3; read -r -t 60 line <&3; } 3<>"/dev/tcp/$SRV_IP/$RECOVERY_PORT" 2>/dev/null
  echo "$line"
}
# Cuts the path both ways: GRE and PPTP's TCP (port 1723) dropped as they
# arrive, here first (from then on the client hears nothing from the
# server), then in the server VM. Input hooks only: an output drop would fail
# the client's own sends (EPERM) and so tell it, and a cut path tells nobody.
# CUT is the moment this VM's rule is in.
cut_path() {
  nft -f - <<'NFT' || return 1
table inet bench_cut {
  chain in { type filter hook input priority -100; policy accept; meta l4proto gre drop; tcp sport 1723 drop; }
}
NFT
  CUT=$(bench_now)
  [ "$(ask_recovery cut)" = cut ]
}
heal_path() {
  local rc=0
  nft delete table inet bench_cut 2>/dev/null || rc=1
  [ "$(ask_recovery heal)" = healed ] || rc=1
  return $rc
}

# Polls with short pings through the tunnel until one answers, for at most
# $1 s. With no tunnel there is no route and ping fails at once.
wait_ping() {
  local end=$((SECONDS + $1))
  while [ $SECONDS -lt $end ]; do
    ping -c 1 -W 0.5 -q $SRV_TUN_IP >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  return 1
}

# Has the server VM kill PoPToP, stay down RESTART_GAP s and start it again;
# returns once pptpd listens, with RESTARTED set to that moment (this VM's
# clock).
server_restart() {
  local line
  line=$(ask_recovery restart "$RESTART_GAP")
  RESTARTED=$(bench_now)
  [ "$line" = listening ] || { RESTART_ERROR=${line:-no answer from $SRV_IP:$RECOVERY_PORT within 60 s}; return 1; }
}

# RECOVERY rounds: up; cut the path and time until the client says the link
# is dead; heal the path and let the client redial by itself; kill and
# restart the server and time from pptpd listening until a ping through the
# tunnel answers; down.
recovery() {
  local kind=$1 who i n0 t0 t end det=() ret=()
  who=$(name_of "$kind")
  [ "$kind" = ctl ] && ctl_profile rec "$REC_CTL_JSON"
  for i in $(seq "$RECOVERY"); do
    wait_server_clean || return 1
    if ! rec_up "$kind" || ! wait_ping 30; then
      problem "$who did not connect for recovery round $i"
      rec_down "$kind"
      return 1
    fi
    n0=$(rec_dead_lines "$kind")
    cut_path || { problem "nft could not cut the path (in the client or the server VM)"; heal_path; rec_down "$kind"; return 1; }
    t0=$CUT
    end=$((SECONDS + 60))
    while [ "$(rec_dead_lines "$kind")" = "$n0" ] && [ $SECONDS -lt $end ]; do sleep 0.05; done
    t=$(bench_elapsed "$t0")
    heal_path || { problem "nft could not heal the path"; rec_down "$kind"; return 1; }
    if [ "$(rec_dead_lines "$kind")" = "$n0" ]; then
      problem "$who did not notice the cut path within 60 s (round $i)"
    else
      det+=("$t")
      bench_log "$who: dead link noticed ${t}s after the cut"
    fi
    # The server still holds the dead session; the restart ends it.
    if ! wait_ping 60; then
      problem "$who did not come back by itself within 60 s of the path healing (round $i)"
      rec_down "$kind"
      return 1
    fi
    if ! server_restart; then
      problem "the server VM did not restart PoPToP: $RESTART_ERROR"
      rec_down "$kind"
      return 1
    fi
    if wait_ping 60; then
      t=$(bench_elapsed "$RESTARTED")
      ret+=("$t")
      bench_log "$who: traffic flows ${t}s after the server listens again"
    else
      problem "$who: no ping through the tunnel within 60 s of the server's return (round $i)"
    fi
    rec_down "$kind"
  done
  [ ${#det[@]} -gt 0 ] && fig_spread "${kind}_detect" "${det[@]}"
  [ ${#ret[@]} -gt 0 ] && fig_spread "${kind}_return" "${ret[@]}"
  return 0
}

finish() {
  if [ -s "$PROBLEMS" ]; then
    echo "$(wc -l <"$PROBLEMS") problem(s): $(head -1 "$PROBLEMS")" >"$BENCH_RESULTS/reason"
    exit 1
  fi
  bench_log "client: done"
  exit 0
}

bench_modules
bench_link $CLI_IP
fig topology "$TOPOLOGY"
fig vm_kernel "$(uname -r)"
fig vm_cpu "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
fig cycles "$CYCLES"
fig iperf_s "$SECS"
fig scale_n "$SCALE"
fig repeats "$REPEATS"
fig recovery_n "$RECOVERY"
fig echo_s "$ECHO_S"
fig echo_failures "$ECHO_FAILS"
fig restart_gap_s "$RESTART_GAP"
fig net_secs "$NET_SECS"
fig net_repeats "$NET_REPEATS"
fig net_kinds "$NET_KINDS"
[ "$TOPOLOGY" = onevm ] && fig clean_kinds "$CLEAN_KINDS"
fig vm_vcpus "$(nproc)"
[ -n "$QUICK_SKIPS" ] && fig quick_skips "$QUICK_SKIPS"

ready=0
for _ in $(seq 300); do
  [ -n "$(ask_server $SESSIONS_PORT)" ] && { ready=1; break; }
  sleep 0.5
done
[ $ready = 1 ] || bench_fail "the server VM did not answer on $SRV_IP:$SESSIONS_PORT within 150 s"
bench_log "client: server ready"

c0=$(cpu_sample); sleep "$IDLE_S"; c1=$(cpu_sample)
fig idle_busy "$(busy_pct "$c0" "$c1")"

ctl_profile ctl
ctl_profile usr '"data_path": "userspace"'

# One VM: throughput only, each client up once, on a clean path and then
# impaired.
if [ "$TOPOLOGY" = onevm ]; then
  if clean_kind bare; then
    bench_log "bare link (veth): iperf3 ${NET_SECS}s each way"
    throughput_net bare $SRV_IP 1
  fi
  for kind in ref ctl usr; do
    clean_kind $kind || continue
    if [ $kind = usr ]; then
      bench_log "$(name_of usr): up"
      usr_up || continue
    else
      bench_log "$(name_of "$kind"): up"
      CYCLES=1 connect_cycles $kind || { bring_down $kind ""; continue; }
      [ $kind = ctl ] && [ "$(data_path_of pptp-ctl)" != kernel ] \
        && problem "pptpctl: pptp-ctl is no ppp unit (data path: $(data_path_of pptp-ctl)); the kernel rows are not the kernel path"
    fi
    bench_log "$(name_of "$kind"): iperf3 ${NET_SECS}s each way"
    throughput_net $kind $SRV_TUN_IP
    net_kind $kind && impaired $kind $SRV_TUN_IP
    bring_down $kind ""
    [ $kind = ctl ] && rmem_rows throughput_net
  done
  finish
fi

bench_log "bare link: iperf3 ${SECS}s each way"
throughput bare $SRV_IP

for kind in ref ctl; do
  bench_log "$(name_of "$kind"): $CYCLES connect cycles"
  if connect_cycles $kind; then
    # "auto" picks the kernel path where the modules are, as here; a TUN
    # device would mean the kernel rows measured the wrong thing.
    if [ $kind = ctl ] && [ "$(data_path_of pptp-ctl)" != kernel ]; then
      problem "pptpctl: pptp-ctl is no ppp unit (data path: $(data_path_of pptp-ctl)); the kernel rows are not the kernel path"
    fi
    bench_log "$(name_of "$kind"): iperf3 ${SECS}s each way"
    throughput $kind $SRV_TUN_IP
    # Memory of a tunnel that has carried traffic and settled: pptpctl gives
    # back its setup pages 3 s after up and 3 s after a status query
    # (daemon/memory.hpp), so the reading waits that long after the last.
    skipped memory || { sleep 4; memory $kind; }
    net_kind $kind && impaired $kind $SRV_TUN_IP
  fi
  bring_down $kind ""
  [ $kind = ctl ] && rmem_rows throughput
done
bench_log "$(name_of usr): up"
usr_is_up=0
if usr_up; then
  usr_is_up=1
  bench_log "$(name_of usr): iperf3 ${SECS}s each way"
  throughput usr $SRV_TUN_IP
  skipped memory || { sleep 4; memory usr; }
  # The engine's counters (reordered, late, lost) explain retransmissions.
  timeout 10 "$PPTPCTL" status usr --json >"$LOGS/status-usr.json" 2>&1
  net_kind usr && impaired usr $SRV_TUN_IP
fi

if skipped cpu; then
  [ $usr_is_up = 1 ] && bring_down usr ""
else
  # The fixed load of each direction: half of what the slowest client (or
  # data path) managed that way, so each carries it with room to spare.
  for dir in up down; do
    l=$(grep -E "^(ref|ctl|usr)_${dir}_mbps=" "$FIG" | cut -d= -f2 | sort -g | head -1 | awk '{ l = int($1 / 2); print (l < 1) ? 1 : l }')
    printf -v "LOAD_$dir" '%s' "${l:-2}"
    fig "load_${dir}_mbps" "${l:-2}"
  done
  # The userspace tunnel is still up: its CPU run comes first, which spares
  # it a second connect.
  if [ $usr_is_up = 1 ]; then
    bench_log "$(name_of usr): client CPU at $LOAD_up / $LOAD_down Mbit/s"
    cpu_at_load usr $SRV_TUN_IP
    bring_down usr ""
  fi
  for kind in ref ctl; do
    wait_server_clean
    bench_log "$(name_of "$kind"): client CPU at $LOAD_up / $LOAD_down Mbit/s"
    if bring_up $kind ""; then
      cpu_at_load $kind $SRV_TUN_IP
    else
      problem "$(name_of "$kind") did not connect for the CPU run"
    fi
    bring_down $kind ""
  done
  bench_log "bare link: client CPU at $LOAD_up / $LOAD_down Mbit/s"
  cpu_at_load bare $SRV_IP
fi
skipped scale || for kind in ref ctl; do scale $kind; done

# nft loads its modules on first use (in both VMs); that belongs to no
# measurement.
if skipped recovery; then
  :
elif cut_path && heal_path; then
  for kind in ref ctl; do
    bench_log "$(name_of "$kind"): recovery, $RECOVERY round(s) of path cut and server restart"
    recovery $kind
  done
else
  heal_path
  problem "nft cannot cut the path (in the client or the server VM): no recovery figures"
fi

finish
