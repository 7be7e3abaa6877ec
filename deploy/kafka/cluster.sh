#!/usr/bin/env bash
# A 3-node KRaft cluster on loopback for fault tests: every node is broker and controller, replication
# factor 3, min.insync.replicas 2.
#   deploy/kafka/cluster.sh start|stop            the whole cluster
#   deploy/kafka/cluster.sh stop-node N [SIGNAL]  one node (1-3), e.g. KILL to lose it abruptly
#   deploy/kafka/cluster.sh start-node N
# Environment: KAFKA_CLUSTER_BASE_PORT (29090): node N listens on BASE+N, its controller on BASE+100+N.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
base="${KAFKA_CLUSTER_BASE_PORT:-29090}"
dir="$root/.local/kafka-cluster-$base"
voters="1@127.0.0.1:$((base + 101)),2@127.0.0.1:$((base + 102)),3@127.0.0.1:$((base + 103))"

# One cluster id for all three nodes, made once before any node starts (the nodes start in parallel).
cluster_id() {
  mkdir -p "$dir"
  if [ ! -s "$dir/cluster-id" ]; then
    "$here/kafka.sh" fetch >/dev/null
    java -cp "$root/.local/kafka/libs/*" kafka.tools.StorageTool random-uuid >"$dir/cluster-id"
  fi
}

node_env() {
  local n=$1
  echo KAFKA_NODE_ID="$n" KAFKA_PORT="$((base + n))" KAFKA_CONTROLLER_PORT="$((base + 100 + n))" \
       KAFKA_DATA_DIR="$dir/node-$n" KAFKA_VOTERS="$voters" KAFKA_CLUSTER_ID="$(cat "$dir/cluster-id")" \
       KAFKA_REPLICATION=3 KAFKA_MIN_ISR=2 KAFKA_HEAP="${KAFKA_HEAP:-384m}" KAFKA_START_TIMEOUT=120 KAFKA_PROVISION=0
}

node() { local n=$1; shift; env $(node_env "$n") "$here/kafka.sh" "$@"; }

case "${1:-}" in
  start)
    cluster_id
    # The controllers need a quorum before any node opens its broker port: start all three, then wait.
    for n in 1 2 3; do node "$n" start & done
    wait
    # Topics and ACLs once, when all three are up (ADR 0021); a node started again later finds them.
    node 1 provision
    ;;
  stop)
    # In parallel: stopped one by one, the last node waits for a controller quorum that has already left.
    for n in 1 2 3; do node "$n" stop & done
    wait
    ;;
  stop-node) KAFKA_STOP_SIGNAL="${3:-TERM}" node "$2" stop ;;
  start-node) cluster_id; node "$2" start ;;
  bootstrap) echo "127.0.0.1:$((base + 1)),127.0.0.1:$((base + 2)),127.0.0.1:$((base + 3))" ;;
  *) echo "usage: $0 start|stop|stop-node N [SIGNAL]|start-node N|bootstrap" >&2; exit 2 ;;
esac
