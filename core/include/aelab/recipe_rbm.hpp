// aelab core: the recipes of the "Restricted Boltzmann machines and deep belief networks" lesson
// and of `aelab-cli train rbm|dbn-ae`, so the page and the command train the same machines and
// report the same numbers.
//
// Data: Fashion-MNIST images (V = 784) made binary, because the RBM's visible units are bits:
//   threshold  v = (x > 0.5), fixed (the held-out set too)
//   sampled    v ~ Bernoulli(x), drawn afresh each time an image is used in training (from the
//              recipe's data Rng); the held-out set is sampled once with Rng(kRbmEvalSeed)
//
// RbmRecipe: one RBM trained by CD-k (rbm.hpp) on mini-batches from BatchSampler. With few
// hidden units (<= kRbmExactMaxHidden; the lesson's default 16 sums 2^16 = 65,536 hidden states)
// evaluate() also gives the exact held-out log-likelihood, so CD's reconstruction error and the
// likelihood can be compared (they disagree: the error keeps falling when the likelihood stalls
// or drops, most with CD-1 and a high learning rate).
//
// DbnAeRecipe: the deep autoencoder of Hinton & Salakhutdinov (Science 2006), small enough to
// train live, 784 - h1 - h2 with logistic units everywhere, in three arms trained side by side on
// the same mini-batches with the same step budget:
//   dbn      stage 1: RBM 1 (784 x h1) by CD-1 on the binarised pixels; stage 2: RBM 2 (h1 x h2)
//            by CD-1 on RBM 1's hidden probabilities p(h1 | v); then the stack is unrolled into
//            the autoencoder 784 -> h1 -> h2 -> h1 -> 784 (encoder: W1^T, c1 then W2^T, c2;
//            decoder: W2, b2 then W1, b1) and fine-tuned end to end by backpropagation
//   random   the same autoencoder from random weights (the seed's), trained end to end for the
//            whole budget
//   greedy   Lessons III's greedy stacking with this architecture: autoencoder 784-h1-784 on the
//            pixels, then h1-h2-h1 on its codes, then unrolled and fine-tuned
// Stages take stage1_steps, stage2_steps and finetune_steps (the random arm trains for their sum).
// Fine-tuning and every autoencoder use Adam on the MSE against the binarised image (the
// autoencoders see the same binarised batches as the RBMs). Held-out MSE: per pixel, on the first
// eval_count test images (binarised as above), against the binarised image.
//
// Determinism: weights from Rng(seed), batch order from seed + 1, binarisation and Gibbs sampling
// from seed + 2 (one stream per recipe, drawn in a fixed order), so a seed gives one run.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "aelab/dataset.hpp"
#include "aelab/model.hpp"
#include "aelab/optim.hpp"
#include "aelab/rbm.hpp"
#include "aelab/rng.hpp"
#include "aelab/tensor.hpp"
#include "aelab/train.hpp"

namespace aelab {

enum class Binarize { threshold, sampled };
const char* binarize_name(Binarize b);  // "threshold", "sampled"

// The held-out binarisation's seed for Binarize::sampled (independent of the training seed).
constexpr std::uint64_t kRbmEvalSeed = 2006;

// Images x (N, 1, 28, 28) or (N, 784) in [0, 1] -> binary (N, 784). `rng` is used (one uniform
// per pixel, row-major) only for Binarize::sampled.
Tensor binarize_images(const Tensor& x, Binarize mode, Rng& rng);

struct RbmRecipeOptions {
    int hidden = 16;              // <= kRbmExactMaxHidden: exact log-likelihood available
    CdOptions cd{};               // k = 1, lr 0.05, momentum 0.5, no weight decay
    Binarize binarize = Binarize::threshold;
    int batch_size = 64;
    int steps = 3000;
    int eval_count = 1000;        // held-out test images
    std::uint64_t seed = 1;
};

struct RbmEval {
    double recon_error = 0;         // held-out: mean over images and pixels of (v - p(v | p(h | v)))^2
    bool exact = false;             // whether the two below were computed (hidden <= kRbmExactMaxHidden)
    double log_z = 0;               // log Z
    double log_likelihood = 0;      // mean held-out log p(v), nats per image
};

class RbmRecipe {
public:
    // data must outlive the recipe. Throws aelab::Error for bad options (sizes, k < 1, batch).
    RbmRecipe(const Dataset& data, const RbmRecipeOptions& o = {});

    // One CD-k step on the next batch; returns its reconstruction error (CdTrace::recon_error).
    double train_step();
    int step() const { return step_; }
    std::size_t epoch() const { return sampler_.epoch(); }
    const CdTrace& last() const { return trainer_.last(); }
    RbmEval evaluate();

