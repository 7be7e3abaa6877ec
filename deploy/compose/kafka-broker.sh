#!/bin/sh
# The compose broker (ADR 0021), started as deploy/kafka/kafka.sh starts one without Docker: the same
# deploy/kafka/server.properties.in (TLS with SCRAM-SHA-512 on CLIENT, mutual TLS on CONTROLLER, no PLAINTEXT
# listener, the StandardAuthorizer, no topic auto-creation); every principal's SCRAM credentials written when the
# storage is formatted (`kafka-storage format --add-scram`, KIP-900); then the server. The topics and ACLs are
# created afterwards by the one-shot kafka-setup service (deploy/broker_access.py).
#   kafka-broker.sh [start]   in the apache/kafka image (docker-compose.yml's entrypoint)
#   kafka-broker.sh render    print the server configuration only (the compose contract test reads it)
# Its inputs are compose secrets (`make compose-secrets` makes them under .local/kafka-security/compose):
# broker.pem (key and certificate), ca.pem, broker.password, scram-credentials (one --add-scram value a line).
# POSIX sh: the image's shell is busybox's.
set -eu
# The image's paths; the variables exist for a run outside it (the contract test, a trial on a host).
secrets="${SVU_SECRETS_DIR:-/run/secrets}"
template="${SVU_BROKER_TEMPLATE:-/svu/server.properties.in}"
kafka="${SVU_KAFKA_HOME:-/opt/kafka}"
data="${SVU_KAFKA_DATA:-/var/lib/kafka/data}"
etc="${SVU_KAFKA_ETC:-/etc/kafka}"
config="$etc/server.properties"
client_config="$etc/client.properties"

die() { echo "kafka-broker.sh: $*" >&2; exit 1; }

need() {
  for f in "$@"; do
    [ -r "$secrets/$f" ] || die "no $secrets/$f: run make compose-secrets on the host first"
  done
}

# The single-node compose broker: CLIENT on every address of the container, announced as `kafka` (the service's
# name, one of the broker certificate's names); the controller on loopback only, reached by this node alone.
render() {
  need broker.password
  broker_password=$(cat "$secrets/broker.password")
  [ -n "$broker_password" ] || die "$secrets/broker.password is empty"
  sed -e "s#@HOST@#0.0.0.0#g; s#@ADVERTISED_HOST@#kafka#g" \
      -e "s#@PORT@#9092#g; s#@CPORT@#9093#g; s#@DATA@#$data/logs#g; s#@NODE@#1#g" \
      -e "s#@VOTERS@#1@127.0.0.1:9093#g" \
      -e "s#@RF@#1#g; s#@MINISR@#1#g" \
      -e "s#@SECURITY@#$secrets#g; s#@BROKER_PASSWORD@#$broker_password#g" \
    "$template"
}

start() {
  need broker.pem ca.pem broker.password scram-credentials
  umask 077
  render >"$config"
  # For the health check (an authenticated request as the broker's own principal, over TLS).
  {
    echo "security.protocol=SASL_SSL"
    echo "sasl.mechanism=SCRAM-SHA-512"
    echo "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"broker\" password=\"$(cat "$secrets/broker.password")\";"
    echo "ssl.truststore.type=PEM"
    echo "ssl.truststore.location=$secrets/ca.pem"
  } >"$client_config"
  fingerprint=$(sha256sum <"$secrets/scram-credentials" | cut -d' ' -f1)
  # The credentials are written once, when the storage is formatted; storage formatted with others (the
  # secrets made again after make clean) would refuse every service.
  if [ -f "$data/logs/meta.properties" ] && [ "$(cat "$data/secured" 2>/dev/null)" != "$fingerprint" ]; then
    die "the broker's storage (volume kafka-data) was formatted with other SCRAM credentials than the compose \
secrets: remove it (docker compose down --volumes) and start again"
  fi
  if [ ! -f "$data/logs/meta.properties" ]; then
    set --
    while IFS= read -r credential; do
      [ -z "$credential" ] || set -- "$@" --add-scram "$credential"
    done <"$secrets/scram-credentials"
    [ "$#" -gt 0 ] || die "$secrets/scram-credentials names no principal"
    mkdir -p "$data/logs"
    "$kafka/bin/kafka-storage.sh" format --ignore-formatted \
      --cluster-id "$("$kafka/bin/kafka-storage.sh" random-uuid)" --config "$config" "$@" \
      || die "formatting KRaft storage failed"
    echo "$fingerprint" >"$data/secured"
  fi
  exec "$kafka/bin/kafka-server-start.sh" "$config"
}

case "${1:-start}" in
  start) start ;;
  render) render ;;
  *) echo "usage: $0 [start|render]" >&2; exit 2 ;;
esac
