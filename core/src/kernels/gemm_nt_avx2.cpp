// NT GEMM micro-kernels (gemm_nt_microkernel.hpp) for AVX2+FMA: a 3x4 tile = 12
// accumulators + 3 A vectors + 1 B vector in 16 ymm registers.
// Compiled with -mavx2 -mfma (core/CMakeLists.txt); reached only through dispatch.cpp.
#define AELAB_AVX2_TU 1
#include "isa.hpp"
#if defined(AELAB_ISA_AVX2)
#include "gemm_kernels.hpp"
#include "gemm_nt_microkernel.hpp"
#include "simd_avx2.hpp"

namespace aelab {

const GemmNtMicrokernel* const gemm_nt_3x4_avx2 =
    simd::GemmNtTiles<simd::Avx2, 3, 4>::table.data();

}  // namespace aelab
#endif
