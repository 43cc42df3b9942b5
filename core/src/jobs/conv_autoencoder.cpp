// aelab core: the conv-autoencoder lesson's training job (aelab/jobs/conv_autoencoder.hpp).
#include "aelab/jobs/conv_autoencoder.hpp"

#include <algorithm>
#include <cmath>

#include "aelab/error.hpp"

namespace aelab {

namespace {
constexpr std::size_t kMaxArchText = 1024;  // a job spec's longest value
}  // namespace

JobSpec conv_ae_job_spec(const std::vector<std::string>& specs, const ConvAeOptions& o) {
    if (specs.empty() || specs.size() > 2)
        throw Error("job conv_ae: trains one or two networks, not " + std::to_string(specs.size()));
    for (std::size_t i = 0; i < specs.size(); ++i)
        if (specs[i].size() > kMaxArchText)
            throw Error("network " + std::to_string(i + 1) + ": the layer list has " + std::to_string(specs[i].size()) +
                        " characters; a training job takes at most " + std::to_string(kMaxArchText));
    JobSpec s("conv_ae");
    s.set("arch", specs[0]).set("arch2", specs.size() > 1 ? specs[1] : std::string("none"));
    s.set("lr", o.learning_rate).set("batch", o.batch_size).set("steps", o.steps).set("eval", o.eval_count);
    s.set("seed", o.seed).set("aug", o.augment).set("shift", o.augment_options.max_shift);
    s.set("flip", o.augment_options.flip);
    return s;
}

ConvAeOptions conv_ae_job_options(const JobSpec& s) {
    ConvAeOptions o;
    get_training_keys(s, o);
    o.eval_count = s.get_int("eval", o.eval_count, 1, 100000);
    o.augment = s.get_bool("aug", o.augment);
    o.augment_options.max_shift = s.get_int("shift", o.augment_options.max_shift, 0, 8);
    o.augment_options.flip = s.get_bool("flip", o.augment_options.flip);
    return o;
}

std::vector<std::string> conv_ae_job_archs(const JobSpec& s) {
    std::vector<std::string> specs = {s.get("arch", "")};
    const std::string second = s.get("arch2", "none");
    if (second != "none") specs.push_back(second);
    return specs;
}

ConvAeJob::ConvAeJob(const Dataset& data, const std::vector<std::string>& specs, const ConvAeOptions& o)
    : recipe_(data, specs, o), epoch_size_(int(data.size(Split::train))) {}

float ConvAeJob::step(float* curves) {
    const std::vector<float> l = recipe_.train_step();
    if (l.size() > 1) curves[0] = l[1];
    float worst = l[0];  // divergence of either network stops the run
    for (float v : l) worst = std::isfinite(v) ? std::max(worst, v) : v;
    return std::isfinite(worst) ? l[0] : worst;
}

std::vector<float> ConvAeJob::evaluate() {
    const std::vector<double> db = recipe_.evaluate_psnr_db();
    return std::vector<float>(db.begin(), db.end());  // through float: the page shows 2 decimals
}

void ConvAeJob::save_view(std::vector<float>& out) const {
    ViewWriter w{out};
    for (std::size_t i = 0; i < recipe_.size(); ++i) w.model(recipe_.net(i).net);
    w.number(shown_step());
}

void ConvAeJob::load_view(const std::vector<float>& in) {
    ViewReader r{in, "conv_ae"};
    for (std::size_t i = 0; i < recipe_.size(); ++i) r.model(recipe_.net(i).net);
    step_ = int(r.number());
    r.done();
    loaded_ = true;
}

std::unique_ptr<TrainJob> make_conv_ae_job(const JobSpec& spec, const Dataset* data) {
    if (!data) throw Error("job conv_ae: needs the Fashion-MNIST dataset");
    return std::make_unique<ConvAeJob>(*data, conv_ae_job_archs(spec), conv_ae_job_options(spec));
}

}  // namespace aelab
