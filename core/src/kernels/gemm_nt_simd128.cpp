// NT GEMM micro-kernels (gemm_nt_microkernel.hpp) for WebAssembly SIMD128: a 4x2 tile = 8
// accumulators + 4 A vectors + 1 B vector, inside V8's 16 SIMD registers (4x2 measured ~10%
// faster than 2x4 under V8 at the weight gradients' depths; 3x3, 2x5 and 3x4 slower).
#include "isa.hpp"
#if defined(AELAB_ISA_SIMD128)
#include "gemm_kernels.hpp"
#include "gemm_nt_microkernel.hpp"
#include "simd_simd128.hpp"

namespace aelab {

const GemmNtMicrokernel* const gemm_nt_4x2_simd128 =
    simd::GemmNtTiles<simd::Simd128, 4, 2>::table.data();

}  // namespace aelab
#endif
