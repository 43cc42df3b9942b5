// Indirect GEMM micro-kernels for WebAssembly SIMD128: 4 positions x 8 channels = 8
// accumulators + 2 weight vectors + 1 splat, inside V8's 16 SIMD registers. Each in two loop
// shapes, U = 1 or 2 depth steps per iteration (gemm_microkernel.hpp; the engine's faster is
// timed in dispatch.cpp). Out of line so V8 tiers them up on their own.
#include "isa.hpp"
#if defined(AELAB_ISA_SIMD128)
#include "gemm_kernels.hpp"
#include "igemm_microkernel.hpp"
#include "simd_simd128.hpp"

namespace aelab {

__attribute__((noinline)) void igemm_4x8_simd128(int k, const float* const* rows,
                                                 const long* offsets, const float* b, float* c,
                                                 int ldc) {
    simd::igemm_microkernel<simd::Simd128, 4, 2, 1>(k, rows, offsets, b, c, ldc);
}
__attribute__((noinline)) void igemm_4x8_simd128_x2(int k, const float* const* rows,
                                                    const long* offsets, const float* b, float* c,
                                                    int ldc) {
    simd::igemm_microkernel<simd::Simd128, 4, 2, 2>(k, rows, offsets, b, c, ldc);
}

// Tiles of one or two runs of consecutive positions (igemm_microkernel_runs), per source step
// S and split J.
template <int S, int J, int U>
__attribute__((noinline)) void igemm_4x8_simd128_runs(int k, const float* run0, const float* run1,
                                                      const long* offsets, const float* b,
                                                      float* c, int ldc) {
    simd::igemm_microkernel_runs<simd::Simd128, 4, 2, S, J, U>(k, run0, run1, offsets, b, c,
                                                                 ldc);
}
#define AELAB_RUNS_TABLE(U)                                                                 \
    {                                                                                       \
        igemm_4x8_simd128_runs<1, 1, U>, igemm_4x8_simd128_runs<1, 2, U>,                   \
            igemm_4x8_simd128_runs<1, 3, U>, igemm_4x8_simd128_runs<1, 4, U>,               \
            igemm_4x8_simd128_runs<2, 1, U>, igemm_4x8_simd128_runs<2, 2, U>,               \
            igemm_4x8_simd128_runs<2, 3, U>, igemm_4x8_simd128_runs<2, 4, U>,               \
    }
extern const IgemmRunsMicrokernel igemm_4x8_simd128_runs_table[2 * 4] = AELAB_RUNS_TABLE(1);
extern const IgemmRunsMicrokernel igemm_4x8_simd128_x2_runs_table[2 * 4] = AELAB_RUNS_TABLE(2);
#undef AELAB_RUNS_TABLE

}  // namespace aelab
#endif
