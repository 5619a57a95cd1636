# shequ — every task a person, the README and CI run. `make help` lists them.
.DEFAULT_GOAL := help
SHELL := /bin/bash
CARGO ?= cargo

.PHONY: help demo test fmt fmt-check clippy unit lint-policies bench-build bench wasm-check wasm wasm-test browser-deps python-test python-wheel python-notebook

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

demo: ## the main job: check the sample roster against the bundled 西安 and 毕节 policies (as of 2024-06-30)
	$(CARGO) run -q -p shequ-cli -- check --policy xian-2023 --policy bijie-2017 --as-of 2024-06-30 examples/roster.csv

test: fmt-check clippy unit lint-policies bench-build wasm-check python-test ## every test (installs what it needs)
	@echo "all checks passed"

fmt: ## format the code
	$(CARGO) fmt --all

fmt-check: ## check formatting
	$(CARGO) fmt --all -- --check

clippy: ## lints, warnings are errors
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

unit: ## unit, integration, property, snapshot, conformance and CLI tests (the bindings have their own)
	INSTA_UPDATE=no $(CARGO) test --workspace --locked --exclude shequ-python --exclude shequ-wasm

lint-policies: ## lint the policy files on disk (quotes checked against policies/sources)
	$(CARGO) run -q -p shequ-cli --locked -- lint policies

bench-build: ## the benchmarks compile (their times are not judged here)
	$(CARGO) bench -p shequ-bench --no-run --locked

bench: ## run the criterion benchmarks (several minutes; see benches/README.md)
	$(CARGO) bench -p shequ-bench

wasm-check: ## build the core for wasm32-unknown-unknown (installs Debian's toolchain if needed)
	bash scripts/check-wasm.sh

wasm: ## build the npm package `shequ` (WebAssembly, form + editor modules) into bindings-wasm/pkg
	bash scripts/build-wasm.sh

browser-deps: ## install Chromium, a Chinese font and playwright-core for the browser test
	bash scripts/browser-deps.sh

wasm-test: wasm browser-deps ## test the built package: Node (import, require), TypeScript types, a browser page
	bash scripts/wasm-test.sh

python-test: ## install the Python package from source into a fresh venv and test the installed wheel
	bash scripts/python.sh test

python-wheel: ## a portable Python wheel (manylinux2014, through maturin --zig) in target/wheels
	bash scripts/python.sh wheel

python-notebook: ## re-run the example notebook (bindings-python/examples) and keep its outputs
	bash scripts/python.sh notebook
