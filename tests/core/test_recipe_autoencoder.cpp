// Tests for core/src/recipes/autoencoder.cpp (the recipes of the "autoencoder" lesson): the
// 8-3-8 toy's table, determinism and success rates; MLP autoencoders built from their widths;
// networks trained side by side on the same batches; the off-distribution inputs; the stacked
// recipe's stages (each trains only its own layers); the linear probe.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "aelab/dataset.hpp"
#include "aelab/loss.hpp"
#include "aelab/recipe_autoencoder.hpp"
#include "test_util.hpp"

using namespace aelab;

namespace {

using testutil::dataset;

template <class F>
void check_error(F f, const char* fragment) {
    CAPTURE(fragment);
    try {
        f();
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find(fragment) != std::string::npos);
    }
}

}  // namespace

TEST_CASE("8-3-8 toy: the inputs, the table and its rounding") {
    const Tensor x = Toy838::inputs();
    REQUIRE(shape_of(x) == Shape{8, 8});
    CHECK(xt::sum(x)() == 8.0f);
    for (int k = 0; k < 8; ++k) CHECK(x(k, k) == 1.0f);
    Toy838 toy;
    CHECK(toy.net().param_count() == 8 * 3 + 3 + 3 * 8 + 8);
    const auto rows = toy.table();
    REQUIRE(rows.size() == 8);
    for (const Toy838Row& r : rows) {
        for (int j = 0; j < 3; ++j) {
            CHECK(r.code[j] > 0.0f);
            CHECK(r.code[j] < 1.0f);
            CHECK(r.bits[j] == (r.code[j] > 0.5f ? 1 : 0));
        }
        for (int i = 0; i < 8; ++i) CHECK(r.reconstruction[r.argmax] >= r.reconstruction[i]);
    }
    CHECK_FALSE(toy.all_correct());  // untrained: every output is near sigmoid(small) ~ 0.5
}

TEST_CASE("8-3-8 toy: the same seed gives the same run; cross-entropy learns the code") {
    Toy838Options o;
    Toy838 a(o), b(o);
    o.seed = 2;
    Toy838 c(o);
    bool differs = false;
    float first = 0, last = 0;
    for (int s = 0; s < Toy838Options{}.steps; ++s) {
        const float la = a.train_step();
        CHECK(la == b.train_step());
        differs |= la != c.train_step();
        if (s == 0) first = la;
        last = la;
    }
    CHECK(differs);
    CHECK(a.step() == Toy838Options{}.steps);
    CHECK(first > 0.6f);   // bce of logits near 0: about log 2
    CHECK(last < 0.05f);
    CHECK(a.loss() <= last);
    CHECK(a.all_correct());
    for (const Toy838Row& r : a.table()) {
        CHECK(r.argmax == r.input);
        CHECK(r.reconstruction[r.input] > 0.5f);
    }
}

TEST_CASE("8-3-8 toy: success over ten seeds, cross-entropy against squared error") {
    Toy838Options ce;
    const int ce_ok = toy838_seeds_all_correct(ce, 1, 10);
    Toy838Options se = ce;
    se.loss = ToyLoss::squared_error;
    const int se_ok = toy838_seeds_all_correct(se, 1, 10);
    CHECK(ce_ok >= 9);           // 10 natively
    CHECK(se_ok < ce_ok);        // 4 natively: squared error is still on its plateau at step 1000
    se.steps = 20000;
    CHECK(toy838_seeds_all_correct(se, 1, 10) >= 9);  // ... and gets there much later
    CHECK(std::string(toy_loss_name(ToyLoss::squared_error)) == "squared-error");
}

TEST_CASE("8-3-8 toy: bad options are errors") {
    Toy838Options o;
    o.learning_rate = 0;
    check_error([&] { Toy838 t(o); }, "learning rate");
    o = {};
    o.momentum = 1.0f;
    check_error([&] { Toy838 t(o); }, "momentum");
    o = {};
    o.steps = -1;
    check_error([&] { Toy838 t(o); }, "steps");
}

TEST_CASE("MLP autoencoders: layers, parameter counts and the code from their widths") {
    MlpAutoencoder shallow(bottleneck_spec(16), 1);
    CHECK(spec_text(shallow.spec) == "784-[16]-784");
    CHECK(shallow.net.param_count() == 784 * 16 + 16 + 16 * 784 + 784);
    CHECK(shallow.encoder_layers == 2);  // Flatten, Linear
    const Tensor x = dataset().batch(Split::test, 0, 3);
    CHECK(shape_of(shallow.encode(x)) == Shape{3, 16});
    const Tensor y = shallow.reconstruct(x);
    CHECK(shape_of(y) == Shape{3, 1, 28, 28});
    CHECK(xt::amin(y)() > 0.0f);
    CHECK(xt::amax(y)() < 1.0f);

    const auto specs = depth_specs(8);
    REQUIRE(specs.size() == 3);
    CHECK(spec_text(specs[0]) == "784-256-64-[8]-64-256-784");
    CHECK(spec_text(specs[1]) == "784-[8]-784");
    CHECK(spec_text(specs[2]) == "784-256-64-[8]-784");
    MlpAutoencoder deep(specs[0], 1);
    CHECK(deep.encoder_layers == 6);
    CHECK(shape_of(deep.encode(x)) == Shape{3, 8});
    MlpAutoencoder wide(bottleneck_spec(1024), 1);  // wider than the 784 pixels: allowed
    CHECK(shape_of(wide.encode(x)) == Shape{3, 1024});

    check_error([] { MlpAutoencoder a(bottleneck_spec(1), 1); }, "784-[1]-784: the code size must be in [2, 1024]");
    check_error([] { MlpAutoencoder a(bottleneck_spec(2000), 1); }, "got 2000");
    check_error([] { MlpAutoencoder a({"bad", {0}, 8, {}}, 1); }, "hidden widths");
}

