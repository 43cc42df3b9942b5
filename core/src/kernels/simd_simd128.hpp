// SIMD vocabulary for WebAssembly SIMD128: 4 float lanes. There is no fused multiply-add in
// baseline SIMD128, so fma is mul then add (two roundings, like the -ffp-contract=off peer).
#pragma once
#include <wasm_simd128.h>

namespace aelab::simd {

struct Simd128 {
    using vec = v128_t;
    static constexpr int lanes = 4;
    static vec zero() { return wasm_f32x4_splat(0.0f); }
    static vec load(const float* p) { return wasm_v128_load(p); }
    static void store(float* p, vec v) { wasm_v128_store(p, v); }
    static vec broadcast(float x) { return wasm_f32x4_splat(x); }
    // Splat straight from memory: one v128.load32_splat instead of a scalar load + splat.
    static vec broadcast_load(const float* p) { return wasm_v128_load32_splat(p); }
    static vec add(vec a, vec b) { return wasm_f32x4_add(a, b); }
    static vec mul(vec a, vec b) { return wasm_f32x4_mul(a, b); }
    static vec fma(vec a, vec b, vec c) {
        return wasm_f32x4_add(wasm_f32x4_mul(a, b), c);
    }  // a*b + c
    static float hsum(vec v) {
        return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) +
               (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
    }
};

}  // namespace aelab::simd
