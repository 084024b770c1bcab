# Scenario "fault-many": 20 tunnels (20 profiles, interfaces pptp-t01..t20)
# up at once against one server, the server killed and started again, and all
# 20 redial and come back on their own interface names. Figures: seconds until
# all 20 were up at first (up_all_s), and from the server's return until all
# 20 are up again with a ping through each (back_all_s).
. "$LAB_REPO/tests/lab/lib.sh"

N=20
DOWN_S=3
names=$(seq -f 't%02g' 1 $N)
lab_setup_net
# 20 negotiations at once on one TCG server: its ip-pre-up/ip-up/ip-down
# scripts (sh, run-parts) are left out, or they starve pppd into giving up.
lab_server_options "ip-up-script /bin/true" "ip-down-script /bin/true"
rm -f /etc/ppp/ip-pre-up
# 20 calls, and room for more while old calls wind down on the server.
lab_start_server 198.51.100.10-250

# Only t01 takes the server's DNS (resolv.conf has one original to restore).
for n in $names; do
  if [ "$n" = t01 ]; then lab_profile "$n" '"connect_timeout_s": 90'
  else lab_profile "$n" '"connect_timeout_s": 90, "dns": {"use_peer": false}'; fi
done
start=$(lab_now)
for n in $names; do
  ip netns exec cli "$PPTPCTL" up "$n" >"/run/lab-up-$n.out" 2>&1 &
done
wait
up_all_s=$(lab_elapsed "$start")
failed=""
for n in $names; do
  grep -q "pptpctl: $n: up: " "/run/lab-up-$n.out" || failed="$failed $n($(grep "pptpctl: $n: " "/run/lab-up-$n.out" | tail -1 | sed "s/^pptpctl: $n: //"))"
done
cat /run/lab-up-*.out >"$LOGS/pptpctl-up.log"
[ -z "$failed" ] || lab_fail "not every tunnel came up:$failed"
declare -A addr0
for n in $names; do
  addr0[$n]=$(lab_wait_addr cli "pptp-$n" 2) || lab_fail "pptp-$n has no address"
done
[ "$(printf '%s\n' "${addr0[@]}" | sort -u | wc -l)" = $N ] || lab_fail "the $N tunnels do not have $N distinct addresses"
lab_log "client: $N tunnels up in ${up_all_s}s"

# A ping through one named tunnel: each has its own address, so -I picks it.
ping_via() { ip netns exec cli ping -c 1 -W 2 -I "pptp-$1" $SRV_TUN_IP >/dev/null 2>&1; }
for n in $names; do ping_via "$n" || lab_fail "no ping through pptp-$n before the restart"; done

# Counted with one `ip` call a round: 20 status calls a round would take
# longer under TCG than the daemons' first backoff steps.
tunnels_with_address() { ip -n cli -4 -o addr show 2>/dev/null | grep -c ' pptp-t[0-9]* ' || true; }
killed_at=$(lab_now)
lab_kill_server KILL
left=""
for _ in $(seq 100); do
  [ "$(tunnels_with_address)" = 0 ] && { left=$(lab_elapsed "$killed_at"); break; }
  sleep 0.2
done
[ -n "$left" ] || lab_fail "tunnels still up 20 s after the kill: $(tunnels_with_address)"
lab_log "client: all $N left up ${left}s after the kill"
sleep $DOWN_S
back_at=$(lab_now)
lab_start_pptpd
lab_log "server: back"

# Every tunnel must come back: first all 20 addresses (one `ip` call a
# round), then each daemon says up after a redial, and a ping goes through.
back_all_s=""
for _ in $(seq 600); do
  [ "$(tunnels_with_address)" = $N ] && { back_all_s=$(lab_elapsed "$back_at"); break; }
  sleep 0.2
done
if [ -z "$back_all_s" ]; then
  for n in $names; do
    [ "$(lab_state "$n")" = gone ] && lab_fail "$n: the daemon exited instead of redialling (its last error: $(lab_daemon_last_error "$n"))"
  done
  lab_fail "only $(tunnels_with_address) of $N tunnels back 120 s after the server returned"
fi
for n in $names; do
  [ "$(lab_state "$n")" = up ] || lab_fail "$n: state $(lab_field "$n" state) after the redial"
  [ "$(lab_field "$n" reconnects)" -gt 0 ] 2>/dev/null || lab_fail "$n: up, but no redial counted"
  [ "$(lab_field "$n" interface)" = "pptp-$n" ] || lab_fail "$n came back on $(lab_field "$n" interface)"
  ping_via "$n" || lab_fail "no ping through pptp-$n after the redial"
done
lab_log "client: all $N back ${back_all_s}s after the server's return"

for n in $names; do ip netns exec cli "$PPTPCTL" down "$n" >>"$LOGS/pptpctl-down.log" 2>&1 & done
wait
ip -n cli -o link show | grep -q 'pptp-' && lab_fail "interfaces left after down: $(ip -n cli -o link show | grep -o 'pptp-[a-z0-9]*' | tr '\n' ' ')"
lab_figures "tunnels=$N up_all_s=$up_all_s down_s=$DOWN_S back_all_s=$back_all_s"
