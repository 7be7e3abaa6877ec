#!/usr/bin/env bash
# A real Apache Kafka broker (KRaft, single node) without Docker.
#   deploy/kafka/kafka.sh fetch|start|stop|status|restart
# Environment: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (KAFKA_PORT+1),
#              KAFKA_DATA_DIR (.local/kafka-<port>), KAFKA_HEAP (512m);
#              for a cluster (see cluster.sh): KAFKA_NODE_ID, KAFKA_VOTERS, KAFKA_CLUSTER_ID,
#              KAFKA_REPLICATION, KAFKA_MIN_ISR, KAFKA_PROVISION=0 (cluster.sh provisions once, after all nodes).
# The broker is not open (ADR 0021): TLS with SCRAM-SHA-512, one principal per service, ACLs. Its certificate
# and the principals' passwords are made under .local/kafka-security (svu_shared.local_kafka_security); the
# SCRAM credentials are written when the storage is formatted; after start the topics and ACLs are created
# (deploy/broker_access.py).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
libs="$root/.local/kafka/libs"
port="${KAFKA_PORT:-9092}"
cport="${KAFKA_CONTROLLER_PORT:-$((port + 1))}"
data="${KAFKA_DATA_DIR:-$root/.local/kafka-$port}"
pidfile="$data/kafka.pid"
log="$data/server.log"
py="${SVU_PYTHON:-$root/.venv/bin/python}"

die() { echo "kafka.sh: $*" >&2; exit 1; }

ensure_java() {
  if command -v java >/dev/null 2>&1; then
    major=$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
    [ "${major%%.*}" -ge 17 ] 2>/dev/null && return 0
  fi
  [ "$(id -u)" = 0 ] || die "Java 17+ is needed: install openjdk-17-jre-headless"
  echo "kafka.sh: installing Java 17 (Debian openjdk-17-jre-headless)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null
}

ensure_maven() {
  command -v mvn >/dev/null 2>&1 && return 0
  [ "$(id -u)" = 0 ] || die "Maven is needed to fetch the broker jars: install maven"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq maven >/dev/null
}

fetch() {
  # Pinned in pom.xml; Maven verifies each artifact's repository checksum (-C), and
  # jars.sha256 pins the exact bytes we tested with.
  if [ -f "$libs/.verified" ]; then return 0; fi
  ensure_java; ensure_maven
  mkdir -p "$libs"
  echo "kafka.sh: fetching Apache Kafka jars from Maven Central"
  mvn -q -B -C -f "$here/pom.xml" dependency:copy-dependencies \
      -DoutputDirectory="$libs" -DincludeScope=runtime >"$root/.local/kafka/fetch.log" 2>&1 \
    || die "fetching the broker jars failed; see .local/kafka/fetch.log"
  (cd "$libs" && sha256sum --quiet -c "$here/jars.sha256") || die "a broker jar does not match deploy/kafka/jars.sha256"
  touch "$libs/.verified"
}

running_pid() {
  [ -f "$pidfile" ] || return 1
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then echo "$pid"; return 0; fi
  echo "kafka.sh: removing stale PID file $pidfile (process $pid is gone)" >&2
  rm -f "$pidfile"; return 1
}

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

java_args=(-Xms"${KAFKA_HEAP:-512m}" -Xmx"${KAFKA_HEAP:-512m}" -XX:+UseG1GC
           -Dlog4j2.configurationFile="$here/log4j2.properties" -cp "$libs/*")
java_cmd() { java "${java_args[@]}" "$@"; }

