// aelab core: the RBM lesson's training jobs (aelab/jobs/rbm.hpp).
#include "aelab/jobs/rbm.hpp"

#include <algorithm>

#include "aelab/error.hpp"
#include "aelab/loss.hpp"

namespace aelab {

namespace {
Binarize binarize_of(const JobSpec& s, const char* job, Binarize fallback) {
    const std::string b = s.get("bin", binarize_name(fallback));
    if (b == binarize_name(Binarize::threshold)) return Binarize::threshold;
    if (b == binarize_name(Binarize::sampled)) return Binarize::sampled;
    throw Error(std::string("job ") + job + ": bin=" + printable(b) + " is not threshold or sampled");
}

void set_cd(JobSpec& s, const CdOptions& cd, const char* lr_key) {
    s.set("k", cd.k).set(lr_key, cd.learning_rate).set("momentum", cd.momentum).set("decay", cd.weight_decay);
}

CdOptions cd_of(const JobSpec& s, CdOptions cd, const char* lr_key) {
    cd.k = s.get_int("k", cd.k, 1, 100);
    cd.learning_rate = s.get_float(lr_key, cd.learning_rate, 1e-7f, 10.0f);
    cd.momentum = s.get_float("momentum", cd.momentum, 0.0f, 0.999f);
    cd.weight_decay = s.get_float("decay", cd.weight_decay, 0.0f, 1.0f);
    return cd;
}

// The held-out images the job can have: at most the test set (the lesson asks for 1000).
int clamped_eval(int count, const Dataset& data) { return std::clamp(count, 1, std::max(1, int(data.size(Split::test)))); }

RbmRecipeOptions clamped(RbmRecipeOptions o, const Dataset& data) {
    o.eval_count = clamped_eval(o.eval_count, data);
    return o;
}
DbnAeOptions clamped(DbnAeOptions o, const Dataset& data) {
    o.eval_count = clamped_eval(o.eval_count, data);
    return o;
}

void write_rbm(ViewWriter& w, const Rbm& r) {
    w.tensor(r.W);
    w.tensor(r.b);
    w.tensor(r.c);
}
void read_rbm(ViewReader& r, Rbm& m) {
    r.tensor(m.W);
    r.tensor(m.b);
    r.tensor(m.c);
}
}  // namespace

//-----------------------------------------------------------------------------------------------
// One RBM
//-----------------------------------------------------------------------------------------------
JobSpec rbm_job_spec(const RbmJobOptions& j) {
    const RbmRecipeOptions& o = j.recipe;
    JobSpec s("rbm");
    s.set("hidden", o.hidden).set("bin", std::string(binarize_name(o.binarize))).set("batch", o.batch_size);
    set_cd(s, o.cd, "lr");
    s.set("steps", o.steps).set("eval", o.eval_count).set("seed", o.seed).set("logz_every", j.log_z_every);
    return s;
}

RbmJobOptions rbm_job_options(const JobSpec& s) {
    RbmJobOptions j;
    RbmRecipeOptions& o = j.recipe;
    o.hidden = s.get_int("hidden", o.hidden, 1, 1024);
    o.binarize = binarize_of(s, "rbm", o.binarize);
    o.batch_size = s.get_int("batch", o.batch_size, 1, 4096);
    o.cd = cd_of(s, o.cd, "lr");
    o.steps = s.get_int("steps", o.steps, 1, 1 << 24);
    o.eval_count = s.get_int("eval", o.eval_count, 1, 100000);
    o.seed = s.get_u64("seed", o.seed);
    j.log_z_every = s.get_int("logz_every", j.log_z_every, 0, 1 << 24);
    return j;
}

RbmJobEval rbm_eval_from(const std::vector<float>& f, int hidden) {
    const std::size_t H = std::size_t(std::max(0, hidden)), weights = 784 * H + 784 + H;
    if (f.size() != 2 && f.size() != 2 + weights)
        throw Error("rbm evaluation: expected 2 or " + std::to_string(2 + weights) + " figures, got " + std::to_string(f.size()));
    RbmJobEval e;
    e.recon_error = f[0];
    e.has_snapshot = f[1] != 0;
    if (e.has_snapshot != (f.size() > 2)) throw Error("rbm evaluation: the snapshot flag does not match the figures");
    if (e.has_snapshot) {
        e.snapshot.W = uninitialized({784, H});
        e.snapshot.b = uninitialized({784});
        e.snapshot.c = uninitialized({H});
        const float* p = f.data() + 2;
        std::copy(p, p + 784 * H, e.snapshot.W.data());
        std::copy(p + 784 * H, p + 784 * H + 784, e.snapshot.b.data());
        std::copy(p + 784 * H + 784, p + weights, e.snapshot.c.data());
    }
    return e;
}

RbmJob::RbmJob(const Dataset& data, const RbmJobOptions& o)
    : o_{clamped(o.recipe, data), o.log_z_every}, recipe_(data, o_.recipe), epoch_size_(int(data.size(Split::train))) {}

float RbmJob::step(float* curves) {
    const float e = float(recipe_.train_step());
    curves[0] = e;
    return e;
}

std::vector<float> RbmJob::evaluate() {
    // The reconstruction error as RbmRecipe::evaluate() computes it; log Z is the page's (sliced).
    const Tensor& v = recipe_.eval_images();
    std::vector<float> f{mse_loss(recipe_.reconstruct(v), v), 0.0f};
    const Rbm& r = recipe_.rbm();
    const int step = recipe_.step();
    const bool last = step >= o_.recipe.steps;
    if (r.hidden() <= kRbmExactMaxHidden && ((o_.log_z_every > 0 && step % o_.log_z_every == 0) || last)) {
        f[1] = 1.0f;
        std::vector<float> w;
        ViewWriter out{w};
        write_rbm(out, r);
        f.insert(f.end(), w.begin(), w.end());
    }
    return f;
}

void RbmJob::save_view(std::vector<float>& out) const {
    ViewWriter w{out};
    write_rbm(w, recipe_.rbm());
}

void RbmJob::load_view(const std::vector<float>& in) {
    ViewReader r{in, "rbm"};
    read_rbm(r, recipe_.rbm());
    r.done();
}

std::unique_ptr<TrainJob> make_rbm_job(const JobSpec& spec, const Dataset* data) {
    if (!data) throw Error("job rbm: needs the Fashion-MNIST dataset");
    return std::make_unique<RbmJob>(*data, rbm_job_options(spec));
}

//-----------------------------------------------------------------------------------------------
// The deep autoencoder's three arms
//-----------------------------------------------------------------------------------------------
JobSpec dbn_job_spec(const DbnAeOptions& o) {
    JobSpec s("dbn-ae");
    s.set("h1", o.hidden1).set("h2", o.hidden2);
    s.set("stage1", o.stage1_steps).set("stage2", o.stage2_steps).set("finetune", o.finetune_steps);
    set_cd(s, o.cd, "cd_lr");
    s.set("lr", o.learning_rate).set("bin", std::string(binarize_name(o.binarize))).set("batch", o.batch_size);
    s.set("eval", o.eval_count).set("seed", o.seed);
    return s;
}

DbnAeOptions dbn_job_options(const JobSpec& s) {
    DbnAeOptions o;
    o.hidden1 = s.get_int("h1", o.hidden1, 1, 4096);
    o.hidden2 = s.get_int("h2", o.hidden2, 1, 4096);
    o.stage1_steps = s.get_int("stage1", o.stage1_steps, 0, 1 << 24);
    o.stage2_steps = s.get_int("stage2", o.stage2_steps, 0, 1 << 24);
    o.finetune_steps = s.get_int("finetune", o.finetune_steps, 0, 1 << 24);
    o.cd = cd_of(s, o.cd, "cd_lr");
    o.learning_rate = s.get_float("lr", o.learning_rate, 1e-7f, 10.0f);
    o.binarize = binarize_of(s, "dbn-ae", o.binarize);
    o.batch_size = s.get_int("batch", o.batch_size, 1, 4096);
    o.eval_count = s.get_int("eval", o.eval_count, 1, 100000);
    o.seed = s.get_u64("seed", o.seed);
    return o;
}

DbnAeEval dbn_eval_from(const std::vector<float>& f) {
    if (f.size() != 3) throw Error("dbn-ae evaluation: expected 3 figures, got " + std::to_string(f.size()));
    return {f[0], f[1], f[2]};
}

DbnJob::DbnJob(const Dataset& data, const DbnAeOptions& o)
    : recipe_(data, clamped(o, data)), epoch_size_(int(data.size(Split::train))) {}

float DbnJob::step(float* curves) {
    const DbnStage st = recipe_.stage();
    const float loss = recipe_.train_step();
    curves[0] = recipe_.random_losses().back();
    curves[1] = recipe_.losses(DbnArm::greedy, st).back();
    return loss;
}

std::vector<float> DbnJob::evaluate() {
    // Through float: the page shows 4 or 5 decimals.
    const DbnAeEval e = recipe_.evaluate();
    return {float(e.mse_dbn), float(e.mse_random), float(e.mse_greedy)};
}

void DbnJob::save_view(std::vector<float>& out) const {
    DbnAeRecipe& m = const_cast<DbnAeRecipe&>(recipe_);
    ViewWriter w{out};
    w.number(m.step());
    w.number(m.finetuning() ? 1 : 0);
    write_rbm(w, m.rbm1());
    write_rbm(w, m.rbm2());
    w.model(m.autoencoder(DbnArm::random));
    w.model(m.autoencoder(DbnArm::greedy));
    if (m.finetuning()) w.model(m.autoencoder(DbnArm::dbn));
}

void DbnJob::load_view(const std::vector<float>& in) {
    ViewReader r{in, "dbn-ae"};
    const int step = int(r.number());
    const bool finetuning = r.number() != 0;
    read_rbm(r, recipe_.rbm1());
    read_rbm(r, recipe_.rbm2());
    r.model(recipe_.autoencoder(DbnArm::random));
    r.model(recipe_.autoencoder(DbnArm::greedy));
    recipe_.set_view_state(step, finetuning);
    if (finetuning) r.model(recipe_.autoencoder(DbnArm::dbn));
    r.done();
}

std::unique_ptr<TrainJob> make_dbn_job(const JobSpec& spec, const Dataset* data) {
    if (!data) throw Error("job dbn-ae: needs the Fashion-MNIST dataset");
    return std::make_unique<DbnJob>(*data, dbn_job_options(spec));
}

}  // namespace aelab
