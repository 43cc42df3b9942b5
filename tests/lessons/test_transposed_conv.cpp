// Tests for lessons/transposed_conv.cpp: the numbers the "Transposed convolution" page shows,
// its three equivalent constructions, the checkerboard overlap patterns, the URL state and
// headless drawing of every preset, section and step extreme.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include <xtensor/xview.hpp>

#include "aelab/conv.hpp"
#include "aelab/rng.hpp"
#include "headless.hpp"
#include "lesson.hpp"
#include "kit/platform.hpp"
#include "kit/pytorch.hpp"
#include "transposed_conv.hpp"
#include "kit/widgets.hpp"

using namespace aelab;
using namespace aelab::lessons::transposed_conv;

namespace {

// The definition, written out: every x[i,j] adds x[i,j] * w onto the full output at
// (i*S + a*D, j*S + b*D); the output is the window starting at (P, P).
Tensor direct_scatter(const Tensor& x, const Tensor& w, const Geometry& g) {
    const int Ho = out_rows(g), Wo = out_cols(g);
    Tensor y = zeros({1, 1, std::size_t(Ho), std::size_t(Wo)});
    for (int i = 0; i < g.H; ++i)
        for (int j = 0; j < g.W; ++j)
            for (int a = 0; a < g.K; ++a)
                for (int b = 0; b < g.K; ++b) {
                    const int r = i * g.S + a * g.D - g.P, c = j * g.S + b * g.D - g.P;
                    if (r >= 0 && r < Ho && c >= 0 && c < Wo) y(0, 0, r, c) += x(0, 0, i, j) * w(0, 0, a, b);
                }
    return y;
}

Tensor random_tensor(Rng& rng, const Shape& shape) {
    Tensor t = zeros(shape);
    for (float& v : t) v = rng.uniform(-1.0f, 1.0f);
    return t;
}

void check_close(const Tensor& a, const Tensor& b, float tol = 1e-4f) {
    REQUIRE(a.shape() == b.shape());
    for (std::size_t i = 0; i < a.size(); ++i) REQUIRE(a.data()[i] == doctest::Approx(b.data()[i]).epsilon(tol).scale(1.0));
}

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

TEST_CASE("transposed-conv lesson: the course preset, 2x2 -> 4x4 with 3x3, stride 2, padding 1, output_padding 1") {
    const Preset& p = presets()[0];
    CHECK(p.g == Geometry{2, 2, 3, 2, 1, 1, 1});
    Tensor x = plane(p.x, 2, 2), w = plane(p.w, 3, 3);
    Tensor y = transposed(x, w, p.g);
    REQUIRE(y.shape() == Shape{1, 1, 4, 4});
    // Worked out by hand: four weighted copies of w = [[1,2,3],[4,5,6],[7,8,9]], 2 apart, cropped by 1.
    Tensor expected = from_values({1, 1, 4, 4}, {5, 14, 10, 12, 14, 36, 24, 30, 15, 34, 20, 24, 24, 55, 32, 36});
    CHECK(y == expected);
    CHECK(direct_scatter(x, w, p.g) == y);
    CHECK(output_size_formula(p.g, true) ==
          "H_out = (H - 1)*S - 2P + D(K - 1) + OP + 1 = (2 - 1)*2 - 2*1 + 1*(3 - 1) + 1 + 1 = 4");
    // Without output_padding the same layer gives 3x3 (the preset that shows it).
    CHECK(out_rows(presets()[3].g) == 3);
    CHECK(full_rows(p.g) == 5);
    CHECK(canvas_size(p.g).rows == 5);
}

TEST_CASE("transposed-conv lesson: every preset equals the written-out scatter") {
    for (const auto& p : presets()) {
        CAPTURE(p.name);
        REQUIRE(invalid_reason(p.g).empty());
        REQUIRE(p.x.size() == std::size_t(p.g.H * p.g.W));
        REQUIRE(p.w.size() == std::size_t(p.g.K * p.g.K));
        Tensor x = plane(p.x, p.g.H, p.g.W), w = plane(p.w, p.g.K, p.g.K);
        CHECK(direct_scatter(x, w, p.g) == transposed(x, w, p.g));
    }
}

TEST_CASE("transposed-conv lesson: scatter steps add up to the output") {
    for (const auto& p : presets()) {
        CAPTURE(p.name);
        const Geometry& g = p.g;
        Tensor x = plane(p.x, g.H, g.W), w = plane(p.w, g.K, g.K);
        Tensor y = transposed(x, w, g);
        auto steps = scatter_steps(x, w, g);
        REQUIRE(steps.size() == std::size_t(g.H * g.W));
        const Canvas cv = canvas_size(g);
        Tensor sum = zeros({std::size_t(cv.rows), std::size_t(cv.cols)});
        for (std::size_t k = 0; k < steps.size(); ++k) {
            const ScatterStep& s = steps[k];
            CHECK(s.i == int(k) / g.W);
            CHECK(s.j == int(k) % g.W);
            CHECK(s.value == x(0, 0, s.i, s.j));
            // The copy is x[i,j] * w at (i*S + a*D, j*S + b*D) and zero elsewhere.
            Tensor expected_copy = Tensor(sum.shape(), 0.0f);
            for (int a = 0; a < g.K; ++a)
                for (int b = 0; b < g.K; ++b)
                    expected_copy(s.row0 + a * g.D, s.col0 + b * g.D) = s.value * w(0, 0, a, b);
            CHECK(s.copy == expected_copy);
            sum += s.copy;
            check_close(s.running, sum);
        }
        // After the last step the running sum, cropped, is the core's output.
        Tensor final_output = crop_to_output(steps.back().running, g);
        check_close(final_output, xt::view(y, 0, 0));
        CHECK(full_on_canvas(x, w, g) == steps.back().running);
    }
    const Preset& p = presets()[0];
    auto steps = scatter_steps(plane(p.x, 2, 2), plane(p.w, 3, 3), p.g);
    CHECK(steps[1].text.rfind("x[0,1] = 2 adds 2 * w to y_full[0:3, 2:5]\n", 0) == 0);
    CHECK(steps[1].landed == 6);  // the top row and the right column are cropped
    CHECK(steps[1].text.find("6 of its 9 values land in the output y = y_full[1:5, 1:5]") != std::string::npos);
    CHECK(steps[0].landed == 4);  // x[0,0]: the top row and left column are cropped
    CHECK(steps[3].landed == 9);  // x[1,1]: the output padding keeps its bottom row and right column
    // Dilation: the copy's slice steps by D.
    const Preset& dil = presets()[7];
    auto dsteps = scatter_steps(plane(dil.x, 2, 2), plane(dil.w, 3, 3), dil.g);
    CHECK(dsteps[3].text.rfind("x[1,1] = 4 adds 4 * w to y_full[1:6:2, 1:6:2]", 0) == 0);
}

TEST_CASE("transposed-conv lesson: the gather form of each output cell adds up") {
    for (const auto& p : presets()) {
        CAPTURE(p.name);
        const Geometry& g = p.g;
        Tensor x = plane(p.x, g.H, g.W), w = plane(p.w, g.K, g.K);
        Tensor y = transposed(x, w, g);
        for (int r = 0; r < out_rows(g); ++r)
            for (int c = 0; c < out_cols(g); ++c) {
                auto terms = gather_terms(x, w, g, r, c);
                float sum = 0.0f;
                for (const auto& t : terms) {
                    CHECK(t.x == x(0, 0, t.i, t.j));
                    CHECK(t.w == w(0, 0, t.a, t.b));
                    CHECK(t.i * g.S + t.a * g.D - g.P == r);
                    CHECK(t.j * g.S + t.b * g.D - g.P == c);
                    sum += t.x * t.w;
                }
                CHECK(sum == doctest::Approx(y(0, 0, r, c)));
                CHECK(ends_with(gather_text(terms, r, c, y(0, 0, r, c)), "= " + ui::fmt_num(y(0, 0, r, c))) ==
                      !terms.empty());
            }
    }
    const Preset& p = presets()[0];
    Tensor x = plane(p.x, 2, 2), w = plane(p.w, 3, 3);
    CHECK(gather_text(gather_terms(x, w, p.g, 1, 1), 1, 1, 36.0f) ==
          "y[1,1] = x[0,0]*w[2,2] + x[0,1]*w[2,0] + x[1,0]*w[0,2] + x[1,1]*w[0,0]\n       = 1*9 + 2*7 + 3*3 + 4*1 = 36");
    // Stride 3 with kernel 2 leaves cells no copy reaches.
    const Preset& gaps = presets()[6];
    auto none = gather_terms(plane(gaps.x, 2, 2), plane(gaps.w, 2, 2), gaps.g, 2, 2);
    CHECK(none.empty());
    CHECK(gather_text(none, 2, 2, 0.0f).find("no copy") != std::string::npos);
}

TEST_CASE("transposed-conv lesson: zero insertion + flipped-kernel convolution equals the direct result") {
    Rng rng(2024);
    int checked = 0;
    for (int trial = 0; trial < 400; ++trial) {
        const std::size_t N = 1 + rng.below(2), C_in = 1 + rng.below(3), C_out = 1 + rng.below(3);
        const int H = 1 + int(rng.below(5)), W = 1 + int(rng.below(5));
        const int kH = 1 + int(rng.below(4)), kW = 1 + int(rng.below(4));
        ConvTranspose2dParams p;
        for (int a = 0; a < 2; ++a) {
            p.stride[a] = 1 + int(rng.below(3));
            p.dilation[a] = 1 + int(rng.below(3));
            p.padding[a] = int(rng.below(4));
            p.output_padding[a] = int(rng.below(std::uint32_t(std::max(p.stride[a], p.dilation[a]))));
        }
        Tensor x = random_tensor(rng, {N, C_in, std::size_t(H), std::size_t(W)});
        Tensor w = random_tensor(rng, {C_in, C_out, std::size_t(kH), std::size_t(kW)});
        Tensor direct;
        try {
            direct = conv_transpose2d(x, w, nullptr, p);
        } catch (const Error&) {
            continue;  // empty output: nothing to compare
        }
        CAPTURE(trial);
        ZeroInsertion z = by_zero_insertion(x, w, p);
        CHECK(z.dilated.shape()[2] == std::size_t((H - 1) * p.stride[0] + 1));
        CHECK(z.flipped.shape() == Shape{C_out, C_in, std::size_t(kH), std::size_t(kW)});
        check_close(z.y, direct);
        ++checked;
    }
    CHECK(checked > 250);
    // The course preset: the same numbers exactly.
    const Preset& pr = presets()[0];
    Tensor x = plane(pr.x, 2, 2), w = plane(pr.w, 3, 3);
    ZeroInsertion z = by_zero_insertion(x, w, torch_params(pr.g));
    CHECK(z.y == transposed(x, w, pr.g));
    CHECK(z.dilated == from_values({1, 1, 3, 3}, {1, 0, 2, 0, 0, 0, 3, 0, 4}));
    CHECK(z.pad_top == 1);
    CHECK(z.padded.shape() == Shape{1, 1, 6, 6});  // 3 + 2*1 + OP 1
    CHECK(z.flipped == from_values({1, 1, 3, 3}, {9, 8, 7, 6, 5, 4, 3, 2, 1}));
}

TEST_CASE("transposed-conv lesson: the window products of the zero-insertion view add up") {
    for (const auto& p : presets()) {
        CAPTURE(p.name);
        const Geometry& g = p.g;
        ZeroInsertion z = by_zero_insertion(plane(p.x, g.H, g.W), plane(p.w, g.K, g.K), torch_params(g));
        for (int r = 0; r < out_rows(g); ++r)
            for (int c = 0; c < out_cols(g); ++c) {
                auto products = window_products(z, g.D, r, c);
                REQUIRE(products.size() == std::size_t(g.K * g.K));
                float sum = 0.0f;
                for (const auto& q : products) sum += q.v * q.k;
                CHECK(sum == doctest::Approx(z.y(0, 0, r, c)));
                std::string text = window_text(products, r, c, z.y(0, 0, r, c));
                CHECK(text.find("= " + ui::fmt_num(z.y(0, 0, r, c)) + "\n") != std::string::npos);
            }
    }
    const Preset& p = presets()[0];
    ZeroInsertion z = by_zero_insertion(plane(p.x, 2, 2), plane(p.w, 3, 3), torch_params(p.g));
    CHECK(window_text(window_products(z, 1, 0, 0), 0, 0, z.y(0, 0, 0, 0)) ==
          "y[0,0] = 0*9 + 0*8 + 0*7 + 0*6 + 1*5 + 0*4 + 0*3 + 0*2 + 0*1 = 5\n"
          "(8 of the 9 products multiply an inserted or padded zero)");
}

TEST_CASE("transposed-conv lesson: the matrix view, y = C^T x and <C z, x> = <z, C^T x>") {
    Rng rng(99);
    int checked = 0;
    for (int trial = 0; trial < 200; ++trial) {
        Geometry g{1 + int(rng.below(4)), 1 + int(rng.below(4)), 2 + int(rng.below(4)), 1 + int(rng.below(3)),
                   int(rng.below(3)),     0,                      1 + int(rng.below(2))};
        g.OP = int(rng.below(std::uint32_t(g.S)));
        if (!invalid_reason(g).empty()) continue;
        CAPTURE(trial);
        Tensor x = random_tensor(rng, {1, 1, std::size_t(g.H), std::size_t(g.W)});
        Tensor w = random_tensor(rng, {1, 1, std::size_t(g.K), std::size_t(g.K)});
        Tensor C = conv_matrix(w, g);
        REQUIRE(C.shape() == Shape{std::size_t(g.H * g.W), std::size_t(out_rows(g) * out_cols(g))});
        Tensor y = transposed(x, w, g);
        check_close(apply_transpose(C, x, g), y);
        Tensor z = random_tensor(rng, Shape(y.shape().begin(), y.shape().end()));
        CHECK(dot(apply_matrix(C, z, g), x) == doctest::Approx(dot(z, apply_transpose(C, x, g))).epsilon(1e-4));
        // C z is the ordinary convolution of z.
        Conv2dParams cp;
        cp.stride = {g.S, g.S};
        cp.padding = {g.P, g.P};
        cp.dilation = {g.D, g.D};
        check_close(apply_matrix(C, z, g), conv2d(z, w, nullptr, cp));
        ++checked;
    }
    CHECK(checked > 100);
    // The course preset: C is 4 x 16 and its row 0 is x[0,0]'s cropped copy of w.
    const Preset& p = presets()[0];
    Tensor C = conv_matrix(plane(p.w, 3, 3), p.g);
    REQUIRE(C.shape() == Shape{4, 16});
    CHECK(C(0, 0) == 5.0f);   // y[0,0] gets w[1,1] from x[0,0]
    CHECK(C(0, 1) == 6.0f);   // y[0,1] gets w[1,2]
    CHECK(C(0, 2) == 0.0f);   // y[0,2] is out of x[0,0]'s reach
    CHECK(C(3, 0) == 0.0f);   // x[1,1]'s copy starts at y[1,1] ...
    CHECK(C(3, 5) == 1.0f);   // ... with w[0,0] (column 5 = y[1,1])
    // Output padding >= stride (allowed by dilation) has no same-stride convolution to transpose.
    CHECK_THROWS_AS(conv_matrix(zeros({1, 1, 3, 3}) + 1.0f, Geometry{2, 2, 3, 1, 0, 1, 2}), Error);
}

TEST_CASE("transposed-conv lesson: overlap counts, the checkerboard of kernel 3 stride 2") {
    const int H = 8;
    Tensor k3 = overlap_x2(H, H, Upsampler::k3s2);
    REQUIRE(k3.shape() == Shape{1, 1, 16, 16});
    // Per axis the count alternates 1, 2 (odd output positions are covered twice); in 2-D it is
    // the product: 1, 2, 4.
    auto axis = [](int o) { return o % 2 ? 2.0f : 1.0f; };
    for (int r = 1; r < 2 * H - 2; ++r)
        for (int c = 1; c < 2 * H - 2; ++c) CHECK(k3(0, 0, r, c) == axis(r) * axis(c));
    Tensor k4 = overlap_x2(H, H, Upsampler::k4s2);
    REQUIRE(k4.shape() == Shape{1, 1, 16, 16});
    for (int r = 1; r < 2 * H - 1; ++r)
        for (int c = 1; c < 2 * H - 1; ++c) CHECK(k4(0, 0, r, c) == 4.0f);
    Tensor rc = overlap_x2(H, H, Upsampler::resize_conv);
    for (int r = 1; r < 2 * H - 1; ++r)
        for (int c = 1; c < 2 * H - 1; ++c) CHECK(rc(0, 0, r, c) == 9.0f);

    // On a constant image the uniform kernels keep the mean but k3s2 swings 4/9 .. 16/9.
    Tensor ones = zeros({1, 1, 8, 8}) + 1.0f;
    Tensor a = upsample_x2(ones, Upsampler::k3s2), b = upsample_x2(ones, Upsampler::k4s2),
           c = upsample_x2(ones, Upsampler::resize_conv);
    CHECK(a(0, 0, 4, 4) == doctest::Approx(4.0f / 9.0f));
    CHECK(a(0, 0, 4, 5) == doctest::Approx(8.0f / 9.0f));
    CHECK(a(0, 0, 5, 5) == doctest::Approx(16.0f / 9.0f));
    for (int r = 2; r < 14; ++r)
        for (int q = 2; q < 14; ++q) {
            CHECK(b(0, 0, r, q) == doctest::Approx(1.0f));
            CHECK(c(0, 0, r, q) == doctest::Approx(1.0f));
        }

    // The scatter view's overlap map: the course preset covers the shared row/column twice.
    Tensor count = overlap_count(presets()[0].g);
    REQUIRE(count.shape() == Shape{5, 5});
    CHECK(count(2, 2) == 4.0f);
    CHECK(count(2, 1) == 2.0f);
    CHECK(count(1, 1) == 1.0f);
    // Kernel 4 stride 2: uniform 4 inside.
    Tensor even = overlap_count(presets()[4].g);
    for (int r = 2; r < 6; ++r)
        for (int q = 2; q < 6; ++q) CHECK(even(r, q) == 4.0f);
}

TEST_CASE("transposed-conv lesson: bad parameter combinations give a message, not a throw") {
    Geometry op_too_big{2, 2, 3, 2, 1, 2, 1};  // output_padding 2 >= stride 2 and >= dilation 1
    CHECK(invalid_reason(op_too_big).find("output_padding must be smaller than stride or dilation") != std::string::npos);
    CHECK(invalid_explanation(op_too_big).find("output_padding may only be") != std::string::npos);
    Geometry empty{1, 1, 2, 1, 2, 0, 1};  // full result 2 x 2, padding crops 4
    CHECK(out_rows(empty) < 1);
    CHECK(invalid_reason(empty).find("output would be empty") != std::string::npos);
    CHECK(invalid_explanation(empty).find("leaves nothing") != std::string::npos);
    CHECK(invalid_reason(presets()[0].g).empty());
    CHECK(invalid_explanation(presets()[0].g).empty());
    Tensor x = zeros({1, 1, 2, 2}), w = zeros({1, 1, 3, 3});
    CHECK_NOTHROW(scatter_steps(x, w, op_too_big));
    CHECK(scatter_steps(x, w, op_too_big).empty());
    CHECK_THROWS_AS(conv_matrix(w, op_too_big), Error);

    // The page draws such settings (from a link) as a message.
    platform::set_params({{"lesson", "transposed-conv"}, {"preset", "-1"}, {"op", "2"}, {"open", "15"}});
    State s = state_from_params();
    CHECK(s.g.OP == 2);
    test::HeadlessImGui gui;
    auto lesson = lessons::find_lesson("transposed-conv")->make();
    for (int i = 0; i < 3; ++i) CHECK_NOTHROW(gui.frame([&] { lesson->draw(); }));
    platform::set_params({{"lesson", "transposed-conv"}, {"preset", "-1"}, {"h", "1"}, {"w", "1"}, {"k", "2"},
                          {"s", "1"}, {"p", "2"}, {"op", "0"}, {"open", "15"}});
    lesson = lessons::find_lesson("transposed-conv")->make();
    for (int i = 0; i < 3; ++i) CHECK_NOTHROW(gui.frame([&] { lesson->draw(); }));
    platform::set_params({});
}

TEST_CASE("transposed-conv lesson: URL state round trip") {
    platform::set_params({{"lesson", "transposed-conv"},
                          {"preset", "-1"},
                          {"h", "3"},
                          {"w", "2"},
                          {"k", "4"},
                          {"s", "3"},
                          {"p", "2"},
                          {"op", "1"},
                          {"d", "2"},
                          {"x", "1,-2,3.5,4,5,6"},
                          {"kw", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16"},
                          {"step", "4"},
                          {"ostep", "7"},
                          {"row", "5"},
                          {"src", "1"},
                          {"img", "12"},
                          {"open", "9"}});
    State s = state_from_params();
    CHECK(s.preset == -1);
    CHECK(s.g == Geometry{3, 2, 4, 3, 2, 1, 2});
    CHECK(s.x == std::vector<float>{1, -2, 3.5f, 4, 5, 6});
    CHECK(s.w.size() == 16);
    CHECK(s.w[15] == 16.0f);
    CHECK(s.step == 4);
    CHECK(s.out_step == 7);
    CHECK(s.row == 5);
    CHECK(s.source == 1);
    CHECK(s.image == 12);
    CHECK(s.open == 9);

    // The lesson takes that state and writes the same values back.
    platform::set_dataset_path(AELAB_TEST_DATASET);
    test::HeadlessImGui gui;
    auto lesson = lessons::find_lesson("transposed-conv")->make();
    for (int i = 0; i < 3; ++i) gui.frame([&] { lesson->draw(); });
    CHECK(platform::param("preset") == "-1");
    CHECK(platform::param("k") == "4");
    CHECK(platform::param("d") == "2");
    CHECK(platform::param("step") == "4");
    CHECK(platform::param("ostep") == "7");
    CHECK(platform::param("row") == "5");
    CHECK(platform::param("open") == "9");
    CHECK(platform::param("x") == "1,-2,3.5,4,5,6");
    CHECK(platform::param("img") == "12");
    State again = state_from_params();
    CHECK(again.g == s.g);
    CHECK(again.x == s.x);
    CHECK(again.w == s.w);

    // Bad values fall back: to the preset's, and values of the wrong count to resized ones.
    platform::set_params({{"preset", "4"}, {"s", "9"}, {"k", "x"}, {"x", "1,2"}, {"kw", "nan,1"}, {"step", "-3"}});
    State b = state_from_params();
    CHECK(b.preset == 4);
    CHECK(b.g == presets()[4].g);
    CHECK(b.x == presets()[4].x);
    CHECK(b.w == presets()[4].w);
    CHECK(b.step == 0);
    // A preset with edited sizes keeps the overlapping values.
    platform::set_params({{"preset", "0"}, {"h", "3"}});
    State r = state_from_params();
    CHECK(r.g.H == 3);
    CHECK(r.x == std::vector<float>{1, 2, 3, 4, 5, 6});
    platform::set_params({});
}

TEST_CASE("transposed-conv lesson: PyTorch code for the current tensors") {
    const Preset& p = presets()[0];
    Tensor x = plane(p.x, 2, 2), w = plane(p.w, 3, 3);
    // The page prints its tensors with the kit's printer.
    CHECK(kit::torch_tensor(x) == "torch.tensor([[[[1., 2.], [3., 4.]]]])");
    CHECK(kit::torch_tensor(from_values({2, 3}, {0.5f, -1, 2, 3, 4, 5})) == "torch.tensor([[0.5, -1., 2.], [3., 4., 5.]])");
    std::string code = pytorch_code(x, w, p.g);
    CHECK(code.find("S, P, OP, D, K = 2, 1, 1, 1, 3") != std::string::npos);
    CHECK(code.find("F.conv_transpose2d(x, w, stride=S, padding=P, output_padding=OP, dilation=D)") != std::string::npos);
    CHECK(code.find("torch.Size([1, 1, 4, 4])") != std::string::npos);
    CHECK(code.find("w.flip(2, 3).transpose(0, 1)") != std::string::npos);
    CHECK(pytorch_matrix_code(p.g).find("C.T @ x.flatten()") != std::string::npos);
    CHECK(pytorch_checkerboard_code().find("output_padding=1") != std::string::npos);
}

TEST_CASE("transposed-conv lesson: draws every preset, section and step extreme headless") {
    platform::set_dataset_path(AELAB_TEST_DATASET);
    test::HeadlessImGui gui;
    for (int preset = 0; preset < int(presets().size()); ++preset) {
        const Geometry& g = presets()[std::size_t(preset)].g;
        const int last_out = out_rows(g) * out_cols(g) - 1, last_in = g.H * g.W - 1;
        for (int extreme = 0; extreme < 2; ++extreme)
            for (int src = 0; src < 2; ++src) {
                CAPTURE(preset);
                CAPTURE(extreme);
                CAPTURE(src);
                platform::set_params({{"lesson", "transposed-conv"},
                                      {"preset", std::to_string(preset)},
                                      {"open", "15"},
                                      {"src", std::to_string(src)},
                                      {"step", std::to_string(extreme ? last_in : 0)},
                                      {"ostep", std::to_string(extreme ? last_out : 0)},
                                      {"row", std::to_string(extreme ? last_in : 0)}});
                auto lesson = lessons::find_lesson("transposed-conv")->make();
                for (int i = 0; i < 3; ++i) CHECK_NOTHROW(gui.frame([&] { lesson->draw(); }));
                CHECK(platform::param("step") == std::to_string(extreme ? last_in : 0));
                CHECK(platform::param("ostep") == std::to_string(extreme ? last_out : 0));
            }
    }
    // The largest geometry the sliders allow: heatmaps instead of grids, a wide matrix.
    platform::set_params({{"preset", "-1"}, {"h", "4"}, {"w", "4"}, {"k", "5"}, {"s", "3"}, {"p", "0"}, {"op", "2"},
                          {"d", "3"}, {"open", "15"}});
    auto lesson = lessons::find_lesson("transposed-conv")->make();
    for (int i = 0; i < 3; ++i) CHECK_NOTHROW(gui.frame([&] { lesson->draw(); }));
    platform::set_params({});
}
