// Stand-in for CUDA's device_launch_parameters.h on the emulator: everything it declares comes with cuda_runtime.h.
#pragma once
#include "cuda_runtime.h"
