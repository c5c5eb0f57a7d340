# The two commands a user needs:
#   make run   starts the console (desktop window with the demo; headless hub + URL without a display)
#   make test  runs every test
# Both install what a fresh Debian 12 machine lacks: apt packages (as root, or via sudo),
# npm packages (npm ci), Rust crates (cargo).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CARGO ?= cargo
# The oldest Rust that builds the workspace (the PDF writer's minimum); Cargo.toml says the same.
RUST_MIN := 1.92
export CARGO_TARGET_DIR ?= $(CURDIR)/target
DEBUG_DIR := $(CARGO_TARGET_DIR)/debug
RELEASE_DIR := $(CARGO_TARGET_DIR)/release

# System packages: building the desktop shell, and running the browser/desktop tests.
BUILD_PACKAGES := build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev libgtk-3-dev \
	librsvg2-dev libayatana-appindicator3-dev libxdo-dev
# Zabbix 6.0 for its integration test; php8.2-cgi stands for the web server php8.2 asks
# for, so apt does not pull in Apache. A CJK font and pdftotext: the Chinese PDF reports
# and their tests.
TEST_PACKAGES := xvfb xauth x11-utils imagemagick chromium dbus curl jq prometheus-alertmanager prometheus prometheus-blackbox-exporter \
	postgresql-15 zabbix-server-pgsql zabbix-frontend-php php8.2-cgi php-cli php-pgsql \
	fonts-wqy-microhei poppler-utils

.PHONY: help run run-hub run-desktop test deps deps-test ui ui-deps build lint \
	test-rust test-ui test-e2e test-desktop bench clean-data

help:
	@echo "make run    start the console (demo network on first launch)"
	@echo "make test   run every test"
	@echo "make lint   formatting and lints (cargo fmt, clippy, svelte-check)"
	@echo "make bench  run the benchmarks (see bench/BENCHMARKS.md)"

# --- bootstrap -------------------------------------------------------------------

deps:
	@./.ci/apt-ensure $(BUILD_PACKAGES)
	@command -v node >/dev/null || ./.ci/apt-ensure nodejs npm
	@node -e 'const [M, m] = process.versions.node.split(".").map(Number); if (M < 20 || (M === 20 && m < 19)) { console.error("Node.js " + process.version + " is too old for the UI build: install Node.js 20.19 or newer."); process.exit(1) }'
	@command -v $(CARGO) >/dev/null || { echo "Rust is missing: install it with rustup (https://rustup.rs), then rerun."; exit 1; }
	@v=$$(rustc --version | cut -d' ' -f2); [ "$$(printf '%s\n' $(RUST_MIN) "$$v" | sort -V | head -1)" = $(RUST_MIN) ] || \
		{ echo "Rust $$v is too old: the build needs $(RUST_MIN) or newer (rustup update)."; exit 1; }

deps-test: deps
	@./.ci/apt-ensure $(TEST_PACKAGES)

ui/node_modules/.installed: ui/package-lock.json | deps
	cd ui && npm ci --no-audit --no-fund
	touch $@

ui-deps: ui/node_modules/.installed

ui: ui-deps
	cd ui && npm run build

tests/e2e/node_modules/.installed: tests/e2e/package-lock.json | deps
	cd tests/e2e && npm ci --no-audit --no-fund
	touch $@

# --- run ---------------------------------------------------------------------------

run:
	@if [ -n "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then $(MAKE) --no-print-directory run-desktop; \
	else echo "No display found: starting the headless hub; open the URL it prints in a browser."; \
	$(MAKE) --no-print-directory run-hub; fi

run-desktop: ui
	$(CARGO) build --release -p noc-desktop
	$(RELEASE_DIR)/noc-desktop

run-hub: ui
	$(CARGO) build --release -p noc-server
	$(RELEASE_DIR)/noc-server $(HUB_ARGS)

# --- test --------------------------------------------------------------------------

build: ui
	$(CARGO) build --workspace --all-targets

test: deps-test build test-ui test-rust test-e2e test-desktop
	@echo "All test stages passed."

test-ui: ui-deps
	cd ui && npm run check && npm test

test-rust: build
	$(CARGO) test --workspace --no-fail-fast

test-e2e: build tests/e2e/node_modules/.installed
	cd tests/e2e && NOC_SERVER_BIN=$(DEBUG_DIR)/noc-server npm test

test-desktop: build
	NOC_DESKTOP_BIN=$(DEBUG_DIR)/noc-desktop tests/desktop/smoke.sh
	NOC_DESKTOP_BIN=$(DEBUG_DIR)/noc-desktop tests/desktop/notify.sh
	NOC_DESKTOP_BIN=$(DEBUG_DIR)/noc-desktop NOC_SERVER_BIN=$(DEBUG_DIR)/noc-server tests/desktop/team_hub.sh

lint: ui-deps
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	cd ui && npm run check

bench: ui
	$(CARGO) bench -p noc-bench
