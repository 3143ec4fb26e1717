# Two commands for a fresh machine: `make run` and `make test` (see README.md).
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: setup run test lint format bench clean

setup: $(STAMP)

# Re-run the installer only when the dependency list changed.
$(STAMP): pyproject.toml scripts/setup.sh
	bash scripts/setup.sh
	touch $(STAMP)

run: setup
	$(VENV)/bin/python manage.py migrate --noinput && $(VENV)/bin/python manage.py load_demo && $(VENV)/bin/python manage.py runserver 127.0.0.1:8000

test: setup
	$(VENV)/bin/ruff check kaoping tests bench
	$(VENV)/bin/ruff format --check kaoping tests bench
	$(VENV)/bin/pytest

lint: setup
	$(VENV)/bin/ruff check kaoping tests bench

format: setup
	$(VENV)/bin/ruff format kaoping tests bench
	$(VENV)/bin/ruff check --fix kaoping tests bench

bench: setup
	$(VENV)/bin/python -m bench.run_all

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
