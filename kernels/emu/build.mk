# The host SIMT emulator (run from the repository root by the top Makefile, in parallel):
#   out/emu/libwpemu_rt.a    the emulated CUDA runtime (kernels/emu/src)
#   out/emu/libwpemu_cuda.a  kernels/cuda/*.cu compiled by g++ against it, and the addon's entry
# The same .cu sources nvcc builds: no kernel is copied. Dependencies come from -MMD.
OUT := out/emu
CXX ?= g++
EMU_CXXFLAGS := -std=c++20 -O2 -g -fPIC -pthread -DWP_CUDA_EMU -Ikernels/emu/include -Ikernels/include \
  -Ikernels/cuda -Ikernels -Wall -Wextra -Wno-unused-parameter -Wno-unknown-pragmas -MMD -MP

RT_SRC := $(wildcard kernels/emu/src/*.cc)
CUDA_SRC := $(wildcard kernels/cuda/*.cu)
RT_OBJ := $(patsubst kernels/emu/src/%.cc,$(OUT)/rt/%.o,$(RT_SRC))
CUDA_OBJ := $(patsubst kernels/cuda/%.cu,$(OUT)/cuda/%.o,$(CUDA_SRC)) $(OUT)/cuda/runner_entry.o

# One short line per step, as the CUDA build prints its own (`make V=1` shows the full commands).
Q := $(if $(V),,@)

all: $(OUT)/libwpemu_rt.a $(OUT)/libwpemu_cuda.a

$(OUT)/rt/%.o: kernels/emu/src/%.cc kernels/emu/build.mk
	@mkdir -p $(@D)
	@echo "g++ $<"
	$(Q)$(CXX) $(EMU_CXXFLAGS) -c $< -o $@

$(OUT)/cuda/%.o: kernels/cuda/%.cu kernels/emu/build.mk
	@mkdir -p $(@D)
	@echo "g++ $<"
	$(Q)$(CXX) $(EMU_CXXFLAGS) -x c++ -c $< -o $@

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

-include $(RT_OBJ:.o=.d) $(CUDA_OBJ:.o=.d)
