// aelab core: the manifold section's training job (aelab/jobs/regularized_ae_manifold.hpp).
#include "aelab/jobs/regularized_ae_manifold.hpp"

#include "aelab/error.hpp"

namespace aelab {

JobSpec manifold_job_spec(const ManifoldJobOptions& o) {
    const ManifoldOptions& r = o.recipe;
    JobSpec s("manifold");
    s.set("shape", o.shape);
    if (!o.drawn.empty()) s.set_ints("curve", o.drawn);
    s.set("code", r.code).set("tied", r.tied).set("points", r.points).set("data_noise", r.data_noise);
    s.set("noise", r.noise).set("lambda", r.lambda).set("lr", r.learning_rate).set("batch", r.batch_size);
    s.set("steps", r.steps).set("seed", r.seed);
    return s;
}

ManifoldJobOptions manifold_job_options(const JobSpec& s) {
    ManifoldJobOptions o;
    ManifoldOptions& r = o.recipe;
    o.shape = s.get("shape", o.shape);
    toy2d::Preset p;
    if (o.shape != "drawn" && (!toy2d::parse_preset(o.shape, p) || toy2d::is_mode_preset(p)))
        throw Error("job manifold: shape=" + printable(o.shape) + " is not circle, spiral, two-moons, line or drawn");
    o.drawn = s.get_ints("curve", {}, -kManifoldMaxQuanta, kManifoldMaxQuanta, 2 * kManifoldMaxDrawn);
    if (o.drawn.size() % 2 != 0) throw Error("job manifold: curve= needs x,y pairs, got " + std::to_string(o.drawn.size()) + " numbers");
    r.code = s.get_int("code", r.code, 3, 4096);
    r.tied = s.get_bool("tied", r.tied);
    r.points = s.get_int("points", r.points, 2, 100000);
    r.data_noise = s.get_float("data_noise", r.data_noise, 0.0f, 10.0f);
    r.noise = s.get_float("noise", r.noise, 0.0f, 10.0f);
    r.lambda = s.get_float("lambda", r.lambda, 0.0f, 1000.0f);
    r.learning_rate = s.get_float("lr", r.learning_rate, 1e-7f, 10.0f);
    r.batch_size = s.get_int("batch", r.batch_size, 1, 100000);
    r.steps = s.get_int("steps", r.steps, 1, 1 << 24);
    r.seed = s.get_u64("seed", r.seed);
    return o;
}

toy2d::Curve manifold_job_curve(const ManifoldJobOptions& o) {
    toy2d::Preset p;
    if (o.shape != "drawn" && toy2d::parse_preset(o.shape, p)) return toy2d::preset_curve(p);
    if (o.drawn.size() < 4) throw Error("no curve drawn yet: press and drag on a plane to draw one");
    toy2d::Curve c;
    std::vector<float> xy;
    for (int q : o.drawn) xy.push_back(float(q) * kManifoldDrawQuantum);
    c.pieces.push_back(xy);
    c.closed.push_back(false);
    return c;
}

std::array<FieldStats, kManifoldKinds> manifold_stats_from(const std::vector<float>& f) {
    if (f.size() != 3 * kManifoldKinds)
        throw Error("manifold evaluation: expected " + std::to_string(3 * kManifoldKinds) + " figures, got " +
                    std::to_string(f.size()));
    std::array<FieldStats, kManifoldKinds> out;
    for (std::size_t k = 0; k < out.size(); ++k) out[k] = {f[3 * k], f[3 * k + 1], int(f[3 * k + 2])};
    return out;
}

ManifoldJob::ManifoldJob(const ManifoldJobOptions& o) : o_(o), recipe_(manifold_job_curve(o), o.recipe) {}

float ManifoldJob::step(float*) {
    const float loss = recipe_.train_step();
    for (ManifoldKind k : kAllManifoldKinds) losses_[std::size_t(k)] = recipe_.loss(k);
    return loss;
}

std::vector<float> ManifoldJob::evaluate() {
    // Through float: the page shows 4 decimals.
    std::vector<float> out;
    for (ManifoldKind k : kAllManifoldKinds) {
        const FieldStats s = recipe_.stats(k);
        out.insert(out.end(), {float(s.mean_cosine), float(s.mean_length), float(s.count)});
    }
    return out;
}

void ManifoldJob::save_view(std::vector<float>& out) const {
    ViewWriter w{out};
    for (ManifoldKind k : kAllManifoldKinds) w.model(const_cast<ManifoldRecipe&>(recipe_).net(k).model());
    w.values(losses_.data(), losses_.size());
}

void ManifoldJob::load_view(const std::vector<float>& in) {
    ViewReader r{in, "manifold"};
    for (ManifoldKind k : kAllManifoldKinds) r.model(recipe_.net(k).model());
    r.values(losses_.data(), losses_.size());
    r.done();
}

std::unique_ptr<TrainJob> make_manifold_job(const JobSpec& spec, const Dataset*) {
    return std::make_unique<ManifoldJob>(manifold_job_options(spec));
}

}  // namespace aelab
