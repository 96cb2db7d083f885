# pilotchain — the two commands a newcomer needs are `make demo` and `make test`.
# Every target installs what it needs on first use (a .venv from requirements.txt, npm packages
# from package-lock.json, geth built from the Go module proxy) and is quick afterwards.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
GETH := $(CURDIR)/.cache/bin/geth
GETH_VERSION := v1.13.15
TOXIPROXY := $(CURDIR)/.cache/bin/toxiproxy-server
TOXIPROXY_VERSION := v2.5.0
NETWORK ?= pilot-poa
# The Brownie anvil network of `coverage`, `fuzz` and `gas` (another one, e.g. per engineer, on a shared machine).
ANVIL_NETWORK ?= pilot-anvil

export PATH := $(CURDIR)/node_modules/.bin:$(CURDIR)/.cache/bin:$(BIN):$(PATH)
export SOLCX_BINARY_PATH := $(CURDIR)/compiler/solcx
export PYTHONDONTWRITEBYTECODE := 1

PY_STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
TOOLS := $(PY_STAMP) $(NPM_STAMP) .cache/toolchain.stamp
# Slither has its own venv: its dependencies (eth-account 0.14, eth-typing 6, ...) are newer than
# Brownie's pins, and the main venv's `pip check` must stay clean.
SLITHER_VENV := .cache/slither-venv
SLITHER_STAMP := $(SLITHER_VENV)/.installed

.PHONY: demo test lint coverage fuzz test-anvil test-ganache test-python test-integration test-web compile gas \
        web screens bench-web bench-poa bench-multihost bench-council bench-indexer bench-epcis-rest bench-scale bench-gateway bench-pilot chain-soak chain-start chain-stop chain-status clean clean-all

## ---- installation (first run only) ----------------------------------------------------------

$(PY_STAMP): requirements.txt pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/pip check
	touch $@

