// Tests for core/src/recipes/regularized.cpp (the sparse and contractive autoencoder recipes)
// and core/src/ops/penalty.cpp: the penalties against hand computations and a finite-difference
// Jacobian, singular values and atom spreads of known matrices, determinism for a seed, sparsity
// rising with lambda, the contractive penalty lowering the Jacobian's norm, bad options.
// (The penalties' gradients are in test_gradcheck.cpp, the commands in test_cli.cpp.)
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "aelab/dataset.hpp"
#include "aelab/loss.hpp"
#include "aelab/recipe_regularized.hpp"
#include "test_util.hpp"

using namespace aelab;

namespace {

using testutil::dataset;

// Small networks so each case stays well under a second natively (the suite also runs in wasm
// and under ASan); the lesson's and the CLI's defaults are larger.
SparseAeOptions small_sparse(float lambda, std::uint64_t seed = 1) {
    SparseAeOptions o;
    o.code = 256;
    o.lambda = lambda;
    o.steps = 150;
    o.eval_count = 100;
    o.seed = seed;
    return o;
}

ContractiveOptions small_contractive() {
    ContractiveOptions o;
    o.code = 64;
    o.learning_rate = 3e-3f;
    o.steps = 200;
    o.eval_count = 100;
    return o;
}

double sigmoid_d(double a) { return 1.0 / (1.0 + std::exp(-a)); }

}  // namespace

TEST_CASE("regularized recipe: the L1 penalty, by hand") {
    const Tensor h = from_values({2, 3}, {1.0f, -2.0f, 0.0f, 0.5f, 0.0f, 3.0f});
    CHECK(l1_activation_penalty(h) == doctest::Approx((3.0 + 3.5) / 2));
    Tensor d_h = zeros({2, 3});
    l1_activation_penalty_backward(d_h, h, 2.0f);  // d_loss 2, N 2: +-1 and 0 at 0 (torch's abs)
    const std::vector<float> want = {1, -1, 0, 1, 0, 1};
    for (std::size_t i = 0; i < want.size(); ++i) CHECK(d_h.data()[i] == want[i]);
    CHECK_THROWS_WITH_AS(l1_activation_penalty(zeros({6})), doctest::Contains("(N, K)"), Error);
}

TEST_CASE("regularized recipe: the contractive penalty equals ||dh/dx||_F^2 of a finite-difference Jacobian") {
    Rng rng(7);
    const int N = 3, K = 5, D = 7;
    const Tensor W = testutil::random_tensor(rng, {K, D}, -2.0f, 2.0f), b = testutil::random_tensor(rng, {K});
    const Tensor x = testutil::random_tensor(rng, {N, D});
    auto encode = [&](const std::vector<double>& xn, int j) {  // h_j(x) in double
        double a = b.data()[j];
        for (int i = 0; i < D; ++i) a += double(W.data()[j * D + i]) * xn[std::size_t(i)];
        return sigmoid_d(a);
    };
    Tensor h = zeros({N, K});
    double fro2_sum = 0;
    for (int n = 0; n < N; ++n) {
        std::vector<double> xn(x.data() + n * D, x.data() + (n + 1) * D);
        for (int j = 0; j < K; ++j) h.data()[n * K + j] = float(encode(xn, j));
        Tensor h_n = zeros({std::size_t(K)});
        for (int j = 0; j < K; ++j) h_n.data()[j] = h.data()[n * K + j];
        const Tensor J = sigmoid_encoder_jacobian(h_n, W);  // (K, D)
        const double eps = 1e-5;
        for (int j = 0; j < K; ++j)
            for (int i = 0; i < D; ++i) {
                std::vector<double> up = xn, down = xn;
                up[std::size_t(i)] += eps, down[std::size_t(i)] -= eps;
                const double fd = (encode(up, j) - encode(down, j)) / (2 * eps);
                CHECK(J.data()[j * D + i] == doctest::Approx(fd).epsilon(1e-4).scale(1e-3));
                fro2_sum += fd * fd;
            }
    }
    CHECK(contractive_penalty(h, W) == doctest::Approx(fro2_sum / N).epsilon(1e-4));
    CHECK_THROWS_WITH_AS(contractive_penalty(h, zeros({4, D})), doctest::Contains("W must have 5 rows"), Error);
}

