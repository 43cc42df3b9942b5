// aelab core: the PCA / linear autoencoder lesson's training job (aelab/jobs/pca_linear_ae.hpp).
#include "aelab/jobs/pca_linear_ae.hpp"

#include <mutex>

#include "aelab/error.hpp"

namespace aelab {

namespace {
// Activation names in the spec, by enum value (models.hpp).
const char* const kActivationKeys[] = {"none", "relu", "leaky_relu", "sigmoid", "tanh", "softplus"};
constexpr int kActivationKeyCount = 6;
}  // namespace

JobSpec linear_ae_job_spec(const LinearAeConfig& c, int components) {
    JobSpec s("linear_ae");
    s.set("latent", c.latent).set("tied", c.tied).set("act", std::string(kActivationKeys[int(c.activation)]));
    s.set("lr", c.learning_rate).set("batch", c.batch_size).set("steps", c.steps);
    s.set("decay", c.decay_start).set("final_lr", c.final_lr_fraction).set("probe_every", c.probe_every);
    s.set("seed", c.seed).set("pca", components);
    return s;
}

LinearAeConfig linear_ae_job_options(const JobSpec& s) {
    LinearAeConfig c;
    c.latent = s.get_int("latent", c.latent, LinearAeConfig::kMinLatent, LinearAeConfig::kMaxLatent);
    c.tied = s.get_bool("tied", c.tied);
    const std::string act = s.get("act", kActivationKeys[int(c.activation)]);
    bool known = false;
    for (int a = 0; a < kActivationKeyCount; ++a)
        if (act == kActivationKeys[a]) c.activation = Activation(a), known = true;
    if (!known)
        throw Error("job linear_ae: act=" + printable(act) + " is not none, relu, leaky_relu, sigmoid, tanh or softplus");
    get_training_keys(s, c);
    c.decay_start = s.get_float("decay", c.decay_start, 0.0f, 1.0f);
    c.final_lr_fraction = s.get_float("final_lr", c.final_lr_fraction, 1e-6f, 1.0f);
    c.probe_every = s.get_int("probe_every", c.probe_every, 1, 1 << 24);
    return c;
}

int linear_ae_job_components(const JobSpec& s) {
    return s.get_int("pca", LinearAeConfig::kMaxLatent, LinearAeConfig::kMaxLatent, 784);
}

std::shared_ptr<const LinearAeData> linear_ae_job_data(const Dataset& d, int components) {
    static std::mutex m;
    static const Dataset* for_data = nullptr;
    static int for_components = 0;
    static std::shared_ptr<const LinearAeData> kept;
    std::lock_guard<std::mutex> lock(m);
    if (!kept || for_data != &d || for_components != components) {
        kept = prepare_linear_ae_data(d, std::size_t(components));
        for_data = &d, for_components = components;
    }
    return kept;
}

LinearAeJob::LinearAeJob(std::shared_ptr<const LinearAeData> data, const LinearAeConfig& c) : recipe_(std::move(data), c) {}

void LinearAeJob::save_view(std::vector<float>& out) const {
    ViewWriter w{out};
    w.model(const_cast<LinearAeRecipe&>(recipe_).model());
    w.number(shown_step());
    w.number(shown_learning_rate());
    const std::vector<LinearAeProbe>& p = probes();
    w.number(double(p.size()));
    for (const LinearAeProbe& q : p) {
        w.number(q.step);
        w.number(q.max_angle_deg);
        w.number(q.mean_angle_deg);
        w.number(q.test_mse);
    }
}

void LinearAeJob::load_view(const std::vector<float>& in) {
    ViewReader r{in, "linear_ae"};
    r.model(recipe_.model());
    step_ = int(r.number());
    lr_ = r.number();
    const float n = r.number();
    if (!(n >= 0 && n <= float(in.size()))) throw Error("job linear_ae: the view state's probe count is not a count");
    probes_.assign(std::size_t(n), {});
    for (LinearAeProbe& q : probes_) {
        q.step = int(r.number());
        q.max_angle_deg = r.number();
        q.mean_angle_deg = r.number();
        q.test_mse = r.number();
    }
    r.done();
    loaded_ = true;
}

std::unique_ptr<TrainJob> make_linear_ae_job(const JobSpec& spec, const Dataset* data) {
    if (!data) throw Error("job linear_ae: needs the Fashion-MNIST dataset");
    const LinearAeConfig c = linear_ae_job_options(spec);
    return std::make_unique<LinearAeJob>(linear_ae_job_data(*data, linear_ae_job_components(spec)), c);
}

}  // namespace aelab
