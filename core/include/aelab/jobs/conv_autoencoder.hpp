// aelab core: the training job of the "Convolutional autoencoders" lesson: a ConvAeRecipe (one
// or two networks on the same batches) built from a JobSpec.
//   kind "conv_ae"; keys arch, arch2 (the architecture texts, aelab/architecture.hpp; arch2
//   "none": one network), lr, batch, steps, eval (held-out images), seed, aug (0/1: random
//   shifts and flips of every batch), shift, flip (the augmentation's options).
// Augmentation is a setting of the run: switching it makes a new job, never changes one.
// step(): network 1's loss (a non-finite loss of either network is returned instead, so a
// divergence of either stops the run); curve 0 is network 2's loss when there are two.
// evaluate(): each network's held-out PSNR (dB). View state: every network's weights and
// buffers (BatchNorm statistics), and the step.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "aelab/recipe_conv_ae.hpp"
#include "aelab/train_job.hpp"

namespace aelab {

// specs: one or two architecture texts. Throws aelab::Error for another count or a text a job
// spec cannot hold (over 1024 characters).
JobSpec conv_ae_job_spec(const std::vector<std::string>& specs, const ConvAeOptions& o);
ConvAeOptions conv_ae_job_options(const JobSpec& spec);
std::vector<std::string> conv_ae_job_archs(const JobSpec& spec);

class ConvAeJob : public TrainJob {
public:
    ConvAeJob(const Dataset& data, const std::vector<std::string>& specs, const ConvAeOptions& o);
    int curve_count() const override { return int(recipe_.size()) - 1; }
    float step(float* curves) override;
    bool evaluates() const override { return true; }
    std::vector<float> evaluate() override;
    void save_view(std::vector<float>& out) const override;
    void load_view(const std::vector<float>& in) override;
    int epoch_size() const override { return epoch_size_; }
    int batch_size() const override { return recipe_.options().batch_size; }
    ConvAeRecipe& recipe() { return recipe_; }
    // The step of the weights the recipe holds: its own, or in a copy that loaded a view state,
    // the trained job's.
    int shown_step() const { return loaded_ ? step_ : recipe_.step(); }

private:
    ConvAeRecipe recipe_;
    int epoch_size_;
    bool loaded_ = false;
    int step_ = 0;
};

std::unique_ptr<TrainJob> make_conv_ae_job(const JobSpec& spec, const Dataset* data);

}  // namespace aelab
