# Coat Tail Capital: the two commands a new user needs are `make demo` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -Eeuo pipefail -c
.DEFAULT_GOAL := help

JOBS ?= 2
FUZZ_SECONDS ?= 600
COATTAIL_CACHE ?= $(HOME)/.cache/coattail
export COATTAIL_CACHE

.PHONY: help deps tools build build-asan demo test test-unit test-bench-tooling infra-check provider bench fuzz \
        format lint clean e2e-infra test-scripts emulator

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

deps: ## Install the Debian packages the engine needs (apt-get; idempotent)
	@tools/deps.sh

# The hashicorp/aws 6.x build from the Go module proxy takes over an hour on two cores, longer than
# CI's budget on a new machine, so `make tools` uses the 5.100.0 mirror; `make provider` builds 6.x
# (see infra/README.md).
tools: ## Install the pinned infrastructure toolchain into $(COATTAIL_CACHE)
	@tools/bootstrap.sh --skip-provider

provider: ## Build hashicorp/aws 6.x from the Go module proxy into the provider mirror (slow)
	@tools/bootstrap.sh

# Only the CLI: the tests are built and run under the asan preset.
build: deps ## Release build: build/release/coattail
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS) --target coattail

build-asan: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)

demo: build ## Simulate a market, score it, print the leaderboard and the evaluation
	@build/release/coattail demo

# The AWS tests run against moto from the emulator's pinned venv, and must not skip.
test-unit: build-asan ## Unit, property and end-to-end tests under ASan + UBSan
	@venv="$$(tests/emulator/emulator.sh venv)"; \
	  COATTAIL_EMULATOR_PYTHON="$$venv/bin/python" COATTAIL_REQUIRE_EMULATOR=1 \
	  ctest --preset asan -j $(JOBS)

emulator: ## Prepare the local AWS emulator's venv (moto, pinned); see tests/emulator/README.md
	@tests/emulator/emulator.sh venv

# One more cycle only when the failure is the emulator's known duplicate create (a create request
# the SDK retried after the emulator had already stored it: "already exists" for a resource the
# stack had just destroyed or never made). Any other failure fails at once; the first attempt's
# output stays above the second's. See tests/emulator/README.md, "Known emulator flake".
e2e-infra: tools build-asan ## Apply, re-plan, assert, run the engine on Kinesis/DynamoDB, destroy (emulator)
	@log="$$(mktemp)"; trap 'rm -f "$$log"' EXIT; \
	if COATTAIL_BIN=build/asan/coattail tests/emulator/e2e_infra.sh 2>&1 | tee "$$log"; then exit 0; fi; \
	if ! grep -qE '(ResourceInUseException|EntityAlreadyExists|ResourceConflictException).*already exists' "$$log"; then exit 1; fi; \
	echo "e2e-infra: attempt 1 FAILED on the emulator's duplicate create (above); running the cycle once more"; \
	COATTAIL_BIN=build/asan/coattail tests/emulator/e2e_infra.sh

test-scripts: deps tools ## shellcheck + bats: scripts/ and the shell library, tools/, the emulator harness, infra-check
	@shellcheck -x scripts/*.sh scripts/lib/*.sh tools/*.sh tests/emulator/*.sh \
	  tests/emulator/stack_hooks/*.sh tests/infra/*.sh
	@eval "$$(tools/bootstrap.sh --print-env)"; bats tests/emulator/emulator.bats scripts/tests \
	  tests/infra/infra_check.bats

infra-check: tools ## Terraform fmt/validate/test, tflint, trivy, checkov, terraform-docs
	@tests/infra/infra_check.sh

test-bench-tooling: ## The benchmark's DuckDB reference and comparison tooling (pytest)
	@tests/bench/run_bench.sh --selftest

# `demo` first: the README's first command, from a release build, on the machine CI gave us.
test: demo test-unit test-bench-tooling infra-check test-scripts e2e-infra ## Everything CI runs

bench: build ## Engine vs DuckDB on >= 10M events (one core)
	@tests/bench/run_bench.sh

fuzz: deps ## libFuzzer on the event parser for FUZZ_SECONDS (default 600)
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS) --target parser_fuzzer
	@mkdir -p build/fuzz/corpus
	@build/fuzz/src/coattail/event/parser_fuzzer -max_total_time=$(FUZZ_SECONDS) \
	  -print_final_stats=1 build/fuzz/corpus fuzz/corpus/parser

format: ## clang-format every C++ file in place
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

lint: build ## clang-tidy on the sources; ruff, mypy and shellcheck on the tooling
	@git ls-files 'src/*.cc' 'apps/*.cc' | grep -v '_test.cc$$' | \
	  xargs clang-tidy -p build/release --quiet
	@tests/bench/run_bench.sh --lint
	@git ls-files '*.sh' .ci/run | xargs shellcheck -x
	@git ls-files 'tests/emulator/*.py' | xargs $(COATTAIL_CACHE)/venv-bench/bin/ruff check \
	  --config tests/emulator/ruff.toml

clean: ## Remove build outputs
	@rm -rf build out