TEST_CASE("regularized recipe: the network's Jacobian matches finite differences of its encoder") {
    ContractiveOptions o = small_contractive();
    o.seed = 3;
    ContractiveRecipe r(dataset(), o);
    for (int s = 0; s < 5; ++s) r.train_step();
    Tensor x = dataset().image(Split::test, 4);
    x.reshape(Shape{1, 1, 28, 28});
    const Tensor J = r.jacobian(true, x);  // (64, 784)
    REQUIRE(J.shape() == (Shape{64, 784}));
    const float eps = 1e-2f;
    double worst = 0, largest = 0;
    for (std::size_t i = 0; i < 784; i += 37) {
        Tensor up = x, down = x;
        up.data()[i] += eps, down.data()[i] -= eps;
        const Tensor hu = r.encode(true, up), hd = r.encode(true, down);
        for (std::size_t j = 0; j < 64; ++j) {
            const double fd = (double(hu.data()[j]) - hd.data()[j]) / (2.0 * eps);
            worst = std::max(worst, std::fabs(fd - J.data()[j * 784 + i]));
            largest = std::max(largest, std::fabs(fd));
        }
    }
    CHECK(largest > 1e-3);
    CHECK(worst < 1e-2 * largest);
}

TEST_CASE("regularized recipe: singular values and atom spreads of known matrices") {
    // Rows (3, 0, 0) and (0, 0, 4), then the same rotated in the plane of the first two axes.
    std::vector<double> sv = singular_values(from_values({2, 3}, {3, 0, 0, 0, 0, 4}));
    REQUIRE(sv.size() == 2);
    CHECK(sv[0] == doctest::Approx(4));
    CHECK(sv[1] == doctest::Approx(3));
    const float c = 0.6f, s = 0.8f;
    sv = singular_values(from_values({3, 2}, {3 * c, 3 * s, -4 * s, 4 * c, 0, 0}));
    CHECK(sv[0] == doctest::Approx(4).epsilon(1e-5));
    CHECK(sv[1] == doctest::Approx(3).epsilon(1e-5));
    CHECK(sv[2] == doctest::Approx(0).scale(1).epsilon(1e-5));

    std::vector<float> atom(784, 0.0f);
    atom[14 * 28 + 14] = -1.0f;
    CHECK(atom_spread_px(atom.data()) == 0.0);
    atom[14 * 28 + 18] = 1.0f;  // two equal pixels 4 apart: 2 px from their centre
    CHECK(atom_spread_px(atom.data()) == doctest::Approx(2.0));
    std::fill(atom.begin(), atom.end(), 0.5f);  // uniform: sqrt(2 (28^2 - 1) / 12)
    CHECK(atom_spread_px(atom.data()) == doctest::Approx(std::sqrt(2 * (28.0 * 28 - 1) / 12)));
    CHECK(atom_spread_px(std::vector<float>(784, 0.0f).data()) == 0.0);

    const std::vector<double> active = active_fraction_per_image(from_values({2, 4}, {0, 1, 2, 0, -1, 0, 0, 0}));
    CHECK(active == std::vector<double>{0.5, 0.0});
}

TEST_CASE("regularized recipe: a sparse autoencoder is deterministic for a seed and keeps unit atoms") {
    SparseAe a(dataset(), small_sparse(1e-3f)), b(dataset(), small_sparse(1e-3f)), c(dataset(), small_sparse(1e-3f, 2));
    for (int s = 0; s < 4; ++s) {
        const float la = a.train_step(), lb = b.train_step();
        CHECK(la == lb);
        CHECK(la == doctest::Approx(a.last_mse() + 1e-3f * a.last_penalty()));
        c.train_step();
    }
    CHECK(a.step() == 4);
    CHECK(a.last_penalty() > 0);
    CHECK(std::equal(a.net().params(), a.net().params() + a.net().param_count(), b.net().params()));
    CHECK(!std::equal(a.net().params(), a.net().params() + a.net().param_count(), c.net().params()));
    const Tensor atoms = a.atoms();
    REQUIRE(atoms.shape() == (Shape{256, 784}));
    for (std::size_t j = 0; j < 256; j += 51) {
        double norm2 = 0;
        for (std::size_t i = 0; i < 784; ++i) norm2 += double(atoms.data()[j * 784 + i]) * atoms.data()[j * 784 + i];
        CHECK(norm2 == doctest::Approx(1.0).epsilon(1e-5));
    }
    // The reconstruction is the mean image plus the bias plus the atoms weighted by the code.
    const Tensor x = a.eval_images();
    const Tensor h = a.encode(x), x_hat = a.decode(h);
    const Tensor bias = a.net().param_tensor("3.bias");
    for (std::size_t i : {100u, 400u, 700u}) {
        double sum = double(a.mean_image().data()[i]) + bias.data()[i];
        for (std::size_t j = 0; j < 256; ++j) sum += double(h.data()[j]) * atoms.data()[j * 784 + i];
        CHECK(x_hat.data()[i] == doctest::Approx(sum).epsilon(1e-4).scale(1e-2));
    }
}

