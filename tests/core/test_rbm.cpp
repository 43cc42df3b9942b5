// Tests for core/src/nn/rbm.cpp: the conditionals and energies of a 3 x 2 RBM written out by
// hand, PyTorch's answers (tests/golden/rbm.bin from tests/golden/make_rbm_golden.py), one CD-1
// step replayed from the same Rng, the trainer's update, the exact log Z against brute force
// over all 2^(V+H) states, the exact gradient against finite differences of the likelihood,
// CD-k with long chains against the exact gradient, Gibbs chains, and the errors.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "aelab/rbm.hpp"
#include "golden.hpp"
#include "test_util.hpp"

using namespace aelab;

namespace {

double sig(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double softplus(double x) { return std::log1p(std::exp(x)); }

// The hand-worked RBM: V = 3 visible, H = 2 hidden units.
//   W = [[1, -1], [0.5, 0], [0, 2]],  b = [0, -1, 0.5],  c = [0.5, -0.5]
Rbm hand_rbm() {
    Rbm r;
    r.W = from_values({3, 2}, {1.0f, -1.0f, 0.5f, 0.0f, 0.0f, 2.0f});
    r.b = from_values({3}, {0.0f, -1.0f, 0.5f});
    r.c = from_values({2}, {0.5f, -0.5f});
    return r;
}

Rbm random_rbm(int V, int H, std::uint64_t seed, float scale) {
    Rng rng(seed);
    Rbm r;
    r.W = testutil::random_tensor(rng, {std::size_t(V), std::size_t(H)}, -scale, scale);
    r.b = testutil::random_tensor(rng, {std::size_t(V)}, -scale, scale);
    r.c = testutil::random_tensor(rng, {std::size_t(H)}, -scale, scale);
    return r;
}

// Row n of every binary vector of `bits` bits (bit i of n is element i).
Tensor all_binary(int bits) {
    const std::size_t n = std::size_t(1) << bits;
    Tensor t = zeros({n, std::size_t(bits)});
    for (std::size_t s = 0; s < n; ++s)
        for (int i = 0; i < bits; ++i) t(s, std::size_t(i)) = float((s >> i) & 1u);
    return t;
}

// log Z = log sum_{v, h} exp(-E(v, h)), every one of the 2^(V+H) joint states.
double brute_log_z(const Rbm& r) {
    const Tensor vs = all_binary(r.visible()), hs = all_binary(r.hidden());
    std::vector<double> terms;
    for (std::size_t a = 0; a < vs.shape()[0]; ++a) {
        Tensor v = zeros({hs.shape()[0], std::size_t(r.visible())});
        for (std::size_t s = 0; s < hs.shape()[0]; ++s)
            for (int i = 0; i < r.visible(); ++i) v(s, std::size_t(i)) = vs(a, std::size_t(i));
        for (double e : rbm_energy(r, v, hs)) terms.push_back(-e);
    }
    double m = -INFINITY;
    for (double t : terms) m = std::max(m, t);
    double s = 0;
    for (double t : terms) s += std::exp(t - m);
    return m + std::log(s);
}

}  // namespace

TEST_CASE("rbm: the conditionals of the 3 x 2 RBM by hand") {
    const Rbm r = hand_rbm();
    // v = [1, 0, 1]: c + v W = [0.5 + 1 + 0, -0.5 - 1 + 2] = [1.5, 0.5]
    // v = [0, 1, 0]: c + v W = [0.5 + 0.5, -0.5 + 0] = [1.0, -0.5]
    const Tensor v = from_values({2, 3}, {1, 0, 1, 0, 1, 0});
    const Tensor ph = rbm_hidden_probs(r, v);
    testutil::check_values(ph, {2, 2}, {0.8175744762f, 0.6224593312f, 0.7310585786f, 0.3775406688f});
    // h = [1, 0]: b + W h = [0 + 1, -1 + 0.5, 0.5 + 0] = [1, -0.5, 0.5]
    // h = [1, 1]: b + W h = [0 + 0, -1 + 0.5, 0.5 + 2] = [0, -0.5, 2.5]
    const Tensor h = from_values({2, 2}, {1, 0, 1, 1});
    const Tensor pv = rbm_visible_probs(r, h);
    testutil::check_values(pv, {2, 3},
                           {0.7310585786f, 0.3775406688f, 0.6224593312f, 0.5f, 0.3775406688f, 0.9241418200f});
    // Probabilities as inputs (mean-field): v = [0.5, 0.5, 0] gives c + v W = [0.5 + 0.75, -0.5 - 0.5]
    const Tensor ph_soft = rbm_hidden_probs(r, from_values({1, 3}, {0.5f, 0.5f, 0.0f}));
    testutil::check_values(ph_soft, {1, 2}, {float(sig(1.25)), float(sig(-1.0))});
}

TEST_CASE("rbm: energy and free energy by hand, and F(v) = -log sum_h exp(-E(v, h))") {
    const Rbm r = hand_rbm();
    // E([1,0,1], [1,0]) = -b.v - c.h - v W h = -(0 + 0.5) - 0.5 - (W11 + W31) = -0.5 - 0.5 - 1 = -2
    // E([1,0,1], [1,1]) = -0.5 - 0 - (1 - 1 + 0 + 2) = -2.5;  E([0,1,0], [0,0]) = 1
    const Tensor v = from_values({3, 3}, {1, 0, 1, 1, 0, 1, 0, 1, 0});
    const Tensor h = from_values({3, 2}, {1, 0, 1, 1, 0, 0});
    const std::vector<double> e = rbm_energy(r, v, h);
    CHECK(e[0] == doctest::Approx(-2.0));
    CHECK(e[1] == doctest::Approx(-2.5));
    CHECK(e[2] == doctest::Approx(1.0));
    // F([1,0,1]) = -b.v - softplus(1.5) - softplus(0.5) = -0.5 - 1.7014132779 - 0.9740769842
    const std::vector<double> f = rbm_free_energy(r, from_values({2, 3}, {1, 0, 1, 0, 1, 0}));
    CHECK(f[0] == doctest::Approx(-3.1754902621).epsilon(1e-9));
    CHECK(f[1] == doctest::Approx(1.0 - softplus(1.0) - softplus(-0.5)).epsilon(1e-9));
    // By enumerating the 4 hidden states.
    const Tensor hs = all_binary(2);
    for (int row = 0; row < 2; ++row) {
        const float* vr = row == 0 ? v.data() : v.data() + 6;
        Tensor vv = zeros({4, 3});
        for (int s = 0; s < 4; ++s)
            for (int i = 0; i < 3; ++i) vv(s, i) = vr[i];
        double z = 0;
        for (double es : rbm_energy(r, vv, hs)) z += std::exp(-es);
        CHECK(f[std::size_t(row)] == doctest::Approx(-std::log(z)).epsilon(1e-9));
    }
}

TEST_CASE("rbm: conditionals and free energy equal PyTorch's (tests/golden/rbm.bin)") {
    static const golden::File G(AELAB_GOLDEN_DIR "/rbm.bin");
    for (int i = 0; i < 3; ++i) {
        const std::string pre = "rbm/" + std::to_string(i) + "/";
        CAPTURE(pre);
        Rbm r;
        r.W = G.tensor(pre + "W");
        r.b = G.tensor(pre + "b");
        r.c = G.tensor(pre + "c");
        CHECK(testutil::max_rel_error(rbm_hidden_probs(r, G.tensor(pre + "v")), G.tensor(pre + "ph")) < 1e-5);
        CHECK(testutil::max_rel_error(rbm_visible_probs(r, G.tensor(pre + "h")), G.tensor(pre + "pv")) < 1e-5);
        CHECK(testutil::max_rel_error(rbm_hidden_probs(r, G.tensor(pre + "v_soft")), G.tensor(pre + "ph_soft")) < 1e-5);
        for (const char* which : {"", "_soft"}) {
            const std::vector<double> f = rbm_free_energy(r, G.tensor(pre + (which[0] ? "v_soft" : "v")));
            const Tensor want = G.tensor(pre + "free_energy" + which);
            REQUIRE(f.size() == want.size());
            for (std::size_t n = 0; n < f.size(); ++n)
                CHECK(f[n] == doctest::Approx(want(n)).epsilon(1e-5));
        }
    }
}

TEST_CASE("rbm: Bernoulli samples compare one uniform per element, row-major") {
    const Tensor p = from_values({2, 3}, {0.0f, 1.0f, 0.5f, 0.25f, 0.75f, 0.9f});
    Rng a(11), b(11);
    const Tensor x = sample_bernoulli(p, a);
    for (std::size_t q = 0; q < p.size(); ++q) CHECK(x.data()[q] == (b.uniform() < p.data()[q] ? 1.0f : 0.0f));
    CHECK(x(0, 0) == 0.0f);
    CHECK(x(0, 1) == 1.0f);
    // Over many draws the mean is p.
    Rng rng(3);
    const Tensor many = sample_bernoulli(Tensor({20000}, 0.3f), rng);
    CHECK(double(xt::mean(many)()) == doctest::Approx(0.3).epsilon(0.03));
}

TEST_CASE("rbm: one CD-1 step against the numbers computed by hand from the same uniforms") {
    const Rbm r = hand_rbm();
    const Tensor v0 = from_values({2, 3}, {1, 0, 1, 0, 1, 1});
    Rng rng(5);
    const CdTrace t = rbm_cd_gradient(r, v0, 1, rng);

    // Replay: h0 (2 x 2 uniforms), then v1 (2 x 3 uniforms), in row-major order.
    Rng u(5);
    const double W[3][2] = {{1, -1}, {0.5, 0}, {0, 2}}, b[3] = {0, -1, 0.5}, c[2] = {0.5, -0.5};
    const double V0[2][3] = {{1, 0, 1}, {0, 1, 1}};
    double ph0[2][2], h0[2][2], pv1[2][3], v1[2][3], ph1[2][2];
    for (int n = 0; n < 2; ++n)
        for (int j = 0; j < 2; ++j) {
            ph0[n][j] = sig(c[j] + V0[n][0] * W[0][j] + V0[n][1] * W[1][j] + V0[n][2] * W[2][j]);
            h0[n][j] = u.uniform() < float(ph0[n][j]) ? 1 : 0;
        }
    for (int n = 0; n < 2; ++n)
        for (int i = 0; i < 3; ++i) {
            pv1[n][i] = sig(b[i] + W[i][0] * h0[n][0] + W[i][1] * h0[n][1]);
            v1[n][i] = u.uniform() < float(pv1[n][i]) ? 1 : 0;
        }
    for (int n = 0; n < 2; ++n)
        for (int j = 0; j < 2; ++j) ph1[n][j] = sig(c[j] + v1[n][0] * W[0][j] + v1[n][1] * W[1][j] + v1[n][2] * W[2][j]);
    // Row 0's positive phase by hand: ph0 = [sig(1.5), sig(0.5)] = [0.8176, 0.6225]
    CHECK(t.ph0(0, 0) == doctest::Approx(0.8175744762));
    CHECK(t.ph0(1, 1) == doctest::Approx(sig(-0.5 + 0 + 2)));
    double err = 0;
    for (int n = 0; n < 2; ++n) {
        for (int j = 0; j < 2; ++j) {
            CHECK(t.h0(n, j) == h0[n][j]);
            CHECK(t.phk(n, j) == doctest::Approx(ph1[n][j]));
        }
        for (int i = 0; i < 3; ++i) {
            CHECK(t.pv1(n, i) == doctest::Approx(pv1[n][i]));
            CHECK(t.vk(n, i) == v1[n][i]);
            err += (V0[n][i] - pv1[n][i]) * (V0[n][i] - pv1[n][i]);
        }
    }
    for (int i = 0; i < 3; ++i) {
        for (int j = 0; j < 2; ++j) {
            const double dW = (V0[0][i] * ph0[0][j] + V0[1][i] * ph0[1][j] - v1[0][i] * ph1[0][j] - v1[1][i] * ph1[1][j]) / 2;
            CHECK(t.dW(i, j) == doctest::Approx(dW));
        }
        CHECK(t.db(i) == doctest::Approx((V0[0][i] + V0[1][i] - v1[0][i] - v1[1][i]) / 2));
    }
    for (int j = 0; j < 2; ++j) CHECK(t.dc(j) == doctest::Approx((ph0[0][j] + ph0[1][j] - ph1[0][j] - ph1[1][j]) / 2));
    CHECK(t.recon_error == doctest::Approx(err / 6));
    // The step drew exactly 4 + 6 uniforms: the generators are in step.
    CHECK(rng.next_u32() == u.next_u32());

    // The trainer: vel = lr (grad - wd W), W += vel on the first step; then momentum.
    Rbm m = hand_rbm();
    RbmTrainer trainer(m, CdOptions{1, 0.1f, 0.5f, 0.01f});
    Rng r1(5);
    CHECK(trainer.step(v0, r1) == doctest::Approx(err / 6));
    const double vel00 = 0.1 * (double(t.dW(0, 0)) - 0.01 * 1.0);
    CHECK(m.W(0, 0) == doctest::Approx(1.0 + vel00));
    CHECK(m.b(1) == doctest::Approx(-1.0 + 0.1 * t.db(1)));  // no weight decay on biases
    CHECK(m.c(0) == doctest::Approx(0.5 + 0.1 * t.dc(0)));
    const float w_before = m.W(0, 0);
    Rng r2(6);
    trainer.step(v0, r2);
    const CdTrace& t2 = trainer.last();
    CHECK(m.W(0, 0) == doctest::Approx(w_before + 0.5 * vel00 + 0.1 * (double(t2.dW(0, 0)) - 0.01 * w_before)));
}

TEST_CASE("rbm: CD-k draws the chain k steps; the last hidden state is not sampled") {
    const Rbm r = random_rbm(5, 3, 2, 1.0f);
    const Tensor v0 = from_values({1, 5}, {1, 0, 1, 1, 0});
    Rng rng(9);
    const CdTrace t = rbm_cd_gradient(r, v0, 3, rng);
    // Replay: h0, then (v1, h1), (v2, h2), v3.
    Rng u(9);
    Tensor h = sample_bernoulli(rbm_hidden_probs(r, v0), u);
    CHECK(h == t.h0);
    Tensor v;
    for (int s = 1; s <= 3; ++s) {
        const Tensor pv = rbm_visible_probs(r, h);
        if (s == 1) CHECK(pv == t.pv1);
        v = sample_bernoulli(pv, u);
        if (s < 3) h = sample_bernoulli(rbm_hidden_probs(r, v), u);
    }
    CHECK(v == t.vk);
    CHECK(rng.next_u32() == u.next_u32());
}

TEST_CASE("rbm: exact log Z by Gray-code enumeration equals brute force over all 2^(V+H) states") {
    // Plain variables, not a structured binding: clang 14 (emscripten) refuses CAPTURE of a binding.
    for (const auto& c : {std::tuple{3, 2, 1.0f}, std::tuple{4, 5, 1.5f}, std::tuple{6, 1, 2.0f}, std::tuple{5, 7, 0.7f}}) {
        const int V = std::get<0>(c), H = std::get<1>(c);
        const float scale = std::get<2>(c);
        CAPTURE(V);
        CAPTURE(H);
        const Rbm r = random_rbm(V, H, std::uint64_t(V * 100 + H), scale);
        CHECK(rbm_log_partition(r) == doctest::Approx(brute_log_z(r)).epsilon(1e-10));
    }
    // The hand RBM's probabilities over its 8 visible states add up to one.
    const Rbm r = hand_rbm();
    const double log_z = rbm_log_partition(r);
    const std::vector<double> f = rbm_free_energy(r, all_binary(3));
    double total = 0;
    for (double fe : f) total += std::exp(-fe - log_z);
    CHECK(total == doctest::Approx(1.0).epsilon(1e-12));
    CHECK(rbm_log_likelihood(r, all_binary(3)) == doctest::Approx(rbm_log_likelihood(r, all_binary(3), log_z)));
    // Zero weights: Z = 2^(V+H), log p(v) = -(V + H) log 2 + H log 2 = -V log 2.
    Rng rng(1);
    const Rbm zero = make_rbm(10, 12, rng, 0.0f);
    CHECK(rbm_log_partition(zero) == doctest::Approx(22 * std::log(2.0)));
    CHECK(rbm_log_likelihood(zero, all_binary(10)) == doctest::Approx(-10 * std::log(2.0)));
}

TEST_CASE("rbm: the exact gradient equals central finite differences of the log-likelihood") {
    Rbm r = random_rbm(5, 4, 21, 1.0f);
    const Tensor v = from_values({3, 5}, {1, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0});
    const RbmGradient g = rbm_exact_gradient(r, v);
    // d/dp of mean log p(v) by (L(p + e) - L(p - e)) / (the two float values' difference).
    auto numeric = [&](Tensor& param, std::size_t q) {
        const float p0 = param.data()[q];
        param.data()[q] = p0 + 1e-2f;
        const float hi = param.data()[q];
        const double l_hi = rbm_log_likelihood(r, v);
        param.data()[q] = p0 - 1e-2f;
        const float lo = param.data()[q];
        const double l_lo = rbm_log_likelihood(r, v);
        param.data()[q] = p0;
        return (l_hi - l_lo) / (double(hi) - lo);
    };
    for (std::size_t q = 0; q < r.W.size(); ++q) {
        CAPTURE(q);
        CHECK(g.dW.data()[q] == doctest::Approx(numeric(r.W, q)).epsilon(1e-3).scale(1.0));
    }
    for (std::size_t q = 0; q < r.b.size(); ++q) CHECK(g.db.data()[q] == doctest::Approx(numeric(r.b, q)).epsilon(1e-3).scale(1.0));
    for (std::size_t q = 0; q < r.c.size(); ++q) CHECK(g.dc.data()[q] == doctest::Approx(numeric(r.c, q)).epsilon(1e-3).scale(1.0));
}

TEST_CASE("rbm: CD-k with long chains, averaged over many chains, approaches the exact gradient") {
    // 4 x 3 RBM (weights in [-2, 2]); 3 data rows each repeated 4000 times = 12,000 chains of k = 50 Gibbs steps.
    // The chains' ends are (nearly) samples of the model, so the CD estimate's model term is a
    // Monte Carlo mean of 12,000 values in [0, 1]: its standard error is under 0.5 / sqrt(12000)
    // = 0.0046, so 0.02 (over four standard errors) bounds every entry.
    const Rbm r = random_rbm(4, 3, 33, 2.0f);
    const float rows[3][4] = {{1, 0, 1, 1}, {0, 1, 1, 0}, {1, 1, 0, 0}};
    const int copies = 4000;
    Tensor v = zeros({std::size_t(3 * copies), 4});
    for (int n = 0; n < 3 * copies; ++n)
        for (int i = 0; i < 4; ++i) v(n, i) = rows[n % 3][i];
    const RbmGradient exact = rbm_exact_gradient(r, from_values({3, 4}, {1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 0}));
    Rng rng(7);
    const CdTrace t = rbm_cd_gradient(r, v, 50, rng);
    double worst = 0;
    for (std::size_t q = 0; q < exact.dW.size(); ++q) worst = std::max(worst, std::fabs(double(t.dW.data()[q]) - exact.dW.data()[q]));
    for (std::size_t q = 0; q < exact.db.size(); ++q) worst = std::max(worst, std::fabs(double(t.db.data()[q]) - exact.db.data()[q]));
    for (std::size_t q = 0; q < exact.dc.size(); ++q) worst = std::max(worst, std::fabs(double(t.dc.data()[q]) - exact.dc.data()[q]));
    CHECK(worst < 0.02);
    // The gradient is not trivially small: the check has something to compare.
    CHECK(double(xt::amax(xt::abs(exact.dW))()) > 0.2);
}

TEST_CASE("rbm: training by CD-1 raises the exact likelihood of a tiny data set") {
    Rng init(4);
    Rbm r = make_rbm(6, 4, init, 0.1f);
    // Two patterns, each repeated: an RBM should put most of its mass on them.
    Tensor v = zeros({8, 6});
    for (int n = 0; n < 8; ++n)
        for (int i = 0; i < 6; ++i) v(n, i) = float((n % 2 == 0) == (i < 3));
    init_visible_bias(r, v);
    CHECK(r.b(0) == doctest::Approx(0.0).epsilon(1e-6).scale(1.0));  // every pixel on half the time: log odds 0
    const double before = rbm_log_likelihood(r, v);
    RbmTrainer trainer(r, CdOptions{1, 0.1f, 0.5f, 0.0f});
    Rng rng(8);
    for (int s = 0; s < 300; ++s) trainer.step(v, rng);
    const double after = rbm_log_likelihood(r, v);
    CHECK(before == doctest::Approx(-6 * std::log(2.0)).epsilon(0.05));
    CHECK(after > before + 2.0);  // log 2 per pattern is the best: -0.69; from -4.16
}

TEST_CASE("rbm: Gibbs chains are deterministic for a seed") {
    const Rbm r = random_rbm(8, 4, 5, 1.5f);
    GibbsChain a = GibbsChain::from_noise(3, 8, 42), b = GibbsChain::from_noise(3, 8, 42);
    CHECK(a.v() == b.v());
    CHECK(a.steps() == 0);
    CHECK(a.h().size() == 0);
    for (int s = 0; s < 5; ++s) {
        a.step(r);
        b.step(r);
    }
    CHECK(a.steps() == 5);
    CHECK(a.v() == b.v());
    CHECK(a.pv() == b.pv());
    CHECK(a.h() == b.h());
    CHECK(shape_str(a.h().shape()) == "(3, 4)");
    for (float x : a.v()) CHECK((x == 0.0f || x == 1.0f));
    // Another seed: another chain.
    GibbsChain c = GibbsChain::from_noise(3, 8, 43);
    for (int s = 0; s < 5; ++s) c.step(r);
    CHECK_FALSE(c.v() == a.v());
    // From a given start: the step is h ~ p(h | v), pv = p(v | h), v ~ pv, from Rng(seed).
    const Tensor start = from_values({1, 8}, {1, 1, 0, 0, 1, 0, 1, 0});
    GibbsChain d(start, 17);
    CHECK(d.pv() == start);
    const Tensor pv = d.step(r);
    Rng u(17);
    const Tensor h = sample_bernoulli(rbm_hidden_probs(r, start), u);
    CHECK(d.h() == h);
    CHECK(pv == rbm_visible_probs(r, h));
    CHECK(d.v() == sample_bernoulli(pv, u));
    // Noise: about half the units on.
    GibbsChain big = GibbsChain::from_noise(100, 100, 1);
    CHECK(double(xt::mean(big.v())()) == doctest::Approx(0.5).epsilon(0.05));
}

TEST_CASE("rbm: wrong shapes name the op and the shapes; bad options throw") {
    const Rbm r = hand_rbm();
    CHECK_THROWS_WITH_AS(rbm_hidden_probs(r, zeros({2, 4})),
                         doctest::Contains("rbm hidden_probs: v must have shape (N, 3) with N >= 1, got (2, 4)"), Error);
    CHECK_THROWS_WITH_AS(rbm_visible_probs(r, zeros({2, 3})), doctest::Contains("rbm visible_probs: h must have shape (N, 2)"),
                         Error);
    CHECK_THROWS_WITH_AS(rbm_hidden_probs(r, zeros({3})), doctest::Contains("got (3,)"), Error);
    CHECK_THROWS_WITH_AS(rbm_energy(r, zeros({2, 3}), zeros({1, 2})), doctest::Contains("rbm energy"), Error);
    CHECK_THROWS_WITH_AS(rbm_free_energy(r, zeros({1, 2})), doctest::Contains("rbm free_energy"), Error);
    Rng rng(1);
    CHECK_THROWS_WITH_AS(rbm_cd_gradient(r, zeros({1, 3}), 0, rng), doctest::Contains("k (Gibbs steps) must be >= 1"), Error);
    CHECK_THROWS_WITH_AS(rbm_cd_gradient(r, zeros({1, 2}), 1, rng), doctest::Contains("rbm cd_gradient"), Error);
    CHECK_THROWS_WITH_AS(make_rbm(0, 3, rng), doctest::Contains("make_rbm"), Error);
    CHECK_THROWS_WITH_AS(make_rbm(100000, 100000, rng), doctest::Contains("make_rbm"), Error);
    Rbm bad = hand_rbm();
    bad.c = zeros({3});
    CHECK_THROWS_WITH_AS(rbm_hidden_probs(bad, zeros({1, 3})), doctest::Contains("rbm hidden_probs: c must have shape (2,), got (3,)"), Error);
    Rbm m = hand_rbm();
    CHECK_THROWS_WITH_AS(RbmTrainer(m, CdOptions{1, -1.0f, 0.5f, 0.0f}), doctest::Contains("learning rate"), Error);
    CHECK_THROWS_WITH_AS(RbmTrainer(m, CdOptions{1, 0.1f, 1.0f, 0.0f}), doctest::Contains("momentum"), Error);
    CHECK_THROWS_WITH_AS(RbmTrainer(m, CdOptions{0, 0.1f, 0.5f, 0.0f}), doctest::Contains("k (Gibbs steps)"), Error);
    // Too many hidden units to enumerate.
    Rng big(2);
    const Rbm wide = make_rbm(2, kRbmExactMaxHidden + 1, big);
    CHECK_THROWS_WITH_AS(rbm_log_partition(wide), doctest::Contains("at most 20 hidden units"), Error);
    CHECK_THROWS_WITH_AS(rbm_exact_gradient(wide, zeros({1, 2})), doctest::Contains("rbm exact_gradient"), Error);
    CHECK_THROWS_WITH_AS(GibbsChain::from_noise(0, 3, 1), doctest::Contains("GibbsChain"), Error);
    GibbsChain chain = GibbsChain::from_noise(2, 5, 1);
    CHECK_THROWS_WITH_AS(chain.step(r), doctest::Contains("GibbsChain step: v must have shape (N, 3)"), Error);
}

TEST_CASE("rbm: log Z summed a slice at a time (RbmLogPartition) equals rbm_log_partition bit for bit") {
    const Rbm r = random_rbm(7, 9, 42, 1.0f);
    RbmLogPartition sum(r);
    CHECK(sum.states() == 512);
    CHECK_FALSE(sum.advance(100));
    CHECK(sum.progress() == doctest::Approx(100.0 / 512.0));
    while (!sum.advance(37)) {
    }
    CHECK(sum.done());
    CHECK(sum.log_z() == rbm_log_partition(r));
    CHECK(sum.log_z() == doctest::Approx(brute_log_z(r)).epsilon(1e-10));
    CHECK_THROWS_AS(RbmLogPartition(random_rbm(2, kRbmExactMaxHidden + 1, 1, 1.0f)), Error);
}
