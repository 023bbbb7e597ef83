#!/usr/bin/env bash
# The whole test suite: a fresh database with the addon installed, then pytest with
# pytest-odoo over the addon's Odoo tests and the top-level tests/.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
[ -f build/env.sh ] || { echo "run 'make setup' first" >&2; exit 1; }
source build/env.sh
db=${1:-dunning_test}

echo "[test] fresh database $db with account_dunning_be installed"
dropdb --if-exists "$db"
dropdb --if-exists "${db}_template"
rm -rf "build/data/filestore/$db"
python "$ODOO_SRC/odoo-bin" -c build/odoo.conf -d "$db" -i account_dunning_be \
    --load-language=fr_BE,nl_BE,de_DE --stop-after-init --log-level=warn
# a pristine copy for the tests that install, upgrade and uninstall in a database of their own
createdb -T "$db" "${db}_template"

echo "[test] pytest"
export HOST=$PGHOST PORT=$PGPORT USER=$PGUSER DUNNING_TEST_TEMPLATE="${db}_template"
set +e
python -m pytest -p no:cacheprovider --odoo-database="$db" --odoo-config=build/odoo.conf \
    --odoo-db-use-env-vars --odoo-http --odoo-log-level=warn \
    account_dunning_be/tests tests ${PYTEST_EXTRA:-}
rc=$?
set -e
if [ "$rc" = 5 ]; then
    echo "[test] pytest collected no test: that is a failure" >&2
fi
exit "$rc"
