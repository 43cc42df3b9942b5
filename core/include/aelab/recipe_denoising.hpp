// aelab core: the recipe of the "Denoising autoencoders" lesson and of `aelab-cli train
// denoising-ae`, so the page and the command train the same networks and report the same
// numbers.
//
// Two copies of one MLP autoencoder (models.hpp denoising_autoencoder: 784 -> hidden -> code ->
// hidden -> 784, ReLUs, Sigmoid output) start from the SAME weights and see the SAME mini-batches
// in the same order (one BatchSampler); they differ only in what they are fed:
//   denoiser  x_tilde ~ C(x_tilde | x) -> reconstruct the clean x   (Vincent et al. 2008)
//   plain AE  x -> reconstruct x                                   (no corruption)
// Both minimise the MSE against the clean batch with Adam (AutoencoderTrainer, train.hpp).
// Corrupted inputs are NOT clipped to [0, 1]: with Gaussian noise the network sees x + sigma*eps
// as it is (noise.hpp).
//
// Evaluation uses a fixed held-out set: the first eval_count Fashion-MNIST test images,
// corrupted once with an Rng seeded by kEvalNoiseSeed (independent of the training seed, so runs
// with different seeds are compared on the same noisy images). Both networks get the same noisy
// images; PSNR is over all pixels of the set: 10 log10(1 / MSE) with pixels in [0, 1].
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "aelab/dataset.hpp"
#include "aelab/loss.hpp"
#include "aelab/model.hpp"
#include "aelab/models.hpp"
#include "aelab/optim.hpp"
#include "aelab/rng.hpp"
#include "aelab/tensor.hpp"
#include "aelab/train.hpp"

namespace aelab {

struct DenoisingRecipeOptions {
    DenoisingAutoencoderOptions model{128, 32};  // hidden, code (sample shape 1 x 28 x 28)
    Corruption corruption = Corruption::gaussian;
    float level = 0.5f;           // sigma for gaussian, p for masking and salt-and-pepper
    float learning_rate = 1e-3f;  // Adam, the other settings torch's defaults
    int batch_size = 64;
    int steps = 3000;             // the default length of a run (lesson and CLI)
    int eval_count = 500;         // held-out test images for PSNR
    std::uint64_t seed = 1;       // initial weights, batch order and training noise
};

// The held-out noise does not depend on the training seed.
constexpr std::uint64_t kEvalNoiseSeed = 2008;

// One draw of the corruption process C(x_tilde | x) (noise.hpp), not clipped. none copies x.
Tensor corrupt(const Tensor& x, Corruption c, float level, Rng& rng);

struct DenoisingEval {
    double mse_noisy = 0, mse_denoised = 0, mse_plain_ae = 0;          // against the clean images
    double psnr_noisy_db = 0, psnr_denoised_db = 0, psnr_plain_ae_db = 0;
};

class DenoisingRecipe {
public:
    // data must outlive the recipe. Throws aelab::Error for bad options (batch size, level,
    // sizes) or a dataset that is too small.
    DenoisingRecipe(const Dataset& data, const DenoisingRecipeOptions& o = {});

    // One mini-batch for both networks; returns the denoiser's loss (MSE against the clean
    // batch, before the update). The plain AE's loss is last_plain_loss().
    float train_step();
    float last_plain_loss() const { return plain_loss_; }
    int step() const { return step_; }
    // True when either network gave the same image for every example of the last batch: all
    // the ReLUs of a layer are dead (a too-high learning rate does this in a few steps), so its
    // output is sigmoid(bias) whatever the input and the loss can no longer fall. With a Sigmoid
    // output the loss stays bounded, so this is how such a run fails, not with NaN.
    bool collapsed() const;
    std::size_t epoch() const { return sampler_.epoch(); }

    // PSNRs on the held-out set (forward passes only).
    DenoisingEval evaluate();

    const Tensor& eval_clean() const { return eval_clean_; }  // (eval_count, 1, 28, 28)
    const Tensor& eval_noisy() const { return eval_noisy_; }  // (eval_count, 1, 28, 28)
    // The networks' outputs g(f(x)) for x (N, 1, 28, 28), any values.
    Tensor denoise(const Tensor& x);
    Tensor reconstruct_plain(const Tensor& x);

    // The last training batch: the clean images, the denoiser's corrupted input and output.
    const Tensor& last_clean() const { return batch_; }
    const Tensor& last_noisy() const { return denoise_trainer_.last_input(); }
    const Tensor& last_denoised() const { return denoise_trainer_.last_output(); }

    Sequential& denoiser() { return denoiser_; }
    Sequential& plain_ae() { return plain_; }
    const DenoisingRecipeOptions& options() const { return o_; }

private:
    const Dataset& data_;
    DenoisingRecipeOptions o_;
    Sequential denoiser_, plain_;
    Adam denoise_opt_, plain_opt_;
    AutoencoderTrainer denoise_trainer_, plain_trainer_;
    BatchSampler sampler_;
    Tensor batch_;                    // (batch_size, 1, 28, 28)
    Tensor eval_clean_, eval_noisy_;  // (eval_count, 1, 28, 28)
    float plain_loss_ = 0;
    int step_ = 0;
};

}  // namespace aelab
