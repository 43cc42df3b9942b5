// Tests for lessons/convolution.cpp: the course's worked examples, the written-out sums against
// the core's outputs, output sizes, channel partial sums, classic filters, the URL state and
// headless frames of every preset, filter and step extreme.
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <string>

#include <xtensor/xview.hpp>

#include "aelab/conv.hpp"
#include "convolution.hpp"
#include "headless.hpp"
#include "lesson.hpp"
#include "kit/platform.hpp"

using namespace aelab;
using namespace aelab::lessons::convolution;

namespace {
Tensor plane_1d(const Tensor& v) {
    Tensor t = v;
    t.reshape(Shape{1, v.size()});
    return t;
}

// Every step's products add up to the core's output element, and the step covers the output.
void check_steps(const Tensor& x, const Tensor& w, const Conv2dParams& p, const Tensor& y, bool one_d) {
    auto steps = window_steps(x, w, p, y, one_d);
    REQUIRE(steps.size() == y.size());
    for (const auto& st : steps) {
        CAPTURE(st.text);
        CHECK(st.terms.size() == w.size());
        CHECK(st.output == y(st.row, st.col));
        CHECK(st.sum == doctest::Approx(st.output).epsilon(1e-5));
        double again = 0;
        for (const auto& t : st.terms) again += double(t.x) * t.w;
        CHECK(again == st.sum);
    }
}
}  // namespace

TEST_CASE("convolution lesson: the 1D course example") {
    PlaneResult r = conv_signal(course_signal(), course_kernel_1d(), {});
    REQUIRE(r.ok());
    const float expected[] = {12, 9, 3, -1, -5, -2, 3, 3};
    REQUIRE(r.y.size() == 8);
    for (int i = 0; i < 8; ++i) CHECK(r.y(i) == expected[i]);

    auto steps = window_steps(plane_1d(course_signal()), plane_1d(course_kernel_1d()), {}, plane_1d(r.y), true);
    REQUIRE(steps.size() == 8);
    CHECK(steps[0].text == "y[0] = 1*1 + 4*2 + 3*1 = 12");
    CHECK(steps[2].text == "y[2] = 3*1 + (-1)*2 + 2*1 = 3");
    CHECK(steps[7].text == "y[7] = 0*1 + 2*2 + (-1)*1 = 3");
    check_steps(plane_1d(course_signal()), plane_1d(course_kernel_1d()), {}, plane_1d(r.y), true);
    CHECK(output_size_formula("L_out", "L", 10, 3, 1, 0, 1) ==
          "L_out = floor((L + 2P - D(K-1) - 1)/S) + 1 = floor((10 + 2*0 - 1*(3-1) - 1)/1) + 1 = floor(7/1) + 1 = 8");
}

TEST_CASE("convolution lesson: flipping the kernel is mathematicians' convolution") {
    State1d s;
    s.w = {1, 0, -1};
    PlaneResult corr = conv_signal(from_values({10}, s.x), kernel_used_1d(s), {});
    s.flip = true;
    PlaneResult conv = conv_signal(from_values({10}, s.x), kernel_used_1d(s), {});
    REQUIRE(corr.ok());
    REQUIRE(conv.ok());
    // x[i] - x[i+2] against x[i+2] - x[i]: opposite signs.
    for (std::size_t i = 0; i < corr.y.size(); ++i) {
        CHECK(corr.y(i) == s.x[i] - s.x[i + 2]);
        CHECK(conv.y(i) == -corr.y(i));
    }
    // The course's symmetric kernel gives the same either way.
    State1d c;
    c.flip = true;
    CHECK(conv_signal(course_signal(), kernel_used_1d(c), {}).y == conv_signal(course_signal(), course_kernel_1d(), {}).y);
}

TEST_CASE("convolution lesson: 1D stride, padding and dilation: every step adds up") {
    for (int stride = 1; stride <= 3; ++stride)
        for (int padding = 0; padding <= 3; ++padding)
            for (int dilation = 1; dilation <= 3; ++dilation) {
                CAPTURE(stride);
                CAPTURE(padding);
                CAPTURE(dilation);
                PlaneResult r = conv_signal(course_signal(), course_kernel_1d(), {stride, padding, dilation});
                REQUIRE(r.ok());
                CHECK(int(r.y.size()) == conv_output_size(10, 3, stride, padding, dilation));
                check_steps(plane_1d(course_signal()), plane_1d(course_kernel_1d()),
                            {{1, stride}, {0, padding}, {1, dilation}}, plane_1d(r.y), true);
            }
    // A kernel spanning more than the padded signal: a message, not a throw.
    PlaneResult empty = conv_signal(course_signal(), from_values({5}, {1, 1, 1, 1, 1}), {1, 0, 3});
    CHECK_FALSE(empty.ok());
    CHECK(empty.error.find("output would be empty") != std::string::npos);
}

