// Indirect GEMM micro-kernel for AVX2 + FMA: 6 positions x 16 channels = 12 ymm accumulators
// + 2 weight vectors + 1 broadcast, as gemm_6x16_avx2.
// Compiled with -mavx2 -mfma (core/CMakeLists.txt); reached only through dispatch.cpp.
#define AELAB_AVX2_TU 1
#include "isa.hpp"
#if defined(AELAB_ISA_AVX2)
#include "gemm_kernels.hpp"
#include "igemm_microkernel.hpp"
#include "simd_avx2.hpp"

namespace aelab {

__attribute__((noinline)) void igemm_6x16_avx2(int k, const float* const* rows,
                                               const long* offsets, const float* b, float* c,
                                               int ldc) {
    simd::igemm_microkernel<simd::Avx2, 6, 2>(k, rows, offsets, b, c, ldc);
}

}  // namespace aelab
#endif