start() {
  if pid=$(running_pid); then echo "kafka.sh: already running on 127.0.0.1:$port (pid $pid)"; return 0; fi
  for p in "$port" "$cport"; do
    port_taken "$p" && die "port $p on 127.0.0.1 is taken by another process; set KAFKA_PORT to a free port"
  done
  fetch; ensure_java
  [ -x "$py" ] || die "no Python at $py: run make install (it makes the broker's certificates and passwords)"
  security=$(cd "$root" && "$py" -m svu_shared.local_kafka_security ensure) || die "making the broker's certificates failed"
  broker_password=$(cd "$root" && "$py" -m svu_shared.local_kafka_security password broker)
  if [ -f "$data/logs/meta.properties" ] && [ ! -f "$data/secured" ]; then
    # Storage formatted before the broker was secured has no SCRAM credentials: local data, formatted again.
    echo "kafka.sh: $data predates the secured broker (ADR 0021); formatting it again" >&2
    rm -rf "$data/logs"
  fi
  mkdir -p "$data/logs"
  chmod 700 "$data"
  node="${KAFKA_NODE_ID:-1}"
  (umask 077 && sed -e "s#@HOST@#127.0.0.1#g; s#@ADVERTISED_HOST@#127.0.0.1#g" \
      -e "s#@PORT@#$port#g; s#@CPORT@#$cport#g; s#@DATA@#$data/logs#g; s#@NODE@#$node#g" \
      -e "s#@VOTERS@#${KAFKA_VOTERS:-$node@127.0.0.1:$cport}#g" \
      -e "s#@RF@#${KAFKA_REPLICATION:-1}#g; s#@MINISR@#${KAFKA_MIN_ISR:-1}#g" \
      -e "s#@SECURITY@#$security#g; s#@BROKER_PASSWORD@#$broker_password#g" \
    "$here/server.properties.in" >"$data/server.properties")
  if [ ! -f "$data/logs/meta.properties" ]; then
    mapfile -t scram < <(cd "$root" && "$py" -m deploy.broker_access scram-args)
    [ "${#scram[@]}" -gt 0 ] || die "no principals for the broker (deploy/broker_access.py failed)"
    add_scram=()
    for credential in "${scram[@]}"; do add_scram+=(--add-scram "$credential"); done
    java_cmd kafka.tools.StorageTool format --ignore-formatted \
      --cluster-id "${KAFKA_CLUSTER_ID:-$(java_cmd kafka.tools.StorageTool random-uuid)}" \
      --config "$data/server.properties" "${add_scram[@]}" >>"$log" 2>&1 || die "formatting KRaft storage failed; see $log"
    touch "$data/secured"
  fi
  nohup java "${java_args[@]}" kafka.Kafka "$data/server.properties" >>"$log" 2>&1 &
  echo $! >"$pidfile"
  deadline=$((SECONDS + ${KAFKA_START_TIMEOUT:-90}))
  until port_taken "$port"; do
    kill -0 "$(cat "$pidfile")" 2>/dev/null || { rm -f "$pidfile"; die "broker exited during start; see $log"; }
    [ $SECONDS -lt $deadline ] || die "broker did not open 127.0.0.1:$port in time; see $log"
    sleep 0.2
  done
  [ "${KAFKA_PROVISION:-1}" = 0 ] || provision "$port" "${KAFKA_REPLICATION:-1}"
  echo "kafka.sh: broker up on 127.0.0.1:$port (pid $(cat "$pidfile"), data in $data)"
}

# The topics with their retention and every principal's ACLs, as admin; idempotent. Retried while the broker
# finishes starting (it opens its port before it can authenticate).
provision() {
  local deadline=$((SECONDS + ${KAFKA_START_TIMEOUT:-90}))
  until (cd "$root" && timeout 60 "$py" -m deploy.broker_access provision --bootstrap "127.0.0.1:$1" --replication "$2") \
      >>"$log" 2>&1; do
    [ $SECONDS -lt $deadline ] || die "creating the topics and ACLs failed; see $log"
    sleep 1
  done
}

stop() {
  pid=$(running_pid) || { echo "kafka.sh: not running"; return 0; }
  kill -s "${KAFKA_STOP_SIGNAL:-TERM}" "$pid"
  deadline=$((SECONDS + 60))
  while kill -0 "$pid" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || { kill -9 "$pid"; break; }
    sleep 0.2
  done
  rm -f "$pidfile"
  echo "kafka.sh: stopped"
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  provision) provision "$port" "${KAFKA_REPLICATION:-1}" ;;
  status) if pid=$(running_pid); then echo "running on 127.0.0.1:$port (pid $pid)"; else echo "not running"; exit 3; fi ;;
  *) echo "usage: $0 fetch|start|stop|status|restart|provision" >&2; exit 2 ;;
esac
