// The SIMD multiply-add peak: 12 independent chains acc = acc * m + a (simd_peak_loop.hpp), on
// the instruction set the kernels run (instruction_set(): chosen at run time natively; plain
// floats for "scalar"). Each variant is a separate, never-inlined function (V8 tiers it up on
// its own); the AVX2 one lives in simd_peak_avx2.cpp, compiled with -mavx2 -mfma.
//
// Legend: V a SIMD vocabulary (core/src/kernels/simd_*.hpp), lanes floats per vector;
//   12 chains * lanes * 2 flops per iteration.
#include <algorithm>
#include <chrono>
#include <vector>

#include "aelab/bench.hpp"
#include "simd_peak_loop.hpp"

#include "../src/kernels/isa.hpp"
#if defined(AELAB_ISA_SIMD128)
#include "../src/kernels/simd_simd128.hpp"
#endif
#if defined(AELAB_ISA_SSE)
#include "../src/kernels/simd_sse.hpp"
#endif
#include "../src/kernels/simd_scalar.hpp"

namespace aelab {

#if defined(AELAB_ISA_AVX2)
float peak_loop_avx2(long n, float m, float a);  // simd_peak_avx2.cpp
#endif

namespace {

#if defined(AELAB_ISA_SIMD128)
__attribute__((noinline)) float peak_loop_simd128(long n, float m, float a) {
    return peak::peak_loop<simd::Simd128>(n, m, a);
}
#endif
#if defined(AELAB_ISA_SSE)
__attribute__((noinline)) float peak_loop_sse(long n, float m, float a) {
    return peak::peak_loop<simd::Sse>(n, m, a);
}
#endif
__attribute__((noinline)) float peak_loop_scalar(long n, float m, float a) {
    return peak::peak_loop<simd::Scalar>(n, m, a);
}

struct PeakLoop {
    float (*run)(long, float, float);
    int lanes;
};

PeakLoop peak_loop_for(Isa isa) {
    switch (isa) {
#if defined(AELAB_ISA_AVX2)
        case Isa::avx2:
            return {peak_loop_avx2, 8};
#endif
#if defined(AELAB_ISA_SIMD128)
        case Isa::simd128:
            return {peak_loop_simd128, simd::Simd128::lanes};
#endif
#if defined(AELAB_ISA_SSE)
        case Isa::sse:
            return {peak_loop_sse, simd::Sse::lanes};
#endif
        default:
            return {peak_loop_scalar, simd::Scalar::lanes};
    }
}

}  // namespace

double simd_peak_gflops() {
    constexpr long kIterations = 200000;  // ~0.3-1 ms per run
    const PeakLoop loop = peak_loop_for(active_isa());
    volatile float sink = 0.0f;
    // m < 1 keeps the chains bounded: acc converges to a / (1 - m), no overflow or denormals.
    const double ms = median_ms([&] { sink = sink + loop.run(kIterations, 0.999f, 0.001f); },
                                3, 9);
    return 2.0 * peak::kChains * loop.lanes * double(kIterations) / (ms * 1e6);
}

}  // namespace aelab
