# Shell functions for a Citus cluster on loopback (sourced by infra/test-citus, after infra/pg.sh):
# a coordinator and N workers, each a private cluster of infra/pg.sh reached by its Unix socket.
#
# Citus is not in Debian's archive. citus_locate finds it, in this order:
#   1. the installed server already has the extension (citus.so in its library directory);
#   2. CITUS_SRC points at a Citus source tree: it is built once against the installed server and
#      installed into a project-local copy of that server under .pmo/citus/root (nothing is written
#      outside the repository's .pmo/; the source is never part of the repository).
# It sets PMO_PG_BINDIR to the server binaries to use and returns 1 when neither is available.

citus_root() { echo "$PWD/.pmo/citus/root"; }

citus_locate() {
    local system_bin; system_bin=$(PMO_PG_BINDIR= pg_bindir) || return 1
    local libdir; libdir=$("$system_bin/pg_config" --pkglibdir 2>/dev/null || echo /nonexistent)
    if [ -f "$libdir/citus.so" ]; then PMO_PG_BINDIR=$system_bin; export PMO_PG_BINDIR; return 0; fi
    [ -n "${CITUS_SRC:-}" ] || return 1
    [ -f "$CITUS_SRC/configure" ] || { echo "infra/citus: CITUS_SRC=$CITUS_SRC is not a Citus source tree" >&2; exit 1; }
    local version; version=$(basename "$(dirname "$system_bin")")        # 15 for /usr/lib/postgresql/15/bin
    local root; root=$(citus_root)
    local bin="$root/usr/lib/postgresql/$version/bin"
    mkdir -p "$PWD/.pmo"
    if [ ! -f "$root/usr/lib/postgresql/$version/lib/citus.so" ] || [ "$CITUS_SRC/configure" -nt "$root/.built" ]; then
        citus_build "$version" "$root" >"$PWD/.pmo/citus-build.log" 2>&1 \
            || { tail -30 "$PWD/.pmo/citus-build.log" >&2; echo "infra/citus: building Citus failed (log above)" >&2; exit 1; }
    fi
    PMO_PG_BINDIR=$bin; export PMO_PG_BINDIR
}

# citus_build VERSION ROOT: a relocatable copy of the installed server (PostgreSQL finds its libraries
# and extensions relative to its binaries) with Citus installed into it.
citus_build() {
    local version=$1 root=$2
    citus_build_dependencies "$version"
    rm -rf "$root"; mkdir -p "$root/usr/lib/postgresql" "$root/usr/share/postgresql"
    cp -a "/usr/lib/postgresql/$version" "$root/usr/lib/postgresql/"
    cp -a "/usr/share/postgresql/$version" "$root/usr/share/postgresql/"
    local build; build=$(mktemp -d /tmp/citus-build.XXXXXX)
    cp -a "$CITUS_SRC/." "$build/"
    (cd "$build" && ./configure PG_CONFIG="/usr/lib/postgresql/$version/bin/pg_config" --without-libcurl \
        && make -j"$(nproc)" && make install DESTDIR="$root")
    rm -rf "$build"
    chmod -R a+rX "$root"
    touch "$root/.built"
}

# The server's development headers must match the installed server exactly, so the package is pinned
# to the installed server's version.
citus_build_dependencies() {
    local version=$1
    local server_version; server_version=$(dpkg-query -W -f='${Version}' "postgresql-$version")
    local wanted=("postgresql-server-dev-$version=$server_version" liblz4-dev libzstd-dev libkrb5-dev)
    if dpkg-query -W -f='${Status}\n' "postgresql-server-dev-$version" liblz4-dev libzstd-dev libkrb5-dev 2>/dev/null \
        | grep -vq "install ok installed" || ! dpkg-query -W "postgresql-server-dev-$version" >/dev/null 2>&1; then
        local sudo=; [ "$(id -u)" -eq 0 ] || sudo=sudo
        $sudo apt-get install -y -qq "${wanted[@]}" >/dev/null 2>&1 \
            || { $sudo apt-get update -qq && $sudo apt-get install -y -qq "${wanted[@]}" >/dev/null; }
    fi
}

# citus_cluster_up DIR N: DIR/coordinator and DIR/worker1..N, started, with the roles on every node.
# Roles are the nodes' own (made on each, as on one server), so Citus is told not to copy them: it
# would otherwise re-create the owner role on the workers the first time a function owned by it is
# created, as that role, which only a superuser may do (docs/DEPLOYMENT.md, "Beyond one database
# machine: Citus").
citus_cluster_up() {
    local dir=$1 workers=$2 node
    local settings=("shared_preload_libraries = 'citus'" "citus.propagate_set_commands = 'local'"
        "citus.enable_create_role_propagation = off" "citus.enable_alter_role_propagation = off"
        "citus.enable_alter_role_set_propagation = off"
        "max_connections = 1000" "max_worker_processes = 64" "fsync = off" "synchronous_commit = off"
        "full_page_writes = off")
    for node in coordinator $(seq -f 'worker%g' 1 "$workers"); do
        if [ ! -f "$dir/$node/data/PG_VERSION" ]; then pg_cluster_init "$dir/$node" "${settings[@]}"; fi
        pg_cluster_start "$dir/$node"
        pg_cluster_bootstrap_roles "$dir/$node"
    done
}

citus_cluster_down() {
    local dir=$1 node
    for node in "$dir"/coordinator "$dir"/worker*; do [ -d "$node" ] && pg_cluster_stop "$node"; done
    return 0
}

# citus_database DIR N NAME: NAME on every node with the extension, the workers registered with the
# coordinator (by socket directory: Citus connects to `host` like libpq does).
citus_database() {
    local dir=$1 workers=$2 name=$3 node i
    for node in coordinator $(seq -f 'worker%g' 1 "$workers"); do
        psql -X -q -v ON_ERROR_STOP=1 -h "$dir/$node/run" -U postgres -d postgres <<SQL
select 'create database $name owner pmo_owner' where not exists (select from pg_database where datname = '$name') \gexec
\c $name
create extension if not exists citus;
SQL
    done
    for i in $(seq 1 "$workers"); do
        psql -X -q -v ON_ERROR_STOP=1 -h "$dir/coordinator/run" -U postgres -d "$name" \
            -c "select citus_add_node('$dir/worker$i/run', 5432)" >/dev/null
    done
}
