// Tests for core/src/ops/conv*.cpp: the GEMM fast path against the scalar twins (*_ref) over
// random shape sweeps and the register-tile edges, the adjoint identity between conv and
// transposed conv, and torch's output sizes.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "aelab/conv.hpp"
#include "aelab/gemm.hpp"
#include "test_util.hpp"

using testutil::max_rel_error;
using testutil::random_vector;

namespace {

constexpr double kTol = 1e-5;

// One random conv2d configuration: forward and all three gradients, fast vs ref. Gradients
// start from random values so that "backward adds" is checked too.
void check_conv2d(aelab::Rng& rng, int N, int C_in, int H, int W, int C_out, int kH, int kW,
                  const aelab::Conv2dParams& p) {
    const int Ho = aelab::conv_output_size(H, kH, p.stride[0], p.padding[0], p.dilation[0]);
    const int Wo = aelab::conv_output_size(W, kW, p.stride[1], p.padding[1], p.dilation[1]);
    if (Ho < 1 || Wo < 1) return;
    INFO("conv2d N=", N, " C_in=", C_in, " H=", H, " W=", W, " C_out=", C_out, " k=", kH, "x", kW,
         " s=", p.stride[0], ",", p.stride[1], " p=", p.padding[0], ",", p.padding[1],
         " d=", p.dilation[0], ",", p.dilation[1]);
    auto x = random_vector(rng, std::size_t(N) * C_in * H * W);        // (N, C_in, H, W)
    auto w = random_vector(rng, std::size_t(C_out) * C_in * kH * kW);  // (C_out, C_in, kH, kW)
    auto b = random_vector(rng, C_out);                                // (C_out,)
    std::vector<float> y(std::size_t(N) * C_out * Ho * Wo), y_ref(y.size());  // (N, C_out, Ho, Wo)
    aelab::conv2d_forward(y.data(), x.data(), w.data(), b.data(), N, C_in, H, W, C_out, kH, kW, p);
    aelab::conv2d_forward_ref(y_ref.data(), x.data(), w.data(), b.data(), N, C_in, H, W, C_out, kH,
                              kW, p);
    CHECK(max_rel_error(y, y_ref) < kTol);

    auto dy = random_vector(rng, y.size());
    auto dx = random_vector(rng, x.size()), dw = random_vector(rng, w.size()),
         db = random_vector(rng, b.size());
    auto dx_ref = dx, dw_ref = dw, db_ref = db;
    aelab::conv2d_backward(dx.data(), dw.data(), db.data(), dy.data(), x.data(), w.data(), N, C_in,
                           H, W, C_out, kH, kW, p);
    aelab::conv2d_backward_ref(dx_ref.data(), dw_ref.data(), db_ref.data(), dy.data(), x.data(),
                               w.data(), N, C_in, H, W, C_out, kH, kW, p);
    CHECK(max_rel_error(dx, dx_ref) < kTol);
    CHECK(max_rel_error(dw, dw_ref) < kTol);
    CHECK(max_rel_error(db, db_ref) < kTol);
}

void check_conv_transpose2d(aelab::Rng& rng, int N, int C_in, int H, int W, int C_out, int kH,
                            int kW, const aelab::ConvTranspose2dParams& p) {
    const int Ho = aelab::conv_transpose_output_size(H, kH, p.stride[0], p.padding[0],
                                                     p.output_padding[0], p.dilation[0]);
    const int Wo = aelab::conv_transpose_output_size(W, kW, p.stride[1], p.padding[1],
                                                     p.output_padding[1], p.dilation[1]);
    if (Ho < 1 || Wo < 1) return;
    INFO("conv_transpose2d N=", N, " C_in=", C_in, " H=", H, " W=", W, " C_out=", C_out, " k=", kH,
         "x", kW, " s=", p.stride[0], ",", p.stride[1], " p=", p.padding[0], ",", p.padding[1],
         " op=", p.output_padding[0], ",", p.output_padding[1], " d=", p.dilation[0], ",",
         p.dilation[1]);
    auto x = random_vector(rng, std::size_t(N) * C_in * H * W);        // (N, C_in, H, W)
    auto w = random_vector(rng, std::size_t(C_in) * C_out * kH * kW);  // (C_in, C_out, kH, kW)
    auto b = random_vector(rng, C_out);                                // (C_out,)
    std::vector<float> y(std::size_t(N) * C_out * Ho * Wo), y_ref(y.size());  // (N, C_out, Ho, Wo)
    aelab::conv_transpose2d_forward(y.data(), x.data(), w.data(), b.data(), N, C_in, H, W, C_out,
                                    kH, kW, p);
    aelab::conv_transpose2d_forward_ref(y_ref.data(), x.data(), w.data(), b.data(), N, C_in, H, W,
                                        C_out, kH, kW, p);
    CHECK(max_rel_error(y, y_ref) < kTol);

    auto dy = random_vector(rng, y.size());
    auto dx = random_vector(rng, x.size()), dw = random_vector(rng, w.size()),
         db = random_vector(rng, b.size());
    auto dx_ref = dx, dw_ref = dw, db_ref = db;
    aelab::conv_transpose2d_backward(dx.data(), dw.data(), db.data(), dy.data(), x.data(), w.data(),
                                     N, C_in, H, W, C_out, kH, kW, p);
    aelab::conv_transpose2d_backward_ref(dx_ref.data(), dw_ref.data(), db_ref.data(), dy.data(),
                                         x.data(), w.data(), N, C_in, H, W, C_out, kH, kW, p);
    CHECK(max_rel_error(dx, dx_ref) < kTol);
    CHECK(max_rel_error(dw, dw_ref) < kTol);
    CHECK(max_rel_error(db, db_ref) < kTol);
}

int pick(aelab::Rng& rng, std::initializer_list<int> values) {
    return values.begin()[rng.below(std::uint32_t(values.size()))];
}

double dot(const std::vector<float>& a, const std::vector<float>& b) {
    double s = 0;
    for (std::size_t i = 0; i < a.size(); ++i) s += double(a[i]) * b[i];
    return s;
}

}  // namespace

