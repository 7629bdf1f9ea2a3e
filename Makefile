# writeprof: every command a user needs. `make run` and `make test` work on a fresh clone.
SHELL := /bin/bash
.DEFAULT_GOAL := build

NODE_BIN := $(shell command -v node)
# Node's own headers ship with the system Node; pointing node-gyp at them means no download.
NODEDIR ?= $(patsubst %/bin/node,%,$(NODE_BIN))
NVCC ?= $(shell command -v nvcc 2>/dev/null)
WITH_CUDA := $(if $(NVCC),1,0)
# nvcc names its own install root (TOP=...): /usr/local/bin/nvcc may be a wrapper script, not a link.
CUDA_HOME ?= $(if $(NVCC),$(realpath $(shell $(NVCC) -v --dryrun -c -x cu /dev/null -o /dev/null 2>&1 | sed -n 's/^\#\$$ TOP=//p')))

DEPS_STAMP := node_modules/.writeprof-deps
TS_OUT := dist/cli.js
ADDON := build/Release/writeprof.node
CUDA_LIB := out/cuda/libwpcuda.a
TS_SRC := $(shell find src -name '*.ts' 2>/dev/null)
NATIVE_SRC := $(shell find kernels -name '*.h' -o -name '*.cc' 2>/dev/null) binding.gyp
CUDA_SRC := $(shell find kernels/cuda kernels/include -name '*.cu' -o -name '*.cuh' -o -name '*.h' 2>/dev/null)

.PHONY: build deps ts addon cuda run test gate bench sanitize clean

build: ts addon

$(DEPS_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@
deps: $(DEPS_STAMP)

$(TS_OUT): $(DEPS_STAMP) $(TS_SRC) tsconfig.json
	npx tsc -p tsconfig.json
	touch $@
ts: $(TS_OUT)

ifeq ($(WITH_CUDA),1)
$(CUDA_LIB): $(CUDA_SRC) scripts/build-cuda.sh scripts/ptxas-to-json.mjs
	CUDA_HOME=$(CUDA_HOME) NVCC=$(NVCC) bash scripts/build-cuda.sh
cuda: $(CUDA_LIB)
ADDON_DEPS := $(CUDA_LIB)
else
cuda:
	@echo "nvcc not found: building the CPU backend only"
ADDON_DEPS :=
endif

$(ADDON): $(DEPS_STAMP) $(NATIVE_SRC) $(ADDON_DEPS)
	npx node-gyp rebuild --nodedir=$(NODEDIR) -- -Dwith_cuda=$(WITH_CUDA) -Dcuda_home=$(CUDA_HOME)
addon: $(ADDON)

# The main job: the default profile on the best available backend.
run: build
	./bin/writeprof run

test: build
	npx vitest run

clean:
	rm -rf dist build out

# Issue 6's benchmark: the CPU strategies vs libcuckoo and memcpy bandwidth (a few minutes).
# libcuckoo is header-only, from Debian's libcuckoo-dev; BENCH_ARGS=--quick for a smoke run.
bench: build
	@test -d /usr/include/libcuckoo || apt-get install -y libcuckoo-dev || { apt-get update && apt-get install -y libcuckoo-dev; }
	node bench/run.mjs $(BENCH_ARGS)

# Issue 5's sanitizers: the native vitest tests against an ASan+UBSan addon, and a TSan driver of
# the concurrent strategies. Builds only under out/sanitize/ (build/Release/writeprof.node is untouched).
sanitize: $(DEPS_STAMP)
	bash scripts/sanitize.sh

# The regression gate (issues 3, 12): `writeprof ab` of this checkout against GATE_BASE (default: the
# merge-base with main; on main, HEAD~1), both addons built CPU-only by ab itself and cached in
# out/ab-builds/; exit 1 on a regression. GATE_BASELINE=<file> compares with a committed baseline
# instead (fixed fleets), which needs the full build.
gate: ts
	bash scripts/gate.sh
