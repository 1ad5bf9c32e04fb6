#!/usr/bin/env bash
# Idempotently make a local PostgreSQL cluster available for tests (Debian 12, run as root):
#   postgres://postgres:postgres@127.0.0.1:5432/postgres
set -euo pipefail

PORT=5432
CLUSTER=main
did=()
log() { echo "[ensure-postgres] $*"; }

if [[ $(id -u) -ne 0 ]]; then
  log "must run as root" >&2
  exit 1
fi

# 1. Packages
if ! command -v pg_lsclusters >/dev/null 2>&1 || ! command -v psql >/dev/null 2>&1; then
  log "installing postgresql with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q postgresql
  did+=("installed postgresql")
fi

# 2. Version: newest folder in /etc/postgresql (or the newest installed server binaries if no cluster config yet)
VER=$(ls -1 /etc/postgresql 2>/dev/null | sort -V | tail -n 1 || true)
if [[ -z "$VER" ]]; then
  VER=$(ls -1 /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1 || true)
fi
if [[ -z "$VER" ]]; then
  log "no PostgreSQL version found in /etc/postgresql or /usr/lib/postgresql" >&2
  exit 1
fi

# 3. Cluster
cluster_field() { pg_lsclusters -h | awk -v v="$VER" -v c="$CLUSTER" -v f="$1" '$1 == v && $2 == c { print $f }'; }
if [[ -z "$(cluster_field 1)" ]]; then
  pg_createcluster --port "$PORT" "$VER" "$CLUSTER" >/dev/null
  did+=("created cluster $VER/$CLUSTER")
fi
if [[ "$(cluster_field 3)" != "$PORT" ]]; then
  pg_conftool "$VER" "$CLUSTER" set port "$PORT"
  if [[ "$(cluster_field 4)" == online* ]]; then pg_ctlcluster "$VER" "$CLUSTER" restart; fi
  did+=("set port $PORT")
fi
# Debian's default listen_addresses is 'localhost' (127.0.0.1 + ::1) and pg_hba allows scram-sha-256 from 127.0.0.1.

# 4. Start
if [[ "$(cluster_field 4)" != online* ]]; then
  pg_ctlcluster "$VER" "$CLUSTER" start
  did+=("started cluster $VER/$CLUSTER")
fi

# 5. Wait for TCP readiness (60 s)
for ((i = 0; i < 60; i++)); do
  if pg_isready -q -h 127.0.0.1 -p "$PORT"; then break; fi
  sleep 1
done
if ! pg_isready -q -h 127.0.0.1 -p "$PORT"; then
  log "PostgreSQL $VER/$CLUSTER not ready on 127.0.0.1:$PORT after 60 s; see /var/log/postgresql/postgresql-$VER-$CLUSTER.log" >&2
  exit 1
fi

# 6. Password for the postgres role, so the TCP URL above works
if ! PGPASSWORD=postgres PGCONNECT_TIMEOUT=5 psql -qAtX -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -c 'select 1' >/dev/null 2>&1; then
  (cd /tmp && runuser -u postgres -- psql -qAtX -p "$PORT" -d postgres -c "ALTER USER postgres PASSWORD 'postgres'") >/dev/null
  PGPASSWORD=postgres psql -qAtX -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -c 'select 1' >/dev/null
  did+=("set password of role postgres")
fi

if ((${#did[@]})); then summary=$(IFS=,; echo "${did[*]}" | sed 's/,/, /g'); else summary="nothing to do"; fi
log "PostgreSQL $VER ready at postgres://postgres:postgres@127.0.0.1:$PORT/postgres ($summary)"
