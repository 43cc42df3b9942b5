// Tests for core/src/recipes/manifold.cpp (the manifold picture on 2-D data): the closed-form
// contractive penalty (loss.hpp's op from i12-reg, gradient-checked there) against a
// finite-difference Jacobian, the contractive objective's gradient in every parameter (tied and
// untied decoders) against finite differences, the field figures on hand-made
// fields, and the three autoencoders' fields after training on the circle (the denoiser's and
// the contractive one's arrows point to the curve, the plain one's nearly vanish), deterministic
// for a seed.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>

#include "aelab/activation.hpp"
#include "aelab/linear.hpp"
#include "aelab/loss.hpp"
#include "aelab/recipe_manifold.hpp"
#include "test_util.hpp"

using namespace aelab;
using testutil::random_tensor;

namespace {

// sigmoid(W x + b) for one x (I), W (H, I), b (H).
std::vector<double> encode(const Tensor& w, const Tensor& b, const double* x, int H, int I) {
    std::vector<double> h(std::size_t(H), 0.0);
    for (int j = 0; j < H; ++j) {
        double a = b.data()[j];
        for (int i = 0; i < I; ++i) a += double(w.data()[std::size_t(j) * I + i]) * x[i];
        h[std::size_t(j)] = 1 / (1 + std::exp(-a));
    }
    return h;
}

ManifoldRecipe trained_on_circle(const ManifoldOptions& o) {
    ManifoldRecipe r(toy2d::preset_curve(toy2d::Preset::circle), o);
    for (int s = 0; s < o.steps; ++s) r.train_step();
    return r;
}

}  // namespace

TEST_CASE("manifold: contractive_penalty is ||df/dx||_F^2 of the sigmoid encoder (finite-difference Jacobian)") {
    Rng rng(3);
    const int N = 4, H = 5, I = 2;
    const Tensor w = random_tensor(rng, {H, I}, -2, 2), b = random_tensor(rng, {H}), x = random_tensor(rng, {N, I}, -2, 2);
    const Tensor h = sigmoid(linear(x, w, &b));  // (N, H)
    double numeric = 0;
    for (int n = 0; n < N; ++n)
        for (int i = 0; i < I; ++i) {
            double up[2] = {x.data()[n * I], x.data()[n * I + 1]}, down[2] = {up[0], up[1]};
            const double eps = 1e-4;
            up[i] += eps, down[i] -= eps;
            const auto hu = encode(w, b, up, H, I), hd = encode(w, b, down, H, I);
            for (int j = 0; j < H; ++j) {
                const double dj = (hu[std::size_t(j)] - hd[std::size_t(j)]) / (2 * eps);
                numeric += dj * dj;
            }
        }
    numeric /= N;
    CHECK(contractive_penalty(h.data(), w.data(), N, H, I) == doctest::Approx(numeric).epsilon(1e-4));
}

TEST_CASE("manifold: the contractive objective's gradient (all parameters) matches finite differences") {
    ManifoldOptions o;
    o.code = 5;
    o.lambda = 0.5f;
    for (bool tied : {true, false}) {
        o.tied = tied;
        ManifoldAutoencoder ae(ManifoldKind::contractive, o);
        Rng rng(11);
        const Tensor x = random_tensor(rng, {6, 2}, -2, 2), target = random_tensor(rng, {6, 2}, -2, 2);
        Sequential& m = ae.model();
        const float loss = ae.loss_and_grad(x, target);
        CHECK(loss == doctest::Approx(ae.last_reconstruction() + o.lambda * ae.last_penalty()));
        CHECK(ae.last_penalty() > 0);
        const std::vector<float> grad(m.grads(), m.grads() + m.param_count());
        const float eps = 1e-3f;
        for (std::size_t k = 0; k < m.param_count(); ++k) {
            const float saved = m.params()[k];
            m.params()[k] = saved + eps;
            const double up = ae.loss_and_grad(x, target);
            m.params()[k] = saved - eps;
            const double down = ae.loss_and_grad(x, target);
            m.params()[k] = saved;
            INFO("tied ", tied, " parameter ", k);
            CHECK(grad[k] == doctest::Approx((up - down) / (2.0 * eps)).epsilon(2e-2).scale(1e-2));
        }
    }
    // The plain and denoising objectives carry no penalty.
    ManifoldAutoencoder plain(ManifoldKind::plain, o);
    Rng rng(2);
    const Tensor x = random_tensor(rng, {4, 2});
    const float plain_loss = plain.loss_and_grad(x, x);
    CHECK(plain_loss == doctest::Approx(plain.last_reconstruction()));
    CHECK(plain.last_penalty() == 0.0f);
    CHECK_THROWS_AS(plain.loss_and_grad(x, zeros({4, 3})), Error);
}

