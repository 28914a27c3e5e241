# workbench: `make verify` and `make test` set up a fresh Debian machine and run everything.
SHELL := /bin/bash
SWIFT ?= swift
APT_PACKAGES := liblapacke-dev libgsl-dev libopenblas-dev pkg-config
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Tests assert rates from real experiments; unoptimised Swift is 10-100x slower at them,
# so tests build in release mode too (SwiftPM keeps testable imports enabled).
TEST_FLAGS ?= -c release
BIN := .build/release/workbench

.PHONY: deps build verify test bench clean

deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build -c release --product workbench

verify: build
	$(BIN) verify all

test: deps
	OPENBLAS_NUM_THREADS=1 $(SWIFT) test $(TEST_FLAGS)

bench: deps
	$(SWIFT) build -c release --product workbench-bench
	.build/release/workbench-bench

clean:
	rm -rf .build results