TEST_CASE("convolution lesson: the 2D course example, window by window") {
    State2d s;
    REQUIRE(s.preset == 0);
    PlaneResult r = conv_plane(input_2d(s), kernel_2d(s), s.params());
    REQUIRE(r.ok());
    CHECK(r.y == from_values({3, 3}, {12, 12, 17, 10, 17, 19, 9, 6, 14}));
    CHECK(input_2d(s) == course_image());
    CHECK(kernel_2d(s) == course_kernel_2d());
    auto steps = window_steps(course_image(), course_kernel_2d(), {}, r.y, false);
    REQUIRE(steps.size() == 9);
    CHECK(steps[4].text == "y[1,1] = 0*0 + 1*1 + 3*2 + 1*2 + 2*2 + 2*0 + 0*0 + 0*1 + 2*2 = 17");
    CHECK(steps[2].text == "y[0,2] = 2*0 + 1*1 + 0*2 + 1*2 + 3*2 + 1*0 + 2*0 + 2*1 + 3*2 = 17");
    // The window of y[1,2] covers rows 1..3 and columns 2..4 of the input.
    CHECK(steps[5].terms.front().row == 1);
    CHECK(steps[5].terms.front().col == 2);
    CHECK(steps[5].terms.back().row == 3);
    CHECK(steps[5].terms.back().col == 4);
    check_steps(course_image(), course_kernel_2d(), {}, r.y, false);
}

TEST_CASE("convolution lesson: 2D presets, output sizes as torch computes them, every step adds up") {
    // (H_out, W_out) for each preset, as torch.nn.functional.conv2d gives them.
    const int sizes[][2] = {{3, 3}, {5, 5}, {3, 3}, {3, 3}, {3, 2}, {0, 0}};
    REQUIRE(presets_2d().size() == 6);
    for (int i = 0; i < 6; ++i) {
        CAPTURE(presets_2d()[std::size_t(i)].name);
        State2d s;
        s.apply_preset(i);
        PlaneResult r = conv_plane(input_2d(s), kernel_2d(s), s.params());
        if (sizes[i][0] == 0) {
            CHECK_FALSE(r.ok());
            CHECK(r.error.find("output would be empty") != std::string::npos);
            continue;
        }
        REQUIRE(r.ok());
        CHECK(int(r.y.shape()[0]) == sizes[i][0]);
        CHECK(int(r.y.shape()[1]) == sizes[i][1]);
        check_steps(input_2d(s), kernel_2d(s), s.params(), r.y, false);
    }
    // Padding 1 keeps the course example's size; its corner window reads four padded zeros and more.
    State2d s;
    s.apply_preset(1);
    PlaneResult r = conv_plane(input_2d(s), kernel_2d(s), s.params());
    auto first = window_step(input_2d(s), kernel_2d(s), s.params(), r.y, 0, 0, false);
    int padded = 0;
    for (const auto& t : first.terms) padded += t.padding;
    CHECK(padded == 5);

    // A sweep of sizes and parameters: the output size equals torch's formula and the steps add up.
    const auto torch_size = [](int in, int k, int st, int p, int d) {
        const int span = in + 2 * p - d * (k - 1) - 1;
        return span < 0 ? 0 : span / st + 1;
    };
    for (int in = 1; in <= 7; in += 2)
        for (int k = 1; k <= 4; ++k)
            for (int st = 1; st <= 3; ++st)
                for (int p = 0; p <= 2; ++p)
                    for (int d = 1; d <= 2; ++d) {
                        const Conv2dParams cp{{st, 1}, {p, 0}, {d, 1}};
                        const Tensor x = tiled_course_image(in, 5), w = tiled_course_kernel(k, 2);
                        PlaneResult pr = conv_plane(x, w, cp);
                        const int expected = torch_size(in, k, st, p, d);
                        CAPTURE(in);
                        CAPTURE(k);
                        CAPTURE(st);
                        CAPTURE(p);
                        CAPTURE(d);
                        if (expected < 1) {
                            CHECK_FALSE(pr.ok());
                            continue;
                        }
                        REQUIRE(pr.ok());
                        CHECK(int(pr.y.shape()[0]) == expected);
                        CHECK(int(pr.y.shape()[1]) == 4);
                        check_steps(x, w, cp, pr.y, false);
                    }
    CHECK(output_size_formula("H_out", "H", 5, 3, 2, 1, 1) ==
          "H_out = floor((H + 2P - D(K-1) - 1)/S) + 1 = floor((5 + 2*1 - 1*(3-1) - 1)/2) + 1 = floor(4/2) + 1 = 3");
    CHECK(output_size_formula("H_out", "H", 2, 3, 1, 0, 1) ==
          "H_out = floor((H + 2P - D(K-1) - 1)/S) + 1 = floor((2 + 2*0 - 1*(3-1) - 1)/1) + 1 = floor(-1/1) + 1 = 0: "
          "no window fits, the output is empty");
    CHECK(output_size_formula("H_out", "H", 1, 4, 2, 0, 1).find("floor(-3/2) + 1 = -1:") != std::string::npos);
}

