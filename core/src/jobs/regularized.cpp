// aelab core: the sparse and contractive lesson's training jobs (aelab/jobs/regularized.hpp).
#include "aelab/jobs/regularized.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "aelab/error.hpp"
#include "aelab/jobs/figures.hpp"

namespace aelab {

namespace {
// SparseEval's five doubles, in declaration order, exactly (figures.hpp).
void push_eval(std::vector<float>& f, const SparseEval& e) {
    for (double v : {e.mse, e.fraction_active, e.l1, e.dead_fraction, e.atom_spread}) push_double(f, v);
}
SparseEval read_eval(const std::vector<float>& f, std::size_t& pos, const char* what) {
    SparseEval e;
    for (double* v : {&e.mse, &e.fraction_active, &e.l1, &e.dead_fraction, &e.atom_spread}) *v = read_double(f, pos, what);
    return e;
}

// The options every sparse network shares, from a spec of `kind`.
void read_sparse(const JobSpec& s, SparseAeOptions& o, bool lambda) {
    o.code = s.get_int("code", o.code, kMinSparseCode, kMaxSparseCode);
    if (lambda) o.lambda = s.get_float("lambda", o.lambda, 0.0f, kMaxSparseLambda);
    o.learning_rate = s.get_float("lr", o.learning_rate, 1e-7f, 10.0f);
    o.batch_size = s.get_int("batch", o.batch_size, 1, 4096);
    o.steps = s.get_int("steps", o.steps, 1, 1 << 24);
    o.eval_count = s.get_int("eval", o.eval_count, 1, 10000);
    o.seed = s.get_u64("seed", o.seed);
}
void write_sparse(JobSpec& s, const SparseAeOptions& o, bool lambda) {
    s.set("code", o.code);
    if (lambda) s.set("lambda", o.lambda);
    s.set("lr", o.learning_rate).set("batch", o.batch_size).set("steps", o.steps).set("eval", o.eval_count);
    s.set("seed", o.seed);
}
}  // namespace

//-----------------------------------------------------------------------------------------------
// One sparse autoencoder
//-----------------------------------------------------------------------------------------------
JobSpec sparse_job_spec(const SparseAeOptions& o) {
    JobSpec s("sparse_ae");
    write_sparse(s, o, true);
    return s;
}

SparseAeOptions sparse_job_options(const JobSpec& s) {
    SparseAeOptions o;
    read_sparse(s, o, true);
    return o;
}

// Figures: the SparseEval (15), then N, K and the codes (N * K).
SparseEval sparse_eval_from(const std::vector<float>& f, Tensor* codes) {
    const char* what = "sparse evaluation";
    std::size_t pos = 0;
    const SparseEval e = read_eval(f, pos, what);
    const float n = read_float(f, pos, what), k = read_float(f, pos, what);
    if (!(n >= 0 && n <= 1e7f && k >= 0 && k <= 1e7f) || f.size() - pos != std::size_t(n) * std::size_t(k))
        throw Error("sparse evaluation: " + std::to_string(f.size() - pos) + " code values for " +
                    std::to_string(std::size_t(n)) + " x " + std::to_string(std::size_t(k)));
    if (codes) {
        *codes = zeros({std::size_t(n), std::size_t(k)});
        std::copy(f.begin() + std::ptrdiff_t(pos), f.end(), codes->begin());
    }
    return e;
}

SparseJob::SparseJob(const Dataset& data, const SparseAeOptions& o)
    : ae_(data, o), epoch_size_(int(data.size(Split::train))) {}

float SparseJob::step(float* curves) {
    const float loss = ae_.train_step();
    curves[0] = ae_.last_mse();
    curves[1] = ae_.last_fraction_active();
    return loss;
}

std::vector<float> SparseJob::evaluate() {
    Tensor codes;
    const SparseEval e = ae_.evaluate(&codes);
    std::vector<float> f;
    push_eval(f, e);
    f.push_back(float(codes.shape()[0]));
    f.push_back(float(codes.shape()[1]));
    f.insert(f.end(), codes.begin(), codes.end());
    return f;
}

void SparseJob::save_view(std::vector<float>& out) const {
    ViewWriter w{out};
    w.model(const_cast<SparseAe&>(ae_).net());
}

void SparseJob::load_view(const std::vector<float>& in) {
    ViewReader r{in, "sparse_ae"};
    r.model(ae_.net());
    r.done();
}

std::unique_ptr<TrainJob> make_sparse_job(const JobSpec& spec, const Dataset* data) {
    if (!data) throw Error("job sparse_ae: needs the Fashion-MNIST dataset");
    return std::make_unique<SparseJob>(*data, sparse_job_options(spec));
}

//-----------------------------------------------------------------------------------------------
// The lambda sweep
//-----------------------------------------------------------------------------------------------
namespace {
constexpr std::size_t kMaxLambdas = 16;
}  // namespace

JobSpec sparse_sweep_job_spec(const SparseSweepJobOptions& o) {
    JobSpec s("sparse_sweep");
    std::string lambdas;
    for (float l : o.lambdas) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.9g", double(l));  // reads back exactly
        lambdas += (lambdas.empty() ? "" : ",") + std::string(buf);
    }
    s.set("lambdas", lambdas);
    write_sparse(s, o.o, false);
    s.set("atoms", o.atoms);
    return s;
}

