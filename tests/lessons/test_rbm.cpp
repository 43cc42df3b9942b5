// Tests for lessons/rbm.cpp: the numbers the page writes out (energy terms, the conditionals'
// sums term by term, one CD-k step replayed Gibbs step by Gibbs step and one weight's gradient),
// the Python the panels print, the URL state, and the page drawn headless (training, a Gibbs
// chain, the DBN).
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <string>
#include <thread>
#include <vector>

#include "aelab/dataset.hpp"
#include "aelab/jobs/rbm.hpp"
#include "aelab/rbm.hpp"
#include "aelab/recipe_rbm.hpp"
#include "core/test_util.hpp"
#include "headless.hpp"
#include "kit/a11y.hpp"
#include "kit/image_input.hpp"
#include "kit/platform_upload.hpp"
#include "kit/platform.hpp"
#include "kit/sections.hpp"
#include "kit/training.hpp"
#include "kit/url_state.hpp"
#include "lesson.hpp"
#include "kit/widgets.hpp"
#include "rbm.hpp"
#include "support/tiny_png.hpp"

using namespace aelab;
using namespace aelab::lessons::rbm;

namespace {

using testutil::dataset;

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A 784 x 5 RBM with random weights and biases of a useful size (not the page's tiny init).
Rbm random_rbm(int hidden = 5, std::uint64_t seed = 3) {
    Rng rng(seed);
    Rbm r = make_rbm(784, hidden, rng, 0.1f);
    for (float& b : r.b) b = rng.uniform(-1.0f, 1.0f);
    for (float& c : r.c) c = rng.uniform(-1.0f, 1.0f);
    return r;
}

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

}  // namespace

TEST_CASE("rbm lesson: the binarised test image, threshold and sampled") {
    const Dataset& d = dataset();
    const Tensor x = d.batch(Split::test, 3, 1);
    const Tensor v = binarized_test_image(d, 3, Binarize::threshold, 1);
    REQUIRE(v.shape() == Shape{1, 784});
    for (std::size_t i = 0; i < 784; ++i) CHECK(v.data()[i] == (x.data()[i] > 0.5f ? 1.0f : 0.0f));
    // Sampled: bits, the same for a seed, a pixel of 0 is never on and a pixel of 1 always.
    const Tensor s1 = binarized_test_image(d, 3, Binarize::sampled, 5), s2 = binarized_test_image(d, 3, Binarize::sampled, 5);
    int differ_from_threshold = 0;
    for (std::size_t i = 0; i < 784; ++i) {
        CHECK(s1.data()[i] == s2.data()[i]);
        CHECK((s1.data()[i] == 0.0f || s1.data()[i] == 1.0f));
        if (x.data()[i] == 0.0f) CHECK(s1.data()[i] == 0.0f);
        if (x.data()[i] == 1.0f) CHECK(s1.data()[i] == 1.0f);
        differ_from_threshold += s1.data()[i] != v.data()[i];
    }
    CHECK(differ_from_threshold > 0);
    // An index out of range is clamped, not a crash.
    CHECK(binarized_test_image(d, 1 << 30, Binarize::threshold, 1).shape() == Shape{1, 784});
}

TEST_CASE("rbm lesson: the energy's three terms add up to rbm_energy") {
    const Rbm r = random_rbm();
    const Tensor v = binarized_test_image(dataset(), 0, Binarize::threshold, 1);
    Tensor h = from_values({1, 5}, {1, 0, 1, 1, 0});
    const EnergyTerms e = energy_terms(r, v, h);
    // By hand: -b^T v, -c^T h, -v^T W h.
    double bv = 0, ch = -(double(r.c(0)) + r.c(2) + r.c(3)), vwh = 0;
    for (int i = 0; i < 784; ++i)
        if (v(0, i) == 1) {
            bv -= r.b(i);
            vwh -= double(r.W(i, 0)) + r.W(i, 2) + r.W(i, 3);
        }
    CHECK(e.bias_v == doctest::Approx(bv).epsilon(1e-9));
    CHECK(e.bias_h == doctest::Approx(ch).epsilon(1e-9));
    CHECK(e.vwh == doctest::Approx(vwh).epsilon(1e-9));
    CHECK(e.total() == doctest::Approx(rbm_energy(r, v, h)[0]).epsilon(1e-5));
    const std::string text = energy_text(e);
    CHECK(has(text, "E(v, h) = -b^T v - c^T h - v^T W h = "));
    CHECK(has(text, " = " + ui::fmt_num(float(e.total()))));
    CHECK(has(text, ui::fmt_num(float(e.bias_v)) + " + "));

    // Wrong shapes name the function and both shapes.
    try {
        energy_terms(r, v, from_values({1, 2}, {1, 0}));
        FAIL("expected an error");
    } catch (const Error& err) {
        CHECK(has(err.what(), "rbm energy_terms"));
        CHECK(has(err.what(), "(1, 2)"));
    }
}

TEST_CASE("rbm lesson: p(h_j = 1 | v) written out term by term equals rbm_hidden_probs") {
    const Rbm r = random_rbm();
    const Tensor v = binarized_test_image(dataset(), 0, Binarize::threshold, 1);
    const Tensor ph = rbm_hidden_probs(r, v);
    int active = 0;
    for (float x : v) active += x == 1.0f;
    REQUIRE(active > 20);
    for (int j = 0; j < 5; ++j) {
        CAPTURE(j);
        const HiddenTerms t = hidden_terms(r, v, j);
        CHECK(t.j == j);
        CHECK(int(t.pixels.size()) == active);
        CHECK(t.c == r.c(j));
        double sum = t.c;
        for (std::size_t q = 0; q < t.pixels.size(); ++q) {
            CHECK(v(0, t.pixels[q]) == 1.0f);
            CHECK(t.weights[q] == r.W(t.pixels[q], j));
            sum += t.weights[q];
        }
        CHECK(t.pre == doctest::Approx(sum).epsilon(1e-12));
        CHECK(t.p == doctest::Approx(sigmoid(sum)).epsilon(1e-12));
        CHECK(t.p == doctest::Approx(ph(0, j)).epsilon(1e-5));
    }
    // The text: the symbols, the numbers, the terms left out and their sum, the result.
    const HiddenTerms t = hidden_terms(r, v, 2);
    const std::string text = hidden_terms_text(t, 3);
    const std::string first = "W[" + std::to_string(t.pixels[0]) + ",2]";
    CHECK(has(text, "p(h_2 = 1 | v) = sigmoid(c_2 + " + first + " + W[" + std::to_string(t.pixels[1]) + ",2]"));
    CHECK(has(text, "= sigmoid(" + ui::fmt_num(t.c) + " + "));
    CHECK(has(text, "+ ... (" + std::to_string(active - 3) + " more terms"));
    double rest = 0;
    for (std::size_t q = 3; q < t.weights.size(); ++q) rest += t.weights[q];
    CHECK(has(text, "together " + ui::fmt_num(float(rest))));
    CHECK(has(text, "= sigmoid(" + ui::fmt_num(float(t.pre)) + ") = " + ui::fmt_num(float(t.p))));
    // Every term when asked for all of them.
    const std::string all = hidden_terms_text(t, 100000);
    CHECK_FALSE(has(all, "more terms"));
    CHECK(has(all, "W[" + std::to_string(t.pixels.back()) + ",2])"));
    // A unit out of range is clamped.
    CHECK(hidden_terms(r, v, 99).j == 4);
}

TEST_CASE("rbm lesson: p(v_i = 1 | h) written out term by term equals rbm_visible_probs") {
    const Rbm r = random_rbm();
    const Tensor h = from_values({1, 5}, {0, 1, 1, 0, 1});
    const Tensor pv = rbm_visible_probs(r, h);
    for (int i : {0, 14 * 28 + 14, 783}) {
        CAPTURE(i);
        const VisibleTerms t = visible_terms(r, h, i);
        REQUIRE(t.units == std::vector<int>{1, 2, 4});
        const double pre = double(r.b(i)) + r.W(i, 1) + r.W(i, 2) + r.W(i, 4);
        CHECK(t.pre == doctest::Approx(pre).epsilon(1e-12));
        CHECK(t.p == doctest::Approx(pv(0, i)).epsilon(1e-5));
    }
    const VisibleTerms t = visible_terms(r, h, 406);
    const std::string text = visible_terms_text(t, 20);
    CHECK(has(text, "p(v_406 = 1 | h) = sigmoid(b_406 + W[406,1] + W[406,2] + W[406,4])"));
    CHECK(has(text, "= sigmoid(" + ui::fmt_num(t.b) + " + "));
    CHECK(has(text, ") = " + ui::fmt_num(float(t.p))));
    // No hidden unit on: p(v_i = 1 | 0) = sigmoid(b_i).
    const VisibleTerms none = visible_terms(r, zeros({1, 5}), 10);
    CHECK(none.units.empty());
    CHECK(none.p == doctest::Approx(sigmoid(r.b(10))).epsilon(1e-12));
}

TEST_CASE("rbm lesson: the replayed CD-k chain is the core's rbm_cd_gradient, draw for draw") {
    const Rbm r = random_rbm(6, 9);
    const Tensor v0 = cd_batch(dataset(), kCdBatch, Binarize::threshold, kSampleSeed);
    REQUIRE(v0.shape() == Shape{std::size_t(kCdBatch), 784});
    for (int k : {1, 2, 5}) {
        CAPTURE(k);
        const CdReplay c = replay_cd(r, v0, k, 42);
        REQUIRE(int(c.v.size()) == k);
        REQUIRE(int(c.pv.size()) == k);
        REQUIRE(int(c.ph.size()) == k);
        REQUIRE(int(c.h.size()) == k - 1);
        CHECK(testutil::max_rel_error(c.ph0, c.trace.ph0) == 0.0);
        CHECK(testutil::max_rel_error(c.h0, c.trace.h0) == 0.0);
        CHECK(testutil::max_rel_error(c.pv[0], c.trace.pv1) == 0.0);
        CHECK(testutil::max_rel_error(c.v.back(), c.trace.vk) == 0.0);
        CHECK(testutil::max_rel_error(c.ph.back(), c.trace.phk) == 0.0);
        // Each step is the conditional of the previous sample.
        for (int t = 1; t < k; ++t)
            CHECK(testutil::max_rel_error(c.pv[std::size_t(t)], rbm_visible_probs(r, c.h[std::size_t(t - 1)])) == 0.0);
        // dW from the replay's own tensors: (v0^T ph0 - vk^T phk) / N.
        for (int i : {100, 406, 500})
            for (int j = 0; j < 6; ++j) {
                double s = 0;
                for (int n = 0; n < kCdBatch; ++n) s += double(v0(n, i)) * c.ph0(n, j) - double(c.v.back()(n, i)) * c.ph.back()(n, j);
                CHECK(c.trace.dW(i, j) == doctest::Approx(s / kCdBatch).epsilon(1e-5));
            }
    }
    CHECK_THROWS_AS(replay_cd(r, v0, 0, 1), Error);
}

TEST_CASE("rbm lesson: one weight's gradient and update written out") {
    const Rbm r = random_rbm(4, 11);
    const Tensor v0 = cd_batch(dataset(), kCdBatch, Binarize::threshold, kSampleSeed);
    const CdReplay c = replay_cd(r, v0, 2, 7);
    CdOptions o;
    o.learning_rate = 0.1f;
    o.weight_decay = 0.01f;
    const int i = 406, j = 1;
    const std::string text = weight_gradient_text(c, r, i, j, o);
    CHECK(has(text, "dW[406,1] = (1/N) sum_n (v0[n,406] * ph0[n,1] - v2[n,406] * ph2[n,1])"));
    for (int n = 0; n < kCdBatch; ++n) CHECK(has(text, "  n = " + std::to_string(n) + ":  "));
    const double dw = c.trace.dW(i, j);
    CHECK(has(text, "= " + ui::fmt_num(float(dw)) + "   (the core: " + ui::fmt_num(c.trace.dW(i, j)) + ")"));
    const double delta = 0.1 * (dw - 0.01 * r.W(i, j));
    CHECK(has(text, "= " + ui::fmt_num(float(delta)) + "\n"));
    CHECK(has(text, "W[406,1]: " + ui::fmt_num(r.W(i, j)) + " -> " + ui::fmt_num(float(r.W(i, j) + delta))));

    // The update a fresh trainer makes is that delta (velocity 0: momentum has nothing to carry).
    Rbm trained = r;
    RbmTrainer trainer(trained, o);
    Rng rng(7);
    o.k = 2;
    trainer.options().k = 2;
    trainer.step(v0, rng);
    CHECK(trained.W(i, j) - r.W(i, j) == doctest::Approx(delta).epsilon(1e-4));
}

TEST_CASE("rbm lesson: log Z summed a slice at a time equals the core's rbm_log_partition") {
    const Rbm r = random_rbm(10, 5);
    const double expected = rbm_log_partition(r);
    for (std::uint64_t slice : {1u, 7u, 64u, 5000u}) {
        CAPTURE(slice);
        LogPartitionJob job(r, 300);
        CHECK(job.step() == 300);
        CHECK(job.states() == 1024);
        int calls = 0;
        while (!job.advance(slice)) ++calls;
        CHECK(calls == int((1024 + slice - 1) / slice) - 1);
        CHECK(job.progress() == 1.0);
        CHECK(job.log_z() == doctest::Approx(expected).epsilon(1e-12));
    }
    // By time: finishes too, and the snapshot does not follow later changes to the RBM.
    Rbm changing = r;
    LogPartitionJob job(changing, 0);
    changing.W(0, 0) += 5.0f;
    while (!job.advance_for(1.0)) {
    }
    CHECK(job.log_z() == doctest::Approx(expected).epsilon(1e-12));
    CHECK(rbm_log_likelihood(job.rbm(), cd_batch(dataset(), 4, Binarize::threshold, 1), job.log_z()) ==
          doctest::Approx(rbm_log_likelihood(r, cd_batch(dataset(), 4, Binarize::threshold, 1))).epsilon(1e-12));
    CHECK_THROWS_AS(LogPartitionJob(random_rbm(21), 0), Error);
    CHECK(likelihood_every(12) == kEvalEvery);
    CHECK(likelihood_every(16) == 500);
}

TEST_CASE("rbm lesson: the Python the panels print") {
    const std::string cond = pytorch_conditionals(7, Binarize::threshold, 3, 406);
    CHECK(has(cond, "ph = torch.sigmoid(v @ W + c)"));
    CHECK(has(cond, "pv = torch.sigmoid(h @ W.T + b)"));
    CHECK(has(cond, "E = -(v @ b) - (h @ c) - (v @ W * h).sum()"));
    CHECK(has(cond, "j, i = 3, 406"));
    CHECK(has(cond, "test image 7, v = (x > 0.5).float()"));
    CHECK(has(cond, "np.load('rbm_v.npy')"));
    CHECK(has(pytorch_conditionals(0, Binarize::sampled, 0, 0), "torch.bernoulli(x)"));

    CdOptions o;
    o.learning_rate = 0.05f;
    o.momentum = 0.5f;
    const std::string cd = pytorch_cd_step(3, o);
    CHECK(has(cd, "def cd_step(v0, W, b, c, vel, k=3, lr=0.05, momentum=0.5, weight_decay=0.):"));
    CHECK(has(cd, "ph0 = torch.sigmoid(v0 @ W + c)"));
    CHECK(has(cd, "dW = (v0.T @ ph0 - v.T @ ph) / N"));
    CHECK(has(cd, "if t < k: h = torch.bernoulli(ph)"));

    RbmRecipeOptions ro;
    ro.hidden = 12;
    ro.cd.k = 2;
    ro.steps = 500;
    ro.seed = 4;
    const std::string train = pytorch_training(ro);
    CHECK(has(train, "H = 12\ntorch.manual_seed(4)"));
    CHECK(has(train, "for step in range(500):"));
    CHECK(has(train, "cd_step(v0, W, b, c, vel, k=2, lr=0.05, momentum=0.5)"));
    CHECK(has(train, "torch.logsumexp(hs @ c + F.softplus(hs @ W.T + b).sum(1), 0)"));
    CHECK(has(train, "test_x[:1000]"));

    const DbnAeOptions d = dbn_ae_schedule(1000);
    const std::string dbn = pytorch_dbn(d);
    CHECK(has(dbn, "h1, h2 = 256, 32"));
    CHECK(has(dbn, "rbm_train(v_train, h1, steps=" + std::to_string(d.stage1_steps) + ")"));
    CHECK(has(dbn, ", h2, steps=" + std::to_string(d.stage2_steps) + ")"));
    CHECK(has(dbn, "for step in range(" + std::to_string(d.finetune_steps) + "):"));
    CHECK(d.stage1_steps + d.stage2_steps + d.finetune_steps == 1000);
    CHECK(has(dbn, "dbn[0].weight.copy_(W1.T); dbn[0].bias.copy_(c1)"));
    CHECK(has(dbn, "dbn[6].weight.copy_(W1);   dbn[6].bias.copy_(b1)"));
    CHECK(has(dbn, "lr=0.001"));
}

namespace {
// The page's URL keys over fresh settings, sections and trainings, read from the params.
struct RbmUrlPage {
    Settings s;
    aelab::kit::Sections sections{0b111111};
    aelab::lessons::LiveTraining rbm{RbmRecipeOptions{}.steps, 64, 60000, kEvalEvery};
    aelab::lessons::LiveTraining dbn{DbnAeOptions{}.total_steps(), 64, 60000, 250};
    aelab::kit::UrlState url = url_state(s, sections, rbm, dbn);
    RbmUrlPage() { url.read(); }
};
}  // namespace

TEST_CASE("rbm lesson: the URL state: defaults, a round trip of every key, bad values ignored") {
    platform::set_params({});
    {
        const RbmUrlPage p;
        const Settings d;  // the page opens with the Settings defaults
        CHECK(d.hidden == 16);
        CHECK(p.s.hidden == d.hidden);
        CHECK(p.s.k == d.k);
        CHECK(p.s.k == 1);
        CHECK(p.s.train_k == 1);
        CHECK(p.s.binarize == Binarize::threshold);
        CHECK(p.rbm.controls().learning_rate == doctest::Approx(0.05f));
        CHECK(p.rbm.controls().seed == 1);
        CHECK(p.rbm.max_steps() == 3000);
        CHECK(p.dbn.controls().learning_rate == doctest::Approx(1e-3f));
        CHECK(p.dbn.max_steps() == 3000);
        CHECK(p.sections.open == 0b111111);
        CHECK_FALSE(p.rbm.wants_training());
        const RbmRecipeOptions o = recipe_options(p.s, p.rbm, 10000);
        CHECK(o.hidden == 16);
        CHECK(o.cd.k == 1);
        CHECK(o.cd.learning_rate == doctest::Approx(0.05f));
        CHECK(o.eval_count == 1000);
        CHECK(recipe_options(p.s, p.rbm, 300).eval_count == 300);
        const DbnAeOptions dd = dbn_options(p.s, p.dbn, 10000);
        CHECK(dd.total_steps() == 3000);
        CHECK(dd.stage1_steps == dbn_ae_schedule(3000).stage1_steps);
        CHECK(dd.cd.learning_rate == DbnAeOptions{}.cd.learning_rate);
        CHECK(dd.learning_rate == doctest::Approx(1e-3f));
    }

    platform::set_params({{"vbin", "1"}, {"img", "12"}, {"draw", "5"}, {"j", "3"}, {"pix", "300"}, {"cdk", "4"},
                          {"phase", "6"}, {"cdimg", "2"}, {"k", "3"}, {"hid", "64"}, {"bin", "1"}, {"gstart", "1"},
                          {"gseed", "9"}, {"open", "5"}, {"seed", "7"}, {"lr", "0.02"}, {"steps", "800"}, {"train", "1"},
                          {"dseed", "8"}, {"dlr", "0.002"}, {"dsteps", "600"}});
    RbmUrlPage p;
    const Settings& s = p.s;
    CHECK(s.image_binarize == Binarize::sampled);
    CHECK(s.image == 12);
    CHECK(s.draw == 5);
    CHECK(s.hidden_unit == 3);
    CHECK(s.pixel == 300);
    CHECK(s.k == 4);
    CHECK(s.phase == 6);
    CHECK(s.cd_image == 2);
    CHECK(s.train_k == 3);
    CHECK(s.hidden == 64);
    CHECK(s.binarize == Binarize::sampled);
    CHECK(s.chain_from_image);
    CHECK(s.chain_seed == 9);
    CHECK(p.sections.open == 5);
    CHECK(p.rbm.controls().seed == 7);
    CHECK(p.rbm.controls().learning_rate == doctest::Approx(0.02f));
    CHECK(p.rbm.max_steps() == 800);
    CHECK(p.rbm.wants_training());
    CHECK(p.dbn.controls().seed == 8);
    CHECK(p.dbn.controls().learning_rate == doctest::Approx(0.002f));
    CHECK(p.dbn.max_steps() == 600);
    const RbmRecipeOptions o = recipe_options(s, p.rbm, 10000);
    CHECK(o.hidden == 64);
    CHECK(o.cd.k == 3);
    CHECK(o.binarize == Binarize::sampled);
    CHECK(o.seed == 7);
    CHECK(o.steps == 800);
    const DbnAeOptions d = dbn_options(s, p.dbn, 10000);
    CHECK(d.total_steps() == 600);
    CHECK(d.seed == 8);
    CHECK(d.binarize == Binarize::sampled);

    // Written back and read again: the same page.
    platform::set_params({});
    p.url.write();
    const RbmUrlPage back;
    CHECK(back.s.image_binarize == s.image_binarize);
    CHECK(back.s.image == s.image);
    CHECK(back.s.draw == s.draw);
    CHECK(back.s.hidden_unit == s.hidden_unit);
    CHECK(back.s.pixel == s.pixel);
    CHECK(back.s.k == s.k);
    CHECK(back.s.phase == s.phase);
    CHECK(back.s.cd_image == s.cd_image);
    CHECK(back.s.train_k == s.train_k);
    CHECK(back.s.hidden == s.hidden);
    CHECK(back.s.binarize == s.binarize);
    CHECK(back.s.chain_from_image == s.chain_from_image);
    CHECK(back.s.chain_seed == s.chain_seed);
    CHECK(back.sections.open == p.sections.open);
    CHECK(back.rbm.controls().seed == 7);
    CHECK(back.rbm.controls().learning_rate == doctest::Approx(0.02f));
    CHECK(back.rbm.max_steps() == 800);
    CHECK(back.rbm.wants_training());
    CHECK(back.dbn.controls().seed == 8);
    CHECK(back.dbn.controls().learning_rate == doctest::Approx(0.002f));
    CHECK(back.dbn.max_steps() == 600);
    CHECK(platform::param("hid") == "64");

    // Malformed or out of range: the defaults stay.
    platform::set_params({{"vbin", "2"}, {"img", "-1"}, {"j", "x"}, {"pix", "784"}, {"cdk", "0"}, {"phase", "99"},
                          {"cdimg", "8"}, {"k", "11"}, {"hid", "17"}, {"bin", "-1"}, {"gstart", "2"}, {"gseed", "nan"},
                          {"open", "64"}, {"lr", "5"}, {"steps", "3"}, {"train", "yes"}, {"dlr", "1"}, {"dsteps", "2"}});
    const RbmUrlPage bad;
    const Settings def;
    CHECK(bad.s.image_binarize == def.image_binarize);
    CHECK(bad.s.image == def.image);
    CHECK(bad.s.hidden_unit == def.hidden_unit);
    CHECK(bad.s.pixel == def.pixel);
    CHECK(bad.s.k == def.k);
    CHECK(bad.s.phase == def.phase);
    CHECK(bad.s.cd_image == def.cd_image);
    CHECK(bad.s.train_k == def.train_k);
    CHECK(bad.s.hidden == 16);
    CHECK(bad.s.binarize == def.binarize);
    CHECK(bad.s.chain_from_image == def.chain_from_image);
    CHECK(bad.s.chain_seed == def.chain_seed);
    CHECK(bad.sections.open == 0b111111);
    CHECK(bad.rbm.controls().learning_rate == doctest::Approx(0.05f));
    CHECK(bad.rbm.max_steps() == 3000);
    CHECK_FALSE(bad.rbm.wants_training());
    CHECK(bad.dbn.controls().learning_rate == doctest::Approx(1e-3f));
    CHECK(bad.dbn.max_steps() == 3000);
    platform::set_params({});
}

namespace {
std::string status(const char* key) {
    auto it = platform::status().find(key);
    return it == platform::status().end() ? "" : it->second;
}
}  // namespace

TEST_CASE("rbm lesson: train=1 trains; the log-likelihood and reconstruction error are reported; a Gibbs chain steps") {
    platform::set_dataset_path(AELAB_TEST_DATASET);
    platform::clear_status();
    platform::set_params({{"lesson", "rbm"}, {"train", "1"}, {"steps", "200"}, {"open", "63"}, {"phase", "3"}, {"hid", "12"}});
    test::HeadlessImGui gui;
    auto lesson = lessons::find_lesson("rbm")->make();
    for (int i = 0; i < 2000 && (status("step") != "200" || status("log_likelihood_step") != "200"); ++i)
        gui.frame([&] { lesson->draw(); });
    CHECK(status("step") == "200");
    CHECK(status("log_likelihood_step") == "200");  // every 100 steps with 12 hidden units: the end's too
    REQUIRE_FALSE(status("loss").empty());
    CHECK(std::stof(status("loss")) < std::stof(status("first_loss")));
    REQUIRE_FALSE(status("log_likelihood").empty());
    const double ll = std::stod(status("log_likelihood"));
    CHECK(ll < 0);
    CHECK(ll > -784 * std::log(2.0));  // better than a coin per pixel
    CHECK(std::stod(status("recon_error")) < 0.25);
    gui.frame([&] { lesson->draw(); });
    CHECK(platform::param("train") == "0");  // finished
    CHECK(status("gibbs_steps") == "0");

    // The Gibbs chain's buttons, pressed as the keyboard and the text view press them.
    ImGui::GetIO().KeyMap[ImGuiKey_Enter] = 13;
    ImGui::GetIO().ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
    auto captured = [&] {
        a11y::before_new_frame();
        gui.frame([&] {
            a11y::begin_capture();
            lesson->draw();
            a11y::end_capture();
        });
    };
    auto press = [&](const char* label) {
        captured();
        const std::uint32_t id = a11y::find_control(label);
        REQUIRE(id != 0);
        a11y::press(id);
        captured();
    };
    press("Step the chain");
    press("Step the chain");
    CHECK(status("gibbs_steps") == "2");
    press("Run the chain");
    for (int i = 0; i < 3; ++i) gui.frame([&] { lesson->draw(); });
    CHECK(std::stoi(status("gibbs_steps")) > 10);
    press("Pause the chain");
    const std::string paused = status("gibbs_steps");
    for (int i = 0; i < 3; ++i) gui.frame([&] { lesson->draw(); });
    CHECK(status("gibbs_steps") == paused);
    press("Reset the chain");
    CHECK(status("gibbs_steps") == "0");
    platform::set_params({});
}

TEST_CASE("rbm lesson: draws every section headless with big RBMs, sampled binarisation and bad URLs") {
    platform::set_dataset_path(AELAB_TEST_DATASET);
    test::HeadlessImGui gui;
    for (const char* hid : {"4", "20", "64"})
        for (const char* bin : {"0", "1"}) {
            CAPTURE(hid);
            CAPTURE(bin);
            platform::set_params({{"lesson", "rbm"}, {"hid", hid}, {"bin", bin}, {"vbin", bin}, {"open", "63"}, {"train", "1"},
                                  {"steps", "12"}, {"cdk", "3"}, {"phase", "5"}, {"j", "200"}, {"gstart", bin}});
            auto lesson = lessons::find_lesson("rbm")->make();
            for (int i = 0; i < 4; ++i) CHECK_NOTHROW(gui.frame([&] { lesson->draw(); }));
        }
    platform::set_params({{"lesson", "rbm"}, {"hid", "x"}, {"img", "99999"}, {"pix", "-4"}, {"open", "-3"}, {"dsteps", "0"}});
    auto lesson = lessons::find_lesson("rbm")->make();
    for (int i = 0; i < 3; ++i) CHECK_NOTHROW(gui.frame([&] { lesson->draw(); }));
    platform::set_params({});
}

TEST_CASE("rbm lesson: the student's own image in section 1 (binarised as a test image is)") {
    platform::set_dataset_path(AELAB_TEST_DATASET);
    platform::clear_status();
    kit::reset_user_image();
    platform::set_params({{"lesson", "rbm"}, {"open", "1"}});
    test::HeadlessImGui gui;
    auto lesson = lessons::find_lesson("rbm")->make();
    for (int i = 0; i < 3; ++i) gui.frame([&] { lesson->draw(); });
    CHECK(status("rbm_input") == "test image");
    const std::string test_pixels = status("rbm_pixels_on");
    platform::queue_upload({"tiny.png", test::tiny_png(), ""});
    for (int i = 0; i < 3; ++i) gui.frame([&] { lesson->draw(); });
    CHECK(status("rbm_input") == "your image");
    // 28 x 28 after the Fashion-MNIST steps: a 14 x 14 block of 1 (on), the rest 0 or 0.5 (off at
    // the threshold x > 0.5).
    CHECK(status("rbm_pixels_on") == "196");
    CHECK(status("rbm_pixels_on") != test_pixels);
    kit::reset_user_image();
    platform::set_params({});
}

namespace {
// The RBM and the DBN trained by a LiveTraining on `kind` (as the page trains them): the losses,
// the tracked curves and the evaluations' figures.
struct Trained {
    std::vector<float> losses, curve0, curve1, figures;
};
Trained train_live(lessons::TrainerKind kind, const JobSpec& spec, int steps, int eval_every) {
    lessons::LiveTraining t{steps, 64, 60000, eval_every};
    Trained out;
    t.track(out.curve0);
    if (spec.kind == "dbn-ae") t.track(out.curve1);
    lessons::LiveTraining::JobHooks h;
    h.data = &dataset();
    h.spec = [spec] { return spec; };
    h.evaluated = [&out](int, const std::vector<float>& f) { out.figures.insert(out.figures.end(), f.begin(), f.end()); };
    t.set_job(std::move(h));
    t.set_trainer(kind);
    t.rebuild();
    REQUIRE(t.built());
    t.run().start();
    for (int i = 0; i < 20000 && t.run().state() == lessons::TrainingRun::State::running; ++i) {
        t.advance();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    CHECK(t.run().state() == lessons::TrainingRun::State::finished);
    out.losses = t.run().losses();
    return out;
}
}  // namespace

TEST_CASE("rbm lesson: the RBM and the DBN trained on a thread give the inline run's numbers") {
    RbmJobOptions r;
    r.recipe.hidden = 8;
    r.recipe.steps = 12;
    r.recipe.eval_count = 40;
    r.log_z_every = 5;
    DbnAeOptions base;
    base.hidden1 = 24;
    base.hidden2 = 6;
    base.eval_count = 40;
    const JobSpec specs[2] = {rbm_job_spec(r), dbn_job_spec(dbn_ae_schedule(10, base))};
    for (const JobSpec& spec : specs) {
        CAPTURE(spec.text());
        const int steps = spec.kind == "rbm" ? 12 : 10;
        const Trained a = train_live(lessons::TrainerKind::inline_page, spec, steps, 5);
        const Trained b = train_live(lessons::TrainerKind::thread, spec, steps, 5);
        REQUIRE(a.losses.size() == std::size_t(steps));
        CHECK(a.losses == b.losses);
        CHECK(a.curve0 == b.curve0);
        CHECK(a.curve1 == b.curve1);
        CHECK(a.curve0.size() == std::size_t(steps));
        CHECK_FALSE(a.figures.empty());
        CHECK(a.figures == b.figures);
    }
}
