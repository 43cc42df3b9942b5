// Tests for core/src/nn/train.cpp on the Fashion-MNIST asset (6000 train / 1000 test images):
// the conv autoencoder of benchmark case h learns (its test loss falls below a stated value
// in a fixed number of steps) and does so deterministically for a seed; the denoising and VAE
// trainers lower their losses; batches are reproducible permutations.
#include <doctest/doctest.h>

#include <algorithm>

#include "aelab/dataset.hpp"
#include "aelab/layers.hpp"
#include "aelab/rng.hpp"
#include "aelab/train.hpp"

using aelab::Split;
using aelab::Tensor;

namespace {

const aelab::Dataset& fashion() {
    static const aelab::Dataset d = aelab::load_dataset(AELAB_TEST_DATASET);
    return d;
}

struct Run {
    std::vector<float> losses;  // the training loss of every step
    float test_before = 0, test_after = 0;
};

// Case h: batch 32, Adam (lr 1e-3), seed 1 for init and batch order.
Run train_conv_autoencoder(int steps) {
    const aelab::Dataset& d = fashion();
    const Tensor test = d.batch(Split::test, 0, 200);
    aelab::Sequential model = aelab::conv_autoencoder(1);
    aelab::Adam adam;
    aelab::AutoencoderTrainer trainer(model, adam);
    aelab::BatchSampler batches(d.size(Split::train), 32, 1);
    Run r;
    r.test_before = trainer.evaluate(test);
    for (int i = 0; i < steps; ++i) r.losses.push_back(trainer.train_step(d.gather(Split::train, batches.next())));
    r.test_after = trainer.evaluate(test);
    return r;
}

float mean_of(const std::vector<float>& v, std::size_t first, std::size_t last) {
    double s = 0;
    for (std::size_t i = first; i < last; ++i) s += v[i];
    return float(s / double(last - first));
}

}  // namespace

TEST_CASE("train: the case-h conv autoencoder learns Fashion-MNIST, deterministically") {
    constexpr int kSteps = 120;
    const Run a = train_conv_autoencoder(kSteps), b = train_conv_autoencoder(kSteps);
    // Exactly the same numbers for the same seed, step by step.
    CHECK(a.losses == b.losses);
    CHECK(a.test_after == b.test_after);
    INFO("test MSE before ", a.test_before, ", after ", kSteps, " steps ", a.test_after, ", last batch ",
         a.losses.back());
    CHECK(a.test_before > 0.1f);      // a fresh model outputs ~0.5 everywhere
    CHECK(a.test_after < 0.045f);     // the stated bar after 120 steps of batch 32
    CHECK(a.losses.back() < 0.05f);
}

TEST_CASE("train: denoising autoencoder on Gaussian-corrupted inputs") {
    const aelab::Dataset& d = fashion();
    aelab::Sequential model = aelab::denoising_autoencoder({}, 2);
    aelab::Adam adam;
    aelab::AutoencoderTrainer trainer(model, adam, {aelab::Corruption::gaussian, 0.3f, 5});
    aelab::BatchSampler batches(d.size(Split::train), 32, 2);
    std::vector<float> losses;
    Tensor clean;
    for (int i = 0; i < 80; ++i) {
        clean = d.gather(Split::train, batches.next());
        losses.push_back(trainer.train_step(clean));
    }
    // The model saw the corrupted batch and was scored against the clean one.
    const Tensor& noisy = trainer.last_input();
    double diff = 0;
    for (std::size_t i = 0; i < clean.size(); ++i) diff += std::abs(noisy.data()[i] - clean.data()[i]);
    CHECK(diff / double(clean.size()) == doctest::Approx(0.3 * 0.7979).epsilon(0.05));  // E|N(0, 0.3)|
    INFO("first 10 steps ", mean_of(losses, 0, 10), ", last 10 ", mean_of(losses, 70, 80));
    CHECK(mean_of(losses, 70, 80) < 0.6f * mean_of(losses, 0, 10));
}

TEST_CASE("train: the VAE's loss (recon + KL) falls") {
    const aelab::Dataset& d = fashion();
    aelab::Vae vae({128, 2, 1.0f, {1, 28, 28}}, 3);
    aelab::Adam adam;
    aelab::VaeTrainer trainer(vae, adam, 4);
    aelab::BatchSampler batches(d.size(Split::train), 32, 3);
    std::vector<float> totals;
    for (int i = 0; i < 80; ++i) {
        const aelab::VaeLoss l = trainer.train_step(d.gather(Split::train, batches.next()));
        CHECK(l.total == doctest::Approx(l.recon + l.kl));
        CHECK(l.kl >= 0.0f);
        totals.push_back(l.total);
    }
    INFO("first 10 steps ", mean_of(totals, 0, 10), ", last 10 ", mean_of(totals, 70, 80));
    CHECK(mean_of(totals, 0, 10) > 450.0f);  // ~784 * log 2 summed BCE at the start
    CHECK(mean_of(totals, 70, 80) < 360.0f);  // 332 natively
}

TEST_CASE("train: batches are reproducible permutations of the dataset") {
    aelab::BatchSampler a(10, 3, 7), b(10, 3, 7);
    std::vector<std::size_t> seen;
    for (int i = 0; i < 3; ++i) {
        const auto batch = a.next();
        CHECK(batch == b.next());
        seen.insert(seen.end(), batch.begin(), batch.end());
    }
    CHECK(a.epoch() == 1);
    std::sort(seen.begin(), seen.end());
    CHECK(std::adjacent_find(seen.begin(), seen.end()) == seen.end());  // no repeats in an epoch
    a.next();  // 1 left over: dropped, a new epoch begins
    CHECK(a.epoch() == 2);
    CHECK_THROWS_AS(aelab::BatchSampler(10, 11, 0), aelab::Error);
}

TEST_CASE("AutoencoderTrainer::evaluate runs in evaluation mode and restores the model's mode") {
    // Dropout in the model: training-mode forwards differ from call to call (new masks), so
    // two evaluations agree only if both ran in evaluation mode; the mode comes back after.
    aelab::Sequential model({1, 4, 4});
    model.add<aelab::Flatten>();
    model.add<aelab::Linear>(16, 8);
    model.add<aelab::Dropout>(0.5f);
    model.add<aelab::Linear>(8, 16);
    model.add<aelab::Unflatten>(aelab::Shape{1, 4, 4});
    model.init(3);
    aelab::Adam adam;
    aelab::AutoencoderTrainer trainer(model, adam);
    aelab::Rng rng(5);
    Tensor x = aelab::zeros({6, 1, 4, 4});
    for (float& v : x) v = rng.uniform();
    const float a = trainer.evaluate(x), b = trainer.evaluate(x);
    CHECK(a == b);
    CHECK(model.training());
    model.set_training(false);
    CHECK(trainer.evaluate(x) == a);
    CHECK_FALSE(model.training());
}
