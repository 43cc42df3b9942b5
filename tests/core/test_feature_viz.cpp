// Tests for core/src/nn/feature_viz.cpp and the parts of Sequential it stands on
// (forward_capture, backward's input gradient): finite-difference checks of dJ/dx and of
// backward's d_x, and the objective climbing over ascent steps.
#include <doctest/doctest.h>

#include <cmath>

#include "aelab/feature_viz.hpp"
#include "test_util.hpp"

using aelab::Shape;
using aelab::Tensor;
using testutil::random_tensor;

namespace {

// (N, 1, 6, 6) -> conv(1->3, 3x3, p1) -> tanh -> conv(3->2, 3x3, s2, p1) -> sigmoid -> flatten
// -> linear(18 -> 4) -> tanh: smooth everywhere, so finite differences hold.
aelab::Sequential tiny_model() {
    aelab::Sequential m({1, 6, 6});
    m.add<aelab::Conv2d>(1, 3, 3, 1, 1);  // -> (N, 3, 6, 6)
    m.add<aelab::Tanh>();
    m.add<aelab::Conv2d>(3, 2, 3, 2, 1);  // -> (N, 2, 3, 3)
    m.add<aelab::Sigmoid>();
    m.add<aelab::Flatten>();               // -> (N, 18)
    m.add<aelab::Linear>(18, 4);
    m.add<aelab::Tanh>();
    m.init(5);
    return m;
}

double weighted_sum(const Tensor& y, const Tensor& w) {
    double s = 0;
    for (std::size_t i = 0; i < y.size(); ++i) s += double(y.data()[i]) * w.data()[i];
    return s;
}

}  // namespace

TEST_CASE("Sequential: forward_capture keeps every layer's output") {
    aelab::Sequential m = tiny_model();
    aelab::Rng rng(1);
    const Tensor x = random_tensor(rng, {2, 1, 6, 6});
    const std::vector<Tensor> acts = m.forward_capture(x);
    REQUIRE(acts.size() == m.size());
    CHECK(aelab::shape_of(acts[0]) == Shape{2, 3, 6, 6});
    CHECK(aelab::shape_of(acts[2]) == Shape{2, 2, 3, 3});
    CHECK(aelab::shape_of(acts[6]) == Shape{2, 4});
    for (std::size_t i = 0; i < acts.size(); ++i) {
        INFO("layer ", i);
        CHECK(testutil::max_rel_error(acts[i], m.forward(x, 0, i + 1)) == 0.0);
    }
    // The caches are those of a forward: backward after forward_capture gives what it gives after forward.
    const Tensor d_out = random_tensor(rng, {2, 4});
    m.forward_capture(x);
    const Tensor d_x_capture = m.backward(d_out);
    m.zero_grad();
    m.forward(x);
    CHECK(testutil::max_rel_error(d_x_capture, m.backward(d_out)) == 0.0);
}

TEST_CASE("Sequential: backward returns the input gradient (finite differences)") {
    aelab::Sequential m = tiny_model();
    aelab::Rng rng(2);
    Tensor x = random_tensor(rng, {2, 1, 6, 6});
    const Tensor w = random_tensor(rng, {2, 4});  // L = sum(model(x) * w), so dL/dy = w
    m.forward(x);
    const Tensor d_x = m.backward(w);
    REQUIRE(aelab::shape_of(d_x) == aelab::shape_of(x));
    const float eps = 1e-2f;
    for (std::size_t i = 0; i < x.size(); i += 5) {
        const float saved = x.data()[i];
        x.data()[i] = saved + eps;
        const double up = weighted_sum(m.forward(x), w);
        x.data()[i] = saved - eps;
        const double down = weighted_sum(m.forward(x), w);
        x.data()[i] = saved;
        const double numeric = (up - down) / (2.0 * eps);
        INFO("element ", i, " numeric ", numeric, " analytic ", d_x.data()[i]);
        CHECK(std::fabs(numeric - d_x.data()[i]) <= 1e-3 + 1e-2 * std::fabs(numeric));
    }
}

