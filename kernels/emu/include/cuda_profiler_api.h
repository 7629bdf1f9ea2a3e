// Stand-in for CUDA's cuda_profiler_api.h on the emulator (cudaProfilerStart/Stop do nothing here).
#pragma once
#include "cuda_runtime.h"