TEST_CASE("side by side: equal networks see the same batches; training lowers the held-out MSE") {
    SideBySideOptions o;
    o.eval_count = 100;
    SideBySideRecipe twins(dataset(), {bottleneck_spec(8), bottleneck_spec(8)}, o);
    for (int s = 0; s < 5; ++s) {
        const auto l = twins.train_step();
        CHECK(l[0] == l[1]);  // the same weights and batches, bit for bit
    }
    SideBySideRecipe r(dataset(), depth_specs(16), o);
    const auto before = r.evaluate();
    REQUIRE(before.size() == 3);
    for (int s = 0; s < 150; ++s) r.train_step();
    CHECK(r.step() == 150);
    const auto after = r.evaluate();
    for (std::size_t i = 0; i < 3; ++i) {
        CAPTURE(r.net(i).spec.name);
        CHECK(after[i] < before[i] * 0.6);  // from about 0.1 (outputs near 0.5) to 0.05 - 0.06
        CHECK(after[i] < 0.065);
    }
    check_error([&] { SideBySideRecipe bad(dataset(), {}, o); }, "no networks");
    SideBySideOptions big = o;
    big.batch_size = 0;
    check_error([&] { SideBySideRecipe bad(dataset(), depth_specs(4), big); }, "batch size");
    big = o;
    big.eval_count = 1 << 20;
    check_error([&] { SideBySideRecipe bad(dataset(), depth_specs(4), big); }, "eval_count");
}

TEST_CASE("off-distribution inputs: noise, an inverted image and a scribble") {
    const auto in = off_distribution_inputs(dataset(), 3, 7);
    REQUIRE(in.size() == 3);
    for (const NamedImage& n : in) {
        CAPTURE(n.name);
        CHECK(shape_of(n.image) == Shape{1, 1, 28, 28});
        CHECK(xt::amin(n.image)() >= 0.0f);
        CHECK(xt::amax(n.image)() <= 1.0f);
    }
    CHECK(xt::mean(in[0].image)() == doctest::Approx(0.5).epsilon(0.1));
    const Tensor x = dataset().batch(Split::test, 3, 1);
    CHECK(testutil::max_rel_error(in[1].image, Tensor(1.0f - x)) == 0.0);
    const float ink = xt::sum(in[2].image)();
    CHECK(ink > 60.0f);   // three strokes two pixels wide
    CHECK(ink < 300.0f);
    CHECK(off_distribution_inputs(dataset(), 3, 7)[0].image == in[0].image);
    check_error([] { off_distribution_inputs(dataset(), 1 << 20, 1); }, "out of range");

    MlpAutoencoder ae(bottleneck_spec(4), 1);
    const auto err = reconstruction_errors(ae, in);
    REQUIRE(err.size() == 3);
    for (double e : err) CHECK(e > 0.0);
}

