// The one place that decides which GEMM micro-kernel this build uses. The choice is made at
// compile time from the target's instruction set (the native build uses -march=native, the
// web build -msimd128): the list below is every kernel compiled in, best first, and gemm()
// uses the first. The others stay reachable through gemm_with_kernel() so tests cover them.
#include "aelab/gemm.hpp"
#include "gemm_kernels.hpp"

namespace aelab {

namespace {
const GemmKernel kKernels[] = {
#if defined(__AVX2__) && defined(__FMA__)
    {gemm_6x16_avx2, 6, 16, "gemm_6x16_avx2"},
#endif
#if defined(__wasm_simd128__)
    {gemm_4x8_simd128, 4, 8, "gemm_4x8_simd128"},
#endif
#if defined(__SSE__) || defined(__x86_64__)
    {gemm_4x8_sse, 4, 8, "gemm_4x8_sse"},
#endif
    {nullptr, 1, 1, "gemm_ref"},
};
constexpr int kKernelCount = int(sizeof(kKernels) / sizeof(kKernels[0]));
}  // namespace

const GemmKernel& gemm_kernel(int index) {
    if (index < 0 || index >= kKernelCount)
        throw Error("gemm_kernel: index must be in [0, " + std::to_string(kKernelCount) +
                    "), got " + std::to_string(index));
    return kKernels[index];
}
int gemm_kernel_count() { return kKernelCount; }
const char* gemm_kernel_name(int index) { return gemm_kernel(index).name; }
int gemm_kernel_mr(int index) { return gemm_kernel(index).mr; }
int gemm_kernel_nr(int index) { return gemm_kernel(index).nr; }

}  // namespace aelab
