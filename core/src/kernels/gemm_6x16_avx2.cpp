// GEMM micro-kernel for AVX2 + FMA: 6x16 tile = 12 ymm accumulators + 2 B vectors + 1
// broadcast = 15 of the 16 ymm registers.
// Compiled with -mavx2 -mfma (core/CMakeLists.txt); reached only through dispatch.cpp.
#define AELAB_AVX2_TU 1
#include "isa.hpp"
#if defined(AELAB_ISA_AVX2)
#include "gemm_kernels.hpp"
#include "gemm_microkernel.hpp"
#include "simd_avx2.hpp"

namespace aelab {

__attribute__((noinline)) void gemm_6x16_avx2(int kc, const float* a, const float* b, float* c,
                                              int ldc, int accumulate) {
    simd::gemm_microkernel<simd::Avx2, 6, 2>(kc, a, b, c, ldc, accumulate);
}

}  // namespace aelab
#endif
