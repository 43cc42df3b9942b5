// Tests for lessons/pooling.cpp: the course's pooling and unpooling numbers, the step texts
// against the core's outputs, the round-trip errors against an independent computation, bad
// parameters, the URL state and headless drawing.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "aelab/dataset.hpp"
#include "headless.hpp"
#include "lesson.hpp"
#include "kit/platform.hpp"
#include "pooling.hpp"
#include "kit/widgets.hpp"

using namespace aelab;
using namespace aelab::lessons::pooling;

namespace {

void check_plane(const Tensor& t, const std::vector<float>& expected) {
    REQUIRE(t.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        CAPTURE(i);
        CHECK(t.data()[i] == expected[i]);  // exact: these are the course's numbers
    }
}

std::vector<std::int64_t> flat(const IndexTensor& t) { return {t.begin(), t.end()}; }

}  // namespace

TEST_CASE("pooling lesson: the course's presets give the course's outputs exactly") {
    const auto& ps = presets();
    REQUIRE(ps.size() >= 3);

    PoolResult m = run_pool(ps[kCoursePresetMax].input, ps[kCoursePresetMax].params);
    REQUIRE(m.ok());
    CHECK(m.out.shape() == Shape{1, 1, 2, 2});
    check_plane(m.out, {100, 184, 12, 45});
    // 100 at (1,1), 184 at (0,3), the first 12 at (2,0), 45 at (3,2).
    CHECK(flat(m.indices) == std::vector<std::int64_t>{5, 3, 8, 14});

    PoolResult a = run_pool(ps[kCoursePresetAverage].input, ps[kCoursePresetAverage].params);
    REQUIRE(a.ok());
    check_plane(a.out, {36.5f, 80, 12, 15});  // 36.5, not the slide's truncated 36
    CHECK(std::string(ps[kCoursePresetAverage].note).find("prints 36") != std::string::npos);

    PoolResult s = run_pool(ps[kCoursePresetSwitches].input, ps[kCoursePresetSwitches].params);
    REQUIRE(s.ok());
    check_plane(s.out, {5, 6, 7, 8});
    CHECK(flat(s.indices) == std::vector<std::int64_t>{5, 2, 12, 15});  // (1,1), (0,2), (3,0), (3,3)
    auto steps = pool_steps(s, ps[kCoursePresetSwitches].params);
    REQUIRE(steps.size() == 4);
    const int rows[] = {1, 0, 3, 3}, cols[] = {1, 2, 0, 3};
    for (int i = 0; i < 4; ++i) {
        CHECK(steps[i].index_row == rows[i]);
        CHECK(steps[i].index_col == cols[i]);
    }
}

TEST_CASE("pooling lesson: the step texts write out the course's windows") {
    const auto& ps = presets();
    PoolResult m = run_pool(ps[kCoursePresetMax].input, ps[kCoursePresetMax].params);
    auto ms = pool_steps(m, ps[kCoursePresetMax].params);
    REQUIRE(ms.size() == 4);
    CHECK(ms[0].text == "y[0,0] = max(29, 15, 0, 100) = 100");
    CHECK(ms[0].index_text == "index 5 = row 1 * 4 + col 1");
    CHECK(ms[1].text == "y[0,1] = max(28, 184, 70, 38) = 184");
    CHECK(ms[1].index_text == "index 3 = row 0 * 4 + col 3");
    CHECK(ms[2].tie);  // four 12s: the first in window order wins
    CHECK(ms[2].index == 8);
    CHECK(ms[2].note.find("first") != std::string::npos);
    CHECK_FALSE(ms[3].tie);

    PoolResult a = run_pool(ps[kCoursePresetAverage].input, ps[kCoursePresetAverage].params);
    auto as = pool_steps(a, ps[kCoursePresetAverage].params);
    REQUIRE(as.size() == 4);
    CHECK(as[0].text == "y[0,0] = (31 + 15 + 0 + 100) / 4 = 36.5");
    CHECK(as[1].text == "y[0,1] = (28 + 184 + 70 + 38) / 4 = 80");
    CHECK(as[0].index_text.empty());
}

