# The host SIMT emulator (run from the repository root by the top Makefile, in parallel):
#   out/emu/libwpemu_rt.a          the emulated CUDA runtime (kernels/emu/src)
#   out/emu/libwpemu_cuda.a        kernels/cuda/*.cu built by `writeprof emu build -c` (the CUDA
#                                  translation, then g++) against it, and the addon's entry
#   out/emu/libwpemu_cuda_check.a  the same kernels/cuda/*.cu built by `writeprof emu build -c
#                                  --instrument` (-fsanitize=thread without libtsan: every access
#                                  calls the hooks of kernels/emu/check)
#   out/emu/libwpemu_check.a       `writeprof check`'s hooks and tools, the memory-traffic counter
#                                  (kernels/emu/traffic), and the addon's entry (not instrumented)
#   out/emu/wpemu_program.o        linked into programs `writeprof emu build` makes (settings from the
#                                  environment, faults on stderr)
#   out/emu/wpemu_check_program.o  and into those built with --instrument: the checker's tools from
#                                  the environment, its report at exit (kernels/emu/program/check.cc)
# The same .cu sources nvcc builds, unchanged: no kernel is copied. Dependencies come from -MMD/-MD.
OUT := out/emu
CXX ?= g++
EMU_CXXFLAGS := -std=c++20 -O2 -g -fPIC -pthread -DWP_CUDA_EMU -Ikernels/emu/include -Ikernels/include \
  -Ikernels/cuda -Ikernels -Wall -Wextra -Wno-unused-parameter -Wno-unknown-pragmas -MMD -MP

