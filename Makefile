# workbench: `make verify` and `make test` set up a fresh Debian machine and run everything.
SHELL := /bin/bash
SWIFT ?= swift
APT_PACKAGES := liblapacke-dev libgsl-dev libopenblas-dev pkg-config
# What the tests need beyond the build: coq checks proofs/coq on every `make test`;
# python3-venv sets up .venv-notebooks, in which `make test` executes the notebooks;
# slurm-wlm and munge run the sweep test on a real one-node Slurm.
TEST_APT_PACKAGES := coq python3-venv slurm-wlm munge
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Tests assert rates from real experiments; unoptimised Swift is 10-100x slower at them,
# so tests build in release mode too (SwiftPM keeps testable imports enabled).
TEST_FLAGS ?= -c release
BIN := .build/release/workbench

.PHONY: deps test-deps apt-install build verify test proofs notebooks bench mutants clean

deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(APT_PACKAGES)"

test-deps: deps
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(TEST_APT_PACKAGES)" APT_FLAGS=--no-install-recommends

# Installs whichever of $(PACKAGES) are missing (coq without recommends, which would pull in an IDE).
apt-install:
	@missing=""; \
	for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(APT_FLAGS) $$missing; \
	fi

build: deps
	$(SWIFT) build -c release --product workbench

verify: build
	$(BIN) verify all

# The notebooks' venv is set up in the background from the start: it is mostly download and unpacking,
# which the build and the tests leave room for. The Coq proofs (one core, about 10 s) are checked beside
# the build, whose module chain often leaves a core idle; a failed proof still fails make test.
# The tests' one verify-all run writes to WORKBENCH_SHARED_RECORDS, where the notebooks read it.
# scripts/check-mutants.sh then checks that every mutant patch still applies and names a built test (seconds).
test: export WORKBENCH_SHARED_RECORDS := $(CURDIR)/notebooks/out/shared-verify-all
test: test-deps
	rm -rf "$$WORKBENCH_SHARED_RECORDS"; mkdir -p notebooks/out; bash scripts/notebooks-venv.sh > notebooks/out/venv-setup.txt 2>&1 & venv=$$!; \
	bash scripts/check-proofs.sh > notebooks/out/proofs.txt 2>&1 & proofs=$$!; \
	OPENBLAS_NUM_THREADS=1 $(SWIFT) test $(TEST_FLAGS); status=$$?; \
	SWIFT=$(SWIFT) bash scripts/check-mutants.sh $(TEST_FLAGS) || status=1; \
	wait $$proofs || status=1; cat notebooks/out/proofs.txt; \
	wait $$venv; cat notebooks/out/venv-setup.txt; exit $$status
	bash scripts/run-notebooks.sh

# Venv from notebooks/requirements.txt, quick-mode records, every notebooks/*.ipynb executed:
# executed copies, HTML, figures/*.png and report.md under notebooks/out/ (git-ignored).
notebooks: build
	@$(MAKE) --no-print-directory apt-install PACKAGES=python3-venv APT_FLAGS=--no-install-recommends
	bash scripts/run-notebooks.sh

# Machine-checks proofs/coq: fails on a coqc error, an unfinished proof or an axiom beyond the standard library's.
proofs: test-deps
	bash scripts/check-proofs.sh

# The mutant suite (not part of `make test`): each Tests/Mutants/*.patch is a deliberate bug that the
# test named in its header must catch; prints caught/survived and fails below a 90% score.
mutants: deps
	bash scripts/mutants.sh

# Throughput against numpy anchors measured in the same run (bench/*.py in .venv-bench, pinned by
# bench/requirements.txt) and benchopt's quoted figures: one table per area with ratio, goal and met / not met.
bench: deps
	@$(MAKE) --no-print-directory apt-install PACKAGES=python3-venv APT_FLAGS=--no-install-recommends
	$(SWIFT) build -c release --product workbench-bench
	bash scripts/bench.sh

clean:
	rm -rf .build results notebooks/out
