// aelab core: training loops for the lessons, deterministic for a seed (every random draw -
// batch order, corruption, the VAE's eps - comes from aelab::Rng).
//
//   BatchSampler        shuffled mini-batches of indices, a new permutation each epoch
//                       (Fisher-Yates with Rng::below), the last partial batch dropped.
//   AutoencoderTrainer  one train_step(batch): zero_grad, corrupt the batch (denoising) or not,
//                       forward, MSE against the CLEAN batch, backward, optimizer step.
//   VaeTrainer          the same for a Vae: loss = recon + beta * KL.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "aelab/model.hpp"
#include "aelab/models.hpp"
#include "aelab/optim.hpp"
#include "aelab/rng.hpp"

namespace aelab {

class BatchSampler {
public:
    BatchSampler(std::size_t dataset_size, std::size_t batch_size, std::uint64_t seed);
    // The next batch_size indices; reshuffles when an epoch is used up.
    std::vector<std::size_t> next();
    std::size_t epoch() const { return epoch_; }

private:
    std::size_t batch_;
    std::vector<std::size_t> order_;
    std::size_t pos_ = 0, epoch_ = 0;
    Rng rng_;
};

// How a denoising autoencoder's inputs are corrupted (noise.hpp); level is sigma for
// gaussian, the probability p for masking and salt_and_pepper.
enum class Corruption { none, gaussian, masking, salt_and_pepper };
const char* corruption_name(Corruption c);

struct TrainerOptions {
    Corruption corruption = Corruption::none;
    float level = 0.0f;
    std::uint64_t seed = 0;  // for the corruption noise
};

class AutoencoderTrainer {
public:
    AutoencoderTrainer(Sequential& model, Optimizer& optimizer, const TrainerOptions& o = {});
    // One optimisation step on batch (N, sample...); returns the MSE before the update.
    float train_step(const Tensor& batch);
    // MSE of the model on the clean batch in evaluation mode (EvalScope), no update.
    float evaluate(const Tensor& batch);
    // The input and output of the last train_step (the corrupted batch and its reconstruction).
    const Tensor& last_input() const { return input_; }
    const Tensor& last_output() const { return output_; }
    // The corruption alone, drawing from the trainer's Rng (what train_step feeds the model).
    Tensor corrupt(const Tensor& batch);

private:
    Sequential& model_;
    Optimizer& opt_;
    TrainerOptions o_;
    Rng rng_;
    Tensor input_, output_;
};

class VaeTrainer {
public:
    // seed: for eps.
    VaeTrainer(Vae& vae, Optimizer& optimizer, std::uint64_t seed = 0);
    VaeLoss train_step(const Tensor& batch);

private:
    Vae& vae_;
    Optimizer& opt_;
    Rng rng_;
};

}  // namespace aelab
