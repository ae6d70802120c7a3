# Makefile - thin wrapper over Meson: `make` builds build/hanipo, `make run` starts the honeypot on
# the shipped config, `make test` runs every test (plain and ASan+UBSan builds) and ends with
# "N passed, N failed".
BUILD      ?= build
BUILD_ASAN ?= build-asan
CONFIG     ?= data/hanipo.conf
PYTEST     := /usr/bin/python3 -m pytest

.PHONY: all build run test deps-run deps-test unit e2e asan fuzz lint bench clean geoip

all: build

deps-run:
	@sh tools/deps.sh run

deps-test:
	@sh tools/deps.sh test

$(BUILD)/build.ninja:
	meson setup $(BUILD) -Doptimization=3 -Db_lto=true

build: deps-run $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD_ASAN)/build.ninja:
	CC=clang meson setup $(BUILD_ASAN) -Db_sanitize=address,undefined -Db_lundef=false \
	    -Dbuildtype=debug

run: build
	mkdir -p var
	./$(BUILD)/hanipo run -c $(CONFIG)

# UBSan only prints by default: make undefined behaviour fail the test that hits it.
UBSAN_ENV  := UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

# Every suite runs even when an earlier one fails; tools/test-summary.py adds them up.
test: deps-test build $(BUILD_ASAN)/build.ninja
	ninja -C $(BUILD_ASAN)
	@rm -rf $(BUILD)/test-results && mkdir -p $(BUILD)/test-results
	-meson test -C $(BUILD) --suite unit --suite fuzz --print-errorlogs
	-$(UBSAN_ENV) meson test -C $(BUILD_ASAN) --suite unit --suite fuzz --print-errorlogs
	-HANIPO_BIN=$(CURDIR)/$(BUILD)/hanipo $(PYTEST) -q tests/e2e \
	    --junitxml=$(BUILD)/test-results/e2e.xml
	-$(UBSAN_ENV) HANIPO_BIN=$(CURDIR)/$(BUILD_ASAN)/hanipo HANIPO_ASAN=1 $(PYTEST) -q tests/e2e \
	    -m "not slow" --junitxml=$(BUILD)/test-results/e2e-asan.xml
	@/usr/bin/python3 tools/test-summary.py $(BUILD)/meson-logs/testlog.json \
	    $(BUILD_ASAN)/meson-logs/testlog.json $(BUILD)/test-results/e2e.xml \
	    $(BUILD)/test-results/e2e-asan.xml

unit: build
	meson test -C $(BUILD) --suite unit --suite fuzz --print-errorlogs

e2e: build
	HANIPO_BIN=$(CURDIR)/$(BUILD)/hanipo $(PYTEST) -q tests/e2e

lint:
	@sh tools/lint-banned.sh

# Country database and ASN ranges from ip-location-db (npm pack), into var/geo/; then
# `./build/hanipo geo import` loads the ranges into the store.
geoip:
	@sh tools/deps.sh geo
	sh tools/geoip.sh var/geo

bench: build
	sh bench/http.sh
	bash bench/rss.sh

clean:
	rm -rf $(BUILD) $(BUILD_ASAN)
