// SIMD vocabulary for a build without SIMD (isa.hpp: AELAB_ISA_SCALAR): one float per "vector",
// the arithmetic subset (no masks or shuffles), for loops written once that must also run where
// there is no instruction set to write them for, such as the SIMD peak loop.
#pragma once

namespace aelab::simd {

struct Scalar {
    using vec = float;
    static constexpr int lanes = 1;
    static vec zero() { return 0.0f; }
    static vec load(const float* p) { return *p; }
    static void store(float* p, vec v) { *p = v; }
    static vec broadcast(float x) { return x; }
    static vec broadcast_load(const float* p) { return *p; }
    static vec add(vec a, vec b) { return a + b; }
    static vec mul(vec a, vec b) { return a * b; }
    static vec fma(vec a, vec b, vec c) { return a * b + c; }
    static float hsum(vec v) { return v; }
};

}  // namespace aelab::simd
