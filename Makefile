# pilotchain — the two commands a newcomer needs are `make demo` and `make test`.
# Every target installs what it needs on first use (a .venv from requirements.txt, npm packages
# from package-lock.json, geth built from the Go module proxy) and is quick afterwards.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
GETH := $(CURDIR)/.cache/bin/geth
GETH_VERSION := v1.13.15
NETWORK ?= pilot-poa

export PATH := $(CURDIR)/node_modules/.bin:$(CURDIR)/.cache/bin:$(BIN):$(PATH)
export SOLCX_BINARY_PATH := $(CURDIR)/compiler/solcx
export PYTHONDONTWRITEBYTECODE := 1

PY_STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
TOOLS := $(PY_STAMP) $(NPM_STAMP) .cache/toolchain.stamp

.PHONY: demo test test-anvil test-ganache test-python test-integration compile gas bench-poa bench-indexer \
        bench-pilot chain-start chain-stop chain-status clean clean-all

## ---- installation (first run only) ----------------------------------------------------------

$(PY_STAMP): requirements.txt pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/pip check
	touch $@

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

.cache/toolchain.stamp: $(PY_STAMP) $(NPM_STAMP) network-config.yaml brownie-config.yaml
	mkdir -p .cache
	$(BIN)/python -m pilotchain.toolchain
	touch $@

# The Go module and build caches stay in the clone (.cache/go), so `make clean` removes them.
GO_CACHES := GOMODCACHE=$(CURDIR)/.cache/go/mod GOCACHE=$(CURDIR)/.cache/go/build GOFLAGS=-modcacherw

$(GETH):
	@echo "building geth $(GETH_VERSION) from the Go module proxy into .cache/bin (once per clone; 5-10 minutes"
	@echo "on 2 cores, about 850 MB of Go caches in .cache/go; full log in .cache/geth-build.log)"
	@mkdir -p .cache/bin .cache/go
	@$(GO_CACHES) GOBIN=$(CURDIR)/.cache/bin go install -ldflags=-checklinkname=0 \
	    github.com/ethereum/go-ethereum/cmd/geth@$(GETH_VERSION) > .cache/geth-build.log 2>&1 \
	    || { tail -20 .cache/geth-build.log; echo "geth build failed; full log in .cache/geth-build.log"; exit 1; }
	@echo "built $@"

# `make .cache/bin/geth` as typed (the rule above names the absolute path)
.cache/bin/geth: $(GETH)

compile: $(TOOLS)
	brownie compile

## ---- the suite ------------------------------------------------------------------------------

# Contract tests run on both dev chains (Brownie starts and stops them); the library, CLI and
# EPCIS tests are plain pytest on their own anvil; integration tests start their own geth network.
PYTEST := $(BIN)/python -m pytest -p no:pytest-brownie -q

test: test-anvil test-ganache test-python test-integration

test-anvil: $(TOOLS)
	brownie test tests/unit --network pilot-anvil

test-ganache: $(TOOLS)
	brownie test tests/unit --network pilot-ganache

# The indexer's PostgreSQL tests start their own server from Debian's postgresql package
# (installed here when missing; the server never runs as a service, only inside the tests).
POSTGRES := /usr/lib/postgresql/15/bin/postgres

$(POSTGRES):
	command -v apt-get >/dev/null && apt-get update -qq && apt-get install -y --no-install-recommends postgresql >/dev/null \
	    || { echo "install PostgreSQL 15 (Debian: apt-get install postgresql) for the indexer's PostgreSQL tests"; exit 1; }

test-python: $(TOOLS) $(POSTGRES)
	$(PYTEST) tests/library tests/epcis tests/indexer

test-integration: $(TOOLS) $(GETH)
	$(PYTEST) tests/integration

## ---- the pilot ------------------------------------------------------------------------------

demo: $(TOOLS) $(if $(filter pilot-poa poa,$(NETWORK)),$(GETH))
	$(BIN)/pilotchain pilot run --network $(NETWORK)

## ---- the local PoA network (.pilotchain/networks/local) --------------------------------------

chain-start: $(TOOLS) $(GETH)
	test -f .pilotchain/networks/local/network.json || $(BIN)/pilotchain chain init
	$(BIN)/pilotchain chain start

chain-stop: $(TOOLS)
	$(BIN)/pilotchain chain stop

chain-status: $(TOOLS)
	$(BIN)/pilotchain chain status

## ---- benchmarks (write to reports/) ---------------------------------------------------------

gas: $(TOOLS)
	brownie run scripts/bench_gas.py --network pilot-anvil

bench-poa: $(TOOLS) $(GETH)
	$(BIN)/python -m pilotchain.bench.poa

bench-pilot: $(TOOLS) $(GETH)
	$(BIN)/python -m pilotchain.bench.pilot

bench-indexer: $(TOOLS) $(POSTGRES)
	$(BIN)/python -m pilotchain.bench.indexer --postgres

clean:  # build output and the Go caches of the geth build (geth itself stays)
	rm -rf build .hypothesis .cache/toolchain.stamp .cache/geth-build.log
	chmod -R u+w .cache/go 2>/dev/null || true
	rm -rf .cache/go

clean-all: clean  # also geth (a rebuild takes minutes)
	rm -f .cache/bin/geth
