// The SIMD multiply-add peak loop (simd_peak.cpp), a template on the SIMD vocabulary V: 12
// independent chains acc = acc * m + a, enough to hide the latency of mul + add (or FMA) at
// two per cycle. Instantiated in simd_peak.cpp and, for AVX2, in simd_peak_avx2.cpp (compiled
// with -mavx2 -mfma).
#pragma once

namespace aelab::peak {

constexpr int kChains = 12;

// Returns the sum of the chains so the loop cannot be dropped.
template <class V>
float peak_loop(long iterations, float m, float a) {
    using vec = typename V::vec;
    vec acc[kChains];
    const vec vm = V::broadcast(m), va = V::broadcast(a);
#pragma GCC unroll 16
    for (int c = 0; c < kChains; ++c) acc[c] = V::broadcast(float(c));
    for (long i = 0; i < iterations; ++i)
#pragma GCC unroll 16
        for (int c = 0; c < kChains; ++c) acc[c] = V::fma(acc[c], vm, va);
    vec sum = acc[0];
    for (int c = 1; c < kChains; ++c) sum = V::add(sum, acc[c]);
    return V::hsum(sum);
}

}  // namespace aelab::peak
