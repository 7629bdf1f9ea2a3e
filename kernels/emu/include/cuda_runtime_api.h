// Stand-in for CUDA's cuda_runtime_api.h on the emulator: everything it declares comes with cuda_runtime.h.
#pragma once
#include "cuda_runtime.h"
