// GEMM micro-kernels for WebAssembly SIMD128: 4x8 tile = 8 accumulators + 2 B vectors + 1
// broadcast, well inside V8's 16 SIMD registers; U = 1 or 2 depth steps per loop iteration
// (gemm_microkernel.hpp; the engine's faster is timed in dispatch.cpp). Kept out of line
// (never inlined into the driver) so V8 tiers them up on their own.
#include "isa.hpp"
#if defined(AELAB_ISA_SIMD128)
#include "gemm_kernels.hpp"
#include "gemm_microkernel.hpp"
#include "simd_simd128.hpp"

namespace aelab {

__attribute__((noinline)) void gemm_4x8_simd128(int kc, const float* a, const float* b, float* c,
                                                int ldc, int accumulate) {
    simd::gemm_microkernel<simd::Simd128, 4, 2, 1>(kc, a, b, c, ldc, accumulate);
}
__attribute__((noinline)) void gemm_4x8_simd128_x2(int kc, const float* a, const float* b,
                                                   float* c, int ldc, int accumulate) {
    simd::gemm_microkernel<simd::Simd128, 4, 2, 2>(kc, a, b, c, ldc, accumulate);
}

}  // namespace aelab
#endif
