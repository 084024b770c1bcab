# Scenario "systemd": pptpctl@.service under systemd as PID 1, installed as a
# user would (cmake --install), hardening and all.
#   a. started with no PPP module loaded and the server not up yet: the first
#      attempts fail, the daemon redials, the kernel autoloads what it needs
#      (ProtectKernelModules hides /lib/modules), and the unit reaches active;
#   b. systemctl status shows the daemon's STATUS line;
#   c. the server is killed and restarted: the daemon redials by itself, the
#      unit is not restarted (same MainPID, NRestarts=0), traffic flows again;
#   d. systemctl stop leaves nothing behind;
#   e. a wrong password fails the unit once with exit 9, and no restart loop.
# lab: systemd
. "$LAB_REPO/tests/lab/lib.sh"

# Seconds from power-on (kernel start) until systemd started the scenario.
boot_s=$(systemctl show -p ExecMainStartTimestampMonotonic --value lab-scenario.service \
  | awk '{ printf "%.1f", $1 / 1e6 }')
UNIT=pptpctl@office
BAD=pptpctl@oops

unit_prop() { systemctl show -p "$2" --value "$1"; }
unit_logs() {
  journalctl -u $UNIT --no-pager -o short-precise >"$LOGS/office.log" 2>&1
  journalctl -u $BAD --no-pager -o short-precise >"$LOGS/oops.log" 2>&1
  systemctl status --no-pager $UNIT $BAD >"$LOGS/systemctl-status.log" 2>&1
}
trap unit_logs EXIT

# Waits up to $2 s for unit $1 to leave "activating"; prints its state.
wait_settled() {
  local state
  for _ in $(seq $(($2 * 5))); do
    state=$(systemctl is-active "$1")
    case $state in activating | reloading) sleep 0.2 ;; *) break ;; esac
  done
  echo "$state"
}

# Prints the seconds until a ping through the tunnel answers, within $1 s.
wait_ping() {
  local start
  start=$(lab_now)
  for _ in $(seq "$1"); do
    ip netns exec cli ping -c 1 -W 1 $SRV_TUN_IP >/dev/null 2>&1 && { lab_elapsed "$start"; return 0; }
    sleep 0.5
  done
  return 1
}

server_pids() { ip netns pids srv; }

[ "$(readlink /proc/1/exe)" = /usr/lib/systemd/systemd ] || [ "$(readlink /proc/1/exe)" = /lib/systemd/systemd ] \
  || lab_fail "PID 1 is $(readlink /proc/1/exe), not systemd"
lab_log "systemd is PID 1, booted in ${boot_s}s ($(systemctl is-system-running 2>&1))"
# Where the boot went (systemd-analyze blame costs a minute under TCG).
{
  systemd-analyze time
  journalctl -b -o short-monotonic --no-pager | grep -v ' kernel: ' | head -80
} >"$LOGS/boot.log" 2>&1

# Install as a user would; the overlay takes the files.
cmake --install "$LAB_REPO/build" --prefix /usr/local >"$LOGS/install.log" 2>&1 \
  || lab_fail "cmake --install failed: $(tail -1 "$LOGS/install.log")"
[ -f "/usr/local/lib/systemd/system/pptpctl@.service" ] || lab_fail "the install put no pptpctl@.service in /usr/local/lib/systemd/system"
# The lab's client lives in network namespace cli: a drop-in puts the units there.
mkdir -p /etc/systemd/system/pptpctl@.service.d
printf '[Service]\nNetworkNamespacePath=/run/netns/cli\n' >/etc/systemd/system/pptpctl@.service.d/lab-netns.conf
systemctl daemon-reload
for key in ProtectKernelModules=yes Restart=on-abnormal; do
  [ "$(unit_prop $UNIT "${key%%=*}")" = "${key#*=}" ] || lab_fail "$UNIT: ${key%%=*} is $(unit_prop $UNIT "${key%%=*}"), not ${key#*=}"
done

LAB_MODULES=veth lab_setup_net
lab_profile office '"lcp_echo": {"interval_s": 5, "failures": 3}'
lab_profile oops
printf 'not-the-password\n' >/etc/pptpctl/oops.secret
lab_client_snapshot >"$LOGS/snapshot"

# a. No PPP module yet, and no server: the daemon's first attempts fail.
loaded=$(lsmod | awk '$1 == "pptp" || $1 == "ppp_generic" || $1 == "ppp_mppe" { print $1 }' | tr '\n' ' ')
[ -z "$loaded" ] || lab_fail "PPP modules loaded before the unit started: $loaded"
start=$(lab_now)
systemctl start --no-block $UNIT || lab_fail "systemctl start $UNIT refused"
sleep 3
lab_start_server
state=$(wait_settled $UNIT 60)
active_s=$(lab_elapsed "$start")
[ "$state" = active ] || lab_fail "$UNIT is $state, not active, after ${active_s}s (exit status $(unit_prop $UNIT ExecMainStatus))"
journalctl -u $UNIT --no-pager | grep -q 'reconnecting: attempt' \
  || lab_fail "$UNIT came up without a failed attempt before the server started: no 'reconnecting: attempt' in its journal"
for m in ppp_generic pptp; do
  lsmod | grep -q "^$m " || lab_fail "module $m is not loaded, yet the unit is active"
done
pid=$(unit_prop $UNIT MainPID)
wait_ping 20 >/dev/null || lab_fail "no ping through the tunnel once $UNIT is active"
lab_log "a. $UNIT active after ${active_s}s, started before the server with no PPP module loaded (pid $pid)"

