// The SIMD peak loop (simd_peak_loop.hpp) for AVX2 + FMA: compiled with -mavx2 -mfma
// (core/CMakeLists.txt), called by simd_peak.cpp only when AVX2 is the active instruction set.
#define AELAB_AVX2_TU 1
#include "../src/kernels/isa.hpp"
#if defined(AELAB_ISA_AVX2)
#include "../src/kernels/simd_avx2.hpp"
#include "simd_peak_loop.hpp"

namespace aelab {

__attribute__((noinline)) float peak_loop_avx2(long n, float m, float a) {
    return peak::peak_loop<simd::Avx2>(n, m, a);
}

}  // namespace aelab
#endif
