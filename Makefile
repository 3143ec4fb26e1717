# Two commands for a fresh machine: `make run` and `make test` (see README.md).
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: setup run serve demo test lint format bench clean messages

setup: $(STAMP)

# Re-run the installer only when the dependency list changed.
$(STAMP): pyproject.toml scripts/setup.sh
	bash scripts/setup.sh
	touch $(STAMP)

# The demo on Django's development server, with the background worker beside it.
run: setup
	bash scripts/serve.sh dev

# The production stack locally: gunicorn and a worker (docs/operations.md).
serve: setup
	bash scripts/serve.sh prod

# The evaluation of the demo data, printed as a ranking table (no web server).
demo: setup
	$(VENV)/bin/kaoping evaluate examples/mof-2012-demo-2024.csv --previous examples/mof-2012-demo-2023.csv

# The whole suite on SQLite, then every test that touches the database (tests/web) again on
# a throwaway PostgreSQL server: the other tests never use a database.
test: setup
	$(VENV)/bin/ruff check kaoping tests bench
	$(VENV)/bin/ruff format --check kaoping tests bench
	$(VENV)/bin/pytest
	bash scripts/with-postgres.sh $(VENV)/bin/pytest tests/web -p no:cacheprovider

lint: setup
	$(VENV)/bin/ruff check kaoping tests bench

format: setup
	$(VENV)/bin/ruff format kaoping tests bench
	$(VENV)/bin/ruff check --fix kaoping tests bench

# Extract user text into kaoping/locale/{zh_Hans,en} (one catalogue per language) and compile.
messages: setup
	bash scripts/messages.sh

bench: setup
	$(VENV)/bin/python -m bench.run_all

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
