// The denoising-autoencoder recipe (see recipe_denoising.hpp).
#include "aelab/recipe_denoising.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "aelab/loss.hpp"
#include "aelab/noise.hpp"

namespace aelab {
namespace {

// Independent streams from one seed: the initial weights use `seed` itself.
constexpr std::uint64_t kBatchStream = 0x9e3779b97f4a7c15ULL, kNoiseStream = 0xc2b2ae3d27d4eb4fULL;

const DenoisingRecipeOptions& checked(const DenoisingRecipeOptions& o, const Dataset& data) {
    if (o.batch_size < 1 || std::size_t(o.batch_size) > data.size(Split::train))
        throw Error("denoising recipe: batch size must be in [1, " + std::to_string(data.size(Split::train)) +
                    "], got " + std::to_string(o.batch_size));
    if (o.eval_count < 1 || std::size_t(o.eval_count) > data.size(Split::test))
        throw Error("denoising recipe: eval_count must be in [1, " + std::to_string(data.size(Split::test)) +
                    "], got " + std::to_string(o.eval_count));
    const std::size_t sample_size = numel(o.model.sample_shape);
    if (std::size_t(data.rows) * data.cols != sample_size)
        throw Error("denoising recipe: the model expects " + shape_str(o.model.sample_shape) + " images, the dataset has " +
                    std::to_string(data.rows) + " x " + std::to_string(data.cols));
    if (!(o.learning_rate > 0) || !std::isfinite(o.learning_rate))
        throw Error("denoising recipe: the learning rate must be positive, got " + std::to_string(o.learning_rate));
    return o;
}

}  // namespace

Tensor corrupt(const Tensor& x, Corruption c, float level, Rng& rng) {
    switch (c) {
        case Corruption::none: return x;
        case Corruption::gaussian: return gaussian_noise(x, level, rng);
        case Corruption::masking: return masking_noise(x, level, rng);
        case Corruption::salt_and_pepper: return salt_and_pepper_noise(x, level, rng);
    }
    return x;
}

DenoisingRecipe::DenoisingRecipe(const Dataset& data, const DenoisingRecipeOptions& o)
    : data_(data),
      o_(checked(o, data)),
      denoiser_(denoising_autoencoder(o.model, o.seed)),
      plain_(denoising_autoencoder(o.model, o.seed)),  // the same initial weights
      denoise_opt_(AdamOptions{o.learning_rate}),
      plain_opt_(AdamOptions{o.learning_rate}),
      denoise_trainer_(denoiser_, denoise_opt_, TrainerOptions{o.corruption, o.level, o.seed ^ kNoiseStream}),
      plain_trainer_(plain_, plain_opt_, TrainerOptions{Corruption::none, 0.0f, 0}),
      sampler_(data.size(Split::train), std::size_t(o.batch_size), o.seed ^ kBatchStream) {
    eval_clean_ = data.batch(Split::test, 0, std::size_t(o.eval_count));
    Rng eval_rng(kEvalNoiseSeed);
    eval_noisy_ = corrupt(eval_clean_, o.corruption, o.level, eval_rng);  // also checks the level
}

float DenoisingRecipe::train_step() {
    batch_ = data_.gather(Split::train, sampler_.next());
    const float loss = denoise_trainer_.train_step(batch_);
    plain_loss_ = plain_trainer_.train_step(batch_);
    ++step_;
    return loss;
}

namespace {
bool same_for_every_example(const Tensor& out) {
    if (out.dimension() == 0 || out.shape()[0] < 2) return false;
    const std::size_t n = out.shape()[0], per = out.size() / n;
    const float* first = out.data();
    for (std::size_t i = 1; i < n; ++i)
        for (std::size_t k = 0; k < per; ++k)
            if (out.data()[i * per + k] != first[k]) return false;
    return true;
}
}  // namespace

bool DenoisingRecipe::collapsed() const {
    return step_ > 0 && (same_for_every_example(denoise_trainer_.last_output()) ||
                         same_for_every_example(plain_trainer_.last_output()));
}

Tensor DenoisingRecipe::denoise(const Tensor& x) { return denoiser_.forward(x); }
Tensor DenoisingRecipe::reconstruct_plain(const Tensor& x) { return plain_.forward(x); }

DenoisingEval DenoisingRecipe::evaluate() {
    DenoisingEval e;
    e.mse_noisy = mse_loss(eval_noisy_, eval_clean_);
    e.mse_denoised = mse_loss(denoise(eval_noisy_), eval_clean_);
    e.mse_plain_ae = mse_loss(reconstruct_plain(eval_noisy_), eval_clean_);
    e.psnr_noisy_db = psnr_from_mse(e.mse_noisy);
    e.psnr_denoised_db = psnr_from_mse(e.mse_denoised);
    e.psnr_plain_ae_db = psnr_from_mse(e.mse_plain_ae);
    return e;
}

}  // namespace aelab
