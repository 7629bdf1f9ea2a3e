// Stand-in for CUDA's cuda_runtime.h when g++ compiles kernels/cuda/*.cu for the host SIMT
// emulator (-DWP_CUDA_EMU, this directory first on the include path). See ../README.md.
#pragma once
#include "wpemu/types.h"
#include "wpemu/sched.h"
#include "wpemu/device.h"
#include "wpemu/api.h"
#include "wpemu/launch.h"
