// NT GEMM micro-kernels (gemm_nt_microkernel.hpp) for AVX2+FMA: a 3x4 tile = 12 accumulators + 3 A vectors + 1 B vector in 16 ymm registers.
// The table holds every tile up to 3x4, [mr - 1][nr - 1], so edge tiles stay in SIMD. Each
// entry is a separate out-of-line function, which V8 tiers up on its own.
#if defined(__AVX2__) && defined(__FMA__)
#include "gemm_kernels.hpp"
#include "gemm_nt_microkernel.hpp"
#include "simd_avx2.hpp"

namespace aelab {
namespace {

template <int MR, int NR>
__attribute__((noinline)) void tile(int depth, int count, const float* a, long a_row, long a_step,
                                    const float* b, const long* b_rows, long b_step, float* c,
                                    int ldc) {
    simd::gemm_nt_microkernel<simd::Avx2, MR, NR>(depth, count, a, a_row, a_step, b, b_rows,
                                                 b_step, c, ldc);
}

}  // namespace

const GemmNtMicrokernel gemm_nt_3x4_avx2[3 * 4] = {
    tile<1,1>, tile<1,2>, tile<1,3>, tile<1,4>,
    tile<2,1>, tile<2,2>, tile<2,3>, tile<2,4>,
    tile<3,1>, tile<3,2>, tile<3,3>, tile<3,4>};

}  // namespace aelab
#endif
