# Sourced by tests/run.sh: makes a private PostgreSQL cluster for the server's tests.
# Installs PostgreSQL from Debian's packages when it is missing, starts a cluster on a
# private port in a private folder (as the `postgres` system user when run as root,
# since initdb refuses root), exports BRANCHBOOK_TEST_PG_URL, and stops it on exit.
# BRANCHBOOK_REQUIRE_PG=1 makes the Rust tests fail, not skip, without PostgreSQL.
# The cluster runs with fsync off (tests need no durability); benchmarks that measure
# durable writes set BRANCHBOOK_TEST_PG_FSYNC=on. It speaks TLS (ssl=on, a certificate
# for localhost and 127.0.0.1 made here with openssl), so the server's sslmode tests run
# against it: BRANCHBOOK_TEST_PG_CA names the authority that signed it. Clients
# that ask for no TLS (sslmode=disable) still connect in plain text.

pg_bin_dir() {
    local dir
    for dir in /usr/lib/postgresql/*/bin; do
        [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
    done
    return 1
}

if ! PG_BIN="$(pg_bin_dir)"; then
    echo "== installing PostgreSQL (Debian packages)"
    export DEBIAN_FRONTEND=noninteractive
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    PG_BIN="$(pg_bin_dir)"
fi

# The first free port from 55432 up, so a cluster another run left (or a developer's
# own) never makes this one fail to start.
free_port() {
    local port
    for port in $(seq "${BRANCHBOOK_TEST_PG_PORT:-55432}" 55532); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return 0; }
    done
    return 1
}
PG_PORT="$(free_port)" || { echo "no free port for PostgreSQL"; exit 1; }
PG_DIR="$(mktemp -d /tmp/branchbook-pg.XXXXXX)"
PG_USER="branchbook"
PG_AS=()
if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$PG_DIR"
    PG_AS=(runuser -u postgres --)
fi

"${PG_AS[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U "$PG_USER" -A trust -E UTF8 --no-locale >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log"; exit 1; }
if ! command -v openssl >/dev/null; then
    echo "== installing openssl (Debian package)"
    $([ "$(id -u)" -ne 0 ] && echo sudo) apt-get install -y -qq --no-install-recommends openssl >/dev/null
fi
# An authority, and the cluster's certificate signed by it (a self-signed certificate
# cannot stand for a server with rustls' checks: it is an authority's).
(
    set -e
    cd "$PG_DIR"
    ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
    openssl req -x509 "${ec[@]}" -days 30 -subj "/CN=Branchbook test authority" \
        -keyout ca.key -out ca.crt
    openssl req "${ec[@]}" -subj "/CN=localhost" -keyout server.key -out server.csr
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 \
        -extfile server.ext -out server.crt
    rm -f ca.key server.csr server.ext
) >"$PG_DIR/openssl.log" 2>&1 || { cat "$PG_DIR/openssl.log"; exit 1; }
chmod 600 "$PG_DIR/server.key"
chmod 644 "$PG_DIR/server.crt" "$PG_DIR/ca.crt"
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PG_DIR/server.key" "$PG_DIR/server.crt"
"${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=${BRANCHBOOK_TEST_PG_FSYNC:-off} -c shared_buffers=128MB -c ssl=on -c ssl_cert_file=$PG_DIR/server.crt -c ssl_key_file=$PG_DIR/server.key" start >/dev/null \
    || { cat "$PG_DIR/server.log"; exit 1; }

stop_postgres() {
    "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
}
trap stop_postgres EXIT

export BRANCHBOOK_TEST_PG_URL="postgresql://$PG_USER@127.0.0.1:$PG_PORT/postgres"
export BRANCHBOOK_REQUIRE_PG=1
export BRANCHBOOK_TEST_PG_CA="$PG_DIR/ca.crt"
echo "== PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT"
