// NT GEMM micro-kernels (gemm_nt_microkernel.hpp) for SSE: a 4x2 tile (8 accumulators), the
// same instruction mix as the wasm kernel. Used natively when the build has no AVX2+FMA.
#include "isa.hpp"
#if defined(AELAB_ISA_SSE)
#include "gemm_kernels.hpp"
#include "gemm_nt_microkernel.hpp"
#include "simd_sse.hpp"

namespace aelab {

const GemmNtMicrokernel* const gemm_nt_4x2_sse =
    simd::GemmNtTiles<simd::Sse, 4, 2>::table.data();

}  // namespace aelab
#endif