TEST_CASE("convolution lesson: the empty output combination gives a message, not a throw") {
    PlaneResult r;
    CHECK_NOTHROW(r = conv_plane(zeros({2, 2}), course_kernel_2d(), {}));
    CHECK_FALSE(r.ok());
    CHECK(r.error.find("conv2d") != std::string::npos);
    CHECK(r.error.find("output would be empty") != std::string::npos);
    PlaneResult v;
    CHECK_NOTHROW(v = conv_volume(demo_volume(2, 3, 3), demo_volume_kernel(3, 3, 3)));
    CHECK_FALSE(v.ok());
}

TEST_CASE("convolution lesson: multi-channel partial sums add up to the output element") {
    const Tensor x = picture_levels();
    REQUIRE(x.shape() == Shape{3, std::size_t(kPictureRows), std::size_t(kPictureCols)});
    for (float v : x) REQUIRE(v == std::round(v));
    const Tensor w = multichannel_filters(kMaxFilters);
    REQUIRE(w.shape() == Shape{4, 3, 3, 3});
    ChannelSplit s = multichannel_conv(x, w);
    REQUIRE(s.total.shape() == Shape{4, 10, 14});
    REQUIRE(s.partial.shape() == Shape{4, 3, 10, 14});
    for (int f = 0; f < 4; ++f)
        for (int i = 0; i < 10; ++i)
            for (int j = 0; j < 14; ++j) {
                double sum = 0;
                for (int c = 0; c < 3; ++c) {
                    Tensor xc = xt::view(x, c), wc = xt::view(w, f, c), yc = xt::view(s.partial, f, c);
                    WindowStep st = window_step(xc, wc, {}, yc, i, j, false);
                    CHECK(st.sum == doctest::Approx(st.output));
                    sum += st.output;
                }
                CHECK(sum == doctest::Approx(s.total(f, i, j)));
            }
    // The redness filter is large on the red roof and small on the white wall.
    CHECK(multichannel_filters(2)(0, 0, 1, 1) == 2.0f);
    // The course's 3D view: the picture as a 3 x 12 x 16 volume and each filter as a 3 x 3 x 3 kernel.
    for (int f = 0; f < 4; ++f) {
        Tensor wf = xt::view(w, f);
        PlaneResult v = conv_volume(x, wf);
        REQUIRE(v.ok());
        REQUIRE(v.y.shape() == Shape{1, 10, 14});
        for (int i = 0; i < 10; ++i)
            for (int j = 0; j < 14; ++j) CHECK(v.y(0, i, j) == doctest::Approx(s.total(f, i, j)));
    }
}

TEST_CASE("convolution lesson: the course's 3D size formula with conv3d") {
    for (int d1 = 1; d1 <= 5; ++d1)
        for (int k1 = 1; k1 <= d1; ++k1) {
            PlaneResult r = conv_volume(demo_volume(d1, 5, 4), demo_volume_kernel(k1, 3, 2));
            REQUIRE(r.ok());
            CHECK(r.y.shape() == Shape{std::size_t(d1 - k1 + 1), 3, 3});
        }
    // out[i,j,g] = sum of x[i+l, j+m, g+n] w[l,m,n]
    const Tensor x = demo_volume(4, 5, 5), w = demo_volume_kernel(2, 3, 3);
    PlaneResult r = conv_volume(x, w);
    REQUIRE(r.ok());
    double sum = 0;
    for (int l = 0; l < 2; ++l)
        for (int m = 0; m < 3; ++m)
            for (int n = 0; n < 3; ++n) sum += x(1 + l, 2 + m, 0 + n) * w(l, m, n);
    CHECK(r.y(1, 2, 0) == sum);
    // Every element's written-out products add up to the core's conv3d output.
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
            for (int g = 0; g < 3; ++g) {
                VolumeSum v = volume_sum(x, w, r.y, i, j, g);
                CHECK(v.output == r.y(i, j, g));
                CHECK(v.sum == v.output);
            }
    CHECK(volume_sum(x, w, r.y, 0, 0, 0).text.rfind("out[0,0,0] = 0*(-1) + ", 0) == 0);
}