TEST_CASE("conv2d: GEMM path matches conv2d_ref over random shapes, strides, paddings") {
    aelab::Rng rng(21);
    for (int trial = 0; trial < 150; ++trial) {
        aelab::Conv2dParams p;
        p.stride = {pick(rng, {1, 1, 2, 3}), pick(rng, {1, 2})};
        p.padding = {pick(rng, {0, 1, 2}), pick(rng, {0, 1})};
        p.dilation = {pick(rng, {1, 1, 2}), pick(rng, {1, 2})};
        check_conv2d(rng, pick(rng, {1, 2}), pick(rng, {1, 2, 3, 5}), pick(rng, {1, 2, 5, 8}),
                     pick(rng, {1, 3, 7, 9}), pick(rng, {1, 3, 4, 7}), pick(rng, {1, 2, 3}),
                     pick(rng, {1, 3, 4}), p);
    }
}

TEST_CASE("conv2d: GEMM path at the register-tile edges (C_out and output positions)") {
    aelab::Rng rng(22);
    const int mr = aelab::gemm_kernel_mr(), nr = aelab::gemm_kernel_nr();
    // C_out is the GEMM's M, H_out * W_out its N: below, at, above and multiples of the tile.
    for (int C_out : {mr - 1, mr, mr + 1, 2 * mr, 3 * mr + 1})
        for (int W : {nr - 1, nr, nr + 1, 2 * nr})
            if (C_out > 0 && W > 0)
                check_conv2d(rng, 2, 3, 3, W, C_out, 3, 3, {{1, 1}, {1, 1}, {1, 1}});
    // K = C_in * kH * kW beyond one KC block (256), odd channel counts.
    check_conv2d(rng, 1, 31, 6, 7, 9, 3, 3, {{1, 2}, {1, 0}, {1, 1}});
}

