# Shell functions for private PostgreSQL clusters (sourced by run, test and bench scripts).
# A cluster lives in one directory: data/ (owned by the server's user), run/ (its Unix socket, the
# only way in: no TCP), and log. PostgreSQL refuses to run as root, so as root the server runs as
# the unprivileged `postgres` user that Debian's package creates.

# PMO_PG_BINDIR picks another build of the same server (infra/citus.sh uses a project-local copy
# that also holds the Citus extension).
pg_bindir() {
    if [ -n "${PMO_PG_BINDIR:-}" ]; then echo "$PMO_PG_BINDIR"; return 0; fi
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    if [ -z "$dir" ]; then echo "infra: no PostgreSQL server binaries under /usr/lib/postgresql (run ./infra/setup)" >&2; return 1; fi
    echo "$dir"
}

# Runs a command as the cluster's user: `postgres` when we are root, ourselves otherwise.
pg_as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pg_cluster_init DIR [extra postgresql.conf lines...]
pg_cluster_init() {
    local dir=$1; shift
    local bin; bin=$(pg_bindir)
    mkdir -p "$dir/data" "$dir/run"
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres: "$dir" "$dir/data" "$dir/run"
        if ! runuser -u postgres -- test -w "$dir/data"; then
            echo "infra: the postgres user cannot reach $dir (a parent directory is private); clone the" \
                 "repository somewhere world-searchable, or set DATABASE_URL" >&2
            return 1
        fi
    fi
    pg_as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; rm -rf "${dir:?}/data"; return 1; }
    {
        echo "listen_addresses = ''"
        echo "unix_socket_directories = '$dir/run'"
        echo "max_connections = 200"
        for line in "$@"; do echo "$line"; done
    } | pg_as_owner tee -a "$dir/data/postgresql.conf" >/dev/null
}

pg_cluster_start() {
    local dir=$1
    local bin; bin=$(pg_bindir)
    if [ "$(id -u)" -eq 0 ]; then touch "$dir/log"; chown postgres: "$dir/log"; fi
    pg_as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 start >/dev/null \
        || { tail -20 "$dir/log" >&2; return 1; }
}

pg_cluster_stop() {
    local dir=$1
    local bin; bin=$(pg_bindir)
    [ -f "$dir/data/postmaster.pid" ] || return 0
    pg_as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null || true
}

# pg_cluster_bootstrap_roles DIR: the owner role (migrates, runs the admin CLI, bypasses row-level
# security for platform work) and the app role (owns nothing, cannot bypass row-level security).
pg_cluster_bootstrap_roles() {
    local dir=$1
    psql -X -q -v ON_ERROR_STOP=1 -h "$dir/run" -U postgres -d postgres <<SQL
do \$\$ begin
    if not exists (select from pg_roles where rolname = 'pmo_owner') then
        create role pmo_owner login createdb bypassrls;
    end if;
    if not exists (select from pg_roles where rolname = 'pmo_app') then
        create role pmo_app login nobypassrls nocreatedb nocreaterole;
    end if;
end \$\$;
SQL
}

# pg_cluster_bootstrap DIR DATABASE: the roles and DATABASE owned by the owner role.
pg_cluster_bootstrap() {
    local dir=$1 database=$2
    pg_cluster_bootstrap_roles "$dir"
    psql -X -q -v ON_ERROR_STOP=1 -h "$dir/run" -U postgres -d postgres <<SQL
select 'create database $database owner pmo_owner'
where not exists (select from pg_database where datname = '$database') \gexec
SQL
}
