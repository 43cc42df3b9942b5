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
};

}  // namespace aelab::simd
