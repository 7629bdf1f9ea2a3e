# The host SIMT emulator (run from the repository root by the top Makefile, in parallel):
#   out/emu/libwpemu_rt.a          the emulated CUDA runtime (kernels/emu/src)
#   out/emu/libwpemu_cuda.a        kernels/cuda/*.cu compiled by g++ against it, and the addon's entry
#   out/emu/libwpemu_cuda_check.a  the same kernels/cuda/*.cu instrumented (-fsanitize=thread without
#                                  libtsan: every access calls the hooks of kernels/emu/check)
#   out/emu/libwpemu_check.a       `writeprof check`'s hooks and tools, the memory-traffic counter
#                                  (kernels/emu/traffic), and the addon's entry (not instrumented)
# The same .cu sources nvcc builds: no kernel is copied. Dependencies come from -MMD.
OUT := out/emu
CXX ?= g++
OBJCOPY ?= objcopy
EMU_CXXFLAGS := -std=c++20 -O2 -g -fPIC -pthread -DWP_CUDA_EMU -Ikernels/emu/include -Ikernels/include \
  -Ikernels/cuda -Ikernels -Wall -Wextra -Wno-unused-parameter -Wno-unknown-pragmas -MMD -MP
# Only kernel sources get these. Function entry/exit hooks are off (call sites come from the return
# address); volatile accesses are told apart (they are relaxed atomics to racecheck). No scalar
# replacement of aggregates: a 16-byte vector copy (uint4) stays one 16-byte access, as the GPU's
# LDG.128/STG.128 is one instruction, instead of four 4-byte ones (memory-traffic counts).
CHECK_INSTRUMENT := -fsanitize=thread --param tsan-instrument-func-entry-exit=0 --param tsan-distinguish-volatile=1 -Wno-tsan \
  -fno-tree-sra
# Library copies and fills of instrumented code are reported by the hooks too.
CHECK_REDEFINE := --redefine-sym memcpy=wpemu_check_memcpy --redefine-sym memset=wpemu_check_memset \
  --redefine-sym memmove=wpemu_check_memmove

RT_SRC := $(wildcard kernels/emu/src/*.cc)
CHECK_SRC := $(wildcard kernels/emu/check/*.cc)
TRAFFIC_SRC := $(wildcard kernels/emu/traffic/*.cc)
CUDA_SRC := $(wildcard kernels/cuda/*.cu)
RT_OBJ := $(patsubst kernels/emu/src/%.cc,$(OUT)/rt/%.o,$(RT_SRC))
CHECK_OBJ := $(patsubst kernels/emu/check/%.cc,$(OUT)/check/%.o,$(CHECK_SRC)) \
  $(patsubst kernels/emu/traffic/%.cc,$(OUT)/traffic/%.o,$(TRAFFIC_SRC))
CUDA_OBJ := $(patsubst kernels/cuda/%.cu,$(OUT)/cuda/%.o,$(CUDA_SRC)) $(OUT)/cuda/runner_entry.o
CUDA_CHECK_OBJ := $(patsubst kernels/cuda/%.cu,$(OUT)/cuda-check/%.o,$(CUDA_SRC))

# One short line per step, as the CUDA build prints its own (`make V=1` shows the full commands).
Q := $(if $(V),,@)

all: $(OUT)/libwpemu_rt.a $(OUT)/libwpemu_cuda.a $(OUT)/libwpemu_cuda_check.a $(OUT)/libwpemu_check.a

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
	$(CXX) $(EMU_CXXFLAGS) -Ikernels/emu/src -Ikernels/emu/check -c $< -o $@

$(OUT)/cuda/%.o: kernels/cuda/%.cu kernels/emu/build.mk
	@mkdir -p $(@D)
	@echo "g++ $<"
	$(Q)$(CXX) $(EMU_CXXFLAGS) -x c++ -c $< -o $@

# The object is written under a temporary name, so its dependencies are named for the real one.
$(OUT)/cuda-check/%.o: kernels/cuda/%.cu kernels/emu/build.mk
	@mkdir -p $(@D)
	@echo "g++ -fsanitize=thread $<"
	$(Q)$(CXX) $(EMU_CXXFLAGS) $(CHECK_INSTRUMENT) -MF $(@:.o=.d) -MT $@ -x c++ -c $< -o $@.tmp
	$(Q)$(OBJCOPY) $(CHECK_REDEFINE) $@.tmp $@ && rm -f $@.tmp

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

# A strategy file (`--strategy-file`, src/strategy-file/build.ts) is built as kernels/cuda is, for
# either build; so do the tests' planted kernels for the checker.
print-emu-cxxflags:
	@echo $(EMU_CXXFLAGS)
print-check-cxxflags:
	@echo $(EMU_CXXFLAGS) $(CHECK_INSTRUMENT)
print-check-redefine:
	@echo $(CHECK_REDEFINE)

-include $(RT_OBJ:.o=.d) $(CUDA_OBJ:.o=.d) $(CUDA_CHECK_OBJ:.o=.d) $(CHECK_OBJ:.o=.d)
