// The runtime around launches: streams ordered by an event (cudaStreamWaitEvent), by the legacy
// default stream's implicit synchronization, and host functions in stream order; kernel attributes (more than 48 KiB of dynamic shared memory needs
// the opt-in); the occupancy calculator; configuration errors; error names and messages; device
// attributes and properties.
#include <cuda_runtime.h>

#include <cstring>

#include "check.cuh"

__global__ void produce(int* v, int rounds) {
  // Long enough that a consumer not ordered after it would read the old value.
  volatile int* p = v;
  for (int r = 0; r < rounds; ++r) {
    if (threadIdx.x == 0) *p = *p + 1;
    __syncthreads();
  }
}

__global__ void consume(const int* v, int* out) {
  if (threadIdx.x == 0) *out = *v;
}

__global__ void big_shared(int* out) {
  extern __shared__ int buf[];
  const int words = 64 * 1024 / int(sizeof(int));
  for (int i = int(threadIdx.x); i < words; i += int(blockDim.x)) buf[i] = i;
  __syncthreads();
  if (threadIdx.x == 0) out[0] = buf[words - 1];
}

struct HostLog {
  int order[2];
  int n;
};
void CUDART_CB note_order(void* data) {
  HostLog* log = static_cast<HostLog*>(data);
  log->order[log->n] = log->n;
  ++log->n;
}

int main() {
  int *v, *out;
  CUDA_CHECK(cudaMalloc(&v, sizeof(int)));
  CUDA_CHECK(cudaMalloc(&out, sizeof(int)));
  CUDA_CHECK(cudaMemset(v, 0, sizeof(int)));
  cudaStream_t s1, s2;
  CUDA_CHECK(cudaStreamCreateWithFlags(&s1, cudaStreamNonBlocking));
  CUDA_CHECK(cudaStreamCreateWithFlags(&s2, cudaStreamNonBlocking));
  cudaEvent_t done;
  CUDA_CHECK(cudaEventCreateWithFlags(&done, cudaEventDisableTiming));
  produce<<<1, 64, 0, s1>>>(v, 2000);
  CUDA_CHECK(cudaEventRecord(done, s1));
  CUDA_CHECK(cudaStreamWaitEvent(s2, done, 0));
  consume<<<1, 32, 0, s2>>>(v, out);
  HostLog log{};
  CUDA_CHECK(cudaLaunchHostFunc(s2, note_order, &log));
  CUDA_CHECK(cudaLaunchHostFunc(s2, note_order, &log));
  CUDA_CHECK(cudaStreamSynchronize(s2));
  int got = 0;
  CUDA_CHECK(cudaMemcpy(&got, out, sizeof got, cudaMemcpyDeviceToHost));
  EXPECT(got == 2000, "consumer ordered after the event saw %d", got);
  EXPECT(log.n == 2, "host functions ran %d times", log.n);

  // A stream created without cudaStreamNonBlocking synchronizes with the legacy default stream:
  // a copy on the default stream waits for the kernel before it.
  cudaStream_t blocking;
  CUDA_CHECK(cudaStreamCreate(&blocking));
  CUDA_CHECK(cudaMemset(v, 0, sizeof(int)));
  produce<<<1, 64, 0, blocking>>>(v, 1500);
  CUDA_CHECK(cudaMemcpy(&got, v, sizeof got, cudaMemcpyDeviceToHost));
  EXPECT(got == 1500, "the default stream after a blocking stream's kernel saw %d", got);
  CUDA_CHECK(cudaStreamDestroy(blocking));

  // 64 KiB of dynamic shared memory: refused without the opt-in, runs with it.
  const size_t bytes = 64 * 1024;
  big_shared<<<1, 128, bytes>>>(out);
  const cudaError_t refused = cudaGetLastError();
  EXPECT(refused == cudaErrorInvalidValue, "64 KiB without the attribute: %s", cudaGetErrorName(refused));
  CUDA_CHECK(cudaFuncSetAttribute(big_shared, cudaFuncAttributeMaxDynamicSharedMemorySize, int(bytes)));
  big_shared<<<1, 128, bytes>>>(out);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(cudaMemcpy(&got, out, sizeof got, cudaMemcpyDeviceToHost));
  EXPECT(got == int(bytes / sizeof(int)) - 1, "64 KiB of dynamic shared memory: %d", got);
  cudaFuncAttributes fa;
  CUDA_CHECK(cudaFuncGetAttributes(&fa, big_shared));
  EXPECT(fa.maxDynamicSharedSizeBytes == int(bytes), "attribute read back: %d", fa.maxDynamicSharedSizeBytes);

  // Occupancy: relations that hold on any device.
  int perSm = 0, minGrid = 0, block = 0, sms = 0;
  CUDA_CHECK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0));
  CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&perSm, consume, 256, 0));
  CUDA_CHECK(cudaOccupancyMaxPotentialBlockSize(&minGrid, &block, consume, 0, 0));
  EXPECT(perSm >= 1 && perSm * 256 <= 2048, "blocks of 256 per SM: %d", perSm);
  EXPECT(block >= 32 && block <= 1024 && block % 32 == 0 && minGrid >= sms, "potential block %d, grid %d", block, minGrid);
  int fewer = 0;
  CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&fewer, big_shared, 128, bytes));
  EXPECT(fewer >= 1 && fewer < perSm * 4, "64 KiB of shared memory limits blocks per SM: %d", fewer);

  // Configuration errors, as on a GPU.
  consume<<<1, 2048>>>(v, out);
  const cudaError_t tooMany = cudaGetLastError();
  EXPECT(tooMany == cudaErrorInvalidConfiguration, "2048 threads: %s", cudaGetErrorName(tooMany));
  EXPECT(cudaGetLastError() == cudaSuccess, "the last error is cleared by reading it");

  // Names and messages of the runtime's errors.
  const cudaError_t codes[] = {cudaErrorInvalidValue, cudaErrorMemoryAllocation, cudaErrorLaunchFailure,
                               cudaErrorIllegalAddress, cudaErrorCooperativeLaunchTooLarge, cudaErrorNotReady};
  for (cudaError_t c : codes) std::printf("%d %s: %s\n", int(c), cudaGetErrorName(c), cudaGetErrorString(c));

  cudaDeviceProp prop;
  CUDA_CHECK(cudaGetDeviceProperties(&prop, 0));
  EXPECT(prop.warpSize == 32 && prop.major >= 7 && prop.maxThreadsPerBlock == 1024, "device properties");
  EXPECT(prop.sharedMemPerBlockOptin >= bytes && prop.cooperativeLaunch == 1, "opt-in shared memory, cooperative launch");
  int warp = 0;
  CUDA_CHECK(cudaDeviceGetAttribute(&warp, cudaDevAttrWarpSize, 0));
  EXPECT(warp == prop.warpSize, "warpSize attribute");
  CUDA_CHECK(cudaEventDestroy(done));
  CUDA_CHECK(cudaStreamDestroy(s1));
  CUDA_CHECK(cudaStreamDestroy(s2));
  std::printf("event-ordered streams, host functions, 64 KiB opt-in, occupancy, configuration errors\n");
  return pass();
}