TEST_CASE("manifold: field figures of hand-made fields") {
    const toy2d::Curve circle = toy2d::preset_curve(toy2d::Preset::circle, 512);
    // Points at radius 1.8 (0.3 outside) and 1.3 (0.2 inside), and one far away at the origin.
    Tensor p = from_values({3, 2}, {1.8f, 0.0f, 0.0f, 1.3f, 0.0f, 0.0f});
    // Arrows towards the circle: cosine 1, lengths 0.3 and 0.2 (the origin is out of the band).
    Tensor in = from_values({3, 2}, {-0.3f, 0.0f, 0.0f, 0.2f, 5.0f, 5.0f});
    FieldStats st = field_stats(p, in, circle, 0.1f, 0.6f);
    CHECK(st.count == 2);
    CHECK(st.mean_cosine == doctest::Approx(1.0).epsilon(1e-3));
    CHECK(st.mean_length == doctest::Approx(0.25).epsilon(1e-3));
    // Away from it: -1; along it: 0; zero arrows: cosine 0 and length 0.
    st = field_stats(p, from_values({3, 2}, {0.3f, 0.0f, 0.0f, -0.1f, 0, 0}), circle, 0.1f, 0.6f);
    CHECK(st.mean_cosine == doctest::Approx(-1.0).epsilon(1e-3));
    st = field_stats(p, from_values({3, 2}, {0.0f, 1.0f, 1.0f, 0.0f, 0, 0}), circle, 0.1f, 0.6f);
    CHECK(std::fabs(st.mean_cosine) < 1e-2);  // (the polyline's nearest point is a chord's)
    st = field_stats(p, zeros({3, 2}), circle, 0.1f, 0.6f);
    CHECK(st.mean_cosine == 0.0);
    CHECK(st.mean_length == 0.0);
    // A band that holds nothing.
    CHECK(field_stats(p, in, circle, 3.0f, 4.0f).count == 0);
    CHECK_THROWS_AS(field_stats(p, zeros({2, 2}), circle, 0.1f, 0.6f), Error);
}

TEST_CASE("manifold recipe: grid, data, bad options and curves") {
    ManifoldOptions o;
    o.grid = 10;
    o.points = 200;
    ManifoldRecipe r(toy2d::preset_curve(toy2d::Preset::circle), o);
    CHECK(r.data().shape()[0] == 200);
    CHECK(r.grid().shape()[0] == 100);
    CHECK(r.grid_distance().size() == 100);
    // The grid's first point is the top-left cell centre; its nearest circle point at radius 1.5.
    CHECK(r.grid().data()[0] == doctest::Approx(-2.25f));
    CHECK(r.grid().data()[1] == doctest::Approx(2.25f));
    CHECK(r.grid_distance()[0] == doctest::Approx(std::hypot(2.25, 2.25) - 1.5).epsilon(1e-2));
    CHECK(std::hypot(r.grid_nearest().data()[0], r.grid_nearest().data()[1]) == doctest::Approx(1.5).epsilon(1e-2));
    for (ManifoldKind k : kAllManifoldKinds) CHECK(r.field(k).shape() == r.grid().shape());
    CHECK_THROWS_AS(r.stats_of(zeros({99, 2})), Error);

    ManifoldKind k = ManifoldKind::plain;
    CHECK(parse_manifold_kind("contractive", k));
    CHECK(k == ManifoldKind::contractive);
    CHECK_FALSE(parse_manifold_kind("sparse", k));
    CHECK(std::string(manifold_kind_name(ManifoldKind::denoising)) == "denoising");

    auto bad = [](auto edit) {
        ManifoldOptions b;
        edit(b);
        CHECK_THROWS_AS(ManifoldRecipe(toy2d::preset_curve(toy2d::Preset::circle), b), Error);
    };
    bad([](ManifoldOptions& b) { b.code = 2; });
    bad([](ManifoldOptions& b) { b.batch_size = 0; });
    bad([](ManifoldOptions& b) { b.batch_size = b.points + 1; });
    bad([](ManifoldOptions& b) { b.noise = -1; });
    bad([](ManifoldOptions& b) { b.lambda = NAN; });
    bad([](ManifoldOptions& b) { b.learning_rate = 0; });
    bad([](ManifoldOptions& b) { b.grid = 1; });
    bad([](ManifoldOptions& b) { b.near_max = b.near_min; });
    CHECK_THROWS_AS(ManifoldRecipe(toy2d::Curve{}, o), Error);  // an empty curve
    // A drawn curve (a polyline) works like a preset.
    toy2d::Curve drawn;
    drawn.pieces.push_back({-1.5f, -1.0f, 0.0f, 1.0f, 1.5f, -1.0f});
    drawn.closed.push_back(false);
    ManifoldRecipe d(drawn, o);
    CHECK(d.train_step() > 0);
}

