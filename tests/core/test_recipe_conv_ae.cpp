// Tests for core/src/recipes/conv_ae.cpp: conv autoencoders from spec text trained side by side
// on the same batches (loss falls, a seed repeats its run), augmentation as a switch, held-out
// PSNR in evaluation mode, parameter counts against a dense autoencoder, errors naming the
// network and the layer, the images that excite a channel most.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include <xtensor/xview.hpp>

#include "aelab/dataset.hpp"
#include "aelab/loss.hpp"
#include "aelab/recipe_conv_ae.hpp"
#include "aelab/recipe_denoising.hpp"
#include "test_util.hpp"

using namespace aelab;

namespace {

using testutil::dataset;

// A small, fast autoencoder for the tests: 1x28x28 -> 4x14x14 -> 1x28x28.
const char* const kSmall = "conv4s2p1-relu-tconv1s2p1o1-sigmoid";

}  // namespace

TEST_CASE("conv-ae recipe: the default presets, trained side by side, lower the loss") {
    ConvAeOptions o;
    o.eval_count = 50;
    o.learning_rate = 3e-3f;
    ConvAeRecipe r(dataset(), {architecture_preset(kConvAeFirstPreset), architecture_preset(kConvAeSecondPreset)}, o);
    REQUIRE(r.size() == 2);
    CHECK(r.net(0).spec == architecture_preset("strided"));
    CHECK(r.net(0).check.params == std::int64_t(r.net(0).net.param_count()));
    CHECK(r.net(1).check.params == std::int64_t(r.net(1).net.param_count()));
    // Weight sharing: far fewer parameters than a dense 784 -> K -> 784 of the same code size.
    CHECK(r.net(0).check.dense_params == dense_autoencoder_params(784, r.net(0).check.code_size));
    const std::vector<double> before = r.evaluate_mse();
    std::vector<float> first, last;
    for (int s = 0; s < 40; ++s) {
        last = r.train_step();
        if (s == 0) first = last;
    }
    CHECK(r.step() == 40);
    CHECK(r.net(0).losses.size() == 40);
    CHECK(r.last_batch().shape()[0] == 32);
    const std::vector<double> after = r.evaluate_mse();
    for (std::size_t i = 0; i < 2; ++i) {
        CAPTURE(i);
        CHECK(last[i] < 0.75f * first[i]);
        CHECK(after[i] < before[i]);
        CHECK(r.evaluate_psnr_db()[i] == doctest::Approx(psnr_from_mse(after[i])));
    }
    // The held-out MSE is the plain mean over the images (chunking does not change it).
    const Tensor x = xt::view(r.eval_images(), xt::range(0, 50));
    CHECK(r.evaluate_mse(50)[1] == doctest::Approx(mse_loss(r.reconstruct(1, x), x)).epsilon(1e-5));
}

TEST_CASE("conv-ae recipe: the same seed repeats the losses; networks share the batches") {
    ConvAeOptions o;
    o.eval_count = 10;
    o.batch_size = 8;
    o.seed = 5;
    ConvAeRecipe a(dataset(), {kSmall}, o), b(dataset(), {kSmall, kSmall}, o);
    for (int s = 0; s < 5; ++s) {
        const std::vector<float> la = a.train_step(), lb = b.train_step();
        CHECK(la[0] == lb[0]);
        CHECK(lb[1] == lb[0]);  // same spec, same seed, same batch: the same network
    }
    o.seed = 6;
    ConvAeRecipe c(dataset(), {kSmall}, o);
    CHECK(c.train_step()[0] != a.net(0).losses[0]);
}

TEST_CASE("conv-ae recipe: augmentation is a switch over the same batches") {
    ConvAeOptions o;
    o.eval_count = 10;
    o.batch_size = 8;
    ConvAeRecipe plain(dataset(), {kSmall}, o);
    o.augment = true;
    ConvAeRecipe augmented(dataset(), {kSmall}, o), again(dataset(), {kSmall}, o);
    plain.train_step();
    augmented.train_step();
    again.train_step();
    CHECK(augmented.last_batch() == again.last_batch());
    CHECK(augmented.last_batch() != plain.last_batch());
    CHECK(augmented.net(0).losses[0] == again.net(0).losses[0]);
    // The augmented batch is the plain one moved: the same pixel values total, minus what fell off.
    CHECK(xt::sum(augmented.last_batch())() <= xt::sum(plain.last_batch())() + 1e-3f);
    augmented.set_augment(false);
    plain.train_step();
    augmented.train_step();
    CHECK(augmented.last_batch() == plain.last_batch());
}

TEST_CASE("conv-ae recipe: evaluation runs in evaluation mode (BatchNorm2d, Dropout) and restores it") {
    ConvAeOptions o;
    o.eval_count = 20;
    o.batch_size = 8;
    ConvAeRecipe r(dataset(), {"conv4s2p1-bn-relu-drop0.5-tconv1s2p1o1-sigmoid"}, o);
    r.train_step();
    const double m1 = r.evaluate_mse()[0], m2 = r.evaluate_mse()[0];
    CHECK(m1 == m2);  // no dropout masks, running statistics
    CHECK(r.net(0).net.training());
}

TEST_CASE("conv-ae recipe: errors name the network and the layer") {
    auto message = [](const std::vector<std::string>& specs, ConvAeOptions o = {}) {
        try {
            ConvAeRecipe r(dataset(), specs, o);
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    const std::string flat = message({kSmall, "conv4s2p1-relu-lin16-tconv1"});
    CHECK(flat.find("network 2") != std::string::npos);
    CAPTURE(flat);
    CHECK(flat.find("'lin16'") != std::string::npos);
    CHECK(flat.find("flat") != std::string::npos);
    const std::string unpool = message({"conv4-unpool1-sigmoid"});
    CHECK(unpool.find("network 1") != std::string::npos);
    CHECK(unpool.find("'unpool1'") != std::string::npos);
    CHECK(message({"conv4q3"}).find("'conv4q3'") != std::string::npos);
    CHECK(message({"conv4s2p1-relu"}).find("network 1") != std::string::npos);  // not 1x28x28 back
    CHECK(message({}).find("no networks") != std::string::npos);
    ConvAeOptions bad;
    bad.batch_size = 0;
    CHECK(message({kSmall}, bad).find("batch size") != std::string::npos);
}

TEST_CASE("top_activating: the images with the largest mean activation, best first") {
    Sequential model = build_architecture(kSmall, 3);
    const Tensor images = dataset().batch(Split::test, 0, 120);
    const std::vector<Activating> top = top_activating(model, 1, 2, images, 9);
    REQUIRE(top.size() == 9);
    const std::vector<Tensor> h = model.forward_capture(xt::view(images, xt::range(top[0].index, top[0].index + 1)));
    const Tensor channel = xt::view(h[1], 0, 2);
    CHECK(top[0].activation == doctest::Approx(xt::mean(channel)()).epsilon(1e-5));
    for (std::size_t i = 1; i < top.size(); ++i) CHECK(top[i - 1].activation >= top[i].activation);
    // No image outside the top nine beats the ninth.
    const std::vector<Activating> all = top_activating(model, 1, 2, images, 1000);
    CHECK(all.size() == 120);
    CHECK(all[8].activation == top[8].activation);
    CHECK_THROWS_WITH_AS(top_activating(model, 1, 4, images), doctest::Contains("channel 4"), Error);
    CHECK_THROWS_WITH_AS(top_activating(model, 9, 0, images), doctest::Contains("layer 9"), Error);
}
