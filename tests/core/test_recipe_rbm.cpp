// Tests for core/src/recipes/rbm.cpp (RbmRecipe, DbnAeRecipe) and for `aelab-cli train rbm`
// and `train dbn-ae`: binarisation, determinism for a seed (bit for bit), learning, the exact
// held-out likelihood, the unrolled stack's weights, the schedule, bad options, and the
// commands' JSON lines.
#include <doctest/doctest.h>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aelab/loss.hpp"
#include "aelab/recipe_rbm.hpp"
#include "cli.hpp"
#include "test_util.hpp"
#include "train_rbm.hpp"

using namespace aelab;
using testutil::dataset;

namespace {

RbmRecipeOptions small_rbm(std::uint64_t seed = 1) {
    RbmRecipeOptions o;
    o.hidden = 8;
    o.eval_count = 200;
    o.seed = seed;
    return o;
}

DbnAeOptions small_dbn(std::uint64_t seed = 1) {
    DbnAeOptions o;
    o.hidden1 = 32;
    o.hidden2 = 8;
    o.stage1_steps = 12;
    o.stage2_steps = 8;
    o.finetune_steps = 10;
    o.eval_count = 100;
    o.seed = seed;
    return o;
}

// The last line of a command's output, parsed.
nlohmann::json last_json(const std::string& text) {
    const std::size_t end = text.size() - 1;  // the final '\n'
    const std::size_t start = text.rfind('\n', end - 1) + 1;
    nlohmann::json j;
    REQUIRE_NOTHROW(j = nlohmann::json::parse(text.substr(start, end - start)));
    return j;
}

int run(const std::vector<std::string>& args, std::string* out_text = nullptr, std::string* err_text = nullptr) {
    std::ostringstream out, err;
    const int code = cli::run_cli(args, out, err);
    if (out_text) *out_text = out.str();
    if (err_text) *err_text = err.str();
    return code;
}

}  // namespace

TEST_CASE("rbm recipe: binarising by threshold and by sampling") {
    const Tensor x = from_values({1, 784}, std::vector<float>(784, 0.5f));
    Tensor img = zeros({2, 1, 28, 28});
    img(0, 0, 0, 0) = 0.51f;
    img(0, 0, 0, 1) = 0.5f;
    img(1, 0, 27, 27) = 1.0f;
    Rng unused(1);
    const Tensor t = binarize_images(img, Binarize::threshold, unused);
    REQUIRE(shape_str(t.shape()) == "(2, 784)");
    CHECK(t(0, 0) == 1.0f);
    CHECK(t(0, 1) == 0.0f);  // > 0.5, not >=
    CHECK(t(1, 783) == 1.0f);
    CHECK(double(xt::sum(t)()) == 2.0);
    CHECK(unused.next_u32() == Rng(1).next_u32());  // threshold draws nothing
    // Sampled: one uniform per pixel, v = u < x.
    Rng a(3), b(3);
    const Tensor s = binarize_images(x, Binarize::sampled, a);
    for (std::size_t q = 0; q < 784; ++q) CHECK(s.data()[q] == (b.uniform() < 0.5f ? 1.0f : 0.0f));
    CHECK(double(xt::mean(s)()) == doctest::Approx(0.5).epsilon(0.15));
    CHECK(std::string(binarize_name(Binarize::sampled)) == "sampled");
    CHECK_THROWS_WITH_AS(binarize_images(zeros({2, 3, 28, 28}), Binarize::threshold, unused),
                         doctest::Contains("binarize_images: x must have shape (N, 1, 28, 28) or (N, 784)"), Error);
}

