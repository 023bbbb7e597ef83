#!/usr/bin/env bash
# Prepare everything the addon needs to run and be tested, on a fresh machine or again
# (idempotent: a second run only checks and takes seconds).
#
#   ODOO_SRC   Odoo 18.0 source tree           (default /opt/odoo/18.0)
#   VENV       Python virtual environment      (default /opt/odoo/venv-18.0)
#   PGHOST / PGPORT / PGUSER                   (default 127.0.0.1 / 5432 / current user)
#
# Writes build/env.sh, sourced by the Makefile and the scripts, with the values in force.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
ODOO_SRC=${ODOO_SRC:-/opt/odoo/18.0}
VENV=${VENV:-/opt/odoo/venv-18.0}
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-$(id -un)}
PYTHON=${PYTHON:-python3}
ODOO_BRANCH_URL=${ODOO_BRANCH_URL:-https://github.com/odoo/odoo.git}

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
die() { printf '\033[31m[setup] %s\033[0m\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }

# --- system packages --------------------------------------------------------------------
need_pkgs=()
command -v wkhtmltopdf >/dev/null || need_pkgs+=(wkhtmltopdf)
command -v pdftotext >/dev/null || need_pkgs+=(poppler-utils)
command -v chromium >/dev/null || need_pkgs+=(chromium)
command -v git >/dev/null || need_pkgs+=(git)
if [ ${#need_pkgs[@]} -gt 0 ]; then
    say "installing system packages: ${need_pkgs[*]}"
    if command -v apt-get >/dev/null && { [ "$(id -u)" = 0 ] || command -v sudo >/dev/null; }; then
        as_root apt-get update -qq
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends \
            "${need_pkgs[@]}" >/dev/null
    else
        die "missing ${need_pkgs[*]}: run 'sudo apt-get install ${need_pkgs[*]}' and try again"
    fi
fi

# --- Odoo source tree -------------------------------------------------------------------
if [ ! -f "$ODOO_SRC/odoo-bin" ]; then
    say "no Odoo tree in $ODOO_SRC: cloning the official 18.0 branch (shallow)"
    mkdir -p "$(dirname "$ODOO_SRC")" || die "cannot create $(dirname "$ODOO_SRC"): set ODOO_SRC"
    git clone --depth 1 --branch 18.0 "$ODOO_BRANCH_URL" "$ODOO_SRC" \
        || die "could not clone Odoo 18.0 into $ODOO_SRC: set ODOO_SRC to an Odoo 18.0 tree"
fi
grep -q "version_info = (18, 0" "$ODOO_SRC/odoo/release.py" \
    || die "$ODOO_SRC is not an Odoo 18.0 tree (see odoo/release.py): set ODOO_SRC"

# --- PostgreSQL -------------------------------------------------------------------------
pg_answers() { pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; }
if ! pg_answers; then
    say "PostgreSQL does not answer on $PGHOST:$PGPORT: trying to start it"
    if command -v pg_lsclusters >/dev/null && [ -n "$(pg_lsclusters -h 2>/dev/null)" ]; then
        pg_lsclusters -h | while read -r ver name _; do
            as_root pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start || true
        done
    fi
    sleep 1
fi
if ! pg_answers; then
    pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$pgbin" ]; then
        command -v apt-get >/dev/null && [ "$(id -u)" = 0 ] \
            || die "no PostgreSQL server: install one (apt-get install postgresql) or set PGHOST/PGPORT"
        say "installing PostgreSQL"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
        pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    fi
    pgdata=${PGDATA_DIR:-$HOME/.local/share/account_dunning_be/pgdata}
    run_pg() { if [ "$(id -u)" = 0 ]; then su postgres -c "$*"; else sh -c "$*"; fi; }
    if [ ! -f "$pgdata/PG_VERSION" ]; then
        say "creating a local PostgreSQL cluster in $pgdata"
        mkdir -p "$pgdata"
        [ "$(id -u)" = 0 ] && chown -R postgres "$pgdata"
        run_pg "$pgbin/initdb -D '$pgdata' -A trust -U postgres" >/dev/null
    fi
    run_pg "$pgbin/pg_ctl -D '$pgdata' -o '-p $PGPORT -k /tmp' -l '$pgdata/server.log' start" >/dev/null
    for _ in $(seq 20); do pg_answers && break; sleep 0.5; done
    pg_answers || die "PostgreSQL did not start: see $pgdata/server.log"
    psql -h "$PGHOST" -p "$PGPORT" -U postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname='$PGUSER'" \
        | grep -q 1 || psql -h "$PGHOST" -p "$PGPORT" -U postgres -qc "CREATE ROLE \"$PGUSER\" SUPERUSER LOGIN"
fi
psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -tAc "SELECT 1" >/dev/null \
    || die "PostgreSQL answers but role $PGUSER cannot log in: set PGUSER or create the role"

# --- Python virtual environment -----------------------------------------------------------
stamp="$VENV/.account_dunning_be-$(cat "$ODOO_SRC/requirements.txt" "$here/requirements-dev.txt" | sha1sum | cut -c1-12)"
if [ ! -f "$stamp" ]; then
    say "creating the virtual environment $VENV"
    "$PYTHON" -m venv "$VENV"
    constraints=$(mktemp)
    echo 'setuptools<70' > "$constraints"
    reqs=$(mktemp)
    # psycopg2 from its binary wheel; python-ldap is not needed by this addon
    sed -e 's/^psycopg2==/psycopg2-binary==/' -e '/^python-ldap/d' "$ODOO_SRC/requirements.txt" > "$reqs"
    export PIP_CONSTRAINT=$constraints PIP_DISABLE_PIP_VERSION_CHECK=1
    "$VENV/bin/pip" install -q 'setuptools<70' wheel
    "$VENV/bin/pip" install -q -r "$reqs"
    "$VENV/bin/pip" install -q -r "$here/requirements-dev.txt"
    rm -f "$constraints" "$reqs" "$VENV"/.account_dunning_be-*
    touch "$stamp"
fi

# --- the values in force, for the Makefile and the scripts ---------------------------------
mkdir -p "$here/build"
cat > "$here/build/env.sh" <<EOF
export ODOO_SRC='$ODOO_SRC' VENV='$VENV'
export PGHOST='$PGHOST' PGPORT='$PGPORT' PGUSER='$PGUSER'
export PATH="\$VENV/bin:\$PATH" PYTHONPATH='$ODOO_SRC'
export ADDONS_PATH='$ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$here'
EOF
cat > "$here/build/odoo.conf" <<EOF
[options]
addons_path = $ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$here
db_host = $PGHOST
db_port = $PGPORT
db_user = $PGUSER
db_password = False
data_dir = $here/build/data
http_port = ${HTTP_PORT:-8069}
http_interface = 127.0.0.1
without_demo = all
EOF
say "ready: Odoo $ODOO_SRC, venv $VENV, PostgreSQL $PGUSER@$PGHOST:$PGPORT"
