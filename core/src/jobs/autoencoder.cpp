// aelab core: the autoencoder lesson's training jobs (aelab/jobs/autoencoder.hpp).
#include "aelab/jobs/autoencoder.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>

#include "aelab/error.hpp"
#include "aelab/jobs/figures.hpp"

namespace aelab {

//-----------------------------------------------------------------------------------------------
// The 8-3-8 toy
//-----------------------------------------------------------------------------------------------
JobSpec toy838_job_spec(const Toy838Options& o) {
    JobSpec s("toy838");
    s.set("loss", std::string(toy_loss_name(o.loss))).set("lr", o.learning_rate).set("momentum", o.momentum);
    s.set("steps", o.steps).set("seed", o.seed);
    return s;
}

Toy838Options toy838_job_options(const JobSpec& s) {
    Toy838Options o;
    const std::string loss = s.get("loss", toy_loss_name(o.loss));
    if (loss == toy_loss_name(ToyLoss::cross_entropy)) o.loss = ToyLoss::cross_entropy;
    else if (loss == toy_loss_name(ToyLoss::squared_error)) o.loss = ToyLoss::squared_error;
    else throw Error("job toy838: loss=" + printable(loss) + " is not cross-entropy or squared-error");
    o.learning_rate = s.get_float("lr", o.learning_rate, 1e-7f, 1000.0f);
    o.momentum = s.get_float("momentum", o.momentum, 0.0f, 1.0f);
    o.steps = s.get_int("steps", o.steps, 1, 1 << 24);
    o.seed = s.get_u64("seed", o.seed);
    return o;
}

void Toy838Job::save_view(std::vector<float>& out) const {
    ViewWriter w{out};
    w.model(const_cast<Toy838&>(toy_).net());
}

void Toy838Job::load_view(const std::vector<float>& in) {
    ViewReader r{in, "toy838"};
    r.model(toy_.net());
    r.done();
}

std::unique_ptr<TrainJob> make_toy838_job(const JobSpec& spec, const Dataset*) {
    return std::make_unique<Toy838Job>(toy838_job_options(spec));
}

//-----------------------------------------------------------------------------------------------
// Several MLP autoencoders side by side
//-----------------------------------------------------------------------------------------------
namespace {
// The families a spec names: bottleneck_spec(K), then depth_specs(K) in its order.
const char* const kFamilies[] = {"bottleneck", "deep", "shallow", "asymmetric"};
constexpr int kMaxNets = 8;

MlpAeSpec family_spec(int family, int code) {
    return family == 0 ? bottleneck_spec(code) : depth_specs(code)[std::size_t(family - 1)];
}

bool same_spec(const MlpAeSpec& a, const MlpAeSpec& b) {
    return a.name == b.name && a.encoder_hidden == b.encoder_hidden && a.code == b.code &&
           a.decoder_hidden == b.decoder_hidden;
}
}  // namespace

JobSpec side_by_side_job_spec(const std::vector<MlpAeSpec>& specs, const SideBySideOptions& o) {
    std::string arch;
    std::vector<int> codes;
    for (const MlpAeSpec& m : specs) {
        int family = -1;
        for (int f = 0; f < 4 && family < 0; ++f)
            if (same_spec(m, family_spec(f, m.code))) family = f;
        if (family < 0)
            throw Error("job side_by_side: the network " + spec_text(m) +
                        " is none of bottleneck, deep, shallow or asymmetric");
        arch += (arch.empty() ? "" : ",") + std::string(kFamilies[family]);
        codes.push_back(m.code);
    }
    JobSpec s("side_by_side");
    s.set("arch", arch).set_ints("codes", codes);
    s.set("lr", o.learning_rate).set("batch", o.batch_size).set("steps", o.steps).set("eval", o.eval_count);
    s.set("seed", o.seed);
    return s;
}

SideBySideJobOptions side_by_side_job_options(const JobSpec& s) {
    SideBySideJobOptions out;
    const std::string arch = s.get("arch", "");
    const std::vector<int> codes = s.get_ints("codes", {}, kMinCode, kMaxCode, kMaxNets);
    std::size_t i = 0;
    for (std::size_t start = 0; !arch.empty() && start <= arch.size();) {
        std::size_t comma = arch.find(',', start);
        if (comma == std::string::npos) comma = arch.size();
        const std::string word = arch.substr(start, comma - start);
        int family = -1;
        for (int f = 0; f < 4; ++f)
            if (word == kFamilies[f]) family = f;
        if (family < 0)
            throw Error("job side_by_side: arch=" + printable(arch) + ": " + printable(word) +
                        " is not bottleneck, deep, shallow or asymmetric");
        if (i >= codes.size())
            throw Error("job side_by_side: arch=" + printable(arch) + " names more networks than codes gives");
        out.specs.push_back(family_spec(family, codes[i++]));
        start = comma + 1;
    }
    if (out.specs.empty()) throw Error("job side_by_side: arch names no network");
    if (i != codes.size()) throw Error("job side_by_side: codes gives more sizes than arch=" + printable(arch) + " has networks");
    SideBySideOptions& o = out.o;
    get_training_keys(s, o);
    o.eval_count = s.get_int("eval", o.eval_count, 1, 10000);
    return out;
}

std::vector<double> side_by_side_eval_from(const std::vector<float>& f) {
    if (f.empty() || f.size() % 3 != 0)
        throw Error("side-by-side evaluation: expected 3 figures per network, got " + std::to_string(f.size()));
    std::vector<double> mse;
    for (std::size_t pos = 0; pos < f.size();) mse.push_back(read_double(f, pos, "side-by-side evaluation"));
    return mse;
}

SideBySideJob::SideBySideJob(const Dataset& data, const SideBySideJobOptions& o)
    : recipe_(data, o.specs, o.o), epoch_size_(int(data.size(Split::train))) {}

float SideBySideJob::step(float* curves) {
    const std::vector<float> l = recipe_.train_step();
    step_ = recipe_.step();
    for (std::size_t i = 1; i < l.size(); ++i) curves[i - 1] = l[i];
    float worst = l[0];  // divergence of any network stops the run
    for (float v : l) worst = std::isfinite(v) ? std::max(worst, v) : v;
    return std::isfinite(worst) ? l[0] : worst;
}

std::vector<float> SideBySideJob::evaluate() {
    std::vector<float> f;
    for (double v : recipe_.evaluate()) push_double(f, v);
    return f;
}

void SideBySideJob::save_view(std::vector<float>& out) const {
    ViewWriter w{out};
    auto& r = const_cast<SideBySideRecipe&>(recipe_);
    for (std::size_t i = 0; i < r.size(); ++i) w.model(r.net(i).net);
    w.number(step_);
}

void SideBySideJob::load_view(const std::vector<float>& in) {
    ViewReader r{in, "side_by_side"};
    for (std::size_t i = 0; i < recipe_.size(); ++i) r.model(recipe_.net(i).net);
    step_ = int(r.number());
    r.done();
}

std::unique_ptr<TrainJob> make_side_by_side_job(const JobSpec& spec, const Dataset* data) {
    if (!data) throw Error("job side_by_side: needs the Fashion-MNIST dataset");
    return std::make_unique<SideBySideJob>(*data, side_by_side_job_options(spec));
}

//-----------------------------------------------------------------------------------------------
// The stacked autoencoder and its probes
//-----------------------------------------------------------------------------------------------
JobSpec stacked_job_spec(const StackedJobOptions& j) {
    const StackedOptions& o = j.o;
    JobSpec s("stacked_ae");
    s.set("h1", o.hidden1).set("h2", o.hidden2);
    s.set("s1", o.stage1_steps).set("s2", o.stage2_steps).set("s3", o.finetune_steps);
    s.set("lr", o.learning_rate).set("batch", o.batch_size).set("eval", o.eval_count).set("seed", o.seed);
    s.set("every", j.every).set("probes", j.probes);
    return s;
}

StackedJobOptions stacked_job_options(const JobSpec& s) {
    StackedJobOptions j;
    StackedOptions& o = j.o;
    o.hidden1 = s.get_int("h1", o.hidden1, 1, 4096);
    o.hidden2 = s.get_int("h2", o.hidden2, 1, 4096);
    o.stage1_steps = s.get_int("s1", o.stage1_steps, 0, 1 << 24);
    o.stage2_steps = s.get_int("s2", o.stage2_steps, 0, 1 << 24);
    o.finetune_steps = s.get_int("s3", o.finetune_steps, 0, 1 << 24);
    o.learning_rate = s.get_float("lr", o.learning_rate, 1e-7f, 10.0f);
    o.batch_size = s.get_int("batch", o.batch_size, 1, 4096);
    o.eval_count = s.get_int("eval", o.eval_count, 1, 10000);
    o.seed = s.get_u64("seed", o.seed);
    j.every = s.get_int("every", j.every, 0, 1 << 24);
    j.probes = s.get_bool("probes", j.probes);
    return j;
}

StackedProbes stacked_probes(StackedRecipe& r, const Dataset& data) {
    const std::vector<int> counts(std::begin(kProbeLabelCounts), std::end(kProbeLabelCounts));
    StackedProbes p;
    p.greedy = probe_curve(data, [&r](const Tensor& x) { return r.encode_greedy(x); }, counts, kProbeTestCount);
    // The end-to-end encoder's codes; the pixel probes would be the same again, so fit codes only.
    const Tensor test = data.batch(Split::test, 0, kProbeTestCount);
    const std::vector<int> test_labels = labels_of(data, Split::test, kProbeTestCount);
    const Tensor test_codes = r.encode_end_to_end(test);
    for (int n : counts) {
        const Tensor images = data.batch(Split::train, 0, std::size_t(n));
        p.end_to_end.push_back(linear_probe(r.encode_end_to_end(images), labels_of(data, Split::train, std::size_t(n)),
                                            test_codes, test_labels));
    }
    return p;
}

StackedStage stacked_stage_at(const StackedOptions& o, int step) {
    if (step < o.stage1_steps) return StackedStage::layer1;
    if (step < o.stage1_steps + o.stage2_steps) return StackedStage::layer2;
    if (step < o.total_steps()) return StackedStage::finetune;
    return StackedStage::done;
}

// Figures: held_out (0/1), mse_greedy, mse_end_to_end, probed (0/1), then per label count:
// labels, the greedy codes', the pixels' and the end-to-end codes' accuracy (doubles).
StackedEval stacked_eval_from(const std::vector<float>& f) {
    const char* what = "stacked evaluation";
    std::size_t pos = 0;
    StackedEval e;
    e.held_out = read_float(f, pos, what) != 0;
    e.mse_greedy = read_float(f, pos, what);
    e.mse_end_to_end = read_float(f, pos, what);
    e.probed = read_float(f, pos, what) != 0;
    while (e.probed && pos < f.size()) {
        ProbePoint q;
        q.labels = int(read_float(f, pos, what));
        q.accuracy_codes = read_double(f, pos, what);
        q.accuracy_pixels = read_double(f, pos, what);
        e.probes.greedy.push_back(q);
        e.probes.end_to_end.push_back(read_double(f, pos, what));
    }
    if (pos != f.size()) throw Error("stacked evaluation: " + std::to_string(f.size() - pos) + " figures left over");
    return e;
}

StackedJob::StackedJob(const Dataset& data, const StackedJobOptions& o)
    : data_(data), o_(o), recipe_(data, o.o), epoch_size_(int(data.size(Split::train))) {}

float StackedJob::step(float* curves) {
    const float loss = recipe_.train_step();
    step_ = recipe_.step();
    const float end_to_end = recipe_.end_to_end_losses().back();
    curves[0] = end_to_end;
    return std::isfinite(end_to_end) ? loss : end_to_end;
}

std::vector<float> StackedJob::evaluate() {
    // What the lesson's evaluate hook did: the held-out MSE on the plot's grid, the probes at the end.
    std::vector<float> f;
    const bool grid = o_.every == 0 || step_ % o_.every == 0;
    f.push_back(grid ? 1.0f : 0.0f);
    f.push_back(grid ? float(recipe_.held_out_mse_greedy()) : 0.0f);
    f.push_back(grid ? float(recipe_.held_out_mse_end_to_end()) : 0.0f);
    const bool probe = o_.probes && stage() == StackedStage::done;
    f.push_back(probe ? 1.0f : 0.0f);
    if (probe) {
        const StackedProbes p = stacked_probes(recipe_, data_);
        for (std::size_t i = 0; i < p.greedy.size(); ++i) {
            f.push_back(float(p.greedy[i].labels));
            push_double(f, p.greedy[i].accuracy_codes);
            push_double(f, p.greedy[i].accuracy_pixels);
            push_double(f, p.end_to_end[i]);
        }
    }
    return f;
}

void StackedJob::save_view(std::vector<float>& out) const {
    ViewWriter w{out};
    auto& r = const_cast<StackedRecipe&>(recipe_);
    w.model(r.greedy());
    w.model(r.end_to_end());
    w.number(step_);
}

void StackedJob::load_view(const std::vector<float>& in) {
    ViewReader r{in, "stacked_ae"};
    r.model(recipe_.greedy());
    r.model(recipe_.end_to_end());
    step_ = int(r.number());
    r.done();
}

std::unique_ptr<TrainJob> make_stacked_job(const JobSpec& spec, const Dataset* data) {
    if (!data) throw Error("job stacked_ae: needs the Fashion-MNIST dataset");
    return std::make_unique<StackedJob>(*data, stacked_job_options(spec));
}

}  // namespace aelab