TEST_CASE("conv engines on indirect GEMM at the igemm tile edges (channels and positions)") {
    aelab::Rng rng(27);
    const int mr = aelab::igemm_kernel_mr(), nr = aelab::igemm_kernel_nr();
    // The written side's channels are the igemm tile's columns: the indirect engine takes
    // C >= nr / 2. Positions (N * H_out * W_out) below, at and above multiples of mr.
    for (int C : {nr / 2, nr - 1, nr, nr + 1, 2 * nr + 3})
        for (int W : {1, mr - 1, mr + 1, 2 * mr + 1}) {
            if (C < 1 || W < 1) continue;
            check_conv2d(rng, 2, 3, 5, W, C, 3, 3, {{1, 1}, {1, 1}, {1, 1}});
            check_conv2d(rng, 1, 5, 7, W + 2, C, 3, 2, {{2, 3}, {1, 0}, {2, 1}});
            check_conv_transpose2d(rng, 2, C, 3, W, C, 3, 3, {{2, 2}, {1, 1}, {1, 1}, {1, 1}});
            check_conv_transpose2d(rng, 1, 3, 2, W, C, 4, 3, {{3, 2}, {2, 0}, {1, 1}, {2, 1}});
        }
}

TEST_CASE("conv with an inf weight matches the scalar twin: padding is never 0 * inf") {
    const int N = 1, C_in = 2, H = 5, W = 5, C_out = 16, k = 3;
    aelab::Rng rng(28);
    auto x = random_vector(rng, std::size_t(N) * C_in * H * W);   // (N, C_in, H, W)
    auto w = random_vector(rng, std::size_t(C_out) * C_in * k * k);  // (C_out, C_in, k, k)
    w[0] = std::numeric_limits<float>::infinity();  // tap (0, 0): padding at the top-left
    const aelab::Conv2dParams p{{1, 1}, {1, 1}, {1, 1}};
    std::vector<float> y(std::size_t(N) * C_out * H * W), y_ref(y.size());
    aelab::conv2d_forward(y.data(), x.data(), w.data(), nullptr, N, C_in, H, W, C_out, k, k, p);
    aelab::conv2d_forward_ref(y_ref.data(), x.data(), w.data(), nullptr, N, C_in, H, W, C_out, k,
                              k, p);
    for (std::size_t i = 0; i < y.size(); ++i) {
        CHECK(std::isnan(y[i]) == std::isnan(y_ref[i]));
        if (std::isfinite(y_ref[i])) CHECK(std::fabs(y[i] - y_ref[i]) < 1e-4f);
    }
}

TEST_CASE("conv_transpose2d: GEMM + col2im path matches the scatter reference") {
    aelab::Rng rng(23);
    for (int trial = 0; trial < 150; ++trial) {
        aelab::ConvTranspose2dParams p;
        p.stride = {pick(rng, {1, 2, 2, 3}), pick(rng, {1, 2})};
        p.padding = {pick(rng, {0, 1, 2}), pick(rng, {0, 1})};
        p.dilation = {pick(rng, {1, 1, 2}), pick(rng, {1, 2})};
        // output_padding must stay below max(stride, dilation), as torch requires.
        p.output_padding = {int(rng.below(std::max(p.stride[0], p.dilation[0]))),
                            int(rng.below(std::max(p.stride[1], p.dilation[1])))};
        check_conv_transpose2d(rng, pick(rng, {1, 2}), pick(rng, {1, 2, 3, 5}),
                               pick(rng, {1, 2, 4, 7}), pick(rng, {1, 3, 5}),
                               pick(rng, {1, 3, 4, 7}), pick(rng, {1, 2, 3}), pick(rng, {1, 3, 4}),
                               p);
    }
    const int mr = aelab::gemm_kernel_mr(), nr = aelab::gemm_kernel_nr();
    for (int C_out : {1, mr - 1, mr + 1})
        for (int W : {nr - 1, nr + 1})
            if (C_out > 0 && W > 0)
                check_conv_transpose2d(rng, 1, 2 * mr + 1, 2, W, C_out, 3, 3,
                                       {{2, 2}, {1, 1}, {1, 1}, {1, 1}});
}