TEST_CASE("rbm recipe: the same seed gives the same run bit for bit; another seed another run") {
    for (Binarize mode : {Binarize::threshold, Binarize::sampled}) {
        CAPTURE(binarize_name(mode));
        RbmRecipeOptions o = small_rbm(5);
        o.binarize = mode;
        RbmRecipe a(dataset(), o), b(dataset(), o);
        CHECK(a.eval_images() == b.eval_images());
        for (int s = 0; s < 15; ++s) CHECK(a.train_step() == b.train_step());
        CHECK(a.rbm().W == b.rbm().W);
        CHECK(a.rbm().b == b.rbm().b);
        CHECK(a.last().h0 == b.last().h0);
        CHECK(a.evaluate().log_likelihood == b.evaluate().log_likelihood);
        o.seed = 6;
        RbmRecipe c(dataset(), o);
        for (int s = 0; s < 15; ++s) c.train_step();
        CHECK_FALSE(c.rbm().W == a.rbm().W);
    }
}

TEST_CASE("rbm recipe: training lowers the reconstruction error and raises the exact likelihood") {
    RbmRecipeOptions o = small_rbm(2);
    RbmRecipe r(dataset(), o);
    // Visible biases start at the pixels' log odds, W ~ N(0, 0.01^2), c = 0.
    CHECK(double(xt::amax(xt::abs(r.rbm().W))()) < 0.06);
    CHECK(double(xt::amax(xt::abs(r.rbm().b))()) == doctest::Approx(std::log(0.99 / 0.01)).epsilon(1e-5));
    const RbmEval before = r.evaluate();
    REQUIRE(before.exact);
    // Before training, hidden units near 0.5 and W tiny: log p(v) is the independent-pixel model's
    // under the bias alone, up to the hidden units' 8 log 2 in log Z cancelling the free energy's.
    double independent = 0;
    for (int n = 0; n < 200; ++n)
        for (int i = 0; i < 784; ++i) {
            const double p = 1.0 / (1.0 + std::exp(-double(r.rbm().b(i))));
            independent += r.eval_images()(n, i) > 0 ? std::log(p) : std::log(1 - p);
        }
    CHECK(before.log_likelihood == doctest::Approx(independent / 200).epsilon(0.01));
    for (int s = 0; s < 200; ++s) r.train_step();
    const RbmEval after = r.evaluate();
    CHECK(after.recon_error < before.recon_error - 0.01);
    CHECK(after.log_likelihood > before.log_likelihood + 5.0);
    CHECK(after.log_z == doctest::Approx(rbm_log_partition(r.rbm())));
    CHECK(after.recon_error == doctest::Approx(mse_loss(r.reconstruct(r.eval_images()), r.eval_images())));
    CHECK(r.step() == 200);
    // The filters are the columns of W.
    const Tensor f = r.filters();
    REQUIRE(shape_str(f.shape()) == "(8, 1, 28, 28)");
    CHECK(f(3, 0, 10, 7) == r.rbm().W(10 * 28 + 7, 3));
    // More hidden units than can be summed out: no exact figures.
    RbmRecipeOptions wide = o;
    wide.hidden = kRbmExactMaxHidden + 4;
    RbmRecipe w(dataset(), wide);
    w.train_step();
    const RbmEval e = w.evaluate();
    CHECK_FALSE(e.exact);
    CHECK(e.recon_error > 0);
}

TEST_CASE("rbm recipe: bad options throw") {
    auto rejects = [](const RbmRecipeOptions& o, const char* what) {
        CAPTURE(what);
        CHECK_THROWS_WITH_AS(RbmRecipe(dataset(), o), doctest::Contains(what), Error);
    };
    RbmRecipeOptions o = small_rbm();
    o.hidden = 0;
    rejects(o, "hidden units");
    o = small_rbm();
    o.cd.k = 0;
    rejects(o, "k (Gibbs steps)");
    o = small_rbm();
    o.cd.learning_rate = 0;
    rejects(o, "learning rate");
    o = small_rbm();
    o.cd.momentum = 1.5f;
    rejects(o, "momentum");
    o = small_rbm();
    o.batch_size = 0;
    rejects(o, "batch size");
    o = small_rbm();
    o.eval_count = 1 << 24;
    rejects(o, "eval_count");
}

