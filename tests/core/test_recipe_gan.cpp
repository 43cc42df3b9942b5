// Tests for core/src/recipes/gan.cpp: the generator's two losses and why one saturates, mode
// coverage by hand, determinism for a seed, the plane GAN covering the ring, the image GAN on
// one Fashion-MNIST class, and clear errors. (PyTorch agreement: tests/core/test_golden.cpp;
// gradients: tests/core/test_gradcheck.cpp.)
#include <doctest/doctest.h>

#include <cmath>

#include "aelab/layers.hpp"
#include "aelab/recipe_gan.hpp"

using namespace aelab;

namespace {

const Dataset& fashion() {
    static const Dataset d = load_dataset(AELAB_TEST_DATASET);
    return d;
}

std::vector<float> params_of(const Sequential& m) { return std::vector<float>(m.params(), m.params() + m.param_count()); }

}  // namespace

TEST_CASE("gan recipe: the generator's losses by hand, and the saturating one's vanishing gradient") {
    // D rejects the fakes confidently: logits -6, D(G(z)) = sigmoid(-6) = 0.00247.
    const Tensor l = from_values({2, 1}, {-6.0f, -6.0f});
    const double p = 1.0 / (1.0 + std::exp(6.0));
    CHECK(gan_generator_loss(l, GanLoss::saturating) == doctest::Approx(std::log(1.0 - p)));
    CHECK(gan_generator_loss(l, GanLoss::non_saturating) == doctest::Approx(-std::log(p)));
    Tensor d_sat = zeros({2, 1}), d_ns = zeros({2, 1});
    gan_generator_loss_backward(d_sat, l, GanLoss::saturating);
    gan_generator_loss_backward(d_ns, l, GanLoss::non_saturating);
    // dL/dl per sample (mean over N = 2): -sigmoid(l) / 2 against (sigmoid(l) - 1) / 2.
    CHECK(d_sat(0, 0) == doctest::Approx(-p / 2));
    CHECK(d_ns(0, 0) == doctest::Approx((p - 1) / 2));
    CHECK(std::fabs(d_ns(0, 0)) > 400 * std::fabs(d_sat(0, 0)));
    // At D(G(z)) = 1/2 both have the same slope.
    const Tensor half = from_values({1, 1}, {0.0f});
    Tensor a = zeros({1, 1}), b = zeros({1, 1});
    gan_generator_loss_backward(a, half, GanLoss::saturating);
    gan_generator_loss_backward(b, half, GanLoss::non_saturating);
    CHECK(a(0, 0) == doctest::Approx(-0.5f));
    CHECK(b(0, 0) == doctest::Approx(-0.5f));
    // L_D at D = 1/2 everywhere is 2 log 2.
    CHECK(gan_discriminator_loss(half, half) == doctest::Approx(2 * std::log(2.0)));
}

TEST_CASE("gan recipe: mode coverage counts high-quality samples per mode") {
    // Two modes at (0, 0) and (4, 0), sd 0.1: high quality within 0.3.
    const std::vector<float> centres = {0, 0, 4, 0};
    std::vector<float> xy;
    for (int i = 0; i < 90; ++i) xy.push_back(0.01f * float(i % 10)), xy.push_back(0.0f);  // near mode 0
    for (int i = 0; i < 2; ++i) xy.push_back(4.2f), xy.push_back(0.0f);                       // near mode 1
    for (int i = 0; i < 8; ++i) xy.push_back(2.0f), xy.push_back(1.0f);                       // between: low quality
    const GanModeStats s = gan_mode_stats(from_values({100, 2}, xy), centres, 0.1f);
    CHECK(s.modes == 2);
    CHECK(s.samples == 100);
    CHECK(s.high_quality_per_mode == std::vector<int>{90, 2});
    CHECK(s.high_quality_fraction == doctest::Approx(0.92));
    CHECK(s.modes_covered == 2);  // 2 of 100 = 2%: just covered
    CHECK(gan_mode_stats(from_values({100, 2}, xy), centres, 0.1f, 0.03f).modes_covered == 1);
    CHECK_THROWS_WITH_AS(gan_mode_stats(zeros({3, 3}), centres, 0.1f), doctest::Contains("(N, 2)"), Error);
    CHECK_THROWS_AS(gan_mode_stats(zeros({3, 2}), centres, 0.0f), Error);
}

TEST_CASE("gan recipe: the same seed gives the same run, another seed another") {
    PlaneGanOptions o;
    o.d_steps = 2;
    o.g_steps = 1;
    PlaneGan a(o), b(o);
    for (int i = 0; i < 30; ++i) a.train_period(), b.train_period();
    CHECK(a.d_updates() == 60);
    CHECK(a.g_updates() == 30);
    CHECK(a.last_d().loss == b.last_d().loss);
    CHECK(a.last_g().loss == b.last_g().loss);
    CHECK(params_of(a.gan().generator()) == params_of(b.gan().generator()));
    CHECK(params_of(a.gan().discriminator()) == params_of(b.gan().discriminator()));
    CHECK(a.evaluate().high_quality_fraction == b.evaluate().high_quality_fraction);
    // Evaluating does not change training.
    a.train_period(), b.train_period();
    CHECK(params_of(a.gan().generator()) == params_of(b.gan().generator()));
    o.seed = 2;
    PlaneGan c(o);
    CHECK(params_of(c.gan().generator()) != params_of(a.gan().generator()));
    // Fixed real samples for the picture; G(z) for fixed z.
    CHECK(a.real_samples(5, 9)(3, 1) == a.real_samples(5, 9)(3, 1));
    Tensor z;
    const Tensor f = a.fake_samples(7, 4, &z);
    CHECK(f.shape() == Shape{7, 2});
    CHECK(z.shape() == Shape{7, 2});
}

