# The two commands: `make run` (Newsdesk on http://127.0.0.1:8000) and `make test`.
# Both create .venv with a Python 3.12+ found by scripts/find-python and install the
# lock file; nothing else needs to be installed by hand.

HOST ?= 127.0.0.1
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml 2>/dev/null | cksum | cut -d' ' -f1)
TEST_DATABASE_URL ?= postgresql://127.0.0.1:5432/test

.PHONY: run demo test fuzz lint bench-deps venv clean

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $$(scripts/find-python) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@rm -f $(VENV)/.installed-* && touch $@

venv: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/newsdesk run --host $(HOST) --port $(PORT)

demo: $(STAMP)
	$(VENV)/bin/newsdesk demo --host $(HOST) --port $(PORT)

# ruff, then the import contracts in pyproject.toml ([tool.importlinter]): a room that imports
# downstream of itself, or the wiring, fails `make test` here.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

test: lint
	scripts/run-tests "$(TEST_DATABASE_URL)"

# Every property test (hypothesis marks them; the fuzz suite is tests/fuzz) with many more
# examples than `make test` runs, new ones each time; an input that takes over 2 s fails.
# Failing inputs are kept in .hypothesis/ and tried first next time.
fuzz: $(STAMP)
	env -u DATABASE_URL HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -m hypothesis -q

bench-deps: $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-bench.lock

clean:
	rm -rf $(VENV) var
