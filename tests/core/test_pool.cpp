// Tests for core/src/ops/pool.cpp: fast pools against their scalar twins over random shapes,
// paddings and dilations; unpooling is the adjoint of gathering at the indices.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "aelab/error.hpp"
#include "aelab/pool.hpp"
#include "test_util.hpp"

using testutil::max_rel_error;
using testutil::random_vector;

namespace {
int pick(aelab::Rng& rng, std::initializer_list<int> values) {
    return values.begin()[rng.below(std::uint32_t(values.size()))];
}
}  // namespace

TEST_CASE("max_pool2d: fast path matches max_pool2d_forward_ref (values and indices)") {
    aelab::Rng rng(31);
    int tested = 0;
    for (int trial = 0; trial < 200; ++trial) {
        const int N = pick(rng, {1, 2}), C = pick(rng, {1, 3}), H = pick(rng, {1, 2, 5, 8}),
                  W = pick(rng, {1, 3, 7});
        aelab::MaxPool2dParams p;
        p.kernel = {pick(rng, {1, 2, 3}), pick(rng, {2, 3, 4})};
        p.stride = {pick(rng, {1, 2, 3}), pick(rng, {1, 2})};
        p.padding = {int(rng.below(p.kernel[0] / 2 + 1)), int(rng.below(p.kernel[1] / 2 + 1))};
        p.dilation = {pick(rng, {1, 1, 2}), pick(rng, {1, 2})};
        const int Ho = (H + 2 * p.padding[0] - p.dilation[0] * (p.kernel[0] - 1) - 1);
        const int Wo = (W + 2 * p.padding[1] - p.dilation[1] * (p.kernel[1] - 1) - 1);
        if (Ho < 0 || Wo < 0) continue;
        const int out_h = Ho / p.stride[0] + 1, out_w = Wo / p.stride[1] + 1;
        INFO("trial ", trial);
        // Settings whose windows can lie entirely in the padding are rejected by both.
        bool rejected = false;
        std::vector<float> probe(std::size_t(out_h) * out_w);
        std::vector<std::int64_t> probe_idx(probe.size());
        std::vector<float> one_plane(std::size_t(H) * W);
        try {
            aelab::max_pool2d_forward(probe.data(), probe_idx.data(), one_plane.data(), 1, 1, H, W,
                                      p);
        } catch (const aelab::Error&) {
            rejected = true;
        }
        if (rejected) continue;
        // Integers in a small range: ties happen, and both must break them the same way.
        auto x = random_vector(rng, std::size_t(N) * C * H * W);
        for (auto& v : x) v = float(int(v * 4));
        std::vector<float> y(std::size_t(N) * C * out_h * out_w), y_ref(y.size());
        std::vector<std::int64_t> idx(y.size()), idx_ref(y.size());
        aelab::max_pool2d_forward(y.data(), idx.data(), x.data(), N, C, H, W, p);
        aelab::max_pool2d_forward_ref(y_ref.data(), idx_ref.data(), x.data(), N, C, H, W, p);
        CHECK(y == y_ref);
        CHECK(idx == idx_ref);
        ++tested;
    }
    CHECK(tested > 100);
}

TEST_CASE("avg_pool2d: fast forward and backward match the scalar twins") {
    aelab::Rng rng(32);
    for (int trial = 0; trial < 150; ++trial) {
        const int N = pick(rng, {1, 2}), C = pick(rng, {1, 3}), H = pick(rng, {2, 5, 8}),
                  W = pick(rng, {3, 7});
        aelab::AvgPool2dParams p;
        p.kernel = {pick(rng, {1, 2, 3}), pick(rng, {2, 3})};
        p.stride = {pick(rng, {1, 2, 3}), pick(rng, {1, 2})};
        p.padding = {int(rng.below(p.kernel[0] / 2 + 1)), int(rng.below(p.kernel[1] / 2 + 1))};
        const int span_h = H + 2 * p.padding[0] - p.kernel[0],
                  span_w = W + 2 * p.padding[1] - p.kernel[1];
        if (span_h < 0 || span_w < 0) continue;
        const int out_h = span_h / p.stride[0] + 1, out_w = span_w / p.stride[1] + 1;
        INFO("trial ", trial);
        auto x = random_vector(rng, std::size_t(N) * C * H * W);
        std::vector<float> y(std::size_t(N) * C * out_h * out_w), y_ref(y.size());
        aelab::avg_pool2d_forward(y.data(), x.data(), N, C, H, W, p);
        aelab::avg_pool2d_forward_ref(y_ref.data(), x.data(), N, C, H, W, p);
        CHECK(max_rel_error(y, y_ref) < 1e-6);
        auto dy = random_vector(rng, y.size());
        auto dx = random_vector(rng, x.size());
        auto dx_ref = dx;
        aelab::avg_pool2d_backward(dx.data(), dy.data(), N, C, H, W, p);
        aelab::avg_pool2d_backward_ref(dx_ref.data(), dy.data(), N, C, H, W, p);
        CHECK(max_rel_error(dx, dx_ref) < 1e-6);
    }
}

