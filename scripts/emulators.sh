#!/usr/bin/env bash
# Local emulators for development and integration tests (no Docker needed):
#   - Azurite (Blob/Queue/Table)   ports $AZURITE_BLOB_PORT/$AZURITE_QUEUE_PORT/$AZURITE_TABLE_PORT (10000/10001/10002)
#   - Cosmos DB (NoSQL, in-memory) port  $COSMOS_PORT (8081), HTTPS with a self-signed cert
#
# Usage: scripts/emulators.sh start|stop|status
#   start  installs emulators/node_modules if needed (npm ci), starts whatever is not
#          already listening, and waits until every port accepts connections.
#   stop   stops the emulators this script started (pids in .local/*.pid).
#   status shows which ports are up.
# State/logs live in .local/ (git-ignored). Cosmos data is in memory: lost on stop.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EMU_DIR="$ROOT/emulators"
STATE_DIR="$ROOT/.local"
LOG_DIR="$STATE_DIR/logs"

AZURITE_BLOB_PORT="${AZURITE_BLOB_PORT:-10000}"
AZURITE_QUEUE_PORT="${AZURITE_QUEUE_PORT:-10001}"
AZURITE_TABLE_PORT="${AZURITE_TABLE_PORT:-10002}"
COSMOS_PORT="${COSMOS_PORT:-8081}"
START_TIMEOUT="${EMULATOR_START_TIMEOUT:-60}"

log() { echo "[emulators] $*" >&2; }

# True if something accepts TCP connections on 127.0.0.1:$1.
port_up() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

ensure_node_modules() {
  command -v node >/dev/null || { log "node is required (>= 20)"; exit 1; }
  if [[ ! -d "$EMU_DIR/node_modules" || "$EMU_DIR/package-lock.json" -nt "$EMU_DIR/node_modules" ]]; then
    log "installing emulator packages (npm ci)..."
    npm ci --prefix "$EMU_DIR" --no-audit --no-fund >"$LOG_DIR/npm-ci.log" 2>&1 || {
      log "npm ci failed:"; tail -n 30 "$LOG_DIR/npm-ci.log" >&2; exit 1
    }
    touch "$EMU_DIR/node_modules"
  fi
}

# One pid file per emulator and port, so runs with overridden ports don't clobber each other.
pidfile() { echo "$STATE_DIR/$1-$2.pid"; }

# launch NAME PORT CMD...: start CMD detached (survives this script) unless PORT is up.
launch() {
  local name="$1" port="$2"; shift 2
  if port_up "$port"; then
    log "$name already listening on $port (reusing)"
    return
  fi
  log "starting $name..."
  # setsid: own session/process group, so it survives the calling shell and
  # `stop` can kill the whole group.
  nohup setsid "$@" >"$LOG_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$(pidfile "$name" "$port")"
}

# wait_port NAME PORT...: wait until all ports accept connections, else fail loudly.
# The first PORT is the one its pid file is keyed on (also used to detect an early crash).
wait_port() {
  local name="$1"; shift
  local pf; pf="$(pidfile "$name" "$1")"
  local port deadline=$((SECONDS + START_TIMEOUT))
  for port in "$@"; do
    until port_up "$port"; do
      if (( SECONDS >= deadline )) || { [[ -f "$pf" ]] && ! kill -0 "$(cat "$pf")" 2>/dev/null; }; then
        log "ERROR: $name exited or did not start listening on port $port within ${START_TIMEOUT}s. Last log lines ($LOG_DIR/$name.log):"
        tail -n 40 "$LOG_DIR/$name.log" >&2 || true
        exit 1
      fi
      sleep 0.1
    done
  done
  log "$name up after $(awk -v a="$T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')s"
}

start() {
  mkdir -p "$STATE_DIR/azurite" "$LOG_DIR"
  ensure_node_modules

  T0="$EPOCHREALTIME"
  launch azurite "$AZURITE_BLOB_PORT" \
    node "$EMU_DIR/azurite.js" \
      --blobHost 127.0.0.1 --blobPort "$AZURITE_BLOB_PORT" \
      --queueHost 127.0.0.1 --queuePort "$AZURITE_QUEUE_PORT" \
      --tableHost 127.0.0.1 --tablePort "$AZURITE_TABLE_PORT" \
      --inMemoryPersistence \
      --skipApiVersionCheck --loose --silent
  # The emulator keeps every document in the Node heap: allow more than Node's ~4 GB default so a bench night of
  # 1,000,000 events (~800,000 documents and 40,000 tab summaries) fits.
  launch cosmos "$COSMOS_PORT" env COSMOS_PORT="$COSMOS_PORT" node --max-old-space-size=12288 "$EMU_DIR/cosmos-emulator.js"

  wait_port azurite "$AZURITE_BLOB_PORT" "$AZURITE_QUEUE_PORT" "$AZURITE_TABLE_PORT"
  wait_port cosmos "$COSMOS_PORT"
  log "ready: azurite blob/queue/table 127.0.0.1:$AZURITE_BLOB_PORT/$AZURITE_QUEUE_PORT/$AZURITE_TABLE_PORT, cosmos https://127.0.0.1:$COSMOS_PORT/"
}

stop() {
  local pf pid
  shopt -s nullglob
  for pf in "$STATE_DIR"/*.pid; do
    pid="$(cat "$pf")"
    if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
      log "stopping $(basename "$pf" .pid) (pid $pid)"
      kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      if kill -0 "$pid" 2>/dev/null; then kill -9 -- "-$pid" 2>/dev/null || kill -9 "$pid" 2>/dev/null || true; fi
    fi
    rm -f "$pf"
  done
}

status() {
  local name port rc=0
  for entry in "azurite-blob:$AZURITE_BLOB_PORT" "azurite-queue:$AZURITE_QUEUE_PORT" \
               "azurite-table:$AZURITE_TABLE_PORT" "cosmos:$COSMOS_PORT"; do
    name="${entry%%:*}"; port="${entry##*:}"
    if port_up "$port"; then echo "$name 127.0.0.1:$port up"; else echo "$name 127.0.0.1:$port down"; rc=3; fi
  done
  return "$rc"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
