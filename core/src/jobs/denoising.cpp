// aelab core: the denoising lesson's training job (aelab/jobs/denoising.hpp).
#include "aelab/jobs/denoising.hpp"

#include <cmath>

#include "aelab/error.hpp"

namespace aelab {

namespace {
const char* const kNoiseKeys[] = {"none", "gaussian", "masking", "salt_and_pepper"};
}  // namespace

const char* const kDenoisingCollapseMessage =
    "every output became the same image whatever the input: all the ReLUs of a layer died, so the loss cannot "
    "fall any more (with a Sigmoid output it stays bounded instead of becoming NaN). The learning rate is "
    "probably too high. Lower it and press Reset.";

const char* const kInpaintingCollapseMessage =
    "the outputs collapsed to one image: the learning rate is probably too high";

JobSpec denoising_job_spec(const DenoisingRecipeOptions& o, bool inpainting) {
    JobSpec s("denoising");
    s.set("noise", std::string(kNoiseKeys[int(o.corruption)])).set("level", o.level).set("lr", o.learning_rate);
    s.set("seed", o.seed).set("steps", o.steps).set("batch", o.batch_size).set("eval", o.eval_count);
    s.set("hidden", o.model.hidden).set("code", o.model.code);
    if (inpainting) s.set("inpainting", true);
    return s;
}

DenoisingRecipeOptions denoising_job_options(const JobSpec& s) {
    DenoisingRecipeOptions o;
    const std::string noise = s.get("noise", kNoiseKeys[int(o.corruption)]);
    bool known = false;
    for (int c = 0; c < 4; ++c)
        if (noise == kNoiseKeys[c]) o.corruption = Corruption(c), known = true;
    if (!known) throw Error("job denoising: noise=" + printable(noise) + " is not none, gaussian, masking or salt_and_pepper");
    o.level = s.get_float("level", o.level, 0.0f, 10.0f);
    get_training_keys(s, o);
    o.eval_count = s.get_int("eval", o.eval_count, 0, 10000);
    o.model.hidden = s.get_int("hidden", o.model.hidden, 1, 4096);
    o.model.code = s.get_int("code", o.model.code, 1, 4096);
    return o;
}

DenoisingEval denoising_eval_from(const std::vector<float>& f) {
    if (f.size() != 6) throw Error("denoising evaluation: expected 6 figures, got " + std::to_string(f.size()));
    return {f[0], f[1], f[2], f[3], f[4], f[5]};
}

DenoisingJob::DenoisingJob(const Dataset& data, const DenoisingRecipeOptions& o, bool inpainting)
    : o_(o), recipe_(data, o), epoch_size_(int(data.size(Split::train))), inpainting_(inpainting) {}

float DenoisingJob::step(float* curves) {
    const float loss = recipe_.train_step();
    curves[0] = recipe_.last_plain_loss();
    if (recipe_.collapsed()) throw Error(inpainting_ ? kInpaintingCollapseMessage : kDenoisingCollapseMessage);
    if (inpainting_) return loss;
    return std::isfinite(recipe_.last_plain_loss()) ? loss : recipe_.last_plain_loss();
}

std::vector<float> DenoisingJob::evaluate() {
    // The figures go through float: the page shows 2 decimals of dB, the CLI prints the recipe's own double.
    const DenoisingEval e = recipe_.evaluate();
    return {float(e.mse_noisy), float(e.mse_denoised), float(e.mse_plain_ae),
            float(e.psnr_noisy_db), float(e.psnr_denoised_db), float(e.psnr_plain_ae_db)};
}

void DenoisingJob::save_view(std::vector<float>& out) const {
    ViewWriter w{out};
    w.model(const_cast<DenoisingRecipe&>(recipe_).denoiser());
    w.model(const_cast<DenoisingRecipe&>(recipe_).plain_ae());
}

void DenoisingJob::load_view(const std::vector<float>& in) {
    ViewReader r{in, "denoising"};
    r.model(recipe_.denoiser());
    r.model(recipe_.plain_ae());
    r.done();
}

std::unique_ptr<TrainJob> make_denoising_job(const JobSpec& spec, const Dataset* data) {
    if (!data) throw Error("job denoising: needs the Fashion-MNIST dataset");
    return std::make_unique<DenoisingJob>(*data, denoising_job_options(spec), spec.get_bool("inpainting", false));
}

}  // namespace aelab
