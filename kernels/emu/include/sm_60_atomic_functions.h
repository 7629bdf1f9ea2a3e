// Stand-in for CUDA's sm_60_atomic_functions.h on the emulator: everything it declares comes with cuda_runtime.h.
#pragma once
#include "cuda_runtime.h"