# b. The daemon's STATUS= line.
status_line=$(systemctl status --no-pager $UNIT | sed -n 's/^ *Status: //p')
[ -n "$status_line" ] || lab_fail "systemctl status $UNIT shows no Status line"
lab_log "b. systemctl status: Status: $status_line"

# c. The server dies and comes back; the daemon redials in the same process.
kill -9 $(server_pids) 2>/dev/null
for _ in $(seq 25); do [ -z "$(server_pids)" ] && break; sleep 0.2; done
[ -z "$(server_pids)" ] || lab_fail "the server's processes would not die: $(server_pids | tr '\n' ' ')"
sleep 2
lab_start_server
redial_s=$(wait_ping 90) || lab_fail "no traffic through the tunnel within 90 s of the server's return (unit $(systemctl is-active $UNIT))"
[ "$(systemctl is-active $UNIT)" = active ] || lab_fail "$UNIT is $(systemctl is-active $UNIT) after the redial"
[ "$(unit_prop $UNIT MainPID)" = "$pid" ] || lab_fail "$UNIT has a new MainPID $(unit_prop $UNIT MainPID) (was $pid): systemd restarted it"
[ "$(unit_prop $UNIT NRestarts)" = 0 ] || lab_fail "$UNIT was restarted $(unit_prop $UNIT NRestarts) times"
lab_log "c. server killed and restarted: traffic again after ${redial_s}s, same pid $pid, NRestarts=0"

# c2. Syslog priorities: the lost link is a warning, the chatter is not.
journalctl -u $UNIT -o cat --no-pager >"$LOGS/journal-$UNIT.all" 2>&1
journalctl -u $UNIT -p warning -o cat --no-pager >"$LOGS/journal-$UNIT.warning" 2>&1
grep -q '^link lost: ' "$LOGS/journal-$UNIT.warning" \
  || lab_fail "journalctl -u $UNIT -p warning does not show the lost link: $(head -3 "$LOGS/journal-$UNIT.warning")"
grep -q '^state: ' "$LOGS/journal-$UNIT.all" || lab_fail "the journal has no state lines at all (nothing to filter)"
grep -q '^state: \|^up: ' "$LOGS/journal-$UNIT.warning" \
  && lab_fail "journalctl -p warning shows info lines: $(grep -m1 '^state: \|^up: ' "$LOGS/journal-$UNIT.warning")"
lab_log "c2. journalctl -p warning: $(wc -l <"$LOGS/journal-$UNIT.warning") of $(wc -l <"$LOGS/journal-$UNIT.all") lines, e.g. \"$(grep -m1 '^link lost: ' "$LOGS/journal-$UNIT.warning" | cut -c1-80)\""

# d. Stop: every route, address, interface and DNS change goes.
stop=$(lab_now)
systemctl stop $UNIT || lab_fail "systemctl stop $UNIT failed"
stop_s=$(lab_elapsed "$stop")
[ "$(systemctl is-active $UNIT)" = inactive ] \
  || lab_fail "$UNIT is $(systemctl is-active $UNIT) after stop (exit status $(unit_prop $UNIT ExecMainStatus))"
lab_same_as "$LOGS/snapshot"
[ -z "$(ip netns pids cli)" ] || lab_fail "processes left in the client's namespace: $(ip netns pids cli | tr '\n' ' ')"
# The profile's lock file stays by design (removing a flock file races a
# starting daemon); the control socket must be gone.
left=$(ls /run/pptpctl 2>/dev/null | grep -v -E '\.(log|lock)$' | tr '\n' ' ')
[ -z "$left" ] || lab_fail "left in /run/pptpctl: $left"
lab_log "d. stopped in ${stop_s}s, nothing left behind"

# e. A wrong password is final: one failure, exit 9, no restart.
tries_before=$(grep -c 'CHAP Response' "$LOGS/server-pppd.log" || true)
systemctl start --no-block $BAD || lab_fail "systemctl start $BAD refused"
state=$(wait_settled $BAD 30)
[ "$state" = failed ] || lab_fail "$BAD is $state, not failed"
[ "$(unit_prop $BAD ExecMainStatus)" = 9 ] || lab_fail "$BAD exited $(unit_prop $BAD ExecMainStatus), not 9 (wrong password)"
restart_sec=$(unit_prop $BAD RestartUSec | sed 's/s$//')
sleep $((restart_sec + 5))
[ "$(unit_prop $BAD NRestarts)" = 0 ] || lab_fail "$BAD was restarted $(unit_prop $BAD NRestarts) times after a wrong password"
[ "$(systemctl is-active $BAD)" = failed ] || lab_fail "$BAD is $(systemctl is-active $BAD) $((restart_sec + 5)) s after failing"
tries=$(( $(grep -c 'CHAP Response' "$LOGS/server-pppd.log" || true) - tries_before ))
[ "$tries" = 1 ] || lab_fail "the server saw $tries authentication attempts from $BAD"
journalctl -u $BAD -p err -o cat --no-pager >"$LOGS/journal-$BAD.err" 2>&1
grep -q 'wrong user name or password' "$LOGS/journal-$BAD.err" \
  || lab_fail "journalctl -u $BAD -p err does not show the wrong password: $(head -3 "$LOGS/journal-$BAD.err")"
lab_log "e. $BAD failed once with exit 9, NRestarts=0 after $((restart_sec + 5)) s, one attempt at the server"

lab_figures "boot_s=$boot_s active_s=$active_s redial_s=$redial_s stop_s=$stop_s"