TEST_CASE("dbn-ae recipe: stages, the unrolled stack's weights, three arms on the same batches") {
    const DbnAeOptions o = small_dbn(3);
    DbnAeRecipe r(dataset(), o);
    CHECK(r.stage() == DbnStage::layer1);
    for (int s = 0; s < o.stage1_steps; ++s) r.train_step();
    CHECK(r.stage() == DbnStage::layer2);
    const DbnAeEval e1 = r.evaluate();  // unrolls a copy with RBM 2 untrained: not kept
    for (int s = 0; s < o.stage2_steps; ++s) r.train_step();
    CHECK(r.stage() == DbnStage::finetune);
    CHECK(r.losses(DbnArm::dbn, DbnStage::layer1).size() == 12);
    CHECK(r.losses(DbnArm::greedy, DbnStage::layer2).size() == 8);
    CHECK(r.random_losses().size() == 20);

    // Before fine-tuning the dbn arm is the stack unrolled: (out, in) weights W1^T, c1; W2^T, c2;
    // W2, b2; W1, b1.
    Sequential& ae = r.autoencoder(DbnArm::dbn);
    const Tensor w0 = ae.param_tensor("0.weight"), w6 = ae.param_tensor("6.weight");
    REQUIRE(shape_str(w0.shape()) == "(32, 784)");
    CHECK(w0 == xt::transpose(r.rbm1().W));
    CHECK(w6 == r.rbm1().W);
    CHECK(ae.param_tensor("0.bias") == r.rbm1().c);
    CHECK(ae.param_tensor("6.bias") == r.rbm1().b);
    CHECK(ae.param_tensor("2.weight") == xt::transpose(r.rbm2().W));
    CHECK(ae.param_tensor("2.bias") == r.rbm2().c);
    CHECK(ae.param_tensor("4.weight") == r.rbm2().W);
    CHECK(ae.param_tensor("4.bias") == r.rbm2().b);
    // Its encoder's first layer is RBM 1's p(h | v).
    const Tensor v = r.eval_images();
    CHECK(testutil::max_rel_error(ae.forward(v, 0, 2), rbm_hidden_probs(r.rbm1(), v)) < 1e-6);
    // RBM 2 was trained (it moved from its N(0, 0.01^2) start).
    CHECK(double(xt::amax(xt::abs(r.rbm2().W))()) > 0.05);

    const Tensor rbm1_before = r.rbm1().W;
    const DbnAeEval e0 = r.evaluate();
    CHECK(e0.mse_dbn != e1.mse_dbn);
    while (r.stage() != DbnStage::done) r.train_step();
    CHECK(r.rbm1().W == rbm1_before);  // fine-tuning changes the autoencoder, not the RBMs
    CHECK(r.losses(DbnArm::dbn, DbnStage::finetune).size() == 10);
    CHECK(r.random_losses().size() == 30);
    const DbnAeEval e = r.evaluate();
    for (double m : {e.mse_dbn, e.mse_random, e.mse_greedy}) {
        CHECK(m > 0);
        CHECK(m < 0.3);
    }
    CHECK(e.mse_dbn < e0.mse_dbn);  // fine-tuning helped
    CHECK(e.mse_dbn == doctest::Approx(mse_loss(r.autoencoder(DbnArm::dbn).forward(v), v)));
    const Tensor rec = r.reconstruct(DbnArm::greedy, from_values({1, 784}, std::vector<float>(784, 0.0f)));
    CHECK(shape_str(rec.shape()) == "(1, 1, 28, 28)");
    CHECK_THROWS_WITH_AS(r.train_step(), doctest::Contains("steps done"), Error);
    CHECK_THROWS_WITH_AS(r.losses(DbnArm::dbn, DbnStage::done), doctest::Contains("no losses"), Error);
    CHECK_THROWS_WITH_AS(r.reconstruct(DbnArm::dbn, zeros({1, 1, 28, 28})), doctest::Contains("dbn-ae reconstruct"), Error);
    CHECK(std::string(dbn_arm_name(DbnArm::dbn)) == "RBM-pretrained");
}

