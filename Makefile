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
# so tests build in release mode too (with testable imports: TEST_BUILD_FLAGS below).
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

# make test keeps both cores busy from start to end:
# - the notebooks' venv (download, unpacking) and the Coq proofs (one core, about 10 s) run from the start at the
#   lowest priority (nice 19), so they take the CPU the build's module chain leaves idle instead of delaying it;
# - the build is a step of its own (testability on, as swift test -c release builds it), so that the notebooks'
#   non-claim records (scripts/notebook-records.sh, about 25 s of CPU) start when it ends, at nice 19, beside the tests;
# - the notebooks run as soon as the tests' one verify-all run has written its records (WORKBENCH_SHARED_RECORDS),
#   at normal priority (a starved Jupyter kernel would time out), or after the tests if that run never completes.
# - once the venv is ready, scripts/check-mnist1d.sh regenerates data/mnist1d* with the pinned reference generator
#   (about 10 s of CPU, nice 19) and compares the bytes; where Python cannot be set up it prints one SKIPPED line.
# A failed proof, record, notebook or MNIST-1D regeneration still fails make test; each one's output is printed after the tests'.
# The tests' temporary files and folders (hundreds per run: processes' working folders, sweeps, a one-node Slurm)
# go into one folder of their own, removed when the tests pass and kept, with its name printed, when they fail.
# (The Slurm tests' one-node cluster is not in it: slurmstepd's socket paths must fit in 107 bytes, so that cluster
# lives in a short folder of its own under /tmp, whatever TMPDIR is.)
# scripts/check-mutants.sh then checks that every mutant patch still applies and names a built test (seconds).
# The test build carries no debug info: DWARF cost 24 s of the build's 208 s of CPU, and the code and the records
# are the same without it (verify all --quick: byte-identical). A trap still names its function, without a line.
TEST_BUILD_FLAGS := $(TEST_FLAGS) -Xswiftc -enable-testing -debug-info-format none
test: export WORKBENCH_SHARED_RECORDS := $(CURDIR)/notebooks/out/shared-verify-all
test: export WORKBENCH_NOTEBOOK_RECORDS := $(CURDIR)/notebooks/out/early-records
test: test-deps
	rm -rf "$$WORKBENCH_SHARED_RECORDS" "$$WORKBENCH_NOTEBOOK_RECORDS" notebooks/out/.tests-done; mkdir -p notebooks/out; \
	{ nice -n 19 bash scripts/notebooks-venv.sh > notebooks/out/venv-setup.txt 2>&1; \
	  nice -n 19 bash scripts/check-mnist1d.sh > notebooks/out/mnist1d.txt 2>&1; } & venv=$$!; \
	nice -n 19 bash scripts/check-proofs.sh > notebooks/out/proofs.txt 2>&1 & proofs=$$!; \
	notebooks=; $(SWIFT) build $(TEST_BUILD_FLAGS) --build-tests; status=$$?; \
	if [ $$status -eq 0 ]; then \
		{ nice -n 19 bash scripts/notebook-records.sh "$$WORKBENCH_NOTEBOOK_RECORDS/results" "$$WORKBENCH_NOTEBOOK_RECORDS"; \
		  until [ -f "$$WORKBENCH_SHARED_RECORDS/complete" ] || [ -f notebooks/out/.tests-done ]; do sleep 1; done; \
		  bash scripts/run-notebooks.sh; } > notebooks/out/notebooks.txt 2>&1 & notebooks=$$!; \
		tmp=$$(mktemp -d "$${TMPDIR:-/tmp}/wbXXXXXX"); \
		if OPENBLAS_NUM_THREADS=1 TMPDIR=$$tmp $(SWIFT) test $(TEST_BUILD_FLAGS) --skip-build; then rm -rf "$$tmp"; \
		else status=1; echo "make test: the tests' temporary files are kept in $$tmp"; fi; \
		touch notebooks/out/.tests-done; \
		SWIFT=$(SWIFT) bash scripts/check-mutants.sh $(TEST_BUILD_FLAGS) || status=1; \
	fi; \
	wait $$proofs || status=1; cat notebooks/out/proofs.txt; \
	wait $$venv || status=1; cat notebooks/out/venv-setup.txt notebooks/out/mnist1d.txt; \
	[ -z "$$notebooks" ] || { wait $$notebooks || status=1; cat notebooks/out/notebooks.txt; }; \
	exit $$status

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
