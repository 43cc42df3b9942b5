// aelab core: the training jobs of the "Restricted Boltzmann machines and deep belief networks"
// lesson: an RbmRecipe and a DbnAeRecipe built from a JobSpec.
//
//   kind "rbm"; keys hidden, k, lr, momentum, decay, bin (threshold|sampled), batch, steps,
//   eval (held-out images, at most the test set's size: the job clamps it), seed, logz_every.
//   step(): CD-k's reconstruction error of the batch; curve 0 is the same number (the lesson's
//   train_recon curve). evaluate(): the held-out reconstruction error, then 1 and the RBM's
//   W, b, c when log Z is due (every logz_every steps, 0: never, and at the last step, with at
//   most kRbmExactMaxHidden hidden units), else 0. The page sums that snapshot's log Z a slice
//   per frame (the lesson's LogPartitionJob). View state: the RBM (W, b, c).
//
//   kind "dbn-ae"; keys h1, h2, stage1, stage2, finetune (steps), k, cd_lr, momentum, decay, lr,
//   bin, batch, eval, seed.
//   step(): the dbn arm's loss; curves 0 and 1 the random and greedy arms' losses of the step.
//   evaluate(): the three held-out MSEs (dbn, random, greedy). View state: the step and stage,
//   both RBMs, the random and greedy autoencoders and, once fine-tuning, the dbn arm's network.
#pragma once
#include <memory>
#include <vector>

#include "aelab/recipe_rbm.hpp"
#include "aelab/train_job.hpp"

namespace aelab {

struct RbmJobOptions {
    RbmRecipeOptions recipe;
    int log_z_every = 0;  // steps between the log Z snapshots (0: none)
};
JobSpec rbm_job_spec(const RbmJobOptions& o);
RbmJobOptions rbm_job_options(const JobSpec& spec);

// What RbmJob::evaluate() gave: the reconstruction error and, when due, the RBM to sum log Z of.
struct RbmJobEval {
    double recon_error = 0;
    bool has_snapshot = false;
    Rbm snapshot;
};
RbmJobEval rbm_eval_from(const std::vector<float>& figures, int hidden);

class RbmJob : public TrainJob {
public:
    // The held-out count is clamped to the test set's size (at least 1).
    RbmJob(const Dataset& data, const RbmJobOptions& o);
    int curve_count() const override { return 1; }
    float step(float* curves) override;
    bool evaluates() const override { return true; }
    std::vector<float> evaluate() override;
    void save_view(std::vector<float>& out) const override;
    void load_view(const std::vector<float>& in) override;
    int epoch_size() const override { return epoch_size_; }
    int batch_size() const override { return o_.recipe.batch_size; }
    RbmRecipe& recipe() { return recipe_; }

private:
    RbmJobOptions o_;
    RbmRecipe recipe_;
    int epoch_size_;
};

JobSpec dbn_job_spec(const DbnAeOptions& o);
DbnAeOptions dbn_job_options(const JobSpec& spec);
DbnAeEval dbn_eval_from(const std::vector<float>& figures);

class DbnJob : public TrainJob {
public:
    DbnJob(const Dataset& data, const DbnAeOptions& o);
    int curve_count() const override { return 2; }
    float step(float* curves) override;
    bool evaluates() const override { return true; }
    std::vector<float> evaluate() override;
    void save_view(std::vector<float>& out) const override;
    void load_view(const std::vector<float>& in) override;
    int epoch_size() const override { return epoch_size_; }
    int batch_size() const override { return recipe_.options().batch_size; }
    DbnAeRecipe& recipe() { return recipe_; }

private:
    DbnAeRecipe recipe_;
    int epoch_size_;
};

std::unique_ptr<TrainJob> make_rbm_job(const JobSpec& spec, const Dataset* data);
std::unique_ptr<TrainJob> make_dbn_job(const JobSpec& spec, const Dataset* data);

}  // namespace aelab
