// GEMM micro-kernel for SSE: 4x8 tile (8 accumulators in 16 xmm registers). Used natively when
// the build has no AVX2+FMA; it has the same instruction mix as the wasm SIMD128 kernel.
#include "isa.hpp"
#if defined(AELAB_ISA_SSE)
#include "gemm_kernels.hpp"
#include "gemm_microkernel.hpp"
#include "simd_sse.hpp"

namespace aelab {

__attribute__((noinline)) void gemm_4x8_sse(int kc, const float* a, const float* b, float* c,
                                            int ldc, int accumulate) {
    simd::gemm_microkernel<simd::Sse, 4, 2>(kc, a, b, c, ldc, accumulate);
}

}  // namespace aelab
#endif
