// SIMD vocabulary for WebAssembly SIMD128: 4 float lanes. There is no fused multiply-add in
// baseline SIMD128, so fma is mul then add (two roundings, like the -ffp-contract=off peer).
#pragma once
#include <wasm_simd128.h>

namespace aelab::simd {

struct Simd128 {
    using vec = v128_t;
    static constexpr int lanes = 4;
    // Ends a depth step in tiles that run two steps per loop iteration (gemm_microkernel.hpp):
    // an empty asm that "changes" the tile's 8 accumulators and clobbers memory. It emits
    // nothing, but no later load moves above it and each accumulator keeps its own wasm local;
    // without it clang hoists both steps' loads and groups the arithmetic by accumulator, and
    // V8 spills.
    static void pin8(vec& a, vec& b, vec& c, vec& d, vec& e, vec& f, vec& g, vec& h) {
        __asm__ volatile("" : "+r"(a), "+r"(b), "+r"(c), "+r"(d), "+r"(e), "+r"(f), "+r"(g), "+r"(h)
                         :
                         : "memory");
    }
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
    // Lane masks (all bits set where true) and selection, for the pooling kernels.
    static vec gt(vec a, vec b) { return wasm_f32x4_gt(a, b); }
    static vec is_nan(vec a) { return wasm_f32x4_ne(a, a); }
    static vec mask_or(vec a, vec b) { return wasm_v128_or(a, b); }
    static vec select(vec mask, vec if_true, vec if_false) {
        return wasm_v128_bitselect(if_true, if_false, mask);
    }
    // (x0..x3), (x4..x7) -> even (x0, x2, x4, x6), odd (x1, x3, x5, x7)
    static void deinterleave(vec lo, vec hi, vec& even, vec& odd) {
        even = wasm_i32x4_shuffle(lo, hi, 0, 2, 4, 6);
        odd = wasm_i32x4_shuffle(lo, hi, 1, 3, 5, 7);
    }
    // (a0, b0, a1, b1) and (a2, b2, a3, b3)
    static vec zip_lo(vec a, vec b) { return wasm_i32x4_shuffle(a, b, 0, 4, 1, 5); }
    static vec zip_hi(vec a, vec b) { return wasm_i32x4_shuffle(a, b, 2, 6, 3, 7); }
    // All bits set in lanes 0 and 2: the even lanes.
    static vec even_lanes() { return wasm_i32x4_make(-1, 0, -1, 0); }
    // Rows (r0..r3) of a 4x4 block -> its columns, in place.
    static void transpose4(vec& r0, vec& r1, vec& r2, vec& r3) {
        const vec t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5);  // a0 b0 a1 b1
        const vec t1 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5);  // c0 d0 c1 d1
        const vec t2 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);  // a2 b2 a3 b3
        const vec t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);  // c2 d2 c3 d3
        r0 = wasm_i32x4_shuffle(t0, t1, 0, 1, 4, 5);
        r1 = wasm_i32x4_shuffle(t0, t1, 2, 3, 6, 7);
        r2 = wasm_i32x4_shuffle(t2, t3, 0, 1, 4, 5);
        r3 = wasm_i32x4_shuffle(t2, t3, 2, 3, 6, 7);
    }
};

}  // namespace aelab::simd
