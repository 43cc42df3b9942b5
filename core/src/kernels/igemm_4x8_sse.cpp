// Indirect GEMM micro-kernel for SSE: 4 positions x 8 channels (8 xmm accumulators); the same
// instruction mix as the wasm SIMD128 kernel.
#if defined(__SSE__) || defined(__x86_64__)
#include "gemm_kernels.hpp"
#include "igemm_microkernel.hpp"
#include "simd_sse.hpp"

namespace aelab {

__attribute__((noinline)) void igemm_4x8_sse(int k, const float* const* rows, const long* offsets,
                                             const float* b, float* c, int ldc) {
    simd::igemm_microkernel<simd::Sse, 4, 2>(k, rows, offsets, b, c, ldc);
}

// Tiles of consecutive positions in one row, source step 1 and 2 (igemm_microkernel_row).
__attribute__((noinline)) void igemm_4x8_sse_row1(int k, const float* row0, const long* offsets,
                                                   const float* b, float* c, int ldc) {
    simd::igemm_microkernel_row<simd::Sse, 4, 2, 1>(k, row0, offsets, b, c, ldc);
}
__attribute__((noinline)) void igemm_4x8_sse_row2(int k, const float* row0, const long* offsets,
                                                   const float* b, float* c, int ldc) {
    simd::igemm_microkernel_row<simd::Sse, 4, 2, 2>(k, row0, offsets, b, c, ldc);
}

}  // namespace aelab
#endif
