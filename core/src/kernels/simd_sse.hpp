// SIMD vocabulary for SSE (128-bit, 4 float lanes). fma is mul then add: SSE has no FMA.
#pragma once
#include <immintrin.h>

namespace aelab::simd {

struct Sse {
    using vec = __m128;
    static constexpr int lanes = 4;
    static vec zero() { return _mm_setzero_ps(); }
    static vec load(const float* p) { return _mm_loadu_ps(p); }
    static void store(float* p, vec v) { _mm_storeu_ps(p, v); }
    static vec broadcast(float x) { return _mm_set1_ps(x); }
    static vec broadcast_load(const float* p) { return _mm_set1_ps(*p); }
    static vec add(vec a, vec b) { return _mm_add_ps(a, b); }
    static vec mul(vec a, vec b) { return _mm_mul_ps(a, b); }
    static vec fma(vec a, vec b, vec c) { return _mm_add_ps(_mm_mul_ps(a, b), c); }  // a*b + c
    static float hsum(vec v) {
        __m128 hi = _mm_movehl_ps(v, v);
        __m128 s = _mm_add_ps(v, hi);
        return _mm_cvtss_f32(_mm_add_ss(s, _mm_shuffle_ps(s, s, 1)));
    }
    // Lane masks (all bits set where true) and selection, for the pooling kernels.
    static vec gt(vec a, vec b) { return _mm_cmpgt_ps(a, b); }
    static vec is_nan(vec a) { return _mm_cmpunord_ps(a, a); }
    static vec mask_or(vec a, vec b) { return _mm_or_ps(a, b); }
    static vec select(vec mask, vec if_true, vec if_false) {
        return _mm_or_ps(_mm_and_ps(mask, if_true), _mm_andnot_ps(mask, if_false));
    }
    // (x0..x3), (x4..x7) -> even (x0, x2, x4, x6), odd (x1, x3, x5, x7)
    static void deinterleave(vec lo, vec hi, vec& even, vec& odd) {
        even = _mm_shuffle_ps(lo, hi, 0x88);
        odd = _mm_shuffle_ps(lo, hi, 0xDD);
    }
    // Rows (r0..r3) of a 4x4 block -> its columns, in place.
    static void transpose4(vec& r0, vec& r1, vec& r2, vec& r3) { _MM_TRANSPOSE4_PS(r0, r1, r2, r3); }
    // (a0, b0, a1, b1) and (a2, b2, a3, b3)
    static vec zip_lo(vec a, vec b) { return _mm_unpacklo_ps(a, b); }
    static vec zip_hi(vec a, vec b) { return _mm_unpackhi_ps(a, b); }
    // All bits set in lanes 0 and 2: the even lanes.
    static vec even_lanes() { return _mm_castsi128_ps(_mm_set_epi32(0, -1, 0, -1)); }
};

}  // namespace aelab::simd
