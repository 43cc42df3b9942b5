// aelab core: the VAE lesson's training job (aelab/jobs/vae.hpp).
#include "aelab/jobs/vae.hpp"

#include "aelab/error.hpp"

namespace aelab {

JobSpec vae_job_spec(const VaeRecipeOptions& o, int eval_images) {
    JobSpec s("vae");
    s.set("hidden", o.hidden).set("latent", o.latent).set("beta", o.beta).set("lr", o.learning_rate);
    s.set("batch", o.batch_size).set("steps", o.steps).set("seed", o.seed).set("eval", eval_images);
    return s;
}

VaeRecipeOptions vae_job_options(const JobSpec& s) {
    VaeRecipeOptions o;
    o.hidden = s.get_int("hidden", o.hidden, 1, 4096);
    o.latent = s.get_int("latent", o.latent, 1, 64);
    o.beta = s.get_float("beta", o.beta, 0.0f, 100.0f);
    get_training_keys(s, o);
    return o;
}

int vae_job_eval_images(const JobSpec& s) { return s.get_int("eval", 0, 0, 1000000); }

VaeJob::VaeJob(const Dataset& data, const VaeRecipeOptions& o, int eval_images)
    : recipe_(data, o), eval_images_(eval_images), epoch_size_(int(data.size(Split::train))) {}

float VaeJob::step(float* curves) {
    const float loss = recipe_.train_step();
    const VaeLoss& l = recipe_.last_loss();
    curves[0] = l.recon, curves[1] = l.kl, curves[2] = -(l.recon + l.kl);
    return loss;
}

std::vector<float> VaeJob::evaluate() { return {float(recipe_.evaluate(std::size_t(eval_images_)).elbo)}; }

void VaeJob::save_view(std::vector<float>& out) const {
    ViewWriter w{out};
    w.model(recipe_.vae().net());
}

void VaeJob::load_view(const std::vector<float>& in) {
    ViewReader r{in, "vae"};
    r.model(recipe_.vae().net());
    r.done();
}

std::unique_ptr<TrainJob> make_vae_job(const JobSpec& spec, const Dataset* data) {
    if (!data) throw Error("job vae: needs the Fashion-MNIST dataset");
    return std::make_unique<VaeJob>(*data, vae_job_options(spec), vae_job_eval_images(spec));
}

}  // namespace aelab
