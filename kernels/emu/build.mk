# The host SIMT emulator (run from the repository root by the top Makefile, in parallel):
#   out/emu/libwpemu_rt.a    the emulated CUDA runtime (kernels/emu/src)
#   out/emu/libwpemu_cuda.a  kernels/cuda/*.cu built by `writeprof emu build -c` (the CUDA
#                            translation, then g++) against it, and the addon's entry
#   out/emu/wpemu_program.o  linked into programs `writeprof emu build` makes (settings from the
#                            environment, faults on stderr)
# The same .cu sources nvcc builds, unchanged: no kernel is copied. Dependencies come from -MMD/-MD.
OUT := out/emu
CXX ?= g++
EMU_CXXFLAGS := -std=c++20 -O2 -g -fPIC -pthread -DWP_CUDA_EMU -Ikernels/emu/include -Ikernels/include \
  -Ikernels/cuda -Ikernels -Wall -Wextra -Wno-unused-parameter -Wno-unknown-pragmas -MMD -MP

RT_SRC := $(wildcard kernels/emu/src/*.cc)
# The translation's code: a change rebuilds the kernels only when the translator itself changed
# (tsc rewrites every file of dist/ on each build; the stamp holds their hash).
TRANSLATOR_JS := $(wildcard dist/emu/*.js)
TRANSLATOR_STAMP := $(OUT)/translator.stamp
EMU_BUILD := node bin/writeprof emu build
CUDA_EMU_FLAGS := -DWP_CUDA_EMU -Ikernels/include -Ikernels/cuda -Ikernels -O2 -g \
  -Xcompiler -fPIC,-Wall,-Wextra,-Wno-unused-parameter
CUDA_SRC := $(wildcard kernels/cuda/*.cu)
RT_OBJ := $(patsubst kernels/emu/src/%.cc,$(OUT)/rt/%.o,$(RT_SRC))
CUDA_OBJ := $(patsubst kernels/cuda/%.cu,$(OUT)/cuda/%.o,$(CUDA_SRC)) $(OUT)/cuda/runner_entry.o

all: $(OUT)/libwpemu_rt.a $(OUT)/libwpemu_cuda.a $(OUT)/wpemu_program.o

$(TRANSLATOR_STAMP): $(TRANSLATOR_JS) kernels/emu/build.mk
	@mkdir -p $(@D)
	@h=$$(cat $(sort $(TRANSLATOR_JS)) | sha1sum | cut -c1-40); [ "$$(cat $@ 2>/dev/null)" = "$$h" ] || echo "$$h" > $@

$(OUT)/rt/%.o: kernels/emu/src/%.cc kernels/emu/build.mk
	@mkdir -p $(@D)
	$(CXX) $(EMU_CXXFLAGS) -c $< -o $@

$(OUT)/cuda/%.o: kernels/cuda/%.cu kernels/emu/build.mk $(TRANSLATOR_STAMP)
	@mkdir -p $(@D)
	$(EMU_BUILD) -c $< -o $@ $(CUDA_EMU_FLAGS) -MD -MF $(@:.o=.d)

$(OUT)/wpemu_program.o: kernels/emu/program/env.cc kernels/emu/build.mk
	@mkdir -p $(@D)
	$(CXX) $(EMU_CXXFLAGS) -c $< -o $@

$(OUT)/cuda/runner_entry.o: kernels/emu/runner_entry.cc kernels/emu/build.mk
	@mkdir -p $(@D)
	$(CXX) $(EMU_CXXFLAGS) -c $< -o $@

# Archives are replaced whole: a removed source must not leave its objects behind.
$(OUT)/libwpemu_rt.a: $(RT_OBJ)
	rm -f $@.tmp && ar rcs $@.tmp $^ && mv $@.tmp $@

$(OUT)/libwpemu_cuda.a: $(CUDA_OBJ)
	rm -f $@.tmp && ar rcs $@.tmp $^ && mv $@.tmp $@

-include $(RT_OBJ:.o=.d) $(CUDA_OBJ:.o=.d) $(OUT)/wpemu_program.d
