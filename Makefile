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
# The native layer's limits and defaults, generated from src/limits.ts (committed, so that builds
# of other commits and nvcc need no generator; a test fails when it is stale).
LIMITS_H := kernels/include/writeprof/limits.h
# The host SIMT emulator: kernels/cuda compiled by g++ against kernels/emu, plain and instrumented
# for `writeprof check` (kernels/emu/build.mk); the program hooks of `writeprof emu build`.
EMU_LIBS := out/emu/libwpemu_rt.a out/emu/libwpemu_cuda.a out/emu/libwpemu_cuda_check.a out/emu/libwpemu_check.a \
  out/emu/wpemu_program.o out/emu/wpemu_check_program.o
EMU_SRC := $(CUDA_SRC) $(shell find kernels/emu -type f 2>/dev/null)
NPROC := $(shell nproc 2>/dev/null || echo 2)

.PHONY: build deps ts addon cuda emu run test gate bench sanitize clean slurm-deps peer-deps redis-deps browser-deps schemas

build: ts addon

$(LIMITS_H): src/limits.ts scripts/gen-native.mjs | $(DEPS_STAMP)
	node scripts/gen-native.mjs

# The occupancy model's per-SM limits for the emulator's cudaOccupancy* (committed, like limits.h).
ARCH_LIMITS_H := kernels/emu/include/wpemu/arch_limits.h
$(ARCH_LIMITS_H): src/occupancy/occupancy.ts scripts/gen-occupancy.mjs scripts/gen-native.mjs | $(DEPS_STAMP)
	node scripts/gen-occupancy.mjs

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

# The peers are part of the addon: hiredis (Debian libhiredis-dev) is linked in and
# libcuckoo (libcuckoo-dev, header-only) compiled in; redis-server (Debian redis-server) is what
# `run` and `test` start. Each is installed with apt-get when missing (`apt-get update` only if the
# first try fails), as on a fresh CI machine.
apt_install = apt-get install -y --no-install-recommends $(1) || { apt-get update && apt-get install -y --no-install-recommends $(1); }
peer-deps:
	@test -f /usr/include/hiredis/hiredis.h -a -f /usr/include/libcuckoo/cuckoohash_map.hh || $(call apt_install,libhiredis-dev libcuckoo-dev)
redis-deps:
	@command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null || $(call apt_install,redis-server redis-tools)

# One rule makes the emulator's libraries; the sub-make rebuilds only the objects whose inputs
# changed. kernels/cuda is built by `writeprof emu build` (the CUDA translation), hence dist/.
$(EMU_LIBS) &: $(EMU_SRC) $(TS_OUT)
	$(MAKE) --no-print-directory -j$(NPROC) -f kernels/emu/build.mk
emu: $(EMU_LIBS)

# node-gyp builds the addons: writeprof.node (cpu, cuda, peers), writeprof_emu.node (cuda-emu) and
# writeprof_check.node (cuda-emu with the instrumented kernels: `writeprof check`).
$(ADDON): $(DEPS_STAMP) $(NATIVE_SRC) $(ADDON_DEPS) $(EMU_LIBS) | peer-deps
	npx node-gyp rebuild -j $(NPROC) --nodedir=$(NODEDIR) -- -Dwith_cuda=$(WITH_CUDA) -Dcuda_home=$(CUDA_HOME)
addon: $(ADDON)

# The main job: the default profile on the best available backend, then the story's Epic 2 reference:
# batch 1,000 x 64 B on every strategy beside Redis (and libcuckoo), "Optimized vs Redis" in its table.
run: build redis-deps
	./bin/writeprof run
	./bin/writeprof run --mode batch --batch-size 1000 --value-size 64 --peer redis,libcuckoo

test: build slurm-deps redis-deps browser-deps
	npx vitest run

# The HTML report's test opens it in Debian's headless Chromium.
browser-deps:
	@command -v chromium >/dev/null || { export DEBIAN_FRONTEND=noninteractive; $(call apt_install,chromium); }

# schemas/: the JSON Schemas of results, compare, validate and ab-counts documents, from the code's zod schemas
# (committed; tests/schemas fails when they are stale).
schemas: ts
	node scripts/gen-schemas.mjs

# The fleet tests run a real single-node Slurm cluster (tests/slurm/cluster.ts starts and
# stops it). Debian's daemons and clients, installed when missing; nothing is started here.
SLURM_PKGS := slurmctld slurmd slurm-client munge
slurm-deps:
	@PATH="$$PATH:/usr/sbin:/sbin"; for b in slurmctld slurmd sbatch munged; do command -v $$b >/dev/null || missing=1; done; \
	test -z "$$missing" || DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(SLURM_PKGS) \
	  || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(SLURM_PKGS); }

clean:
	rm -rf dist build out

# The peer benchmark: the CPU strategies vs libcuckoo and memcpy bandwidth (a few minutes).
# libcuckoo is header-only, from Debian's libcuckoo-dev; BENCH_ARGS=--quick for a smoke run.
bench: build redis-deps
	node bench/run.mjs $(BENCH_ARGS)
	node bench/redis/run.mjs $(BENCH_ARGS)

# The sanitizers: the native vitest tests against an ASan+UBSan addon, and a TSan driver of
# the concurrent strategies. Builds only under out/sanitize/ (build/Release/writeprof.node is untouched).
sanitize: $(DEPS_STAMP) $(LIMITS_H) redis-deps | peer-deps
	bash scripts/sanitize.sh

# The regression gate: `writeprof ab` of this checkout against GATE_BASE (default: the
# merge-base with main; on main, HEAD~1), both addons built CPU-only by ab itself and cached in
# out/ab-builds/; exit 1 on a regression. GATE_BASELINE=<file> compares with a committed baseline
# instead (fixed fleets), which needs the full build.
gate: ts $(LIMITS_H)
	bash scripts/gate.sh