TEST_CASE("regularized recipe: sparsity rises with lambda, at a cost in reconstruction") {
    SparseSweep sweep(dataset(), {0.0f, 3e-3f}, small_sparse(0.0f));
    CHECK(sweep.total_steps() == 300);
    sweep.train_step();
    sweep.train_step();
    sweep.train_step();
    CHECK(sweep.net(0).step() == 2);  // round robin: the network furthest behind goes next
    CHECK(sweep.net(1).step() == 1);
    while (!sweep.done()) sweep.train_step();
    CHECK(sweep.steps_taken() == 300);
    CHECK(sweep.train_step() == 0.0f);
    const std::vector<SweepPoint> p = sweep.evaluate();
    INFO("lambda 0: mse ", p[0].eval.mse, " active ", p[0].eval.fraction_active, " l1 ", p[0].eval.l1);
    INFO("lambda 3e-3: mse ", p[1].eval.mse, " active ", p[1].eval.fraction_active, " l1 ", p[1].eval.l1);
    CHECK(p[1].eval.fraction_active < 0.5 * p[0].eval.fraction_active);
    CHECK(p[1].eval.l1 < 0.5 * p[0].eval.l1);
    CHECK(p[1].eval.mse > p[0].eval.mse);
    CHECK(p[0].eval.mse < 0.03);  // far better than the mean image (~0.09 per pixel)
    CHECK(p[1].eval.fraction_active > 0.0);
}

TEST_CASE("regularized recipe: the contractive penalty lowers the encoder's Jacobian norm") {
    ContractiveRecipe a(dataset(), small_contractive()), b(dataset(), small_contractive());
    for (int s = 0; s < 3; ++s) {
        CHECK(a.train_step() == b.train_step());
        CHECK(a.last_plain_loss() == b.last_plain_loss());
        // Step 1: the same weights and batch, so the same MSE; then the penalty makes them differ.
        if (s == 0) CHECK(a.last_plain_loss() == a.last_mse());
        if (s == 2) CHECK(a.last_plain_loss() != a.last_mse());
    }
    while (a.step() < 200) a.train_step();
    CHECK(a.last_penalty() > 0);
    const ContractiveEval e = a.evaluate();
    INFO("plain: mse ", e.mse_plain, " ||J|| ", e.jacobian_fro_plain, "; contractive: mse ", e.mse_contractive,
         " ||J|| ", e.jacobian_fro_contractive);
    CHECK(e.jacobian_fro_contractive < 0.5 * e.jacobian_fro_plain);  // 0.52 against 1.74 (seed 1)
    CHECK(e.mse_plain < 0.045);  // 0.035: both reconstruct, the contractive one a little worse
    CHECK(e.mse_contractive < 0.05);
    // The mean ||J||_F agrees with the Jacobian formed at one image.
    Tensor x0 = dataset().image(Split::test, 0);
    const std::vector<double> sv = a.singular_values(true, x0);
    double fro2 = 0;
    for (double v : sv) fro2 += v * v;
    x0.reshape(Shape{1, 1, 28, 28});
    const Tensor h0 = a.encode(true, x0);
    CHECK(fro2 == doctest::Approx(contractive_penalty(h0, a.net(true).param_tensor("1.weight"))).epsilon(1e-3));
    for (std::size_t i = 1; i < sv.size(); ++i) CHECK(sv[i] <= sv[i - 1]);
}

TEST_CASE("regularized recipe: bad options are rejected with a message") {
    SparseAeOptions s = small_sparse(0.0f);
    s.code = 8;
    CHECK_THROWS_WITH_AS(SparseAe(dataset(), s), doctest::Contains("code size must be in [16, 2048], got 8"), Error);
    s = small_sparse(-1.0f);
    CHECK_THROWS_WITH_AS(SparseAe(dataset(), s), doctest::Contains("lambda must be in [0"), Error);
    s = small_sparse(0.0f);
    s.learning_rate = 0;
    CHECK_THROWS_WITH_AS(SparseAe(dataset(), s), doctest::Contains("learning rate"), Error);
    s = small_sparse(0.0f);
    s.batch_size = 0;
    CHECK_THROWS_WITH_AS(SparseAe(dataset(), s), doctest::Contains("batch size"), Error);
    CHECK_THROWS_WITH_AS(SparseSweep(dataset(), {}, small_sparse(0.0f)), doctest::Contains("1 to 16 lambdas"), Error);
    ContractiveOptions c = small_contractive();
    c.lambda = 100;
    CHECK_THROWS_WITH_AS(ContractiveRecipe(dataset(), c), doctest::Contains("contractive autoencoder: lambda"), Error);
    c = small_contractive();
    c.eval_count = 100000;
    CHECK_THROWS_WITH_AS(ContractiveRecipe(dataset(), c), doctest::Contains("eval_count"), Error);
    ContractiveRecipe r(dataset(), small_contractive());
    CHECK_THROWS_WITH_AS(r.jacobian(true, zeros({10})), doctest::Contains("one 28 x 28 image"), Error);
}
