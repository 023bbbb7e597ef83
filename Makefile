# account_dunning_be: the two commands of the README, and their helpers.
#   make demo   builds the demo database, runs the dunning, writes the letters to out/
#   make test   builds a fresh test database and runs the whole test suite
SHELL := /bin/bash
DB ?= dunning_demo
TEST_DB ?= dunning_test
ENV := source build/env.sh

.PHONY: setup demo serve test bench

setup:
	@bash scripts/setup.sh

demo: setup
	@$(ENV) && python scripts/demo.py --db $(DB) --out out

serve: setup
	@$(ENV) && python "$$ODOO_SRC/odoo-bin" -c build/odoo.conf -d $(DB) --db-filter='^$(DB)$$'

test: setup
	@bash scripts/test.sh $(TEST_DB)

bench: setup
	@$(ENV) && python bench/bench_interest.py && python bench/bench_dunning.py
