// aelab core: the "VAE sampling" lesson's training recipe, shared by the lesson page and
// `aelab-cli train vae`, so both give the same numbers for the same settings.
//
// The model is aelab::Vae (models.hpp) with a 2-D latent space so it can be drawn:
//   encoder  x (N, 1, 28, 28) -> Flatten -> Linear(784, H) -> ReLU -> Linear(H, 4) = [mu | logvar]
//   sample   z = mu + exp(logvar / 2) * eps,  eps ~ N(0, I)          (N, 2)
//   decoder  z -> Linear(2, H) -> ReLU -> Linear(H, 784) -> logits; sigmoid gives the image
// trained with Adam on recon + beta * KL (VaeTrainer), batches from BatchSampler.
//
// Sign convention. The loss the trainer minimises is, per image,
//   recon = -log p(x | z) = sum over the 784 pixels of BCE(logits, x)   (Bernoulli decoder, nats)
//   kl    = KL(q(z | x) || N(0, I)) = -1/2 sum_j (1 + logvar_j - mu_j^2 - exp(logvar_j))
//   loss  = recon + beta * kl
// and the evidence lower bound is ELBO = -(recon + kl) <= log p(x): a NEGATIVE number of nats
// per image, higher (closer to 0) is better. The ELBO always uses beta = 1; beta only weights
// the training objective (beta-VAE). Fashion-MNIST pixels are grey levels in [0, 1], not bits:
// the Bernoulli likelihood is the usual convention (PyTorch's VAE example) but not a normalised
// density for them, so compare ELBOs only with the same convention.
//
// Determinism: every random draw comes from aelab::Rng seeded from the one seed (init: seed,
// batch order: seed + 1, training eps: seed + 2), and the test ELBO uses its own fixed eps
// stream (kVaeEvalSeed), so evaluating never changes training and gives the same figure twice.
//
// The pretrained model the lesson loads instantly (assets/models/vae-2d.aelabm, 407 KB) is made
// by this recipe with its defaults, nothing else:
//   build/native/aelab-cli train vae --save assets/models/vae-2d.aelabm
// (= --steps 6000 --seed 1; tests/core/test_recipe_vae.cpp checks the file and its test ELBO).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "aelab/dataset.hpp"
#include "aelab/models.hpp"
#include "aelab/optim.hpp"
#include "aelab/tensor.hpp"
#include "aelab/train.hpp"

namespace aelab {

// The lesson's defaults, in one place.
struct VaeRecipeOptions {
    int hidden = 64;    // units of the encoder's and the decoder's hidden layer
    int latent = 2;     // 2: the latent plane the lesson draws
    float beta = 1.0f;  // weight of the KL term in the training loss
    float learning_rate = 1e-3f;  // Adam
    int batch_size = 64;
    int steps = 6000;             // 64 epochs of the 6000 training images
    std::uint64_t seed = 1;
};

// The architecture the options describe, for aelab::Vae.
VaeOptions vae_model_options(const VaeRecipeOptions& o);

// The fixed eps stream of every test-set evaluation.
constexpr std::uint64_t kVaeEvalSeed = 20240;

// Test-set figures, nats per image (averages over the images): ELBO = -(recon + kl).
struct VaeElbo {
    double recon = 0, kl = 0, elbo = 0;
    std::size_t images = 0;
};

class VaeRecipe {
public:
    // A fresh model, initialised from o.seed. `data` must outlive the recipe.
    VaeRecipe(const Dataset& data, const VaeRecipeOptions& o = {});
    // Around a trained model (a loaded file) taking (1, 28, 28) images: the options' latent and
    // beta become the model's, hidden the width of its first encoder layer; training continues
    // from its weights with a fresh optimizer.
    VaeRecipe(const Dataset& data, Vae trained, const VaeRecipeOptions& o = {});

    // One Adam step on the next batch of training images; returns its loss recon + beta * kl.
    float train_step();
    // The terms of the last train_step (zeros before the first).
    const VaeLoss& last_loss() const { return last_; }
    int steps_done() const { return steps_; }

    // The ELBO and its two terms on the first `count` test images (0: all of them), with one
    // eps per image from Rng(kVaeEvalSeed), in chunks of 250 images.
    VaeElbo evaluate(std::size_t count = 0);

    Vae& vae() { return *vae_; }
    const Vae& vae() const { return *vae_; }
    const VaeRecipeOptions& options() const { return o_; }
    const Dataset& data() const { return data_; }
    // Changes the KL weight of the following steps (beta-VAE).
    void set_beta(float beta);

    // --- Looking inside the model ---------------------------------------------------------------
    // Encoder means of images [first, first + count) of a split: (count, latent).
    Tensor encode_means(Split s, std::size_t first, std::size_t count);
    // Decoder images sigmoid(decoder(z)) for z (N, latent): (N, 1, 28, 28).
    Tensor decode(const Tensor& z);
    // z = mu + exp(logvar / 2) * eps for test image `index` with a given eps (1, latent): the
    // whole forward pass (mu, logvar, eps, z, logits, recon), each (1, ...).
    VaeOutput reparameterize(std::size_t index, const Tensor& eps);
    // The same for any image x (1, 1, 28, 28) with values in [0, 1] (the student's own picture).
    VaeOutput reparameterize_image(const Tensor& x, const Tensor& eps);
    // The decoded means of test images a and b and `count` >= 2 images evenly spaced on the
    // line between their means (endpoints included): (count, 1, 28, 28); the latents in *z.
    Tensor interpolate(std::size_t a, std::size_t b, int count, Tensor* z = nullptr);

private:
    const Dataset& data_;
    VaeRecipeOptions o_;
    std::unique_ptr<Vae> vae_;  // stable address for the trainer
    Adam adam_;
    BatchSampler batches_;
    VaeTrainer trainer_;
    VaeLoss last_;
    int steps_ = 0;
};

// --- Latent grids and sampling (no dataset needed) -------------------------------------------------
// The n x n grid of 2-D latents over [-extent, extent]^2 (endpoints included), row-major with
// z2 falling down the rows: row r has z2 = extent - 2 extent r / (n - 1) (row 0 is +extent),
// column c has z1 = -extent + 2 extent c / (n - 1). (n*n, 2); n >= 2. Decoding it gives the
// images of a regular grid over the latent plane.
Tensor latent_grid(int n, float extent);
// count draws from the prior N(0, I): (count, latent), row by row from Rng(seed).
Tensor sample_prior(int count, int latent, std::uint64_t seed);

}  // namespace aelab