    // The held-out images, binarised (eval_count, 784), and the first `count` training images
    // binarised the way training sees them (threshold: fixed; sampled: one fresh draw).
    const Tensor& eval_images() const { return eval_; }
    // Mean-field reconstructions p(v | p(h | v)) of v (N, 784): (N, 784).
    Tensor reconstruct(const Tensor& v) const;
    // The filters: column j of W as a 28 x 28 image, (H, 1, 28, 28).
    Tensor filters() const;

    Rbm& rbm() { return rbm_; }
    const Rbm& rbm() const { return rbm_; }
    RbmTrainer& trainer() { return trainer_; }
    const RbmRecipeOptions& options() const { return o_; }
    Rng& sampling_rng() { return rng_; }

private:
    const Dataset& data_;
    RbmRecipeOptions o_;
    Rbm rbm_;
    RbmTrainer trainer_;
    BatchSampler sampler_;
    Rng rng_;
    Tensor eval_;
    int step_ = 0;
};

struct DbnAeOptions {
    int hidden1 = 256, hidden2 = 32;
    int stage1_steps = 600, stage2_steps = 300, finetune_steps = 2100;
    CdOptions cd{1, 0.1f, 0.5f, 0.0002f};   // both RBMs
    float learning_rate = 1e-3f;            // Adam: the greedy autoencoders and every fine-tuning
    Binarize binarize = Binarize::threshold;
    int batch_size = 64;
    int eval_count = 500;
    std::uint64_t seed = 1;
    int total_steps() const { return stage1_steps + stage2_steps + finetune_steps; }
};
// The default proportions for a run of `total_steps` (>= 3): 20% stage 1, 10% stage 2, the rest
// fine-tuning; the other options from `base`. (Measured with `aelab-cli train dbn-ae`, 3000 steps,
// seeds 1-3: this split and CD lr 0.1 give the pretrained arm its best held-out MSE, level with
// the greedy autoencoders and ~11% under random init; 30/20/50 left it behind the greedy arm.)
DbnAeOptions dbn_ae_schedule(int total_steps, const DbnAeOptions& base = {});

enum class DbnStage { layer1, layer2, finetune, done };
const char* dbn_stage_name(DbnStage s);  // "RBM 1" / "layer 1", ... see the .cpp

enum class DbnArm { dbn, random, greedy };
const char* dbn_arm_name(DbnArm a);  // "RBM-pretrained", "random init", "greedy AE"

struct DbnAeEval {
    double mse_dbn = 0, mse_random = 0, mse_greedy = 0;  // held-out, per pixel
};

class DbnAeRecipe {
public:
    DbnAeRecipe(const Dataset& data, const DbnAeOptions& o = {});
    ~DbnAeRecipe();  // defined where Impl is complete
    // One step of every arm on the same batch (stage 1 and 2: the RBM's CD step and the greedy
    // arm's autoencoder step; fine-tuning: Adam on both unrolled autoencoders; the random arm
    // always end to end). Returns the dbn arm's loss of this step: RBM reconstruction error in
    // stages 1-2, pixel MSE when fine-tuning.
    float train_step();
    DbnStage stage() const;
    int step() const { return step_; }

    // Per-step losses of each arm: dbn and greedy per stage (stage 2: on h1 codes), random
    // end to end (pixels) every step.
    const std::vector<float>& losses(DbnArm arm, DbnStage stage) const;
    const std::vector<float>& random_losses() const;

    // Held-out pixel MSE of the three autoencoders as their weights are now (the dbn and greedy
    // arms unrolled from what their stages have trained so far).
    DbnAeEval evaluate();
    // Reconstructions (N, 1, 28, 28) of binary images v (N, 784) by each arm's autoencoder.
    Tensor reconstruct(DbnArm arm, const Tensor& v);
    const Tensor& eval_images() const { return eval_; }  // (eval_count, 784), binarised

    const Rbm& rbm1() const { return rbm1_; }
    const Rbm& rbm2() const { return rbm2_; }
    Rbm& rbm1() { return rbm1_; }
    Rbm& rbm2() { return rbm2_; }
    // Whether the dbn arm's unrolled network is the one being fine-tuned (from the first
    // fine-tuning step on) rather than a copy of the RBMs.
    bool finetuning() const;
    // A view copy built from the same options (aelab/jobs/rbm.hpp) takes the step and the stage
    // of the run whose weights it loads; when finetuning, autoencoder(DbnArm::dbn) is then the
    // network to load the fine-tuned weights into.
    void set_view_state(int step, bool finetuning);
    // The unrolled autoencoder of an arm (784 -> h1 -> h2 -> h1 -> 784, Sigmoid after every
    // Linear); for dbn and greedy, built at the start of fine-tuning (before: a copy unrolled on
    // demand by reconstruct/evaluate).
    Sequential& autoencoder(DbnArm arm);
    const DbnAeOptions& options() const { return o_; }

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    const Dataset& data_;
    DbnAeOptions o_;
    Rbm rbm1_, rbm2_;
    Tensor eval_;
    int step_ = 0;
};

}  // namespace aelab
