// NT GEMM micro-kernels (gemm_nt_microkernel.hpp) for WebAssembly SIMD128: a 4x2 tile = 8
// accumulators + 4 A vectors + 1 B vector, inside V8's 16 SIMD registers (the fastest of the
// shapes tried at the weight gradients' depths: docs/PERFORMANCE.md).
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