TEST_CASE("gan recipe: the default plane GAN covers 7 of the ring's 8 modes after 1000 steps (seed 1)") {
    PlaneGan g;  // ring, sd 0.05, 1 D + 1 G update per step, non-saturating, Adam 1e-3, batch 128
    const GanModeStats before = g.evaluate();
    CHECK(before.modes == 8);
    CHECK(before.modes_covered == 0);
    for (int i = 0; i < 1000; ++i) g.train_period();
    const GanModeStats s = g.evaluate();
    CHECK(s.samples == 2000);
    CHECK(s.modes_covered == 7);
    CHECK(s.high_quality_fraction > 0.4);
    // Near the game's equilibrium: D(real) and D(fake) both near 1/2.
    CHECK(g.last_d().d_real == doctest::Approx(0.5).epsilon(0.25));
    CHECK(g.last_d().d_fake == doctest::Approx(0.5).epsilon(0.25));
}

TEST_CASE("gan recipe: a D step moves only D, a G step only G") {
    PlaneGan g;
    const auto g0 = params_of(g.gan().generator()), d0 = params_of(g.gan().discriminator());
    g.discriminator_step();
    CHECK(params_of(g.gan().generator()) == g0);
    CHECK(params_of(g.gan().discriminator()) != d0);
    const auto d1 = params_of(g.gan().discriminator());
    g.generator_step();
    CHECK(params_of(g.gan().generator()) != g0);
    CHECK(params_of(g.gan().discriminator()) == d1);
    CHECK(g.periods_done() == 0);
    // The heat map and the arrows.
    const Tensor x = from_values({2, 2}, {2.0f, 0.0f, 0.0f, 0.0f});
    const Tensor p = g.gan().probability(x);
    CHECK(p.shape() == Shape{2});
    CHECK(p(0) > 0.0f);
    CHECK(p(0) < 1.0f);
    CHECK(g.gan().sample_gradients(x).shape() == Shape{2, 2});
}

TEST_CASE("gan recipe: bad settings are clear errors") {
    PlaneGanOptions o;
    o.d_steps = 0;
    o.g_steps = 0;
    CHECK_THROWS_WITH_AS(PlaneGan{o}, doctest::Contains("not both 0"), Error);
    o = {};
    o.target = GanTarget::drawn;
    CHECK_THROWS_WITH_AS(PlaneGan{o}, doctest::Contains("nothing drawn"), Error);
    o = {};
    o.learning_rate = 0;
    CHECK_THROWS_AS(PlaneGan{o}, Error);
    o = {};
    o.batch_size = 0;
    CHECK_THROWS_WITH_AS(PlaneGan{o}, doctest::Contains("batch size"), Error);
    AdamOptions adam;
    CHECK_THROWS_WITH_AS(Gan(plane_gan_generator(2, 4, 1), plane_gan_generator(2, 4, 1), adam, adam),
                         doctest::Contains("discriminator must give (N, 1) logits"), Error);
    Sequential d3({3});
    d3.add<Linear>(3, 1);
    CHECK_THROWS_WITH_AS(Gan(plane_gan_generator(2, 4, 1), std::move(d3), adam, adam),
                         doctest::Contains("the generator makes (N, 2) samples, the discriminator takes (N, 3)"), Error);
    CHECK_THROWS_AS(class_subset(fashion(), 10), Error);
}

TEST_CASE("gan recipe: a drawn target and a line train too") {
    PlaneGanOptions o;
    o.target = GanTarget::drawn;
    o.drawn.pieces = {{-1.0f, 0.0f, 1.0f, 0.0f}};
    o.drawn.closed = {false};
    PlaneGan g(o);
    const Tensor r = g.real_samples(100, 3);
    for (std::size_t i = 0; i < 100; ++i) CHECK(std::fabs(r(i, 1)) < 0.3f);
    for (int i = 0; i < 20; ++i) g.train_period();
    CHECK(std::isfinite(g.last_g().loss));
    CHECK(g.evaluate().modes == 0);
    CHECK(g.mode_centres().empty());
}

TEST_CASE("gan recipe: the image GAN on one class, deterministic, images in [0, 1]") {
    const Dataset shirts = class_subset(fashion(), 0);
    CHECK(shirts.size(Split::train) > 400);
    for (auto l : shirts.train_labels) REQUIRE(l == 0);
    CHECK(shirts.size(Split::test) == fashion().size(Split::test));
    CHECK(class_subset(fashion(), -1).size(Split::train) == fashion().size(Split::train));
    ImageGanOptions o;
    o.class_index = 0;
    o.hidden = 32;
    o.batch_size = 16;
    ImageGan a(shirts, o), b(shirts, o);
    for (int i = 0; i < 5; ++i) a.train_period(), b.train_period();
    CHECK(a.periods_done() == 5);
    CHECK(a.last_d().loss == b.last_d().loss);
    CHECK(std::isfinite(a.last_g().loss));
    const Tensor img = a.generate(zeros({3, std::size_t(o.latent)}));
    CHECK(img.shape() == Shape{3, 1, 28, 28});
    for (float v : img) REQUIRE((v >= 0.0f && v <= 1.0f));
}
