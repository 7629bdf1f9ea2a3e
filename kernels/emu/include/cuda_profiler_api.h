// Stand-in for CUDA's cuda_profiler_api.h on the emulator (cudaProfilerStart/Stop do nothing here).
#pragma once
#define __CUDA_PROFILER_API_H__
#include "cuda_runtime.h"
