// GEMM micro-kernel for WebAssembly SIMD128: 6x8 tile = 12 accumulators + 2 B vectors + 1
// broadcast = 15 of V8's 16 SIMD registers (one more spills). 8 loads per 12 mul+add pairs
// instead of 6 per 8 for 4x8. Kept out of line so V8 tiers it up on its own.
#if defined(__wasm_simd128__)
#include "gemm_kernels.hpp"
#include "gemm_microkernel.hpp"
#include "simd_simd128.hpp"

namespace aelab {

__attribute__((noinline)) void gemm_6x8_simd128(int kc, const float* a, const float* b, float* c,
                                                int ldc, int accumulate) {
    simd::gemm_microkernel<simd::Simd128, 6, 2>(kc, a, b, c, ldc, accumulate);
}

}  // namespace aelab
#endif