TEST_CASE("convolution lesson: Sobel on a vertical step edge responds only at the edge") {
    Tensor step = zeros({8, 8});
    for (int r = 0; r < 8; ++r)
        for (int c = 4; c < 8; ++c) step(r, c) = 1.0f;
    State4 s;
    s.filter = static_cast<int>(Filter::sobel_x);
    FilterResult gx = apply_filter(step, s);
    REQUIRE(gx.ok());
    REQUIRE(gx.out.shape() == Shape{6, 6});
    for (int r = 0; r < 6; ++r)
        for (int c = 0; c < 6; ++c) {
            CAPTURE(r);
            CAPTURE(c);
            // Output column c reads input columns c..c+2: only c = 2, 3 straddle the step at column 4.
            CHECK(gx.out(r, c) == (c == 2 || c == 3 ? -4.0f : 0.0f));
        }
    s.filter = static_cast<int>(Filter::sobel_y);
    FilterResult gy = apply_filter(step, s);
    for (float v : gy.out) CHECK(v == 0.0f);
    s.filter = static_cast<int>(Filter::sobel_magnitude);
    FilterResult mag = apply_filter(step, s);
    REQUIRE(mag.parts.size() == 2);
    CHECK(mag.out(3, 2) == 4.0f);
    CHECK(mag.out(3, 0) == 0.0f);
    // The course's W1 = [1, -1] sees the step only where its two taps straddle it; W2 = [1; -1] not at all.
    s.filter = static_cast<int>(Filter::w1);
    FilterResult w1 = apply_filter(step, s);
    REQUIRE(w1.out.shape() == Shape{8, 7});
    for (int c = 0; c < 7; ++c) CHECK(w1.out(0, c) == (c == 3 ? -1.0f : 0.0f));
    s.filter = static_cast<int>(Filter::w2);
    for (float v : apply_filter(step, s).out) CHECK(v == 0.0f);
    // Same padding keeps the size.
    s.filter = static_cast<int>(Filter::sobel_x);
    s.same_padding = true;
    CHECK(apply_filter(step, s).out.shape() == Shape{8, 8});
}

TEST_CASE("convolution lesson: filter kernels") {
    Tensor g = gaussian_kernel(5, 1.0f);
    CHECK(xt::sum(g)() == doctest::Approx(1.0f));
    CHECK(g(2, 2) > g(1, 2));
    CHECK(g(0, 1) == doctest::Approx(g(1, 0)));
    CHECK(directional_kernel(0.0f) == sobel_x());
    CHECK(directional_kernel(90.0f) == sobel_y());
    CHECK(directional_kernel(180.0f) == Tensor(-sobel_x()));
    State4 s;
    for (int f = 0; f < kFilterCount; ++f) {
        s.filter = f;
        CAPTURE(filter_name(static_cast<Filter>(f)));
        auto k = filter_kernels(s);
        CHECK(k.size() == (static_cast<Filter>(f) == Filter::sobel_magnitude ? 2u : 1u));
        // Smoothing keeps a flat image's level.
        if (f == int(Filter::box3) || f == int(Filter::box5) || f == int(Filter::gaussian)) {
            FilterResult r = apply_filter(Tensor(Shape{9, 9}, 7.0f), s);
            for (float v : r.out) CHECK(v == doctest::Approx(7.0f));
        }
    }
    // A custom kernel larger than the image: the message, not a throw.
    s.filter = static_cast<int>(Filter::custom);
    s.custom_size = 5;
    s.custom.assign(25, 1.0f);
    FilterResult r;
    CHECK_NOTHROW(r = apply_filter(zeros({3, 3}), s));
    CHECK_FALSE(r.ok());
}

