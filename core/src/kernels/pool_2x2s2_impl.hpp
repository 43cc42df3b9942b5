// 2x2 stride-2 pooling rows, written once against the SIMD vocabulary (simd_*.hpp) and
// instantiated per instruction set compiled in (pool_2x2s2.cpp; AVX2 in pool_2x2s2_avx2.cpp,
// compiled with -mavx2 -mfma). Two loads per input row give 2*lanes inputs; deinterleave
// splits them into the window's left and right columns. Every function here is a template on
// the vocabulary V (the scalar steps too), so the copy an AVX2 file compiles is named for AVX2
// and never stands in for a baseline one at link time.
//
// Legend: see pool_2x2s2.hpp; V the vocabulary, L = V::lanes outputs per step, then the scalar
//   loop for the tail, with the same comparisons.
#pragma once
#include <cstdint>

#include "pool_2x2s2.hpp"

namespace aelab {
namespace pool_detail {

// The scalar step both kernels share with the reference: take v over best when v > best or v
// is NaN (the reference's rule, so ties keep the earlier tap and a later NaN wins).
template <class V>
inline void take(float v, int code, float& best, int& best_code) {
    const bool t = v > best || v != v;
    best = t ? v : best;
    best_code = t ? code : best_code;
}

// Outputs [ow, Wo) of a row, one at a time.
template <class V>
void max_row_from(int ow, const float* top, const float* bottom, int Wo, int W,
                  std::int64_t row_base, float* out, std::int64_t* indices) {
    for (; ow < Wo; ++ow) {
        float best = top[2 * ow];
        int code = 0;
        take<V>(top[2 * ow + 1], 1, best, code);
        take<V>(bottom[2 * ow], W, best, code);
        take<V>(bottom[2 * ow + 1], W + 1, best, code);
        out[ow] = best;
        indices[ow] = row_base + 2 * ow + code;
    }
}

template <class V>
void avg_row_from(int ow, const float* top, const float* bottom, int Wo, float* out) {
    for (; ow < Wo; ++ow)
        out[ow] = (((top[2 * ow] + top[2 * ow + 1]) + bottom[2 * ow]) + bottom[2 * ow + 1]) * 0.25f;
}

}  // namespace pool_detail

template <class V>
void max_pool_2x2s2_row(const float* top, const float* bottom, int Wo, int W, std::int64_t row_base,
                        float* out, std::int64_t* indices) {
    using vec = typename V::vec;
    constexpr int L = V::lanes;
    // Offsets of the four taps from the window's top-left, as floats (exact below 2^24).
    const vec off_tr = V::broadcast(1.0f), off_bl = V::broadcast(float(W)),
              off_br = V::broadcast(float(W + 1));
    int ow = 0;
    for (; ow + L <= Wo; ow += L) {
        vec tl, tr, bl, br;
        V::deinterleave(V::load(top + 2 * ow), V::load(top + 2 * ow + L), tl, tr);
        V::deinterleave(V::load(bottom + 2 * ow), V::load(bottom + 2 * ow + L), bl, br);
        vec best = tl, offset = V::zero();
        vec t = V::mask_or(V::gt(tr, best), V::is_nan(tr));
        best = V::select(t, tr, best);
        offset = V::select(t, off_tr, offset);
        t = V::mask_or(V::gt(bl, best), V::is_nan(bl));
        best = V::select(t, bl, best);
        offset = V::select(t, off_bl, offset);
        t = V::mask_or(V::gt(br, best), V::is_nan(br));
        best = V::select(t, br, best);
        offset = V::select(t, off_br, offset);
        V::store(out + ow, best);
        float offsets[L];
        V::store(offsets, offset);
        for (int i = 0; i < L; ++i)
            indices[ow + i] = row_base + 2 * (ow + i) + std::int64_t(offsets[i]);
    }
    pool_detail::max_row_from<V>(ow, top, bottom, Wo, W, row_base, out, indices);
}

template <class V>
void avg_pool_2x2s2_row(const float* top, const float* bottom, int Wo, float* out) {
    using vec = typename V::vec;
    constexpr int L = V::lanes;
    const vec quarter = V::broadcast(0.25f);
    int ow = 0;
    for (; ow + L <= Wo; ow += L) {
        vec tl, tr, bl, br;
        V::deinterleave(V::load(top + 2 * ow), V::load(top + 2 * ow + L), tl, tr);
        V::deinterleave(V::load(bottom + 2 * ow), V::load(bottom + 2 * ow + L), bl, br);
        V::store(out + ow, V::mul(V::add(V::add(V::add(tl, tr), bl), br), quarter));
    }
    pool_detail::avg_row_from<V>(ow, top, bottom, Wo, out);
}

}  // namespace aelab
