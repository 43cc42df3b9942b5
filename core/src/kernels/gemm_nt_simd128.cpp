// NT GEMM micro-kernels (gemm_nt_microkernel.hpp) for WebAssembly SIMD128: a 4x2 tile = 8
// accumulators + 4 A vectors + 1 B vector, inside V8's 16 SIMD registers (4x2 measured ~10%
// faster than 2x4 under V8 at the weight gradients' depths; 3x3, 2x5 and 3x4 slower).
// The table holds every tile up to 4x2, [mr - 1][nr - 1], so edge tiles stay in SIMD. Each
// entry is a separate out-of-line function, which V8 tiers up on its own.
#if defined(__wasm_simd128__)
#include "gemm_kernels.hpp"
#include "gemm_nt_microkernel.hpp"
#include "simd_simd128.hpp"

namespace aelab {
namespace {

template <int MR, int NR>
__attribute__((noinline)) void tile(int depth, int count, const float* a, long a_row, long a_step,
                                    const float* b, const long* b_rows, long b_step, float* c,
                                    int ldc) {
    simd::gemm_nt_microkernel<simd::Simd128, MR, NR>(depth, count, a, a_row, a_step, b, b_rows,
                                                 b_step, c, ldc);
}

}  // namespace

const GemmNtMicrokernel gemm_nt_4x2_simd128[4 * 2] = {
    tile<1,1>, tile<1,2>,
    tile<2,1>, tile<2,2>,
    tile<3,1>, tile<3,2>,
    tile<4,1>, tile<4,2>};

}  // namespace aelab
#endif
