# The bench's one-VM topology, the lab's own (tests/lab/lib.sh): one VM with
# two vCPUs, the server in network namespace srv and the client in cli,
# joined by a veth pair. server.sh and client.sh run unchanged in their
# namespaces, each end of the pair named eth0 as their VM's NIC is in the
# two-VM topology; client.sh measures throughput only here
# (BENCH_TOPOLOGY=onevm). Both share this VM's results folder: the client's
# figures, both sides' logs.
. "$BENCH_REPO/scripts/bench.d/common.sh"

bench_modules
modprobe veth || bench_fail "kernel module veth did not load"
ip netns add srv && ip netns add cli || bench_fail "cannot create network namespaces"
ip link add eth0 netns srv type veth peer name eth0 netns cli || bench_fail "cannot create the veth pair"
for ns in srv cli; do ip -n $ns link set lo up; done

# The server's output goes to its own log: its "bench:" lines would mix with
# the client's on the console.
ip netns exec srv bash "$BENCH_REPO/scripts/bench.d/server.sh" >"$LOGS/server.log" 2>&1 &
server=$!
BENCH_TOPOLOGY=onevm ip netns exec cli bash "$BENCH_REPO/scripts/bench.d/client.sh"
rc=$?
# The client told the server it is done (its EXIT trap).
for _ in $(seq 100); do kill -0 $server 2>/dev/null || break; sleep 0.1; done
kill $server 2>/dev/null
[ -s "$BENCH_RESULTS/reason" ] || [ $rc = 0 ] || echo "the one-VM client exited $rc" >"$BENCH_RESULTS/reason"
exit $rc