TEST_CASE("avg_pool2d counts padding (count_include_pad = True)") {
    auto x = aelab::from_values({1, 1, 2, 2}, {4, 4, 4, 4});
    aelab::AvgPool2dParams p;
    p.kernel = {2, 2};
    p.stride = {1, 1};
    p.padding = {1, 1};
    // Every 2x2 window covers exactly one real 4 in the corners, two on the edges, four inside.
    testutil::check_values(aelab::avg_pool2d(x, p), {1, 1, 3, 3}, {1, 2, 1, 2, 4, 2, 1, 2, 1});
}

TEST_CASE("max_pool2d backward and max_unpool2d route gradients through the indices") {
    aelab::Rng rng(33);
    auto x = testutil::random_tensor(rng, {2, 3, 6, 6});
    auto pooled = aelab::max_pool2d(x);
    // Unpooling then gathering at the same indices is the identity on the pooled values.
    auto unpooled = aelab::max_unpool2d(pooled.out, pooled.indices);
    CHECK(unpooled.shape()[2] == 6);
    aelab::Tensor gathered = aelab::zeros({2, 3, 3, 3});
    aelab::max_unpool2d_backward(gathered, unpooled, pooled.indices);
    CHECK(max_rel_error(gathered, pooled.out) == 0.0);
    // max_pool2d's backward is max_unpool2d's forward, added into d_x.
    aelab::Tensor d_x = aelab::zeros({2, 3, 6, 6});
    aelab::max_pool2d_backward(d_x, pooled.out, pooled.indices);
    CHECK(max_rel_error(d_x, unpooled) == 0.0);
}

TEST_CASE("2x2 stride-2 pools (every row kernel) match the scalar twins at vector-width edges") {
    aelab::Rng rng(34);
    // Every row kernel of the build (SIMD ones and the scalar one); output widths around the
    // widest vector (8 lanes on AVX2, 4 on SSE and SIMD128), odd input sizes (the last row and
    // column are dropped), odd channel counts.
    CHECK(std::string(aelab::pool_2x2s2_kernel_name(aelab::pool_2x2s2_kernel_count() - 1)) ==
          "pool_2x2s2_scalar");
    CHECK_THROWS_AS(aelab::pool_2x2s2_kernel_name(aelab::pool_2x2s2_kernel_count()), aelab::Error);
    for (int kernel = 0; kernel < aelab::pool_2x2s2_kernel_count(); ++kernel)
        for (int Wo : {1, 3, 4, 5, 7, 8, 9, 16, 17, 25})
            for (int odd_w : {0, 1})
                for (int H : {2, 5}) {
                    const int N = 2, C = 3, W = 2 * Wo + odd_w, Ho = H / 2;
                    INFO(aelab::pool_2x2s2_kernel_name(kernel), " Wo=", Wo, " W=", W, " H=", H);
                    auto x = random_vector(rng, std::size_t(N) * C * H * W);
                    // Small integers: ties in every window order; then a few NaNs.
                    for (auto& v : x) v = float(int(v * 3));
                    for (std::size_t i = 0; i < x.size(); i += 7 + Wo) x[i] = NAN;
                    std::vector<float> y(std::size_t(N) * C * Ho * Wo), y_ref(y.size());
                    std::vector<std::int64_t> idx(y.size()), idx_ref(y.size());
                    aelab::max_pool2d_forward_with_kernel(kernel, y.data(), idx.data(), x.data(), N,
                                                          C, H, W, {});
                    aelab::max_pool2d_forward_ref(y_ref.data(), idx_ref.data(), x.data(), N, C, H,
                                                  W, {});
                    CHECK(idx == idx_ref);
                    bool same = true;
                    for (std::size_t i = 0; i < y.size(); ++i)
                        same &= (y[i] == y_ref[i]) || (y[i] != y[i] && y_ref[i] != y_ref[i]);
                    CHECK(same);

                    auto xf = random_vector(rng, x.size());
                    std::vector<float> a(y.size()), a_ref(y.size());
                    aelab::avg_pool2d_forward_with_kernel(kernel, a.data(), xf.data(), N, C, H, W,
                                                          {});
                    aelab::avg_pool2d_forward_ref(a_ref.data(), xf.data(), N, C, H, W, {});
                    CHECK(a == a_ref);
                    auto dy = random_vector(rng, y.size());
                    auto dx = random_vector(rng, x.size());
                    auto dx_ref = dx;
                    aelab::avg_pool2d_backward(dx.data(), dy.data(), N, C, H, W, {});
                    aelab::avg_pool2d_backward_ref(dx_ref.data(), dy.data(), N, C, H, W, {});
                    CHECK(max_rel_error(dx, dx_ref) < 1e-6);
                }
}

TEST_CASE("max_pool2d 2x2: first maximum in window order wins, NaN wins") {
    // One plane (2, 4): windows [1 1 / 1 1] (tie: top-left), [0 2 / 2 NaN] (NaN).
    auto x = aelab::from_values({1, 1, 2, 4}, {1, 1, 0, 2, 1, 1, 2, NAN});
    auto r = aelab::max_pool2d(x);
    CHECK(r.out(0, 0, 0, 0) == 1.0f);
    CHECK(r.indices(0, 0, 0, 0) == 0);
    CHECK(r.out(0, 0, 0, 1) != r.out(0, 0, 0, 1));
    CHECK(r.indices(0, 0, 0, 1) == 7);
}