TEST_CASE("conv1d, conv3d, conv_transpose1d: GEMM path matches the scalar twins") {
    aelab::Rng rng(24);
    for (int trial = 0; trial < 60; ++trial) {
        const int N = pick(rng, {1, 2}), C_in = pick(rng, {1, 2, 3}), C_out = pick(rng, {1, 2, 5});
        const int L = pick(rng, {1, 4, 9, 17}), K = pick(rng, {1, 2, 3});
        const int s = pick(rng, {1, 2, 3}), pad = pick(rng, {0, 1, 2}), d = pick(rng, {1, 2});
        INFO("trial ", trial, " N=", N, " C_in=", C_in, " C_out=", C_out, " L=", L, " K=", K,
             " s=", s, " p=", pad, " d=", d);
        auto x = random_vector(rng, std::size_t(N) * C_in * L);
        auto b = random_vector(rng, C_out);
        const int Lo = aelab::conv_output_size(L, K, s, pad, d);
        if (Lo >= 1) {
            aelab::Conv1dParams p{s, pad, d};
            auto w = random_vector(rng, std::size_t(C_out) * C_in * K);  // (C_out, C_in, K)
            std::vector<float> y(std::size_t(N) * C_out * Lo), y_ref(y.size());
            aelab::conv1d_forward(y.data(), x.data(), w.data(), b.data(), N, C_in, L, C_out, K, p);
            aelab::conv1d_forward_ref(y_ref.data(), x.data(), w.data(), b.data(), N, C_in, L, C_out,
                                      K, p);
            CHECK(max_rel_error(y, y_ref) < kTol);
            auto dy = random_vector(rng, y.size());
            std::vector<float> dx(x.size()), dw(w.size()), db(b.size());
            auto dx_ref = dx, dw_ref = dw, db_ref = db;
            aelab::conv1d_backward(dx.data(), dw.data(), db.data(), dy.data(), x.data(), w.data(),
                                   N, C_in, L, C_out, K, p);
            aelab::conv1d_backward_ref(dx_ref.data(), dw_ref.data(), db_ref.data(), dy.data(),
                                       x.data(), w.data(), N, C_in, L, C_out, K, p);
            CHECK(max_rel_error(dx, dx_ref) < kTol);
            CHECK(max_rel_error(dw, dw_ref) < kTol);
            CHECK(max_rel_error(db, db_ref) < kTol);
        }
        const int op = int(rng.below(std::max(s, d)));
        const int Lt = aelab::conv_transpose_output_size(L, K, s, pad, op, d);
        if (Lt >= 1) {
            aelab::ConvTranspose1dParams p{s, pad, op, d};
            auto w = random_vector(rng, std::size_t(C_in) * C_out * K);  // (C_in, C_out, K)
            std::vector<float> y(std::size_t(N) * C_out * Lt), y_ref(y.size());
            aelab::conv_transpose1d_forward(y.data(), x.data(), w.data(), b.data(), N, C_in, L,
                                            C_out, K, p);
            aelab::conv_transpose1d_forward_ref(y_ref.data(), x.data(), w.data(), b.data(), N, C_in,
                                                L, C_out, K, p);
            CHECK(max_rel_error(y, y_ref) < kTol);
            auto dy = random_vector(rng, y.size());
            std::vector<float> dx(x.size()), dw(w.size()), db(b.size());
            auto dx_ref = dx, dw_ref = dw, db_ref = db;
            aelab::conv_transpose1d_backward(dx.data(), dw.data(), db.data(), dy.data(), x.data(),
                                             w.data(), N, C_in, L, C_out, K, p);
            aelab::conv_transpose1d_backward_ref(dx_ref.data(), dw_ref.data(), db_ref.data(),
                                                 dy.data(), x.data(), w.data(), N, C_in, L, C_out,
                                                 K, p);
            CHECK(max_rel_error(dx, dx_ref) < kTol);
            CHECK(max_rel_error(dw, dw_ref) < kTol);
            CHECK(max_rel_error(db, db_ref) < kTol);
        }
    }
    for (int trial = 0; trial < 30; ++trial) {
        const int N = pick(rng, {1, 2}), C_in = pick(rng, {1, 3}), C_out = pick(rng, {1, 4, 7});
        const int D = pick(rng, {1, 3, 5}), H = pick(rng, {2, 4}), W = pick(rng, {3, 6});
        const int kD = pick(rng, {1, 2, 3}), kH = pick(rng, {1, 3}), kW = pick(rng, {2, 3});
        aelab::Conv3dParams p;
        p.stride = {pick(rng, {1, 2}), pick(rng, {1, 2}), pick(rng, {1, 3})};
        p.padding = {pick(rng, {0, 1}), pick(rng, {0, 1}), pick(rng, {0, 2})};
        p.dilation = {pick(rng, {1, 2}), 1, pick(rng, {1, 2})};
        int out[3], in[3] = {D, H, W}, k[3] = {kD, kH, kW};
        bool ok = true;
        for (int a = 0; a < 3; ++a) {
            out[a] = aelab::conv_output_size(in[a], k[a], p.stride[a], p.padding[a], p.dilation[a]);
            ok = ok && out[a] >= 1;
        }
        if (!ok) continue;
        INFO("conv3d trial ", trial);
        auto x = random_vector(rng, std::size_t(N) * C_in * D * H * W);  // (N, C_in, D, H, W)
        auto w = random_vector(rng, std::size_t(C_out) * C_in * kD * kH * kW);
        auto b = random_vector(rng, C_out);
        std::vector<float> y(std::size_t(N) * C_out * out[0] * out[1] * out[2]), y_ref(y.size());
        aelab::conv3d_forward(y.data(), x.data(), w.data(), b.data(), N, C_in, D, H, W, C_out, kD,
                              kH, kW, p);
        aelab::conv3d_forward_ref(y_ref.data(), x.data(), w.data(), b.data(), N, C_in, D, H, W,
                                  C_out, kD, kH, kW, p);
        CHECK(max_rel_error(y, y_ref) < kTol);
        auto dy = random_vector(rng, y.size());
        std::vector<float> dx(x.size()), dw(w.size()), db(b.size());
        auto dx_ref = dx, dw_ref = dw, db_ref = db;
        aelab::conv3d_backward(dx.data(), dw.data(), db.data(), dy.data(), x.data(), w.data(), N,
                               C_in, D, H, W, C_out, kD, kH, kW, p);
        aelab::conv3d_backward_ref(dx_ref.data(), dw_ref.data(), db_ref.data(), dy.data(), x.data(),
                                   w.data(), N, C_in, D, H, W, C_out, kD, kH, kW, p);
        CHECK(max_rel_error(dx, dx_ref) < kTol);
        CHECK(max_rel_error(dw, dw_ref) < kTol);
        CHECK(max_rel_error(db, db_ref) < kTol);
    }
}

