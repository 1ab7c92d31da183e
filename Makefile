# nnlab: the two set-up commands are `make run` and `make test`.
SWIFT ?= swift
# Compiler warnings fail the build.
STRICT = -Xswiftc -warnings-as-errors
EXPERIMENTS ?= experiments

.PHONY: build run test bench clean

## build: the release build of the nnlab tool (.build/release/nnlab)
build:
	$(SWIFT) build -c release $(STRICT) --product nnlab

## run: build, then run every experiment in experiments/
run: build
	.build/release/nnlab run $(EXPERIMENTS)

## test: build everything in debug without warnings and run every test
test:
	$(SWIFT) build --build-tests $(STRICT)
	$(SWIFT) test --skip-build --disable-swift-testing

## bench: time per training step on the workloads of SPEC §8 (release build);
## BENCH_FLAGS passes options (--json, --quick, workload names); bench/peers.py
## runs it side by side with PyTorch and scikit-learn
bench:
	$(SWIFT) build -c release $(STRICT) --product nnlab-bench
	.build/release/nnlab-bench $(BENCH_FLAGS)

## clean: remove build products (results/ is kept)
clean:
	rm -rf .build