TEST_CASE("dbn-ae recipe: the same seed gives the same losses bit for bit") {
    const DbnAeOptions o = small_dbn(4);
    DbnAeRecipe a(dataset(), o), b(dataset(), o);
    while (a.stage() != DbnStage::done) CHECK(a.train_step() == b.train_step());
    for (DbnArm arm : {DbnArm::dbn, DbnArm::greedy})
        for (DbnStage s : {DbnStage::layer1, DbnStage::layer2, DbnStage::finetune}) CHECK(a.losses(arm, s) == b.losses(arm, s));
    CHECK(a.random_losses() == b.random_losses());
    const DbnAeEval ea = a.evaluate(), eb = b.evaluate();
    CHECK(ea.mse_dbn == eb.mse_dbn);
    CHECK(ea.mse_random == eb.mse_random);
    CHECK(ea.mse_greedy == eb.mse_greedy);
    DbnAeRecipe c(dataset(), small_dbn(5));
    c.train_step();
    CHECK(c.losses(DbnArm::dbn, DbnStage::layer1)[0] != a.losses(DbnArm::dbn, DbnStage::layer1)[0]);
}

TEST_CASE("dbn-ae recipe: the schedule and bad options") {
    const DbnAeOptions d = dbn_ae_schedule(3000);
    CHECK(d.stage1_steps == 600);
    CHECK(d.stage2_steps == 300);
    CHECK(d.finetune_steps == 2100);
    CHECK(d.stage1_steps == DbnAeOptions{}.stage1_steps);  // the defaults follow the same rule
    CHECK(d.stage2_steps == DbnAeOptions{}.stage2_steps);
    const DbnAeOptions s = dbn_ae_schedule(3);
    CHECK(s.stage1_steps == 1);
    CHECK(s.stage2_steps == 1);
    CHECK(s.finetune_steps == 1);
    CHECK_THROWS_WITH_AS(dbn_ae_schedule(2), doctest::Contains("at least 3 steps"), Error);
    auto rejects = [](const DbnAeOptions& o, const char* what) {
        CAPTURE(what);
        CHECK_THROWS_WITH_AS(DbnAeRecipe(dataset(), o), doctest::Contains(what), Error);
    };
    DbnAeOptions o = small_dbn();
    o.hidden2 = 64;
    rejects(o, "h2 <= h1");
    o = small_dbn();
    o.stage2_steps = -1;
    rejects(o, "step counts");
    o = small_dbn();
    o.cd.k = 0;
    rejects(o, "k (Gibbs steps)");
    o = small_dbn();
    o.learning_rate = -1;
    rejects(o, "learning rate");
    o = small_dbn();
    o.batch_size = 0;
    rejects(o, "batch size");
}

