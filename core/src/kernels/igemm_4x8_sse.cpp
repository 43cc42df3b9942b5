// Indirect GEMM micro-kernel for SSE: 4 positions x 8 channels (8 xmm accumulators); the same
// instruction mix as the wasm SIMD128 kernel.
#include "isa.hpp"
#if defined(AELAB_ISA_SSE)
#include "gemm_kernels.hpp"
#include "igemm_microkernel.hpp"
#include "simd_sse.hpp"

namespace aelab {

__attribute__((noinline)) void igemm_4x8_sse(int k, const float* const* rows, const long* offsets,
                                             const float* b, float* c, int ldc) {
    simd::igemm_microkernel<simd::Sse, 4, 2>(k, rows, offsets, b, c, ldc);
}

}  // namespace aelab
#endif
