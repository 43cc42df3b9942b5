// 2x2 stride-2 pooling rows (pool_2x2s2_impl.hpp) for AVX2: compiled with -mavx2 -mfma
// (core/CMakeLists.txt), reached only through the dispatch's table after the CPU check.
#define AELAB_AVX2_TU 1
#include "isa.hpp"
#if defined(AELAB_ISA_AVX2)
#include "pool_2x2s2_impl.hpp"
#include "simd_avx2.hpp"

namespace aelab {

template void max_pool_2x2s2_row<simd::Avx2>(const float*, const float*, int, int, std::int64_t,
                                             float*, std::int64_t*);
template void avg_pool_2x2s2_row<simd::Avx2>(const float*, const float*, int, float*);

}  // namespace aelab
#endif