TEST_CASE("manifold recipe: on the circle the denoiser's arrows point to the curve, the plain AE's nearly vanish") {
    // The defaults (code 16, tied weights, noise 0.3, lambda 0.1, Adam 0.02, 3000 steps of 64
    // points, seed 1). Measured: denoiser cosine 0.90, length 0.21; contractive 0.98, 0.20;
    // plain 0.058 long.
    const ManifoldOptions o;
    ManifoldRecipe r = trained_on_circle(o);
    const FieldStats dae = r.stats(ManifoldKind::denoising), cae = r.stats(ManifoldKind::contractive),
                     plain = r.stats(ManifoldKind::plain);
    CHECK(dae.count > 150);
    CHECK(dae.mean_cosine > 0.85);
    // The contractive AE's reconstruction is insensitive across the curve, so it too maps points
    // back onto it.
    CHECK(cae.mean_cosine > 0.9);
    // The plain overcomplete AE nearly learns the identity: arrows under a third of the denoiser's.
    CHECK(plain.mean_length < 0.35 * dae.mean_length);
    CHECK(cae.mean_length > 3 * plain.mean_length);
    // Contraction: the contractive encoder is the least sensitive to its input on the data.
    CHECK(r.net(ManifoldKind::contractive).jacobian_fro2(r.data()) < r.net(ManifoldKind::plain).jacobian_fro2(r.data()));
    // The training losses fell.
    CHECK(r.loss(ManifoldKind::plain) < 0.01f);

    // Deterministic for a seed; another seed gives another run.
    ManifoldOptions short_run = o;
    short_run.steps = 200;
    ManifoldRecipe a = trained_on_circle(short_run), b = trained_on_circle(short_run);
    CHECK(a.stats(ManifoldKind::denoising).mean_cosine == b.stats(ManifoldKind::denoising).mean_cosine);
    CHECK(a.loss(ManifoldKind::contractive) == b.loss(ManifoldKind::contractive));
    short_run.seed = 2;
    ManifoldRecipe c = trained_on_circle(short_run);
    CHECK(c.loss(ManifoldKind::contractive) != a.loss(ManifoldKind::contractive));
}

// The figures of the report: mean cosine and arrow length of each kind on three presets after
// a full run with the default options. Slow-ish (about 2 s): run with
//     aelab_tests -tc='manifold figures*' --no-skip
TEST_CASE("manifold figures: the three kinds on circle, spiral and two-moons" * doctest::skip()) {
    for (bool tied : {true, false}) {
        ManifoldOptions o;
        o.tied = tied;
        std::printf("%s weights\n", tied ? "tied" : "untied");
        for (toy2d::Preset p : {toy2d::Preset::circle, toy2d::Preset::spiral, toy2d::Preset::two_moons}) {
            ManifoldRecipe r(toy2d::preset_curve(p), o);
            for (int s = 0; s < o.steps; ++s) r.train_step();
            for (ManifoldKind k : kAllManifoldKinds) {
                const FieldStats st = r.stats(k);
                std::printf("  %-10s %-12s cosine %6.3f  length %.3f  (%d grid points)  loss %.4f  ||J||_F^2 %.3f\n",
                            toy2d::preset_name(p), manifold_kind_name(k), st.mean_cosine, st.mean_length, st.count,
                            r.loss(k), r.net(k).jacobian_fro2(r.data()));
            }
        }
    }
}