TEST_CASE("batched conv engines: image groups, panels across images, phase planes") {
    aelab::Rng rng(26);
    // Enough images x channels that the engines run several GEMMs (groups of images sized to
    // L2); odd sizes so pitched rows carry junk columns; tiny planes so micro-panels span
    // several images; strides 1-3 with dilation, padding beyond the kernel's reach.
    check_conv2d(rng, 13, 16, 19, 21, 64, 3, 3, {{2, 2}, {1, 1}, {1, 1}});
    check_conv2d(rng, 9, 5, 3, 2, 7, 2, 2, {{1, 1}, {1, 1}, {1, 1}});
    check_conv2d(rng, 6, 3, 11, 9, 5, 3, 2, {{3, 2}, {2, 1}, {2, 2}});
    check_conv2d(rng, 5, 7, 8, 8, 13, 1, 1, {{2, 2}, {0, 0}, {1, 1}});
    check_conv_transpose2d(rng, 11, 32, 7, 9, 16, 3, 3, {{2, 2}, {1, 1}, {1, 1}, {1, 1}});
    check_conv_transpose2d(rng, 7, 5, 2, 3, 3, 4, 4, {{3, 2}, {1, 2}, {2, 0}, {1, 1}});
}

TEST_CASE("conv_transpose is the adjoint of conv: <conv(x), y> == <x, conv_transpose(y)>") {
    aelab::Rng rng(25);
    for (int trial = 0; trial < 40; ++trial) {
        // Same weight buffer read as conv (C_out, C_in, k) = transposed conv (C_in', C_out', k)
        // with C_in' = C_out, C_out' = C_in.
        const int N = pick(rng, {1, 2}), C_in = pick(rng, {1, 2, 3}), C_out = pick(rng, {1, 2, 4});
        const int H = pick(rng, {4, 5, 8}), W = pick(rng, {3, 6, 7});
        const int kH = pick(rng, {1, 2, 3}), kW = pick(rng, {1, 3});
        aelab::Conv2dParams p;
        p.stride = {pick(rng, {1, 2}), pick(rng, {1, 2, 3})};
        p.padding = {pick(rng, {0, 1}), pick(rng, {0, 1})};
        p.dilation = {pick(rng, {1, 2}), 1};
        const int Ho = aelab::conv_output_size(H, kH, p.stride[0], p.padding[0], p.dilation[0]);
        const int Wo = aelab::conv_output_size(W, kW, p.stride[1], p.padding[1], p.dilation[1]);
        if (Ho < 1 || Wo < 1) continue;
        // output_padding makes the transposed conv land exactly on (H, W).
        aelab::ConvTranspose2dParams pt;
        pt.stride = p.stride;
        pt.padding = p.padding;
        pt.dilation = p.dilation;
        pt.output_padding = {H - int(aelab::conv_transpose_output_size(Ho, kH, p.stride[0],
                                                                       p.padding[0], 0, p.dilation[0])),
                             W - int(aelab::conv_transpose_output_size(Wo, kW, p.stride[1],
                                                                       p.padding[1], 0, p.dilation[1]))};
        INFO("adjoint trial ", trial);
        auto x = random_vector(rng, std::size_t(N) * C_in * H * W);        // (N, C_in, H, W)
        auto w = random_vector(rng, std::size_t(C_out) * C_in * kH * kW);  // (C_out, C_in, kH, kW)
        auto y = random_vector(rng, std::size_t(N) * C_out * Ho * Wo);     // (N, C_out, Ho, Wo)
        std::vector<float> conv_x(y.size()), convt_y(x.size());
        aelab::conv2d_forward(conv_x.data(), x.data(), w.data(), nullptr, N, C_in, H, W, C_out, kH,
                              kW, p);
        aelab::conv_transpose2d_forward(convt_y.data(), y.data(), w.data(), nullptr, N, C_out, Ho,
                                        Wo, C_in, kH, kW, pt);
        CHECK(dot(conv_x, y) == doctest::Approx(dot(x, convt_y)).epsilon(1e-4));
    }
    for (int trial = 0; trial < 20; ++trial) {
        const int N = 2, C_in = pick(rng, {1, 3}), C_out = pick(rng, {2, 5}),
                  L = pick(rng, {5, 9, 16});
        const int K = pick(rng, {1, 2, 3}), s = pick(rng, {1, 2, 3}), pad = pick(rng, {0, 1}),
                  d = pick(rng, {1, 2});
        const int Lo = aelab::conv_output_size(L, K, s, pad, d);
        if (Lo < 1) continue;
        const int op = L - aelab::conv_transpose_output_size(Lo, K, s, pad, 0, d);
        auto x = random_vector(rng, std::size_t(N) * C_in * L);
        auto w = random_vector(rng, std::size_t(C_out) * C_in * K);
        auto y = random_vector(rng, std::size_t(N) * C_out * Lo);
        std::vector<float> conv_x(y.size()), convt_y(x.size());
        aelab::conv1d_forward(conv_x.data(), x.data(), w.data(), nullptr, N, C_in, L, C_out, K,
                              {s, pad, d});
        aelab::conv_transpose1d_forward(convt_y.data(), y.data(), w.data(), nullptr, N, C_out, Lo,
                                        C_in, K, {s, pad, op, d});
        CHECK(dot(conv_x, y) == doctest::Approx(dot(x, convt_y)).epsilon(1e-4));
    }
}

TEST_CASE("conv output sizes follow torch") {
    CHECK(aelab::conv_output_size(28, 3, 2, 1, 1) == 14);
    CHECK(aelab::conv_output_size(5, 3, 1, 0, 1) == 3);
    CHECK(aelab::conv_output_size(7, 3, 2, 0, 2) == 2);
    CHECK(aelab::conv_output_size(2, 3, 1, 0, 1) == 0);
    CHECK(aelab::conv_transpose_output_size(2, 3, 2, 1, 1, 1) == 4);
    CHECK(aelab::conv_transpose_output_size(7, 3, 2, 1, 1, 1) == 14);
    CHECK(aelab::conv_transpose_output_size(3, 4, 3, 2, 2, 2) == 11);
}
