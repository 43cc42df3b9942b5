// aelab core: the GAN lesson's training jobs (aelab/jobs/gan.hpp).
#include "aelab/jobs/gan.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "aelab/error.hpp"

namespace aelab {

namespace {
const char* const kTargetKeys[] = {"ring", "line", "two_clusters", "drawn"};

// A list of floats "x,y,..." written so that each reads back exactly.
std::string floats_text(const std::vector<float>& v) {
    std::string out;
    char buf[32];
    for (float x : v) {
        std::snprintf(buf, sizeof buf, "%.9g", double(x));
        out += (out.empty() ? "" : ",") + std::string(buf);
    }
    return out;
}

std::vector<float> floats_of(const std::string& job, const std::string& key, const std::string& text, std::size_t max_count) {
    std::vector<float> out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t end = std::min(text.find(',', pos), text.size());
        const std::string item = text.substr(pos, end - pos);
        char* stop = nullptr;
        errno = 0;
        const float v = std::strtof(item.c_str(), &stop);
        if (item.empty() || *stop != '\0' || errno != 0 || !std::isfinite(v) || out.size() >= max_count)
            throw Error("job " + job + ": " + key + "=" + printable(text) + " is not a list of at most " +
                        std::to_string(max_count) + " numbers");
        out.push_back(v);
        pos = end + 1;
    }
    return out;
}

void write_update(ViewWriter& w, const GanUpdate& u) {
    w.number(u.loss);
    w.number(u.d_real);
    w.number(u.d_fake);
}
GanUpdate read_update(ViewReader& r) {
    GanUpdate u;
    u.loss = r.number();
    u.d_real = r.number();
    u.d_fake = r.number();
    return u;
}
}  // namespace

//-----------------------------------------------------------------------------------------------
// On the plane
//-----------------------------------------------------------------------------------------------
JobSpec gan_plane_job_spec(const PlaneGanJobOptions& j) {
    const PlaneGanOptions& o = j.gan;
    JobSpec s("gan-plane");
    s.set("target", std::string(kTargetKeys[int(o.target)]));
    if (o.target == GanTarget::drawn && !o.drawn.pieces.empty()) s.set("draw", floats_text(o.drawn.pieces[0]));
    s.set("noise", o.noise).set("latent", o.latent).set("hidden", o.hidden).set("batch", o.batch_size);
    s.set("lr", o.learning_rate).set("kd", o.d_steps).set("kg", o.g_steps);
    s.set("nonsat", o.loss == GanLoss::non_saturating).set("seed", o.seed);
    return s;
}

PlaneGanJobOptions gan_plane_job_options(const JobSpec& s) {
    PlaneGanJobOptions j;
    PlaneGanOptions& o = j.gan;
    const std::string target = s.get("target", kTargetKeys[int(o.target)]);
    bool known = false;
    for (int t = 0; t < kGanTargetCount; ++t)
        if (target == kTargetKeys[t]) o.target = GanTarget(t), known = true;
    if (!known) throw Error("job gan-plane: target=" + printable(target) + " is not ring, line, two_clusters or drawn");
    if (o.target == GanTarget::drawn) {
        const std::vector<float> xy = floats_of("gan-plane", "draw", s.get("draw", ""), 2 * 1024);
        if (xy.size() < 2 || xy.size() % 2 != 0)
            throw Error("job gan-plane: draw must hold x,y of at least one vertex, got " + std::to_string(xy.size()) + " numbers");
        o.drawn.pieces = {xy};
        o.drawn.closed = {false};
    }
    o.noise = s.get_float("noise", o.noise, 0.0f, 10.0f);
    o.latent = s.get_int("latent", o.latent, 1, 64);
    o.hidden = s.get_int("hidden", o.hidden, 1, 1024);
    o.batch_size = s.get_int("batch", o.batch_size, 1, 4096);
    o.learning_rate = s.get_float("lr", o.learning_rate, 1e-7f, 10.0f);
    o.d_steps = s.get_int("kd", o.d_steps, 0, 100);
    o.g_steps = s.get_int("kg", o.g_steps, 0, 100);
    if (o.d_steps + o.g_steps < 1) throw Error("job gan-plane: kd + kg must be at least 1");
    o.loss = s.get_bool("nonsat", true) ? GanLoss::non_saturating : GanLoss::saturating;
    o.seed = s.get_u64("seed", o.seed);
    if (s.values.count("events"))
        throw Error("job gan-plane: events is no longer a setting (a change during the run goes through adjust: "
                    "kd, kg, nonsat, once)");
    return j;
}

