# SVU: `make run` to see it work, `make test` for the whole suite. `make help` lists every target.
SHELL := /bin/bash
.DEFAULT_GOAL := help
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
VENV := .venv
PY := $(VENV)/bin/python
SERVICES := $(shell sed -n 's/^name = "\(.*\)"/\1/p' services/services.toml)

.PHONY: help install run up down test unit lint audit contracts compose-check compose-secrets bench rebuild clean token screenshots browser oidc

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(UV):
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet --user uv || python3 -m pip install --quiet --break-system-packages uv

install: $(UV) ## Install Python 3.11 packages (uv, one lock file) and fetch the pinned Kafka broker jars
	@$(UV) sync --frozen --quiet
	@deploy/kafka/kafka.sh fetch

run: install ## Start broker and the four services on SQLite, play a demo flow, stay up until Ctrl-C
	@$(PY) -m deploy.system run

up: install ## Start the same system in the background; returns when every health check passes
	@$(PY) -m deploy.system up

down: ## Stop what `make up` started
	@$(PY) -m deploy.system down

browser: ## Debian's chromium for the page tests and screenshots (installed when missing, as root)
	@deploy/browser/chromium.sh ensure

oidc: install ## The OpenID Connect provider for the sign-in tests (Keycloak, fetched once; ADR 0018)
	@deploy/oidc/oidc.sh fetch

test: install browser oidc ## The whole suite on a real Kafka broker, PostgreSQL, Chromium and OIDC provider
	@$(VENV)/bin/pytest -q

unit: install ## Tests that need no broker and no database server (the SQLite leg of the service suites included)
	@$(VENV)/bin/pytest -q -m "not e2e and not postgres and not kafka and not oidc" services shared/tests tests/integration

token: ## Print a development bearer token and nothing else: make token ROLE=ward ORG=SE2321000016-MEDAVD3
	@$(MAKE) --no-print-directory -s install >/dev/null
	@$(PY) -m svu_shared.local_issuer token --role "$(ROLE)" --org "$(ORG)"

lint: install ## ruff, mypy, import-linter (independence, layers), contracts/ up to date, pip-audit (make audit)
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/lint-imports --no-logo
	@out=$$(mktemp -d) && trap 'rm -rf "$$out"' EXIT && $(PY) -m svu_shared.contracts.generate "$$out" >/dev/null && \
	  { diff -r contracts "$$out" || { echo "contracts/ differs from the models: run make contracts and commit it" >&2; exit 1; }; }
	@$(VENV)/bin/mypy shared/svu_shared $(foreach s,$(SERVICES),services/$(s)/$(s))
	@$(MAKE) --no-print-directory audit

audit: install ## pip-audit: every locked package against PyPI's vulnerability data; a known vulnerability fails
	@$(PY) .ci/audit.py "$(UV)"

contracts: install ## Regenerate the JSON Schemas and the AsyncAPI 3 document from the contracts
	@$(PY) -m svu_shared.contracts.generate contracts/

screenshots: install browser ## A PNG of each main screen of each role under docs/screens/ (starts its own system)
	@$(PY) -m deploy.screenshots docs/screens

bench: install ## Benchmarks (figures, never pass/fail); see bench/README.md
	@$(PY) -m bench

compose-secrets: install ## The broker's CA, certificate and per-principal passwords as docker-compose.yml's secrets
	@$(PY) -m deploy.broker_access compose-secrets

rebuild: install ## Rebuild a service's state from its topics into an empty database: make rebuild SERVICE=planning
	@$(PY) -m svu_shared.rebuild "$(SERVICE)"

clean: ## Remove local state (.local: broker data, databases, logs)
	@rm -rf .local