TEST_CASE("pooling lesson: every step's written-out max or mean is the core's output element") {
    int checked = 0;
    for (const auto& preset : presets())
        for (int kind = 0; kind < 2; ++kind)
            for (int k = 1; k <= 5; ++k)
                for (int s = 1; s <= 4; ++s)
                    for (int p = 0; p <= 3; ++p) {
                        PoolParams params{static_cast<PoolKind>(kind), k, s, p};
                        CAPTURE(preset.name);
                        CAPTURE(kind);
                        CAPTURE(k);
                        CAPTURE(s);
                        CAPTURE(p);
                        PoolResult r = run_pool(preset.input, params);
                        const int H = static_cast<int>(preset.input.shape()[0]), W = static_cast<int>(preset.input.shape()[1]);
                        SizeFormula fh = output_size(H, params, "H"), fw = output_size(W, params, "W");
                        if (p > k / 2 || fh.size < 1 || fw.size < 1) {
                            CHECK_FALSE(r.ok());
                            CHECK(pool_steps(r, params).empty());
                            continue;
                        }
                        REQUIRE(r.ok());
                        CHECK(r.out.shape() == Shape{1, 1, std::size_t(fh.size), std::size_t(fw.size)});
                        for (const auto& st : pool_steps(r, params)) {
                            const float core = r.out(0, 0, st.row, st.col);
                            CHECK(st.value == core);
                            const std::string tail = " = " + ui::fmt_num(core);
                            CHECK(st.text.compare(st.text.size() - tail.size(), tail.size(), tail) == 0);
                            if (params.kind == PoolKind::max) {
                                REQUIRE_FALSE(st.taps.empty());
                                CHECK(*std::max_element(st.taps.begin(), st.taps.end()) == core);
                                CHECK(st.taps.size() + st.padding_taps == std::size_t(k * k));
                                CHECK(preset.input(st.index_row, st.index_col) == core);
                                CHECK(st.index == st.index_row * W + st.index_col);
                            } else {
                                CHECK(st.taps.size() == std::size_t(k * k));
                                CHECK(st.divisor == k * k);
                                const double sum = std::accumulate(st.taps.begin(), st.taps.end(), 0.0);
                                CHECK(sum / st.divisor == doctest::Approx(core).epsilon(1e-6));
                                CHECK(ui::fmt_num(static_cast<float>(sum / st.divisor)) == ui::fmt_num(core));
                            }
                            ++checked;
                        }
                    }
    CHECK(checked > 500);
}

TEST_CASE("pooling lesson: the output-size formula evaluated with the numbers") {
    PoolParams p{PoolKind::max, 2, 2, 0};
    SizeFormula f = output_size(4, p, "H");
    CHECK(f.size == 2);
    CHECK(f.text == "H_out = floor((H + 2P - K) / S) + 1 = floor((4 + 2*0 - 2) / 2) + 1 = 2");
    f = output_size(4, {PoolKind::max, 5, 1, 0}, "W");
    CHECK(f.size == 0);
    CHECK(f.text.find("empty") != std::string::npos);
    CHECK(output_size(5, {PoolKind::average, 3, 2, 1}, "H").size == 3);
}

TEST_CASE("pooling lesson: bad parameters give a message, not a throw") {
    const Tensor& x = presets()[kCoursePresetMax].input;
    PoolResult r;
    CHECK_NOTHROW(r = run_pool(x, {PoolKind::max, 2, 2, 2}));  // P > K/2
    CHECK_FALSE(r.ok());
    CHECK(r.error.find("padding") != std::string::npos);
    CHECK(r.error.find("half") != std::string::npos);
    CHECK_NOTHROW(r = run_pool(x, {PoolKind::average, 3, 1, 3}));
    CHECK_FALSE(r.ok());
    CHECK_NOTHROW(r = run_pool(x, {PoolKind::average, 5, 1, 0}));  // window larger than the input
    CHECK_FALSE(r.ok());
    CHECK(r.error.find("empty") != std::string::npos);
    RoundTrip t;
    CHECK_NOTHROW(t = round_trip(zeros({1, 28, 28}), PoolKind::max, 3));  // 3 does not divide 28
    CHECK_FALSE(t.error.empty());
}