$(SLITHER_STAMP): requirements-slither.txt
	test -x $(SLITHER_VENV)/bin/python || $(PYTHON) -m venv $(SLITHER_VENV)
	$(SLITHER_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-slither.txt
	$(SLITHER_VENV)/bin/pip check
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

# Toxiproxy's server, for the multi-host tests: the links between the test hosts carry latency
# through it (the kernel has no sch_netem). `go install` names the binary after its package
# folder (cmd/server), so it is built into a folder of its own and renamed.
$(TOXIPROXY):
	@echo "building toxiproxy $(TOXIPROXY_VERSION) from the Go module proxy into .cache/bin (log in .cache/toxiproxy-build.log)"
	@mkdir -p .cache/bin .cache/go .cache/toxiproxy-build
	@$(GO_CACHES) GOBIN=$(CURDIR)/.cache/toxiproxy-build go install \
	    github.com/Shopify/toxiproxy/v2/cmd/server@$(TOXIPROXY_VERSION) > .cache/toxiproxy-build.log 2>&1 \
	    || { tail -20 .cache/toxiproxy-build.log; echo "toxiproxy build failed; full log in .cache/toxiproxy-build.log"; exit 1; }
	@mv .cache/toxiproxy-build/server $@ && rmdir .cache/toxiproxy-build
	@echo "built $@"

compile: $(TOOLS)
	brownie compile

# The compiled artifacts the web console's types are generated from (brownie leaves unchanged
# files alone, hence the touch).
build/contracts/Provenance.json: $(TOOLS) $(wildcard contracts/*.sol contracts/*/*.sol interfaces/*.sol)
	brownie compile
	touch $@

## ---- the web console (web/: its own package.json, package-lock.json and node_modules) --------

WEB_STAMP := web/node_modules/.installed
WEB_SOURCES := $(shell find web/src -type f 2>/dev/null) web/index.html web/vite.config.ts web/tsconfig.json $(wildcard web/scripts/*.mjs)
CHROMIUM := /usr/bin/chromium

$(WEB_STAMP): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Built once and again only when a source, a dependency or a contract's ABI changed.
web/dist/index.html: $(WEB_STAMP) build/contracts/Provenance.json $(WEB_SOURCES)
	cd web && npm run --silent build

web: web/dist/index.html

# Debian's Chromium for the browser tests (Playwright drives it; browser downloads do not work here).
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian's chromium (the web console's browser tests drive it)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	else echo "the web console's browser tests need Debian's Chromium: run  sudo apt-get install chromium"; exit 1; fi

# A Chinese font for the screenshots (readers' phones have one; a bare Debian has none, and the
# zh-CN pages would show empty boxes).
CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
$(CJK_FONT):
	@if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-wqy-microhei >/dev/null; \
	else echo "the Chinese screenshots need a CJK font: run  sudo apt-get install fonts-wqy-microhei"; exit 1; fi

# Screenshots of every page at desktop and phone width, for a person to look at.
screens: $(TOOLS) web/dist/index.html $(CHROMIUM) $(CJK_FONT)
	$(PYTEST) tests/web/screens.py

# The bundle's size and the verification page's first and cached load times: reports/web-load.md.
bench-web: $(TOOLS) web/dist/index.html $(CHROMIUM)
	$(PYTEST) tests/web/loadtime.py

## ---- the suite ------------------------------------------------------------------------------

# Contract tests run on both dev chains (Brownie starts and stops them); the library, CLI and
# EPCIS tests are plain pytest on their own anvil; integration tests start their own geth network.
PYTEST := $(BIN)/python -m pytest -p no:pytest-brownie -q

test: lint test-anvil test-ganache test-python test-integration test-web

# Slither over contracts/ (offline, through the solc-js wrapper); fails on any High or Medium
# finding that security/slither-triage.yaml does not accept with a reason.
lint: $(TOOLS) $(SLITHER_STAMP)
	$(BIN)/python -m pilotchain.devtools.slither_gate --slither $(SLITHER_VENV)/bin/slither

test-anvil: $(TOOLS)
	brownie test tests/unit --network pilot-anvil

test-ganache: $(TOOLS)
	brownie test tests/unit --network pilot-ganache

POSTGRES := /usr/lib/postgresql/15/bin/postgres

# Debian's PostgreSQL 15 server binaries, for the indexer's PostgreSQL tests (each test starts its
# own server on a Unix socket and stops it). Installed with apt when root; otherwise one line says how.
$(POSTGRES):
	@if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian's postgresql (the indexer's PostgreSQL tests start their own server)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null; \
	else echo "the indexer's PostgreSQL tests need Debian's PostgreSQL 15: run  sudo apt-get install postgresql"; exit 1; fi

test-python: $(TOOLS) $(POSTGRES)
	$(PYTEST) tests/library tests/epcis tests/indexer tests/api tests/gateway

# The multi-host scenarios (tests/integration/test_multihost.py) build network namespaces, so
# they need root; elsewhere they skip and say so.
test-integration: $(TOOLS) $(GETH) $(TOXIPROXY)
	$(PYTEST) tests/integration

# The console's TypeScript unit tests (vitest), then its pages in headless Chromium.
test-web: $(TOOLS) web/dist/index.html $(CHROMIUM)
	cd web && npm test --silent
	$(PYTEST) tests/web

# Line and branch coverage per contract from the Brownie suite, written to reports/coverage.md.
# build/tests.json is removed first: Brownie reuses per-transaction results cached there, and a
# run without coverage caches empty ones. Runs the whole suite with tracing (slow; not in `test`).
# A test that fails under coverage does not stop the report: it names the module and its failures
# (`make test` is the gate for failures).
COVERAGE_RUN = brownie test tests/unit --coverage -p pilotchain.devtools.brownie_coverage --network $(ANVIL_NETWORK)
coverage: $(TOOLS)
	rm -f build/tests.json
	-$(COVERAGE_RUN)
	$(BIN)/python -m pilotchain.devtools.coverage_report --command "$(COVERAGE_RUN)"

# The three hypothesis state machines with FUZZ_EXAMPLES examples each (CI runs them with 10).
FUZZ_EXAMPLES ?= 1000
fuzz: $(TOOLS)
	PILOTCHAIN_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) brownie test tests/unit/test_registry_stateful.py \
	    tests/unit/test_datasharing_stateful.py tests/unit/test_provenance_stateful.py \
	    --network $(ANVIL_NETWORK) --hypothesis-show-statistics

## ---- the pilot ------------------------------------------------------------------------------

demo: $(TOOLS) web/dist/index.html $(if $(filter pilot-poa poa,$(NETWORK)),$(GETH))
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
	brownie run scripts/bench_gas.py --network $(ANVIL_NETWORK)

bench-poa: $(TOOLS) $(GETH)
	$(BIN)/python -m pilotchain.bench.poa

# 5 validators on 5 namespaced hosts with Toxiproxy latency (root): start time, 1,000
# transactions, recovery after a partition heals; appended to reports/poa.md.
bench-multihost: $(TOOLS) $(GETH) $(TOXIPROXY)
	@if [ "$$(id -u)" != 0 ]; then echo "bench-multihost builds network namespaces: run  sudo make bench-multihost"; exit 1; fi
	$(BIN)/python -m pilotchain.bench.multihost

bench-council: $(TOOLS) $(GETH) $(TOXIPROXY)
	@if [ "$$(id -u)" != 0 ]; then echo "bench-council builds network namespaces: run  sudo make bench-council"; exit 1; fi
	$(BIN)/python -m pilotchain.bench.council

bench-pilot: $(TOOLS) $(GETH)
	$(BIN)/python -m pilotchain.bench.pilot

# 30 fresh starts and 30 restarts after SIGKILL of every node (none may stall), 8 forced
# deadlocks the backstop must recover, 10 runs of 1,000 transactions without a double seal (~20 min).
chain-soak: $(TOOLS) $(GETH)
	$(BIN)/python -m pilotchain.bench.soak

bench-indexer: $(TOOLS) $(POSTGRES)
	$(BIN)/python -m pilotchain.bench.indexer --postgres

bench-epcis-rest: $(TOOLS) $(POSTGRES)
	$(BIN)/python -m pilotchain.bench.epcis_rest --postgres

# Members, list views, admission, histories and traces at scale (reports/scale.md): on anvil, or
# with SCALE_NETWORK=<brownie network id> on that running network (e.g. a geth Clique network
# from `pilotchain chain init --dir …`; PILOTCHAIN_ACCOUNTS=<its dir>/accounts)
bench-scale: $(TOOLS)
	$(BIN)/python -m pilotchain.bench.scale $(if $(SCALE_NETWORK),--network $(SCALE_NETWORK))

# Small-file requests/s with the live chain check, its added latency (p50/p95), 100 MB
# throughput and receipt gas per delivery, against a fresh anvil (~1 minute).
bench-gateway: $(TOOLS)
	$(BIN)/python -m pilotchain.bench.gateway

clean:  # build output and the Go caches of the geth build (geth itself stays)
	rm -rf build .hypothesis .cache/toolchain.stamp .cache/geth-build.log .cache/toxiproxy-build.log web/dist
	chmod -R u+w .cache/go 2>/dev/null || true
	rm -rf .cache/go

clean-all: clean  # also geth and toxiproxy (a rebuild takes minutes)
	rm -f .cache/bin/geth .cache/bin/toxiproxy-server