TEST_CASE("stacked recipe: each greedy stage trains only its own layers, then all of them") {
    StackedOptions o;
    o.hidden1 = 64;
    o.hidden2 = 8;
    o.stage1_steps = 30;
    o.stage2_steps = 20;
    o.finetune_steps = 30;
    o.eval_count = 100;
    StackedRecipe r(dataset(), o);
    const Tensor x = r.eval_images();
    CHECK(r.reconstruct_stacked(x) == r.reconstruct_end_to_end(x));  // the same initial weights
    auto params = [&](const char* name) { return r.greedy().param_tensor(name); };
    // Layers: 1 Linear(784, h1), 3 Linear(h1, h2), 5 Linear(h2, h1), 7 Linear(h1, 784).
    const Tensor w3 = params("3.weight"), w5 = params("5.weight");
    CHECK(r.stage() == StackedStage::layer1);
    const double mse0 = r.held_out_mse_greedy();
    const float first = r.train_step();
    while (r.stage() == StackedStage::layer1) r.train_step();
    CHECK(r.step() == 30);
    CHECK(params("3.weight") == w3);  // the inner autoencoder is untouched in stage 1
    CHECK(params("5.weight") == w5);
    CHECK(r.stage_losses(StackedStage::layer1).size() == 30);
    CHECK(r.stage_losses(StackedStage::layer1).back() < first);
    CHECK(mse_loss(r.reconstruct_layer1(x), x) < mse0);

    const Tensor w1 = params("1.weight"), w7 = params("7.weight");
    const Tensor h1 = r.codes_layer1(x);
    CHECK(shape_of(h1) == Shape{100, 64});
    CHECK(shape_of(r.reconstruct_codes_layer1(h1)) == Shape{100, 64});
    while (r.stage() == StackedStage::layer2) r.train_step();
    CHECK(params("1.weight") == w1);  // stage 2 learns on frozen codes
    CHECK(params("7.weight") == w7);
    CHECK(params("3.weight") != w3);
    CHECK(r.stage_losses(StackedStage::layer2).size() == 20);

    while (r.stage() == StackedStage::finetune) r.train_step();
    CHECK(params("1.weight") != w1);  // fine-tuning moves every layer
    CHECK(r.stage() == StackedStage::done);
    CHECK(r.step() == o.total_steps());
    CHECK(r.end_to_end_losses().size() == 80);
    CHECK(r.stage_losses(StackedStage::finetune).size() == 30);
    CHECK(r.held_out_mse_greedy() < mse0);
    CHECK(r.held_out_mse_end_to_end() < mse0);
    CHECK(shape_of(r.encode_greedy(x)) == Shape{100, 8});
    CHECK(shape_of(r.encode_end_to_end(x)) == Shape{100, 8});
    check_error([&] { r.train_step(); }, "steps done");

    StackedOptions bad = o;
    bad.hidden2 = 100;
    check_error([&] { StackedRecipe s(dataset(), bad); }, "h2 <= h1");
}

TEST_CASE("linear probe: separable features are learned exactly; bad sizes are errors") {
    // Class k's examples sit at 2 e_k plus small noise: linearly separable.
    Rng rng(3);
    auto make = [&](int per_class, std::vector<int>& labels) {
        Tensor f = zeros({std::size_t(10 * per_class), 12});
        for (int k = 0; k < 10; ++k)
            for (int i = 0; i < per_class; ++i) {
                const std::size_t n = std::size_t(k * per_class + i);
                for (std::size_t j = 0; j < 12; ++j) f(n, j) = rng.uniform(-0.3f, 0.3f);
                f(n, std::size_t(k)) += 2.0f;
                labels.push_back(k);
            }
        return f;
    };
    std::vector<int> train_labels, test_labels;
    const Tensor train = make(3, train_labels), test = make(20, test_labels);
    CHECK(linear_probe(train, train_labels, test, test_labels) == 1.0);
    ProbeOptions none;
    none.steps = 0;  // untrained: about chance
    CHECK(linear_probe(train, train_labels, test, test_labels, none) < 0.5);

    check_error([&] { linear_probe(train, {1, 2}, test, test_labels); }, "labels");
    check_error([&] { linear_probe(train, train_labels, zeros({5, 3}), {0, 0, 0, 0, 0}); }, "test_features");
    std::vector<int> wrong = train_labels;
    wrong[0] = 10;
    check_error([&] { linear_probe(train, wrong, test, test_labels); }, "outside [0, 10)");

    CHECK(labels_of(dataset(), Split::test, 5) ==
          std::vector<int>(dataset().test_labels.begin(), dataset().test_labels.begin() + 5));
    check_error([] { labels_of(dataset(), Split::test, 1 << 20); }, "labels asked");
    CHECK(shape_of(flatten_images(dataset().batch(Split::train, 0, 2))) == Shape{2, 784});
}

TEST_CASE("probe curve: codes of an encoder and pixels, on the same labelled images") {
    MlpAutoencoder ae(bottleneck_spec(16), 1);
    const auto curve = probe_curve(
        dataset(), [&](const Tensor& x) { return ae.encode(x); }, {10, 100}, 200);
    REQUIRE(curve.size() == 2);
    CHECK(curve[0].labels == 10);
    CHECK(curve[1].labels == 100);
    for (const ProbePoint& p : curve) {
        CHECK(p.accuracy_codes > 0.15);  // even random projections beat chance (0.1)
        CHECK(p.accuracy_pixels > 0.3);
    }
    CHECK(curve[1].accuracy_pixels > 0.6);  // 100 labels on pixels: about 0.7
}

TEST_CASE("stacked schedule: a third, a sixth, the rest") {
    const StackedOptions d = stacked_schedule(3000);
    CHECK(d.stage1_steps == StackedOptions{}.stage1_steps);  // the defaults follow the same rule
    CHECK(d.stage2_steps == StackedOptions{}.stage2_steps);
    CHECK(d.finetune_steps == StackedOptions{}.finetune_steps);
    const StackedOptions s = stacked_schedule(4);
    CHECK(s.stage1_steps == 1);
    CHECK(s.stage2_steps == 1);
    CHECK(s.finetune_steps == 2);
    CHECK(s.total_steps() == 4);
    check_error([] { stacked_schedule(2); }, "at least 3 steps");
}