TEST_CASE("feature_viz: the channel objective's gradient matches finite differences") {
    aelab::Sequential m = tiny_model();
    aelab::Rng rng(3);
    Tensor x = random_tensor(rng, {1, 1, 6, 6});
    struct Case {
        std::size_t layer;
        int channel;
    };
    // A feature map (mean over 3x3 positions) and a unit of the linear layer.
    for (const Case c : {Case{3, 1}, Case{6, 2}}) {
        INFO("layer ", c.layer, " channel ", c.channel);
        const float l2 = 0.05f;
        const aelab::ChannelObjective r = aelab::channel_objective(m, c.layer, c.channel, l2, x);
        // The mean activation is the channel's mean in the captured output.
        const Tensor out = m.forward_capture(x)[c.layer];
        const std::size_t inner = out.size() / aelab::shape_of(out)[1];
        double mean = 0;
        for (std::size_t i = 0; i < inner; ++i) mean += out.data()[std::size_t(c.channel) * inner + i];
        CHECK(r.activation == doctest::Approx(mean / double(inner)).epsilon(1e-6));
        double penalty = 0;
        for (float v : x) penalty += double(v) * v;
        CHECK(r.value == doctest::Approx(r.activation - l2 * penalty).epsilon(1e-5));
        // Its parameter gradients are not left in the model.
        for (std::size_t i = 0; i < m.param_count(); ++i) REQUIRE(m.grads()[i] == 0.0f);
        const float eps = 1e-2f;
        for (std::size_t i = 0; i < x.size(); ++i) {
            const float saved = x.data()[i];
            x.data()[i] = saved + eps;
            const double up = aelab::channel_objective(m, c.layer, c.channel, l2, x).value;
            x.data()[i] = saved - eps;
            const double down = aelab::channel_objective(m, c.layer, c.channel, l2, x).value;
            x.data()[i] = saved;
            const double numeric = (up - down) / (2.0 * eps);
            INFO("element ", i, " numeric ", numeric, " analytic ", r.gradient.data()[i]);
            CHECK(std::fabs(numeric - r.gradient.data()[i]) <= 1e-3 + 1e-2 * std::fabs(numeric));
        }
    }
}

TEST_CASE("feature_viz: gradient ascent raises the objective step by step") {
    aelab::Sequential m = tiny_model();
    aelab::Rng rng(4);
    aelab::FeatureAscentOptions o;
    o.layer = 2;  // the second conv's pre-activation, channel 0
    o.channel = 0;
    o.step_size = 0.5f;
    o.l2 = 0.01f;
    aelab::FeatureAscent ascent(m, o, random_tensor(rng, {1, 1, 6, 6}, -0.1f, 0.1f));
    const float start = ascent.objective();
    float previous = start;
    for (int s = 0; s < 30; ++s) {
        const float before = ascent.step();
        CHECK(before == doctest::Approx(previous).epsilon(1e-6));  // step() reports J before it
        previous = ascent.objective();
        INFO("step ", s, " J ", previous);
        CHECK(previous > before);
    }
    CHECK(ascent.steps() == 30);
    CHECK(previous > start + 0.1f);
    // The penalty keeps x finite (no runaway pixel).
    for (float v : ascent.input()) CHECK(std::isfinite(v));

    // Bad requests name what is wrong.
    CHECK_THROWS_WITH_AS(aelab::channel_objective(m, 7, 0, 0.0f, ascent.input()),
                         doctest::Contains("layer 7 out of range (7 layers)"), aelab::Error);
    CHECK_THROWS_WITH_AS(aelab::channel_objective(m, 2, 2, 0.0f, ascent.input()),
                         doctest::Contains("channel 2 is not a channel of layer 2"), aelab::Error);
    CHECK_THROWS_WITH_AS(aelab::FeatureAscent(m, o, aelab::zeros({1, 1, 5, 5})),
                         doctest::Contains("x0 must have shape (1, 1, 6, 6), got (1, 1, 5, 5)"), aelab::Error);
}
