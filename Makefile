# Parallax — the two commands of the README are `make run` and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Two processes by default (the machines have two cores); PYTEST_ARGS="-n 0 -k x" to narrow a run.
PYTEST_ARGS ?= -n 2 --dist worksteal
# The demo runs with DEBUG on the local machine only; production settings come from the environment.
# Its demo logins skip the second factor unless PARALLAX_2FA_REQUIRED=1 (production requires it).
RUN_ENV := DEBUG=$${DEBUG:-1} PARALLAX_2FA_REQUIRED=$${PARALLAX_2FA_REQUIRED:-0}

.PHONY: run test bench install install-browser migrate demo worker clean-var

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

migrate: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput

demo: migrate
	$(RUN_ENV) $(BIN)/python manage.py load_demo

# Web server and a real Celery worker (with beat) on the embedded default:
# SQLite and a filesystem broker under var/, unless DATABASE_URL / REDIS_URL say otherwise.
run: demo
	@mkdir -p var/log
	@echo "Starting the Celery worker and beat (log: var/log/worker.log)"
	@$(RUN_ENV) $(BIN)/celery -A config worker -B -Q default,imports,analyses,documents \
		--concurrency=2 --loglevel=INFO --schedule=var/celerybeat-schedule \
		--pidfile=var/worker.pid > var/log/worker.log 2>&1 & \
	trap 'kill $$(cat var/worker.pid 2>/dev/null) 2>/dev/null; exit 0' INT TERM EXIT; \
	echo ""; \
	echo "  Parallax is running at http://$(HOST):$(PORT)/"; \
	echo "  Demo logins (password: $${PARALLAX_DEMO_PASSWORD:-parallax-demo-2026}):"; \
	$(RUN_ENV) $(BIN)/python manage.py shell --no-imports -c "from cases.demo import demo_users_table; [print(f'    {u:<18} {r} ({a})') for u, r, a in demo_users_table()]"; \
	echo "  Second factor: off for this local demo (PARALLAX_2FA_REQUIRED=1 make run to try it)."; \
	echo "  API docs: http://$(HOST):$(PORT)/api/docs/   Stop with Ctrl-C."; \
	echo ""; \
	$(RUN_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT) --noreload

# The whole suite. With DATABASE_URL / REDIS_URL set it runs against PostgreSQL and Redis.
# Exit code 5 (no tests collected) is a failure like any other non-zero code.
test: install
	PARALLAX_TESTING=1 $(BIN)/python -m pytest -p no:cacheprovider $(PYTEST_ARGS)

bench: install
	@for script in tests/benchmarks/bench_*.py; do \
		echo "== $$script"; PARALLAX_TESTING=1 $(BIN)/python $$script || exit 1; done

clean-var:
	rm -rf var/