TEST_CASE("aelab-cli train rbm: progress lines and one JSON line with the metrics") {
    std::string text;
    REQUIRE(run({"train", "rbm", "--steps", "30", "--seed", "2", "--hidden", "10", "--k", "2", "--lr", "0.1", "--data",
                 AELAB_TEST_DATASET, "--json"},
                &text) == 0);
    CHECK(text.find("step 30/30") != std::string::npos);
    CHECK(text.find("2^10 hidden states") != std::string::npos);
    const auto j = last_json(text);
    CHECK(j["command"] == "train rbm");
    CHECK(j["steps"] == 30);
    CHECK(j["seed"] == 2);
    CHECK(j["hidden"] == 10);
    CHECK(j["k"] == 2);
    CHECK(j["binarize"] == "threshold");
    REQUIRE(j["log_likelihood"].is_number());
    REQUIRE(j["log_z"].is_number());
    // The same figures from the recipe directly: the command adds nothing of its own.
    RbmRecipeOptions o;
    o.hidden = 10;
    o.cd.k = 2;
    o.cd.learning_rate = 0.1f;
    o.steps = 30;
    o.seed = 2;
    RbmRecipe r(dataset(), o);
    for (int s = 0; s < 30; ++s) r.train_step();
    const RbmEval e = r.evaluate();
    CHECK(j["recon_error"].get<double>() == doctest::Approx(e.recon_error).epsilon(1e-5));
    CHECK(j["log_likelihood"].get<double>() == doctest::Approx(e.log_likelihood).epsilon(1e-6));
    CHECK(j["log_likelihood"].get<double>() < 0);

    // Too many hidden units for the exact sum: null.
    REQUIRE(run({"train", "rbm", "--steps", "3", "--hidden", "24", "--binarize", "sampled", "--data", AELAB_TEST_DATASET,
                 "--json"},
                &text) == 0);
    const auto w = last_json(text);
    CHECK(w["log_likelihood"].is_null());
    CHECK(w["log_z"].is_null());
    CHECK(w["binarize"] == "sampled");
    CHECK(w["recon_error"].is_number());
}

TEST_CASE("aelab-cli train dbn-ae: the three held-out MSEs") {
    std::string text;
    REQUIRE(run({"train", "dbn-ae", "--steps", "20", "--seed", "3", "--data", AELAB_TEST_DATASET, "--json"}, &text) == 0);
    CHECK(text.find("step 20/20") != std::string::npos);
    const auto j = last_json(text);
    CHECK(j["command"] == "train dbn-ae");
    CHECK(j["steps"] == 20);
    CHECK(j["seed"] == 3);
    CHECK(j["stage1_steps"] == 4);
    CHECK(j["stage2_steps"] == 2);
    CHECK(j["finetune_steps"] == 14);
    for (const char* k : {"mse_pretrained_finetuned", "mse_random_init", "mse_greedy_ae"}) {
        CAPTURE(k);
        REQUIRE(j[k].is_number());
        CHECK(j[k].get<double>() > 0);
        CHECK(j[k].get<double>() < 0.3);
    }
}

TEST_CASE("aelab-cli train rbm and dbn-ae: bad options give usage errors") {
    std::string err;
    CHECK(run({"train", "rbm", "--binarize", "dither", "--data", AELAB_TEST_DATASET}, nullptr, &err) == 2);
    CHECK(err.find("--binarize must be threshold or sampled") != std::string::npos);
    CHECK(run({"train", "rbm", "--k", "0", "--data", AELAB_TEST_DATASET}, nullptr, &err) == 2);
    CHECK(err.find("--k") != std::string::npos);
    CHECK(run({"train", "rbm", "--hidden", "0", "--data", AELAB_TEST_DATASET}) == 2);
    CHECK(run({"train", "rbm", "--lr", "-1", "--data", AELAB_TEST_DATASET}) == 2);
    CHECK(run({"train", "rbm", "--lr", "abc", "--data", AELAB_TEST_DATASET}) == 2);
    CHECK(run({"train", "rbm", "--steps", "0", "--data", AELAB_TEST_DATASET}) == 2);
    CHECK(run({"train", "rbm", "--stepz", "5"}) == 2);
    CHECK(run({"train", "dbn-ae", "--steps", "2", "--data", AELAB_TEST_DATASET}) == 2);
    CHECK(run({"train", "dbn-ae", "--hidden", "5", "--data", AELAB_TEST_DATASET}) == 2);
    CHECK(run({"train", "dbn-ae", "--steps", "5", "--data", "/nonexistent.aelab"}, nullptr, &err) == 1);
    CHECK(err.find("/nonexistent.aelab") != std::string::npos);
    CHECK(run({"train", "boltzmann"}, nullptr, &err) == 2);
    CHECK(err.find("rbm, dbn-ae") != std::string::npos);
}