TEST_CASE("pooling lesson: three ways back up from [[1, 2], [3, 4]]") {
    const Tensor x = decoder_values();
    ThreeWays w = three_ways(x, switch_source());
    check_plane(w.nearest, {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4});
    check_plane(w.bed_of_nails, {1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4, 0, 0, 0, 0, 0});
    check_plane(w.max_unpool, {0, 0, 2, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 0, 0, 4});
    check_plane(w.pooled_source, {5, 6, 7, 8});
    CHECK(flat(w.switches) == std::vector<std::int64_t>{5, 2, 12, 15});

    // Step by step: after placing the first two elements only they are in the outputs.
    ThreeWays half = three_ways(x, switch_source(), 2);
    check_plane(half.max_unpool, {0, 0, 2, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    check_plane(half.bed_of_nails, {1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});

    auto steps = scatter_steps(x, w);
    REQUIRE(steps.size() == 4);
    CHECK(steps[1].unpool_text == "x[0,1] = 2 goes to y[0,2] (switch index 2 = row 0 * 4 + col 2)");
    CHECK(steps[1].bed_text == "x[0,1] = 2 goes to y[0,2] (the top-left of its block)");
    CHECK(steps[2].nearest_text == "x[1,0] = 3 fills y[2:4, 0:2] (its whole 2 x 2 block)");
    for (const auto& s : steps) {
        // Each written destination holds the value in the core's output.
        CHECK(w.max_unpool(s.unpool_row, s.unpool_col) == s.value);
        CHECK(w.bed_of_nails(2 * s.row, 2 * s.col) == s.value);
        for (int a = 0; a < 2; ++a)
            for (int b = 0; b < 2; ++b) CHECK(w.nearest(2 * s.row + a, 2 * s.col + b) == s.value);
    }
    CHECK(upsample_pytorch_code(x, switch_source()).find("F.max_unpool2d(x, switches, kernel_size=2)") != std::string::npos);
}

TEST_CASE("pooling lesson: round-trip errors match an independent computation and are ordered") {
    const Dataset d = load_dataset(AELAB_TEST_DATASET);
    for (std::size_t index : {0u, 1u, 7u}) {
        const Tensor img = d.image(Split::test, index);  // (1, 28, 28)
        for (int kind = 0; kind < 2; ++kind)
            for (int K : kRoundTripKernels) {
                CAPTURE(index);
                CAPTURE(kind);
                CAPTURE(K);
                RoundTrip t = round_trip(img, static_cast<PoolKind>(kind), K);
                REQUIRE(t.error.empty());
                // Independent: per block, the max (first in row-major order) or the mean, then
                // each reconstruction's squared error summed in double.
                double se[kMethodCount] = {0, 0, 0};
                for (int bi = 0; bi < 28 / K; ++bi)
                    for (int bj = 0; bj < 28 / K; ++bj) {
                        double best = -1, sum = 0;
                        int best_r = 0, best_c = 0;
                        for (int r = bi * K; r < bi * K + K; ++r)
                            for (int c = bj * K; c < bj * K + K; ++c) {
                                const double v = img(0, r, c);
                                sum += v;
                                if (v > best) best = v, best_r = r, best_c = c;
                            }
                        const double pooled = kind == 0 ? best : sum / (K * K);
                        CHECK(t.pooled(0, 0, bi, bj) == doctest::Approx(pooled).epsilon(1e-6));
                        for (int r = bi * K; r < bi * K + K; ++r)
                            for (int c = bj * K; c < bj * K + K; ++c) {
                                const double v = img(0, r, c);
                                const double nails = (r == bi * K && c == bj * K) ? pooled : 0.0;
                                const double unpool = (r == best_r && c == best_c) ? pooled : 0.0;
                                se[kNearest] += (pooled - v) * (pooled - v);
                                se[kBedOfNails] += (nails - v) * (nails - v);
                                se[kMaxUnpool] += (unpool - v) * (unpool - v);
                            }
                    }
                for (int m = 0; m < kMethodCount; ++m) {
                    CHECK(t.mse[m] == doctest::Approx(se[m] / (28 * 28)).epsilon(1e-5));
                    CHECK(t.psnr[m] == doctest::Approx(10 * std::log10(28 * 28 / se[m])).epsilon(1e-4));
                }
                // Max unpooling never does worse than bed of nails: the same values, each on the
                // pixel it came from rather than a fixed corner (for average pooling too, on images).
                CHECK(t.mse[kMaxUnpool] <= t.mse[kBedOfNails]);
                // After average pooling, nearest neighbour repaints each block with its mean, the
                // best single value for the block: clearly the lowest error. After max pooling
                // that holds for small windows only: the block's brightest pixel everywhere
                // brightens large blocks too much.
                if (kind == 1 || K == 2) CHECK(t.mse[kNearest] < t.mse[kBedOfNails]);
                if (kind == 1) CHECK(t.mse[kNearest] < t.mse[kMaxUnpool]);
                // Bigger windows lose more.
                if (K > 2) CHECK(t.mse[kNearest] > round_trip(img, static_cast<PoolKind>(kind), 2).mse[kNearest]);
            }
    }
}

TEST_CASE("pooling lesson: a one-pixel shift inside the windows barely changes max pooling") {
    const Tensor img = shift_demo_image();
    CHECK(count_changed(img, shift_right(img, 0)) == 0);
    const Tensor s1 = shift_right(img, 1);
    CHECK(s1(3, 3) == img(3, 2));
    CHECK(s1(3, 0) == 0.0f);
    CHECK(count_changed(img, s1) == 14);
    auto max_pooled = [](const Tensor& plane) {
        Tensor x = plane;
        x.reshape({1, 1, 8, 8});
        return max_pool2d(x).out;
    };
    auto avg_pooled = [](const Tensor& plane) {
        Tensor x = plane;
        x.reshape({1, 1, 8, 8});
        return avg_pool2d(x);
    };
    // One pixel: every window keeps its maximum; the averages of the foot's windows move.
    CHECK(count_changed(max_pooled(img), max_pooled(s1)) == 0);
    CHECK(count_changed(avg_pooled(img), avg_pooled(s1)) == 2);
    // Two pixels: the strokes land in the next windows.
    CHECK(count_changed(max_pooled(img), max_pooled(shift_right(img, 2))) > 4);
}

TEST_CASE("pooling lesson: the URL state round trip and fallbacks") {
    platform::set_params({{"lesson", "pooling"}, {"preset", "1"}, {"k", "3"}, {"s", "1"}, {"p", "1"}, {"step", "5"},
                          {"ustep", "2"}, {"img", "42"}, {"rkind", "1"}, {"rk", "7"}, {"diff", "1"}, {"open", "5"},
                          {"shift", "2"}});
    State s = state_from_params();
    CHECK(s.preset == 1);
    CHECK(s.pool.kind == PoolKind::average);  // the preset's own kind when "kind" is absent
    CHECK(s.pool.kernel == 3);
    CHECK(s.pool.stride == 1);
    CHECK(s.pool.padding == 1);
    CHECK(s.step == 5);
    CHECK(s.scatter_step == 2);
    CHECK(s.image == 42);
    CHECK(s.rt_kind == PoolKind::average);
    CHECK(s.rt_kernel == 7);
    CHECK(s.show_difference);
    CHECK(s.open == 5);
    CHECK(s.shift == 2);

    // The lesson built from these parameters writes the same state back.
    {
        platform::set_dataset_path(AELAB_TEST_DATASET);
        test::HeadlessImGui gui;
        auto lesson = lessons::find_lesson("pooling")->make();
        for (int i = 0; i < 3; ++i) gui.frame([&] { lesson->draw(); });
        CHECK(platform::param("preset") == "1");
        CHECK(platform::param("kind") == "1");
        CHECK(platform::param("k") == "3");
        CHECK(platform::param("p") == "1");
        CHECK(platform::param("step") == "5");  // within the 16 steps of K 3, S 1, P 1 on 4 x 4
        CHECK(platform::param("ustep") == "2");
        CHECK(platform::param("img") == "42");
        CHECK(platform::param("rk") == "7");
        CHECK(platform::param("open") == "5");
    }

    platform::set_params({{"preset", "9"}, {"kind", "x"}, {"k", "0"}, {"rk", "3"}, {"open", "99"}, {"step", "-1"}});
    s = state_from_params();
    CHECK(s.preset == kCoursePresetMax);
    CHECK(s.pool.kind == PoolKind::max);
    CHECK(s.pool.kernel == 2);
    CHECK(s.rt_kernel == 2);
    CHECK(s.open == 1);
    CHECK(s.step == 0);
    platform::set_params({});
}

TEST_CASE("pooling lesson: draws every preset, kind, step extreme and bad parameters headless") {
    platform::set_dataset_path(AELAB_TEST_DATASET);
    test::HeadlessImGui gui;
    for (int preset = 0; preset < static_cast<int>(presets().size()); ++preset)
        for (int kind = 0; kind < 2; ++kind)
            for (const char* step : {"0", "99"})
                for (const char* p : {"0", "3"}) {  // P = 3 > K/2: the message in place of the output
                    CAPTURE(preset);
                    CAPTURE(kind);
                    CAPTURE(step);
                    CAPTURE(p);
                    platform::set_params({{"preset", std::to_string(preset)}, {"kind", std::to_string(kind)},
                                          {"step", step}, {"ustep", step[0] == '0' ? "0" : "3"}, {"p", p},
                                          {"open", "7"}, {"rkind", std::to_string(kind)}, {"diff", step[0] == '0' ? "0" : "1"}});
                    auto lesson = lessons::find_lesson("pooling")->make();
                    for (int i = 0; i < 3; ++i) CHECK_NOTHROW(gui.frame([&] { lesson->draw(); }));
                }
    // Stepping past the end clamps to the last output element.
    platform::set_params({{"preset", "0"}, {"step", "99"}});
    auto lesson = lessons::find_lesson("pooling")->make();
    gui.frame([&] { lesson->draw(); });
    CHECK(platform::param("step") == "3");
    platform::set_params({});
}
