// aelab core: the training job of the "PCA as a linear autoencoder" lesson: a LinearAeRecipe
// built from a JobSpec.
//   kind "linear_ae"; keys latent, tied, act (none|relu|leaky_relu|sigmoid|tanh|softplus), lr,
//   batch, steps, decay (decay_start), final_lr (final_lr_fraction), probe_every, seed and pca
//   (the PCA components the data is prepared with).
// step(): the batch's MSE. No evaluation: the recipe probes itself (principal angles to PCA's
// subspace, test MSE) every probe_every steps, and the probes travel in the view state.
// View state: the model's weights, the step, the learning rate of the next step and every
// probe so far (step, largest and mean angle, test MSE; the angles as floats).
#pragma once
#include <memory>
#include <vector>

#include "aelab/recipe_linear_ae.hpp"
#include "aelab/train_job.hpp"

namespace aelab {

// `components`: the PCA the data is prepared with (>= the latent size).
JobSpec linear_ae_job_spec(const LinearAeConfig& c, int components);
LinearAeConfig linear_ae_job_options(const JobSpec& spec);
int linear_ae_job_components(const JobSpec& spec);
// The prepared data (centred images, PCA) of a dataset, computed once and shared: the page's
// copy of the job, its lesson and a trainer thread use one PCA (the last dataset and component
// count asked for are kept; safe to call from any thread).
std::shared_ptr<const LinearAeData> linear_ae_job_data(const Dataset& d, int components);

class LinearAeJob : public TrainJob {
public:
    LinearAeJob(std::shared_ptr<const LinearAeData> data, const LinearAeConfig& c);
    float step(float*) override { return recipe_.train_step(); }
    void save_view(std::vector<float>& out) const override;
    void load_view(const std::vector<float>& in) override;
    int epoch_size() const override { return int(recipe_.data().train_centered.shape()[0]); }
    int batch_size() const override { return recipe_.config().batch_size; }
    LinearAeRecipe& recipe() { return recipe_; }

    // What the lesson's views show: the recipe's own step, learning rate and probes, or in a
    // copy that loaded a view state, the trained job's.
    int shown_step() const { return loaded_ ? step_ : recipe_.step(); }
    float shown_learning_rate() const { return loaded_ ? lr_ : recipe_.current_learning_rate(); }
    const std::vector<LinearAeProbe>& probes() const { return loaded_ ? probes_ : recipe_.probes(); }

private:
    LinearAeRecipe recipe_;
    bool loaded_ = false;
    int step_ = 0;
    float lr_ = 0;
    std::vector<LinearAeProbe> probes_;
};

std::unique_ptr<TrainJob> make_linear_ae_job(const JobSpec& spec, const Dataset* data);

}  // namespace aelab
