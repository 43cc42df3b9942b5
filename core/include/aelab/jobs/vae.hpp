// aelab core: the training job of the "VAE sampling" lesson: a VaeRecipe built from a JobSpec.
//   kind "vae"; keys hidden, latent, beta, lr, batch, steps, seed, eval (test images of the
//   held-out ELBO; 0: all of them).
// step(): the loss recon + beta * KL; curves 0-2 are the batch's recon, KL and
// ELBO = -(recon + KL), per image. evaluate(): one figure, the test ELBO on the first `eval`
// test images. View state: the VAE's weights.
#pragma once
#include <memory>

#include "aelab/recipe_vae.hpp"
#include "aelab/train_job.hpp"

namespace aelab {

// The spec of a run; `eval_images` is the held-out ELBO's image count (0: all).
JobSpec vae_job_spec(const VaeRecipeOptions& o, int eval_images);
VaeRecipeOptions vae_job_options(const JobSpec& spec);
int vae_job_eval_images(const JobSpec& spec);

class VaeJob : public TrainJob {
public:
    VaeJob(const Dataset& data, const VaeRecipeOptions& o, int eval_images);
    int curve_count() const override { return 3; }
    float step(float* curves) override;
    bool evaluates() const override { return true; }
    std::vector<float> evaluate() override;
    void save_view(std::vector<float>& out) const override;
    void load_view(const std::vector<float>& in) override;
    int epoch_size() const override { return epoch_size_; }
    int batch_size() const override { return recipe_.options().batch_size; }
    VaeRecipe& recipe() { return recipe_; }

private:
    VaeRecipe recipe_;
    int eval_images_, epoch_size_;
};

std::unique_ptr<TrainJob> make_vae_job(const JobSpec& spec, const Dataset* data);

}  // namespace aelab