SparseSweepJobOptions sparse_sweep_job_options(const JobSpec& s) {
    SparseSweepJobOptions o;
    const std::string text = s.get("lambdas", "");
    for (std::size_t start = 0; !text.empty() && start <= text.size();) {
        std::size_t comma = text.find(',', start);
        if (comma == std::string::npos) comma = text.size();
        const std::string item = text.substr(start, comma - start);
        char* end = nullptr;
        const float l = item.empty() ? -1.0f : std::strtof(item.c_str(), &end);
        if (item.empty() || *end != '\0' || !(l >= 0.0f && l <= kMaxSparseLambda) || o.lambdas.size() >= kMaxLambdas)
            throw Error("job sparse_sweep: lambdas=" + printable(text) + " is not a list of at most " +
                        std::to_string(kMaxLambdas) + " numbers in [0, " + std::to_string(kMaxSparseLambda) + "]");
        o.lambdas.push_back(l);
        start = comma + 1;
    }
    if (o.lambdas.empty()) throw Error("job sparse_sweep: lambdas names no network");
    read_sparse(s, o.o, false);
    o.atoms = s.get_int("atoms", o.atoms, 0, kMaxSparseCode);
    return o;
}

SparseSweepJob::SparseSweepJob(const Dataset& data, const SparseSweepJobOptions& o)
    : o_(o), sweep_(data, o.lambdas, o.o), epoch_size_(int(data.size(Split::train))) {}

float SparseSweepJob::step(float* curves) {
    const std::size_t i = sweep_.next();
    curves[0] = float(i);
    if (i >= sweep_.size()) return 0.0f;
    const float loss = sweep_.train_step();
    // Networks finish in lambda order (round robin): evaluate each as it does.
    if (sweep_.net(i).step() == sweep_.steps_per_network() && results_.size() == i) {
        Tensor codes;
        results_.push_back({sweep_.lambda(i), sweep_.net(i).evaluate(&codes)});
        std::vector<int> units = units_by_use(codes);
        units.resize(std::min<std::size_t>(units.size(), std::size_t(o_.atoms)));
        top_atoms_.push_back(atom_images(sweep_.net(i).atoms(), units));
    }
    return loss;
}

// View: the number of results, then per result its lambda, its SparseEval (15 floats), its
// atom count and atoms (count * 784).
void SparseSweepJob::save_view(std::vector<float>& out) const {
    ViewWriter w{out};
    w.number(double(results_.size()));
    for (std::size_t i = 0; i < results_.size(); ++i) {
        w.number(results_[i].lambda);
        push_eval(out, results_[i].eval);
        w.number(double(top_atoms_[i].shape()[0]));
        w.tensor(top_atoms_[i]);
    }
}

