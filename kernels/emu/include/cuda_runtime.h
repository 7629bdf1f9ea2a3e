// Stand-in for CUDA's cuda_runtime.h on the host SIMT emulator (this directory first on the
// include path; see ../README.md). nvcc includes it in every .cu file, and so does the emulator's
// translation. Like CUDA's, it brings the C library's math, memory and I/O declarations along.
#pragma once
#include <cassert>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <new>

#include "wpemu/types.h"
#include "wpemu/sched.h"
#include "wpemu/device.h"
#include "wpemu/atomics.h"
#include "wpemu/math.h"
#include "wpemu/api.h"
#include "wpemu/memory_api.h"
#include "wpemu/kernel.h"
#include "wpemu/launch_api.h"

#define CUDART_VERSION 13000
// The include guards of CUDA's own headers, which programs (the samples' helper_cuda.h) test to
// know what is declared: all of it is, by this header.
#define __CUDA_RUNTIME_H__
#define __CUDA_RUNTIME_API_H__
#define __DRIVER_TYPES_H__
#define __VECTOR_TYPES_H__
#define __VECTOR_FUNCTIONS_H__
#define __DEVICE_LAUNCH_PARAMETERS_H__
// __noinline__ is not a macro (libstdc++ writes __attribute__((__noinline__)) in headers a program
// may include later): the translation rewrites CUDA's specifier (src/emu/rewrite.ts).
