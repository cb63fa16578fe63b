# start_server BINARY LOG: starts pmo-server on a free loopback port (retrying when a random port is
# taken), waits until /healthz answers, and sets `port` and `server_pid`; fails if it never does.
start_server() {
    local binary=$1 log=$2 attempt
    # A throwaway key-encryption key for a throwaway cluster, unless the caller chose one.
    if [ -z "${SIGNING_KEY_ENCRYPTION_KEY:-}" ]; then
        SIGNING_KEY_ENCRYPTION_KEY=$(head -c 32 /dev/urandom | base64)
        export SIGNING_KEY_ENCRYPTION_KEY
    fi
    for attempt in 1 2 3 4 5; do
        port=$(( 20000 + RANDOM % 20000 ))
        PORT=$port LOG_LEVEL=${LOG_LEVEL:-warning} "$binary" 2>"$log" &
        server_pid=$!
        for _ in $(seq 1 200); do
            if curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then return 0; fi
            kill -0 "$server_pid" 2>/dev/null || break
            sleep 0.05
        done
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    done
    server_pid=
    echo "infra: pmo-server did not become healthy; its log:" >&2
    cat "$log" >&2
    return 1
}