TEST_CASE("convolution lesson: parameter counts, conv layer vs fully connected") {
    ParameterCounts one = parameter_counts(1);
    CHECK(one.conv == 25);
    CHECK(one.dense == 451584);
    CHECK(one.dense == 28u * 28u * 24u * 24u);
    ParameterCounts six = parameter_counts(6);
    CHECK(six.conv == 150);
    CHECK(six.dense == 6u * 451584u);
    CHECK(six.conv_output == Shape{6, 24, 24});
    CHECK(with_commas(451584) == "451,584");
    CHECK(with_commas(25) == "25");
    CHECK(with_commas(2709504) == "2,709,504");
}

TEST_CASE("convolution lesson: PyTorch code") {
    // Float literals ("1." not "1"), so torch.tensor makes float32 tensors as the page computes with.
    State1d a;
    const std::string c1 = pytorch_1d(a);
    CHECK(c1.find("x = torch.tensor([1., 4., 3., -1., 2., -4., 1., 0., 2., -1.])\nw = torch.tensor([1., 2., 1.])\n") !=
          std::string::npos);
    CHECK(c1.find("F.conv1d(x.view(1, 1, -1), w.view(1, 1, -1), stride=1, padding=0, dilation=1)") != std::string::npos);
    CHECK(c1.find("# [12., 9., 3., -1., -5., -2., 3., 3.]") != std::string::npos);
    State2d b;
    // Rows aligned under the first.
    CHECK(pytorch_2d(b).find("x = torch.tensor([[3., 3., 2., 1., 0.],\n                  [0., 0., 1., 3., 1.],") !=
          std::string::npos);
    CHECK(pytorch_2d(b).find("# [12., 12., 17., 10., 17., 19., 9., 6., 14.] row by row") != std::string::npos);
    b.apply_preset(4);
    const std::string c2 = pytorch_2d(b);
    CHECK(c2.find("stride=(1, 2), padding=(0, 0), dilation=(1, 1)") != std::string::npos);
    b.apply_preset(5);
    CHECK(pytorch_2d(b).find("RuntimeError") != std::string::npos);
    CHECK(pytorch_multichannel(3).find("F.conv3d") != std::string::npos);
    State4 d;
    d.filter = static_cast<int>(Filter::sobel_magnitude);
    CHECK(pytorch_filter(d).find("torch.sqrt(gx**2 + gy**2)") != std::string::npos);
    d.filter = static_cast<int>(Filter::box3);
    CHECK(pytorch_filter(d).find("w = torch.tensor([[0.11111111, 0.11111111, 0.11111111],\n") != std::string::npos);
}

namespace {
State state_from_params() {
    State s;
    kit::UrlState url;
    bind_url(url, s);
    url.read();
    return s;
}
}  // namespace

