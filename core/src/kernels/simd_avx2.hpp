// SIMD vocabulary for AVX2 + FMA (256-bit, 8 float lanes); fma is one fused instruction.
#pragma once
#include <immintrin.h>

namespace aelab::simd {

struct Avx2 {
    using vec = __m256;
    static constexpr int lanes = 8;
    static vec zero() { return _mm256_setzero_ps(); }
    static vec load(const float* p) { return _mm256_loadu_ps(p); }
    static void store(float* p, vec v) { _mm256_storeu_ps(p, v); }
    static vec broadcast(float x) { return _mm256_set1_ps(x); }
    static vec broadcast_load(const float* p) { return _mm256_broadcast_ss(p); }
    static vec add(vec a, vec b) { return _mm256_add_ps(a, b); }
    static vec mul(vec a, vec b) { return _mm256_mul_ps(a, b); }
    static vec fma(vec a, vec b, vec c) { return _mm256_fmadd_ps(a, b, c); }  // a*b + c
    static float hsum(vec v) {
        __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
        s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        return _mm_cvtss_f32(_mm_add_ss(s, _mm_shuffle_ps(s, s, 1)));
    }
    // Lane masks (all bits set where true) and selection, for the pooling kernels.
    static vec gt(vec a, vec b) { return _mm256_cmp_ps(a, b, _CMP_GT_OQ); }
    static vec is_nan(vec a) { return _mm256_cmp_ps(a, a, _CMP_UNORD_Q); }
    static vec mask_or(vec a, vec b) { return _mm256_or_ps(a, b); }
    static vec select(vec mask, vec if_true, vec if_false) {
        return _mm256_blendv_ps(if_false, if_true, mask);
    }
    // (x0..x7), (x8..x15) -> even (x0, x2, ..., x14), odd (x1, x3, ..., x15)
    static void deinterleave(vec lo, vec hi, vec& even, vec& odd) {
        even = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(lo, hi, 0x88)), 0xD8));
        odd = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(lo, hi, 0xDD)), 0xD8));
    }
};

}  // namespace aelab::simd
