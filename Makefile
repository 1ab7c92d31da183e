# nnlab: the two set-up commands are `make run` and `make test`.
SWIFT ?= swift
# Compiler warnings fail the build.
STRICT = -Xswiftc -warnings-as-errors
EXPERIMENTS ?= experiments
# Release builds are compiled for the CPU of the machine that builds them, so
# that the kernels' SIMD vectors use its AVX2 or AVX-512 and its fused
# multiply-add (the compiler's default x86-64 target has SSE2 only, a quarter
# of the width): -target-cpu as clang resolves -march=native, with -D NNLAB_FMA
# and -D NNLAB_AVX512 when the CPU has them (Sources/NeuralNetwork/MatrixKernels.swift).
# arm64 always has fused multiply-add (clang defines __ARM_FEATURE_FMA), and
# the kernels take the fused path on arm64 in any build, so that arm64 and x86
# builds with FMA give the same bytes (docs/cluster.md).
# `make build TUNE=` builds for the default target: on x86-64 portable, slower,
# and with results that may differ from a tuned build's in the last bits.
CLANG ?= $(dir $(shell command -v $(SWIFT)))clang
NATIVE_CPU := $(shell $(CLANG) -march=native -### -c -x c /dev/null 2>&1 | sed -n 's/.*"-target-cpu" "\([^"]*\)".*/\1/p')
NATIVE_MACROS := $(shell $(CLANG) -march=native -dM -E -x c /dev/null 2>/dev/null)
NATIVE_FMA := $(or $(findstring __FMA__,$(NATIVE_MACROS)),$(findstring __ARM_FEATURE_FMA,$(NATIVE_MACROS)))
TUNE ?= $(if $(NATIVE_CPU),-Xswiftc -target-cpu -Xswiftc $(NATIVE_CPU)) \
	$(if $(NATIVE_FMA),-Xswiftc -DNNLAB_FMA) \
	$(if $(findstring __AVX512F__,$(NATIVE_MACROS)),-Xswiftc -DNNLAB_AVX512)
# The second x86-64 target the cross-CPU pass of `make test` builds for: a
# CPU with AVX2 and FMA (Haswell, 2013), whatever this machine's CPU is.
CROSS_TUNE = -Xswiftc -target-cpu -Xswiftc haswell -Xswiftc -DNNLAB_FMA

# The release tool is one static executable (-static-executable: the Swift
# runtime, Foundation with ICU's data, and the C library in one file of about
# 80 MB), at a fixed address. A process then starts without the dynamic
# loader: no shared libraries to map, no symbols to look up, no relocations to
# apply. Against the Swift libraries linked in and the C library shared (the
# link of 2026-12-02, --static-swift-stdlib -no-pie), `nnlab --help` takes
# 1.5 ms less (3.0 → 1.5 ms above /bin/true, medians of 150 alternating runs,
# Zen 5), and with the dynamic Swift libraries a process started in 11 ms.
# Nothing in nnlab needs what a static C library cannot do (look up users or
# hosts through NSS, load code with dlopen); the linker's warnings about them
# are for Foundation functions nnlab does not call. What is given up is
# address-space layout randomisation of the tool's own code, which reads only
# local files.
# The static link needs the C and C++ libraries' static archives (libc.a and
# libstdc++.a: Debian's libc6-dev and libstdc++-dev have them; Red Hat's
# glibc-static and libstdc++-static, often not installed). Where clang finds
# neither archive, or off Linux, the Swift libraries are linked in and the C
# library shared (--static-swift-stdlib, -no-pie), which needs only the toolchain.
# `make build LINK=` links dynamically, and as position-independent code.
STATIC_LIBC := $(filter /%,$(shell $(CLANG) -print-file-name=libc.a 2>/dev/null))
STATIC_LIBCXX := $(filter /%,$(shell $(CLANG) -print-file-name=libstdc++.a 2>/dev/null))
LINK ?= $(if $(and $(filter Linux,$(shell uname -s)),$(STATIC_LIBC),$(STATIC_LIBCXX)),-Xswiftc -static-executable,\
	--static-swift-stdlib -Xswiftc -Xclang-linker -Xswiftc -no-pie)

.PHONY: build run test bench clean screenshots tour

## build: the release build of the nnlab tool (.build/release/nnlab)
build:
	$(SWIFT) build -c release $(LINK) $(STRICT) $(TUNE) --product nnlab

## run: build, then run every experiment in experiments/
run: build
	.build/release/nnlab run $(EXPERIMENTS)

## test: the debug pass (a debug build without warnings, every test); then,
## when TUNE is set (clang names this machine's CPU, as it almost always does),
## the tuned pass on a build with TUNE, so that the kernel paths `make run` and
## `make bench` take (fused multiply-add, AVX-512) are tested too; then, on an
## x86-64 CPU with AVX2 and FMA, the cross-CPU pass: experiments/ trained by a
## release build for this CPU and one for haswell, whole and as shards split
## between the two, must give the same bytes (scripts/cross-cpu-check).
## scripts/quiet-test prints only failures and each pass's closing lines; the
## whole output is in .build-logs/.
QUIET = scripts/quiet-test
test:
	@echo "debug pass: building (the first build takes a few minutes) and running every test"
	@$(QUIET) debug build $(SWIFT) build --build-tests $(STRICT)
	@$(QUIET) debug test $(SWIFT) test --skip-build --disable-swift-testing
ifneq ($(strip $(TUNE)),)
	@echo "tuned pass: building for this CPU ($(NATIVE_CPU)) and running every test"
	@$(QUIET) tuned build $(SWIFT) build --build-tests --scratch-path .build-tuned $(STRICT) $(TUNE)
	@$(QUIET) tuned test $(SWIFT) test --skip-build --scratch-path .build-tuned --disable-swift-testing
endif
ifneq ($(and $(findstring __AVX2__,$(NATIVE_MACROS)),$(findstring __FMA__,$(NATIVE_MACROS))),)
	@echo "cross-CPU pass: release builds for this CPU ($(NATIVE_CPU)) and for haswell give the same results"
	@$(QUIET) cross-native build $(SWIFT) build -c release $(LINK) $(STRICT) $(TUNE) --product nnlab
	@$(QUIET) cross-haswell build $(SWIFT) build -c release $(LINK) --scratch-path .build-haswell $(STRICT) $(CROSS_TUNE) --product nnlab
	@scripts/cross-cpu-check .build/release/nnlab .build-haswell/release/nnlab
endif

## bench: time per training step on the workloads of SPEC §8, then the whole
## `nnlab run` process on bench/workloads/ (release builds of nnlab-bench and
## nnlab, with TUNE as `make build`); BENCH_FLAGS passes options (--json,
## --quick, --per-step, --whole-process, --long, workload names); bench/peers.py
## runs it side by side with PyTorch and scikit-learn
bench:
	$(SWIFT) build -c release $(LINK) $(STRICT) $(TUNE) --product nnlab
	$(SWIFT) build -c release $(LINK) $(STRICT) $(TUNE) --product nnlab-bench
	NNLAB_BUILD="$(strip $(LINK) $(TUNE))" .build/release/nnlab-bench $(BENCH_FLAGS)

## screenshots: render results/index.html and every report in headless
## Chromium to PNG under results/screenshots/ (installs chromium when missing)
screenshots:
	scripts/screenshots results

## tour: copy the README's pictures (docs/*.svg) from the reports in results/
tour:
	scripts/tour results

## clean: remove build products (results/ is kept)
clean:
	rm -rf .build .build-tuned .build-haswell
