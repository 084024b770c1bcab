# Scenario "fault-cycles": 200 up/down cycles of one profile leak nothing.
# Counted before and after (after a warm-up, so first-use caches and module
# loads are not mistaken for growth): file handles system-wide, kernel memory
# (MemAvailable, Slab, SUnreclaim after dropping the reclaimable caches),
# interfaces, routes and processes. Kernel call IDs: every ID the daemon was
# given in the cycles must be bindable again afterwards (kernel_probe bind),
# and the one a live tunnel holds must not (so the probe can tell).
. "$LAB_REPO/tests/lab/lib.sh"

CYCLES=200
WARMUP=5
PROBE=$LAB_REPO/build/tests/kernel_probe
[ -x "$PROBE" ] || lab_fail "no $PROBE: build it first (cmake --build build)"
# Growth allowed over all the cycles. A leaked tunnel costs at least a PPP
# unit, its net_device, a PPTP socket and a TCP socket (several KiB of
# unreclaimable slab) and 4+ file handles, so 200 leaks would stand far out.
MAX_FILES=20
MAX_SUNRECLAIM_KB=600
MAX_MEMAVAIL_DROP_KB=4096

lab_setup_net
lab_start_server
lab_profile cyc '"routes": ["203.0.113.0/24"]'
lab_client_snapshot >"$LOGS/snapshot"

cycle() {
  local rc
  ip netns exec cli "$PPTPCTL" up cyc >/run/lab-up.out 2>&1 || {
    rc=$?
    cp /run/lab-up.out "$LOGS/pptpctl-up.log"
    lab_fail "cycle $1: pptpctl up failed (exit $rc): $(grep 'pptpctl: cyc: ' /run/lab-up.out | tail -1)"
  }
  ip netns exec cli "$PPTPCTL" down cyc >/run/lab-down.out 2>&1 || {
    cp /run/lab-down.out "$LOGS/pptpctl-down.log"
    lab_fail "cycle $1: pptpctl down failed: $(tail -1 /run/lab-down.out)"
  }
}

# Server calls end a moment after the client's down; count once they have.
settle() {
  for _ in $(seq 50); do
    [ -z "$(lab_server_pids "pptpctrl pppd")" ] && break
    sleep 0.2
  done
  [ -z "$(lab_server_pids "pptpctrl pppd")" ] || lab_fail "the server still has calls 10 s after the last down"
  sync
  echo 3 >/proc/sys/vm/drop_caches
  sleep 1
}

meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }

# One line of counts: files memavail_kb slab_kb sunreclaim_kb links routes
# processes (those in the lab's namespaces: daemons, pptpd and its children).
measure() {
  echo "$(awk '{print $1}' /proc/sys/fs/file-nr) $(meminfo MemAvailable) $(meminfo Slab) $(meminfo SUnreclaim)" \
    "$(ip -n cli -o link show | wc -l) $(ip -4 -n cli route show table all | wc -l)" \
    "$( (ip netns pids cli; ip netns pids srv) | wc -l)"
}

for i in $(seq $WARMUP); do cycle "warm-up $i"; done
: >/run/pptpctl/cyc.log
settle
read -r f0 m0 s0 u0 l0 r0 p0 <<<"$(measure)"
lab_log "before: file handles $f0, MemAvailable $m0 kB, Slab $s0 kB, SUnreclaim $u0 kB, links $l0, routes $r0, processes $p0"

start=$(lab_now)
for i in $(seq "$CYCLES"); do
  cycle "$i"
  [ $((i % 50)) = 0 ] && lab_log "cycle $i: $(lab_elapsed "$start")s, $(measure | cut -d' ' -f1-4) (files memavail slab sunreclaim)"
done
cycles_s=$(lab_elapsed "$start")
settle
read -r f1 m1 s1 u1 l1 r1 p1 <<<"$(measure)"
lab_log "after:  file handles $f1, MemAvailable $m1 kB, Slab $s1 kB, SUnreclaim $u1 kB, links $l1, routes $r1, processes $p1"
lab_same_as "$LOGS/snapshot"

[ "$(grep -c 'up: .* on pptp-cyc' /run/pptpctl/cyc.log)" = "$CYCLES" ] \
  || lab_fail "the daemon's log shows $(grep -c 'up: .* on pptp-cyc' /run/pptpctl/cyc.log) links up, not $CYCLES"
[ $((f1 - f0)) -le $MAX_FILES ] || lab_fail "file handles grew by $((f1 - f0)) over $CYCLES cycles ($f0 -> $f1)"
[ $((u1 - u0)) -le $MAX_SUNRECLAIM_KB ] || lab_fail "unreclaimable slab grew by $((u1 - u0)) kB over $CYCLES cycles ($u0 -> $u1)"
[ $((m0 - m1)) -le $MAX_MEMAVAIL_DROP_KB ] || lab_fail "MemAvailable fell by $((m0 - m1)) kB over $CYCLES cycles ($m0 -> $m1)"
[ "$l1" = "$l0" ] || lab_fail "interfaces in cli: $l0 before, $l1 after"
[ "$r1" = "$r0" ] || lab_fail "routes in cli: $r0 before, $r1 after"
[ "$p1" = "$p0" ] || lab_fail "processes in cli and srv: $p0 before, $p1 after"
pgrep -x pptpctl >/dev/null && lab_fail "a pptpctl daemon is still running after the last down"

# Call IDs: all the cycles' IDs must be free now. The kernel picks the next
# free ID after the last one it gave, so 200 cycles use 200 distinct IDs; a
# leaked one would stay busy.
ids=$(sed -n 's/.*call established (our call ID \(0x[0-9a-f]*\),.*/\1/p' /run/pptpctl/cyc.log | sort -u)
n_ids=$(echo "$ids" | grep -c .)
[ "$n_ids" -ge "$CYCLES" ] || lab_fail "the daemon's log names $n_ids distinct call IDs for $CYCLES cycles"
# shellcheck disable=SC2086
ip netns exec cli "$PROBE" bind $CLI_IP $ids >"$LOGS/call-ids.log" 2>&1 \
  || lab_fail "call IDs still held by the kernel after the cycles: $(grep -v '^free' "$LOGS/call-ids.log" | head -3 | tr '\n' ' ')"
# The probe must see a held ID as busy: one more tunnel, and its ID.
lab_pptpctl_up cyc
[ $UP_RC = 0 ] || lab_fail "pptpctl up after the cycles failed (exit $UP_RC): $(lab_last_words cyc)"
lab_status cyc || lab_fail "no status from the tunnel after the cycles"
held=$(lab_field cyc call_id)
ip netns exec cli "$PROBE" bind $CLI_IP "$held" >>"$LOGS/call-ids.log" 2>&1 \
  && lab_fail "kernel_probe found call ID $held free while the tunnel holds it: the ID check proves nothing"
lab_pptpctl_down cyc
lab_log "call IDs: all $n_ids used in the cycles are free again; the live tunnel's $held is busy, as it must be"

lab_figures "cycles=$CYCLES cycles_s=$cycles_s per_cycle_s=$(awk -v t="$cycles_s" -v n="$CYCLES" 'BEGIN { printf "%.2f", t / n }')" \
  "files_before=$f0 files_after=$f1 memavail_kb_before=$m0 memavail_kb_after=$m1 slab_kb_before=$s0 slab_kb_after=$s1" \
  "sunreclaim_kb_before=$u0 sunreclaim_kb_after=$u1 links_before=$l0 links_after=$l1 routes_before=$r0 routes_after=$r1" \
  "call_ids_freed=$n_ids"