GanModeStats gan_plane_eval_from(const std::vector<float>& f) {
    if (f.size() < 4 || f.size() != 4 + std::size_t(std::max(0.0f, f[0])))
        throw Error("gan-plane evaluation: expected 4 figures and one per mode, got " + std::to_string(f.size()));
    GanModeStats s;
    s.modes = int(f[0]);
    s.modes_covered = int(f[1]);
    s.high_quality_fraction = f[2];
    s.samples = std::size_t(f[3]);
    for (std::size_t m = 4; m < f.size(); ++m) s.high_quality_per_mode.push_back(int(f[m]));
    return s;
}

PlaneGanJob::PlaneGanJob(const PlaneGanJobOptions& o) : gan_(o.gan) {}

void PlaneGanJob::adjust(const JobSpec& change) {
    // Everything is read (and checked) before anything changes.
    std::string refused;
    for (const auto& kv : change.values)
        if (kv.first != "kd" && kv.first != "kg" && kv.first != "nonsat" && kv.first != "once")
            refused += (refused.empty() ? "" : ", ") + kv.first;
    if (!refused.empty()) throw Error("job gan-plane: cannot change " + refused + " during a run");
    const PlaneGanOptions& now = gan_.options();
    const int kd = change.get_int("kd", now.d_steps, 0, 100), kg = change.get_int("kg", now.g_steps, 0, 100);
    if (kd + kg < 1) throw Error("job gan-plane: kd + kg must be at least 1");
    const bool non_saturating = change.get_bool("nonsat", now.loss == GanLoss::non_saturating);
    const std::string once = change.get("once", "");
    if (!once.empty() && once != "d" && once != "g" && once != "none")
        throw Error("job gan-plane: once=" + printable(once) + " is not d, g or none");
    if (change.values.count("kd") || change.values.count("kg")) gan_.set_period(kd, kg);
    if (change.values.count("nonsat")) gan_.set_loss(non_saturating ? GanLoss::non_saturating : GanLoss::saturating);
    if (!once.empty()) once_ = once == "none" ? 0 : once[0];
}

float PlaneGanJob::step(float* curves) {
    const char single = once_;  // this step's one update, if the page asked for one
    once_ = 0;
    if (single == 'd') gan_.discriminator_step();
    else if (single == 'g') gan_.generator_step();
    else gan_.train_period();
    float ld = gan_.last_d().loss;
    if (gan_.d_updates() == 0) {  // no D update yet: the untrained pair's L_D on a fixed batch
        const PlaneGanOptions& o = gan_.options();
        ld = gan_.gan().discriminator_gradients(gan_.real_samples(std::size_t(o.batch_size), kGanPlaneRealSeed),
                                                sample_prior(o.batch_size, o.latent, kGanPlaneFakeSeed)).loss;
    }
    curves[0] = ld;
    curves[1] = gan_.last_g().loss;
    ++step_;
    return ld;
}

std::vector<float> PlaneGanJob::evaluate() {
    const GanModeStats s = gan_.evaluate();
    std::vector<float> f{float(s.modes), float(s.modes_covered), float(s.high_quality_fraction), float(s.samples)};
    for (int c : s.high_quality_per_mode) f.push_back(float(c));
    return f;
}

void PlaneGanJob::save_view(std::vector<float>& out) const {
    PlaneGan& g = const_cast<PlaneGan&>(gan_);
    ViewWriter w{out};
    w.model(g.gan().generator());
    w.model(g.gan().discriminator());
    w.number(step_);
    w.number(g.periods_done());
    w.number(g.d_updates());
    w.number(g.g_updates());
    write_update(w, g.last_d());
    write_update(w, g.last_g());
    w.number(g.options().d_steps);
    w.number(g.options().g_steps);
    w.number(g.options().loss == GanLoss::non_saturating ? 1 : 0);
}

void PlaneGanJob::load_view(const std::vector<float>& in) {
    ViewReader r{in, "gan-plane"};
    r.model(gan_.gan().generator());
    r.model(gan_.gan().discriminator());
    step_ = int(r.number());
    const int periods = int(r.number()), d_updates = int(r.number()), g_updates = int(r.number());
    const GanUpdate last_d = read_update(r), last_g = read_update(r);
    const int kd = int(r.number()), kg = int(r.number());
    const bool non_saturating = r.number() != 0;
    r.done();
    gan_.set_view_state(periods, d_updates, g_updates, last_d, last_g);
    gan_.set_period(kd, kg);
    gan_.set_loss(non_saturating ? GanLoss::non_saturating : GanLoss::saturating);
}

