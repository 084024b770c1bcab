#!/bin/sh
# Runs inside the lab VM, in the overlay of the host root (chrooted into it by
# init, or as lab-scenario.service when systemd is PID 1): prepares what the
# scenarios share, runs one scenario under a wall-clock limit, leaves the
# outcome in /lab-results for the host, and powers the VM off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LAB_RESULTS=/lab-results LAB_REPO="$lab_repo" LAB_SERVER_DOWN="${lab_server_down:-0}"
mkdir -p "$LAB_RESULTS/logs" /run/lock /var/log
echo 1 >/proc/sys/kernel/sysrq
hostname lab
ip link set lo up
# pptpd and pppd log through syslog; keep it on the results share so it
# survives a hang. Under systemd, journald owns /dev/log: follow the journal.
if [ "${lab_init:-chroot}" = systemd ]; then
  journalctl -b -f -n all -o short-precise --no-pager >"$LAB_RESULTS/logs/syslog.log" 2>&1 &
else
  busybox syslogd -n -O "$LAB_RESULTS/logs/syslog.log" &
fi

echo "lab: VM up, running scenario $lab_scenario (limit ${lab_timeout}s)"
# timeout's own status is the truth (124 when the limit struck); the pipe
# through tee would hide it, so it goes through a file.
{ timeout -k 5 "$lab_timeout" bash "$LAB_REPO/tests/lab/$lab_scenario.sh"; echo $? >/run/scenario.rc; } 2>&1 \
  | tee "$LAB_RESULTS/logs/scenario.log"
rc=$(cat /run/scenario.rc)
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
  echo "scenario $lab_scenario hit its ${lab_timeout}s limit" >"$LAB_RESULTS/reason"
  echo "lab: FAIL: $(cat "$LAB_RESULTS/reason")"
elif [ "$rc" != 0 ] && [ ! -s "$LAB_RESULTS/reason" ]; then
  echo "scenario $lab_scenario exited $rc without saying why" >"$LAB_RESULTS/reason"
fi
cp /run/pptpctl/*.log "$LAB_RESULTS/logs/" 2>/dev/null
dmesg >"$LAB_RESULTS/logs/dmesg.log" 2>/dev/null
echo "$rc" >"$LAB_RESULTS/exit"
sync
echo o >/proc/sysrq-trigger
sleep 10
