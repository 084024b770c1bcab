#!/bin/sh
# Runs inside a bench VM, chrooted into the overlay of the host root (the
# lab's own initramfs and init start it): runs this VM's role, server or
# client, under a wall-clock limit, leaves the outcome in /lab-results for the
# host, and powers the VM off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root BENCH_RESULTS=/lab-results BENCH_REPO="$lab_repo" BENCH_QUICK="${bench_quick:-0}" BENCH_PPTPCTL="$bench_pptpctl"
role=$bench_role
mkdir -p "$BENCH_RESULTS/logs" /run/lock /var/log
echo 1 >/proc/sys/kernel/sysrq
hostname "bench-$role"
ip link set lo up
# pptpd, pppd and pptp log through syslog; keep it on the results share so it
# survives a hang.
busybox syslogd -n -O "$BENCH_RESULTS/logs/syslog.log" &

echo "bench: $role VM up (limit ${lab_timeout}s)"
# timeout's own status is the truth; the pipe through tee would hide it.
{ timeout -k 5 "$lab_timeout" bash "$BENCH_REPO/scripts/bench.d/$role.sh"; echo $? >/run/role.rc; } 2>&1 \
  | tee "$BENCH_RESULTS/logs/$role.log"
rc=$(cat /run/role.rc)
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
  echo "the $role VM hit its ${lab_timeout}s limit" >"$BENCH_RESULTS/reason"
  echo "bench: FAIL: $(cat "$BENCH_RESULTS/reason")"
elif [ "$rc" != 0 ] && [ ! -s "$BENCH_RESULTS/reason" ]; then
  echo "the $role VM's script exited $rc without saying why" >"$BENCH_RESULTS/reason"
fi
cp /run/pptpctl/*.log "$BENCH_RESULTS/logs/" 2>/dev/null
dmesg >"$BENCH_RESULTS/logs/dmesg.log" 2>/dev/null
echo "$rc" >"$BENCH_RESULTS/exit"
sync
echo o >/proc/sysrq-trigger
sleep 10
