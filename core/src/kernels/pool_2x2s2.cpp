// 2x2 stride-2 pooling rows (pool_2x2s2_impl.hpp) for the baseline instruction sets: SSE or
// SIMD128 when compiled in, and the scalar loop every build has. AVX2: pool_2x2s2_avx2.cpp.
#include "pool_2x2s2_impl.hpp"

#if defined(AELAB_ISA_SIMD128)
#include "simd_simd128.hpp"
#endif
#if defined(AELAB_ISA_SSE)
#include "simd_sse.hpp"
#endif
#include "simd_scalar.hpp"

namespace aelab {

// Without SIMD the scalar loop does the whole row.
template <>
void max_pool_2x2s2_row<simd::Scalar>(const float* top, const float* bottom, int Wo, int W,
                                      std::int64_t row_base, float* out, std::int64_t* indices) {
    pool_detail::max_row_from<simd::Scalar>(0, top, bottom, Wo, W, row_base, out, indices);
}
template <>
void avg_pool_2x2s2_row<simd::Scalar>(const float* top, const float* bottom, int Wo, float* out) {
    pool_detail::avg_row_from<simd::Scalar>(0, top, bottom, Wo, out);
}

#if defined(AELAB_ISA_SIMD128)
template void max_pool_2x2s2_row<simd::Simd128>(const float*, const float*, int, int, std::int64_t,
                                                float*, std::int64_t*);
template void avg_pool_2x2s2_row<simd::Simd128>(const float*, const float*, int, float*);
#endif
#if defined(AELAB_ISA_SSE)
template void max_pool_2x2s2_row<simd::Sse>(const float*, const float*, int, int, std::int64_t,
                                            float*, std::int64_t*);
template void avg_pool_2x2s2_row<simd::Sse>(const float*, const float*, int, float*);
#endif

}  // namespace aelab
