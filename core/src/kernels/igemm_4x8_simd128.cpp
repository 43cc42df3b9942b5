// Indirect GEMM micro-kernel for WebAssembly SIMD128: 4 positions x 8 channels = 8
// accumulators + 2 weight vectors + 1 splat, inside V8's 16 SIMD registers. Out of line so
// V8 tiers it up on its own.
#if defined(__wasm_simd128__)
#include "gemm_kernels.hpp"
#include "igemm_microkernel.hpp"
#include "simd_simd128.hpp"

namespace aelab {

__attribute__((noinline)) void igemm_4x8_simd128(int k, const float* const* rows,
                                                 const long* offsets, const float* b, float* c,
                                                 int ldc) {
    simd::igemm_microkernel<simd::Simd128, 4, 2>(k, rows, offsets, b, c, ldc);
}

// Tiles of consecutive positions in one row, source step 1 and 2 (igemm_microkernel_row).
__attribute__((noinline)) void igemm_4x8_simd128_row1(int k, const float* row0, const long* offsets,
                                                       const float* b, float* c, int ldc) {
    simd::igemm_microkernel_row<simd::Simd128, 4, 2, 1>(k, row0, offsets, b, c, ldc);
}
__attribute__((noinline)) void igemm_4x8_simd128_row2(int k, const float* row0, const long* offsets,
                                                       const float* b, float* c, int ldc) {
    simd::igemm_microkernel_row<simd::Simd128, 4, 2, 2>(k, row0, offsets, b, c, ldc);
}

}  // namespace aelab
#endif
