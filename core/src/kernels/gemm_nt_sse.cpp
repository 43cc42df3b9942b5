// NT GEMM micro-kernels (gemm_nt_microkernel.hpp) for SSE: a 4x2 tile (8 accumulators), the same instruction mix as the wasm kernel. Used
// natively when the build has no AVX2+FMA.
// The table holds every tile up to 4x2, [mr - 1][nr - 1], so edge tiles stay in SIMD. Each
// entry is a separate out-of-line function, which V8 tiers up on its own.
#if defined(__SSE__) || defined(__x86_64__)
#include "gemm_kernels.hpp"
#include "gemm_nt_microkernel.hpp"
#include "simd_sse.hpp"

namespace aelab {
namespace {

template <int MR, int NR>
__attribute__((noinline)) void tile(int depth, int count, const float* a, long a_row, long a_step,
                                    const float* b, const long* b_rows, long b_step, float* c,
                                    int ldc) {
    simd::gemm_nt_microkernel<simd::Sse, MR, NR>(depth, count, a, a_row, a_step, b, b_rows,
                                                 b_step, c, ldc);
}

}  // namespace

const GemmNtMicrokernel gemm_nt_4x2_sse[4 * 2] = {
    tile<1,1>, tile<1,2>,
    tile<2,1>, tile<2,2>,
    tile<3,1>, tile<3,2>,
    tile<4,1>, tile<4,2>};

}  // namespace aelab
#endif