void SparseSweepJob::load_view(const std::vector<float>& in) {
    ViewReader r{in, "sparse_sweep"};
    const float n = r.number();
    if (!(n >= 0 && n <= float(size()))) throw Error("job sparse_sweep: a view with " + std::to_string(n) + " results");
    std::vector<SweepPoint> results;
    std::vector<Tensor> atoms;
    for (std::size_t i = 0; i < std::size_t(n); ++i) {
        SweepPoint p;
        p.lambda = r.number();
        std::vector<float> eval(15);
        r.values(eval.data(), eval.size());
        std::size_t pos = 0;
        p.eval = read_eval(eval, pos, "sparse_sweep view");
        const float count = r.number();
        if (!(count >= 0 && count <= float(kMaxSparseCode))) throw Error("job sparse_sweep: a view with bad atoms");
        Tensor a = zeros({std::size_t(count), 1, 28, 28});
        r.tensor(a);
        results.push_back(p);
        atoms.push_back(std::move(a));
    }
    r.done();
    results_ = std::move(results);
    top_atoms_ = std::move(atoms);
}

std::unique_ptr<TrainJob> make_sparse_sweep_job(const JobSpec& spec, const Dataset* data) {
    if (!data) throw Error("job sparse_sweep: needs the Fashion-MNIST dataset");
    return std::make_unique<SparseSweepJob>(*data, sparse_sweep_job_options(spec));
}

//-----------------------------------------------------------------------------------------------
// The contractive pair
//-----------------------------------------------------------------------------------------------
JobSpec contractive_job_spec(const ContractiveOptions& o) {
    JobSpec s("contractive_ae");
    s.set("code", o.code).set("lambda", o.lambda).set("lr", o.learning_rate).set("batch", o.batch_size);
    s.set("steps", o.steps).set("eval", o.eval_count).set("seed", o.seed);
    return s;
}

ContractiveOptions contractive_job_options(const JobSpec& s) {
    ContractiveOptions o;
    o.code = s.get_int("code", o.code, 1, 1024);
    o.lambda = s.get_float("lambda", o.lambda, 0.0f, kMaxContractiveLambda);
    get_training_keys(s, o);
    o.eval_count = s.get_int("eval", o.eval_count, 1, 10000);
    return o;
}

ContractiveEval contractive_eval_from(const std::vector<float>& f) {
    const char* what = "contractive evaluation";
    std::size_t pos = 0;
    ContractiveEval e;
    for (double* v : {&e.mse_plain, &e.mse_contractive, &e.jacobian_fro_plain, &e.jacobian_fro_contractive})
        *v = read_double(f, pos, what);
    if (pos != f.size()) throw Error("contractive evaluation: expected 12 figures, got " + std::to_string(f.size()));
    return e;
}

ContractiveJob::ContractiveJob(const Dataset& data, const ContractiveOptions& o)
    : recipe_(data, o), epoch_size_(int(data.size(Split::train))) {}

float ContractiveJob::step(float* curves) {
    const float loss = recipe_.train_step();
    curves[0] = recipe_.last_plain_loss();
    curves[1] = recipe_.last_penalty();
    return loss;
}

std::vector<float> ContractiveJob::evaluate() {
    const ContractiveEval e = recipe_.evaluate();
    std::vector<float> f;
    for (double v : {e.mse_plain, e.mse_contractive, e.jacobian_fro_plain, e.jacobian_fro_contractive}) push_double(f, v);
    return f;
}

void ContractiveJob::save_view(std::vector<float>& out) const {
    ViewWriter w{out};
    auto& r = const_cast<ContractiveRecipe&>(recipe_);
    w.model(r.net(false));
    w.model(r.net(true));
}

void ContractiveJob::load_view(const std::vector<float>& in) {
    ViewReader r{in, "contractive_ae"};
    r.model(recipe_.net(false));
    r.model(recipe_.net(true));
    r.done();
}

std::unique_ptr<TrainJob> make_contractive_job(const JobSpec& spec, const Dataset* data) {
    if (!data) throw Error("job contractive_ae: needs the Fashion-MNIST dataset");
    return std::make_unique<ContractiveJob>(*data, contractive_job_options(spec));
}

}  // namespace aelab