std::unique_ptr<TrainJob> make_gan_plane_job(const JobSpec& spec, const Dataset*) {
    return std::make_unique<PlaneGanJob>(gan_plane_job_options(spec));
}

//-----------------------------------------------------------------------------------------------
// On images, beside the VAE
//-----------------------------------------------------------------------------------------------
JobSpec gan_image_job_spec(const ImageGanJobOptions& j) {
    const ImageGanOptions& o = j.gan;
    JobSpec s("gan-image");
    s.set("class", o.class_index).set("seed", o.seed).set("lr", o.learning_rate).set("latent", o.latent);
    s.set("hidden", o.hidden).set("batch", o.batch_size).set("kd", o.d_steps).set("kg", o.g_steps);
    s.set("nonsat", o.loss == GanLoss::non_saturating);
    const VaeRecipeOptions& v = j.vae;
    s.set("vae_hidden", v.hidden).set("vae_latent", v.latent).set("vae_beta", v.beta).set("vae_lr", v.learning_rate);
    s.set("vae_batch", v.batch_size).set("vae_seed", v.seed);
    return s;
}

ImageGanJobOptions gan_image_job_options(const JobSpec& s) {
    ImageGanJobOptions j;
    ImageGanOptions& o = j.gan;
    o.class_index = s.get_int("class", o.class_index, -1, 9);
    o.seed = s.get_u64("seed", o.seed);
    o.learning_rate = s.get_float("lr", o.learning_rate, 1e-7f, 10.0f);
    o.latent = s.get_int("latent", o.latent, 1, 1024);
    o.hidden = s.get_int("hidden", o.hidden, 1, 4096);
    o.batch_size = s.get_int("batch", o.batch_size, 1, 4096);
    o.d_steps = s.get_int("kd", o.d_steps, 0, 100);
    o.g_steps = s.get_int("kg", o.g_steps, 0, 100);
    o.loss = s.get_bool("nonsat", true) ? GanLoss::non_saturating : GanLoss::saturating;
    VaeRecipeOptions& v = j.vae;
    v.hidden = s.get_int("vae_hidden", v.hidden, 1, 4096);
    v.latent = s.get_int("vae_latent", v.latent, 1, 1024);
    v.beta = s.get_float("vae_beta", v.beta, 0.0f, 1000.0f);
    v.learning_rate = s.get_float("vae_lr", v.learning_rate, 1e-7f, 10.0f);
    v.batch_size = s.get_int("vae_batch", v.batch_size, 1, 4096);
    v.seed = s.get_u64("vae_seed", v.seed);
    return j;
}

ImageGanJob::ImageGanJob(const Dataset& data, const ImageGanJobOptions& o)
    : subset_(std::make_unique<Dataset>(class_subset(data, o.gan.class_index))),
      gan_(std::make_unique<ImageGan>(*subset_, o.gan)),
      vae_(std::make_unique<VaeRecipe>(*subset_, o.vae)) {}

float ImageGanJob::step(float* curves) {
    gan_->train_period();
    vae_->train_step();
    curves[0] = gan_->last_d().loss;
    curves[1] = gan_->last_g().loss;
    curves[2] = vae_->last_loss().total;
    return gan_->last_d().loss;
}

void ImageGanJob::save_view(std::vector<float>& out) const {
    ViewWriter w{out};
    w.model(gan_->gan().generator());
    w.model(gan_->gan().discriminator());
    w.model(vae_->vae().net());
}

void ImageGanJob::load_view(const std::vector<float>& in) {
    ViewReader r{in, "gan-image"};
    r.model(gan_->gan().generator());
    r.model(gan_->gan().discriminator());
    r.model(vae_->vae().net());
    r.done();
}

std::unique_ptr<TrainJob> make_gan_image_job(const JobSpec& spec, const Dataset* data) {
    if (!data) throw Error("job gan-image: needs the Fashion-MNIST dataset");
    return std::make_unique<ImageGanJob>(*data, gan_image_job_options(spec));
}

}  // namespace aelab
