// The SIMD multiply-add peak: 12 independent chains acc = acc * m + a, enough to hide the
// latency of mul + add (or FMA) at two per cycle, on the widest instruction set compiled in
// (isa.hpp; plain floats without one). Each variant is a separate, never-inlined function (V8
// tiers it up on its own); the one simd_peak_gflops() runs is chosen below, once.
//
// Legend: V a SIMD vocabulary (core/src/kernels/simd_*.hpp), lanes floats per vector;
//   12 chains * lanes * 2 flops per iteration.
#include <algorithm>
#include <chrono>
#include <vector>

#include "aelab/bench.hpp"

#include "../src/kernels/isa.hpp"
#if defined(AELAB_ISA_AVX2)
#include "../src/kernels/simd_avx2.hpp"
#elif defined(AELAB_ISA_SIMD128)
#include "../src/kernels/simd_simd128.hpp"
#elif defined(AELAB_ISA_SSE)
#include "../src/kernels/simd_sse.hpp"
#else
#include "../src/kernels/simd_scalar.hpp"
#endif

namespace aelab {
namespace {

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

#if defined(AELAB_ISA_AVX2)
__attribute__((noinline)) float peak_loop_avx2(long n, float m, float a) {
    return peak_loop<simd::Avx2>(n, m, a);
}
constexpr int kLanes = simd::Avx2::lanes;
float (*const kPeakLoop)(long, float, float) = peak_loop_avx2;
#elif defined(AELAB_ISA_SIMD128)
__attribute__((noinline)) float peak_loop_simd128(long n, float m, float a) {
    return peak_loop<simd::Simd128>(n, m, a);
}
constexpr int kLanes = simd::Simd128::lanes;
float (*const kPeakLoop)(long, float, float) = peak_loop_simd128;
#elif defined(AELAB_ISA_SSE)
__attribute__((noinline)) float peak_loop_sse(long n, float m, float a) {
    return peak_loop<simd::Sse>(n, m, a);
}
constexpr int kLanes = simd::Sse::lanes;
float (*const kPeakLoop)(long, float, float) = peak_loop_sse;
#else
__attribute__((noinline)) float peak_loop_scalar(long n, float m, float a) {
    return peak_loop<simd::Scalar>(n, m, a);
}
constexpr int kLanes = simd::Scalar::lanes;
float (*const kPeakLoop)(long, float, float) = peak_loop_scalar;
#endif

}  // namespace

double simd_peak_gflops() {
    constexpr long kIterations = 200000;  // ~0.3-1 ms per run
    volatile float sink = 0.0f;
    // m < 1 keeps the chains bounded: acc converges to a / (1 - m), no overflow or denormals.
    const double ms = median_ms([&] { sink = sink + kPeakLoop(kIterations, 0.999f, 0.001f); },
                                3, 9);
    return 2.0 * kChains * kLanes * double(kIterations) / (ms * 1e6);
}

}  // namespace aelab