RT_SRC := $(wildcard kernels/emu/src/*.cc)
CHECK_SRC := $(wildcard kernels/emu/check/*.cc)
TRAFFIC_SRC := $(wildcard kernels/emu/traffic/*.cc)
# The translation's code: a change rebuilds the kernels only when the translator itself changed
# (tsc rewrites every file of dist/ on each build; the stamp holds their hash).
TRANSLATOR_JS := $(wildcard dist/emu/*.js)
TRANSLATOR_STAMP := $(OUT)/translator.stamp
EMU_BUILD := node bin/writeprof emu build
CUDA_EMU_FLAGS := -DWP_CUDA_EMU -Ikernels/include -Ikernels/cuda -Ikernels -O2 -g \
  -Xcompiler -fPIC,-Wall,-Wextra,-Wno-unused-parameter
CUDA_SRC := $(wildcard kernels/cuda/*.cu)
RT_OBJ := $(patsubst kernels/emu/src/%.cc,$(OUT)/rt/%.o,$(RT_SRC))
CHECK_OBJ := $(patsubst kernels/emu/check/%.cc,$(OUT)/check/%.o,$(CHECK_SRC)) \
  $(patsubst kernels/emu/traffic/%.cc,$(OUT)/traffic/%.o,$(TRAFFIC_SRC))
CUDA_OBJ := $(patsubst kernels/cuda/%.cu,$(OUT)/cuda/%.o,$(CUDA_SRC)) $(OUT)/cuda/runner_entry.o
CUDA_CHECK_OBJ := $(patsubst kernels/cuda/%.cu,$(OUT)/cuda-check/%.o,$(CUDA_SRC))
CHECK_PROGRAM_OBJ := $(OUT)/program/check.o $(OUT)/program/report.o

# One short line per step, as the CUDA build prints its own (`make V=1` shows the full commands).
Q := $(if $(V),,@)

all: $(OUT)/libwpemu_rt.a $(OUT)/libwpemu_cuda.a $(OUT)/libwpemu_cuda_check.a $(OUT)/libwpemu_check.a \
  $(OUT)/wpemu_program.o $(OUT)/wpemu_check_program.o

$(TRANSLATOR_STAMP): $(TRANSLATOR_JS) kernels/emu/build.mk
	@mkdir -p $(@D)
	@h=$$(cat $(sort $(TRANSLATOR_JS)) | sha1sum | cut -c1-40); [ "$$(cat $@ 2>/dev/null)" = "$$h" ] || echo "$$h" > $@

$(OUT)/rt/%.o: kernels/emu/src/%.cc kernels/emu/build.mk
	@mkdir -p $(@D)
	@echo "g++ $<"
	$(Q)$(CXX) $(EMU_CXXFLAGS) -c $< -o $@

$(OUT)/check/%.o: kernels/emu/check/%.cc kernels/emu/build.mk
	@mkdir -p $(@D)
	@echo "g++ $<"
	$(Q)$(CXX) $(EMU_CXXFLAGS) -Ikernels/emu/src -c $< -o $@

$(OUT)/traffic/%.o: kernels/emu/traffic/%.cc kernels/emu/build.mk
	@mkdir -p $(@D)
	@echo "g++ $<"
	$(Q)$(CXX) $(EMU_CXXFLAGS) -Ikernels/emu/src -Ikernels/emu/check -c $< -o $@

$(OUT)/cuda/%.o: kernels/cuda/%.cu kernels/emu/build.mk $(TRANSLATOR_STAMP)
	@mkdir -p $(@D)
	@echo "writeprof emu build $<"
	$(Q)$(EMU_BUILD) -c $< -o $@ $(CUDA_EMU_FLAGS) -MD -MF $(@:.o=.d)

# The instrumented flavor's flags (and its renames of memcpy/memset/memmove) are emu build's own.
$(OUT)/cuda-check/%.o: kernels/cuda/%.cu kernels/emu/build.mk $(TRANSLATOR_STAMP)
	@mkdir -p $(@D)
	@echo "writeprof emu build --instrument $<"
	$(Q)$(EMU_BUILD) --instrument -c $< -o $@ $(CUDA_EMU_FLAGS) -MD -MF $(@:.o=.d)

$(OUT)/wpemu_program.o: kernels/emu/program/env.cc kernels/emu/build.mk
	@mkdir -p $(@D)
	@echo "g++ $<"
	$(Q)$(CXX) $(EMU_CXXFLAGS) -c $< -o $@

$(OUT)/program/%.o: kernels/emu/program/%.cc kernels/emu/build.mk
	@mkdir -p $(@D)
	@echo "g++ $<"
	$(Q)$(CXX) $(EMU_CXXFLAGS) -Ikernels/emu/src -Ikernels/emu/check -c $< -o $@

# One object, linked whole: its constructor and its wraps of main and exit must be in the program.
$(OUT)/wpemu_check_program.o: $(CHECK_PROGRAM_OBJ)
	@echo "ld -r $@"
	$(Q)ld -r $^ -o $@.tmp && mv $@.tmp $@

$(OUT)/cuda/runner_entry.o: kernels/emu/runner_entry.cc kernels/emu/build.mk
	@mkdir -p $(@D)
	@echo "g++ $<"
	$(Q)$(CXX) $(EMU_CXXFLAGS) -c $< -o $@

# Archives are replaced whole: a removed source must not leave its objects behind.
$(OUT)/libwpemu_rt.a: $(RT_OBJ)
	@echo "ar $@"
	$(Q)rm -f $@.tmp && ar rcs $@.tmp $^ && mv $@.tmp $@

$(OUT)/libwpemu_cuda.a: $(CUDA_OBJ)
	@echo "ar $@"
	$(Q)rm -f $@.tmp && ar rcs $@.tmp $^ && mv $@.tmp $@

$(OUT)/libwpemu_cuda_check.a: $(CUDA_CHECK_OBJ)
	@echo "ar $@"
	$(Q)rm -f $@.tmp && ar rcs $@.tmp $^ && mv $@.tmp $@

$(OUT)/libwpemu_check.a: $(CHECK_OBJ) $(OUT)/cuda/runner_entry.o
	@echo "ar $@"
	$(Q)rm -f $@.tmp && ar rcs $@.tmp $^ && mv $@.tmp $@

# Tests build their own kernels, and writeprof a strategy file (`--strategy-file`,
# src/strategy-file/build.ts), exactly as kernels/cuda is built (plain or --instrument).
print-cuda-emu-flags:
	@echo $(CUDA_EMU_FLAGS)

-include $(RT_OBJ:.o=.d) $(CUDA_OBJ:.o=.d) $(CUDA_CHECK_OBJ:.o=.d) $(CHECK_OBJ:.o=.d) $(OUT)/wpemu_program.d \
  $(CHECK_PROGRAM_OBJ:.o=.d)
