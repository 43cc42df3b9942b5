// aelab core: the training job of the denoising lesson (and of the ae-applications inpainting
// run): a DenoisingRecipe built from a JobSpec.
//   kind "denoising"; keys noise (none|gaussian|masking|salt_and_pepper), level, lr, seed,
//   steps, batch, eval (held-out images; 0: no evaluation), hidden, code, inpainting (1: the
//   ae-applications inpainting run, written only when set).
// step(): the denoiser's loss; curve 0 is the plain autoencoder's loss. A collapsed network
// stops the run with a message. evaluate(): the six DenoisingEval numbers in declaration order.
// View state: both networks' weights.
// The inpainting run, as that lesson always trained it: its own collapse message, the
// denoiser's loss even when the plain network's is not finite, and no evaluation.
#pragma once
#include <memory>

#include "aelab/recipe_denoising.hpp"
#include "aelab/train_job.hpp"

namespace aelab {

JobSpec denoising_job_spec(const DenoisingRecipeOptions& o, bool inpainting = false);
DenoisingRecipeOptions denoising_job_options(const JobSpec& spec);
DenoisingEval denoising_eval_from(const std::vector<float>& figures);
// Why a collapsed run stopped (the ReLUs of a layer died at a too-high learning rate).
extern const char* const kDenoisingCollapseMessage;
extern const char* const kInpaintingCollapseMessage;

class DenoisingJob : public TrainJob {
public:
    DenoisingJob(const Dataset& data, const DenoisingRecipeOptions& o, bool inpainting = false);
    int curve_count() const override { return 1; }
    float step(float* curves) override;
    bool evaluates() const override { return !inpainting_ && o_.eval_count > 0; }
    std::vector<float> evaluate() override;
    void save_view(std::vector<float>& out) const override;
    void load_view(const std::vector<float>& in) override;
    int epoch_size() const override { return epoch_size_; }
    int batch_size() const override { return o_.batch_size; }
    DenoisingRecipe& recipe() { return recipe_; }

private:
    DenoisingRecipeOptions o_;
    DenoisingRecipe recipe_;
    int epoch_size_;
    bool inpainting_;
};

std::unique_ptr<TrainJob> make_denoising_job(const JobSpec& spec, const Dataset* data);

}  // namespace aelab