TEST_CASE("convolution lesson: URL state round trip and fallbacks") {
    const std::map<std::string, std::string> params = {
        {"lesson", "convolution"}, {"open", "6"}, {"x1", "1,2,3,4,5,6,7,8,9,10"}, {"k1", "2"}, {"w1", "1,-1"},
        {"s1", "2"}, {"p1", "1"}, {"d1", "1"}, {"flip", "1"}, {"st1", "3"}, {"pre", "3"}, {"kh", "2"},
        {"kw", "3"}, {"k2", "1,0,1,0,1,0"}, {"sh", "2"}, {"sw", "1"}, {"ph", "1"}, {"pw", "0"}, {"dh", "1"},
        {"dw", "2"}, {"axis", "1"}, {"st2", "2"}, {"nf", "3"}, {"f", "2"}, {"st3", "17"}, {"vol", "3,4,5"},
        {"vk", "2,2,2"}, {"va", "1,2,3"}, {"src", "2"}, {"img", "42"}, {"filt", "10"}, {"ang", "30"}, {"sig", "1.5"},
        {"same", "1"}, {"cs", "5"}, {"pr", "4"}, {"pc", "7"}, {"n", "16"}};
    platform::set_params(params);
    State s = state_from_params();
    CHECK(s.sections.open == 6);
    CHECK(s.one.x[9] == 10.0f);
    CHECK(s.one.w == std::vector<float>{1, -1});
    CHECK(s.one.stride == 2);
    CHECK(s.one.padding == 1);
    CHECK(s.one.flip);
    CHECK(s.two.preset == 3);
    CHECK(s.two.rows == 7);  // from the preset
    CHECK(s.two.krows == 2);
    CHECK(s.two.kcols == 3);
    CHECK(s.two.kernel == std::vector<float>{1, 0, 1, 0, 1, 0});
    CHECK(s.two.stride == std::array<int, 2>{2, 1});
    CHECK(s.two.padding == std::array<int, 2>{1, 0});
    CHECK(s.two.dilation == std::array<int, 2>{1, 2});
    CHECK(s.two.per_axis);
    CHECK(s.three.filters == 3);
    CHECK(s.three.filter == 2);
    CHECK(s.three.volume == std::array<int, 3>{3, 4, 5});
    CHECK(s.three.kernel == std::array<int, 3>{2, 2, 2});
    CHECK(s.three.at == std::array<int, 3>{1, 2, 3});
    CHECK(s.four.source == 2);
    CHECK(s.four.image == 42);
    CHECK(s.four.filter == int(Filter::directional));
    CHECK(s.four.angle == 30.0f);
    CHECK(s.four.sigma == 1.5f);
    CHECK(s.four.same_padding);
    CHECK(s.four.custom_size == 5);
    CHECK(s.four.custom.size() == 25u);
    CHECK(s.four.probe_row == 4);
    CHECK(s.four.probe_col == 7);
    CHECK(s.four.filters_n == 16);

    // The lesson reads that state (and the steps st1..st3 into its steppers) and writes the same parameters back.
    {
        platform::set_dataset_path(AELAB_TEST_DATASET);
        test::HeadlessImGui gui;
        auto lesson = lessons::find_lesson("convolution")->make();
        for (int i = 0; i < 2; ++i) gui.frame([&] { lesson->draw(); });
        for (const auto& kv : params) {
            if (kv.first == "lesson") continue;
            CAPTURE(kv.first);
            CHECK(platform::param(kv.first) == kv.second);
        }
    }

    // Hand-edited links: bad values fall back to the defaults.
    platform::set_params({{"s1", "9"}, {"x1", "1,2"}, {"pre", "99"}, {"kh", "x"}, {"k2", "1,2"}, {"nf", "0"},
                          {"vol", "0,1,2"}, {"filt", "-1"}, {"sig", "nan"}, {"cs", "4"}, {"open", "99"}});
    State d = state_from_params();
    CHECK(d.sections.open == 1);
    CHECK(d.one.stride == 1);
    CHECK(d.one.x == State1d().x);
    CHECK(d.two.preset == 0);
    CHECK(d.two.krows == 3);
    CHECK(d.two.kernel == State2d().kernel);
    CHECK(d.three.filters == 2);
    CHECK(d.three.volume == State3d().volume);
    CHECK(d.four.filter == int(Filter::sobel_x));
    CHECK(d.four.sigma == 1.0f);
    CHECK(d.four.custom_size == 3);
    platform::set_params({});
}

TEST_CASE("convolution lesson: draws every preset, filter, source and step extreme headless") {
    platform::set_dataset_path(AELAB_TEST_DATASET);
    test::HeadlessImGui gui;
    std::vector<std::map<std::string, std::string>> views;
    for (int pre = 0; pre < int(presets_2d().size()); ++pre)
        for (const char* step : {"0", "1000"})
            views.push_back({{"open", "15"}, {"pre", std::to_string(pre)}, {"st1", step}, {"st2", step}, {"st3", step}});
    for (int filt = 0; filt < kFilterCount; ++filt)
        for (int src = 0; src < 4; ++src)
            views.push_back({{"open", "8"}, {"filt", std::to_string(filt)}, {"src", std::to_string(src)},
                             {"same", std::to_string(filt % 2)}, {"pr", "63"}, {"pc", "63"}});
    for (int nf = 1; nf <= kMaxFilters; ++nf)
        views.push_back({{"open", "4"}, {"nf", std::to_string(nf)}, {"f", std::to_string(nf - 1)}, {"vk", "6,6,6"}});
    views.push_back({{"open", "1"}, {"flip", "1"}, {"k1", "5"}, {"d1", "3"}});  // empty 1D output
    views.push_back({{"open", "15"}, {"filt", "11"}, {"cs", "5"}, {"k4", "0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0"}});
    for (const auto& v : views) {
        std::string desc;
        for (const auto& kv : v) desc += kv.first + "=" + kv.second + " ";
        CAPTURE(desc);
        platform::set_params(v);
        auto lesson = lessons::find_lesson("convolution")->make();
        for (int i = 0; i < 3; ++i) CHECK_NOTHROW(gui.frame([&] { lesson->draw(); }));
    }
    // Steps past the end are clamped to the last window, and written back.
    platform::set_params({{"open", "2"}, {"st2", "1000"}});
    auto lesson = lessons::find_lesson("convolution")->make();
    for (int i = 0; i < 2; ++i) gui.frame([&] { lesson->draw(); });
    CHECK(platform::param("st2") == "8");
    platform::set_params({});
}
