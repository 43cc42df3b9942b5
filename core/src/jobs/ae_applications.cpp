// aelab core: the "What autoencoders are for" lesson's CodeAeRecipe jobs (aelab/jobs/ae_applications.hpp).
#include "aelab/jobs/ae_applications.hpp"

#include <algorithm>
#include <cmath>

#include "aelab/error.hpp"

namespace aelab {

namespace {
const char* const kEvalKeys[] = {"none", "retrieval", "visual", "anomaly"};
const char* const kNetKeys[] = {"retrieval", "visualisation", "anomaly"};
MlpAeSpec net_of(int i) { return i == 0 ? retrieval_spec() : i == 1 ? visualisation_spec() : anomaly_spec(); }
bool same(const MlpAeSpec& a, const MlpAeSpec& b) {
    return a.name == b.name && a.encoder_hidden == b.encoder_hidden && a.code == b.code && a.decoder_hidden == b.decoder_hidden;
}

// Reads figures in order, naming the evaluation when there are too few or too many.
struct FigureReader {
    const std::vector<float>& f;
    const char* what;
    std::size_t pos = 0;
    float next() {
        if (pos >= f.size()) throw Error(std::string(what) + " evaluation: the figures end early (" + std::to_string(f.size()) + ")");
        return f[pos++];
    }
    std::size_t count(std::size_t max) {
        const float v = next();
        if (!(v >= 0 && v <= float(max)) || v != std::floor(v))
            throw Error(std::string(what) + " evaluation: a bad count in the figures");
        return std::size_t(v);
    }
    void done() const {
        if (pos != f.size()) throw Error(std::string(what) + " evaluation: " + std::to_string(f.size() - pos) + " figures too many");
    }
};
}  // namespace

const char* code_ae_eval_key(CodeAeEval e) { return kEvalKeys[int(e)]; }

JobSpec code_ae_job_spec(const CodeAeJobOptions& o) {
    const CodeAeOptions& r = o.recipe;
    int net = -1;
    for (int i = 0; i < 3; ++i)
        if (same(r.spec, net_of(i))) net = i;
    if (net < 0) throw Error("job code_ae: the network " + spec_text(r.spec) + " is not one of the lesson's three");
    JobSpec s("code_ae");
    s.set("net", std::string(kNetKeys[net])).set("eval", std::string(kEvalKeys[int(o.eval)]));
    s.set("lr", r.learning_rate).set("seed", r.seed).set("steps", r.steps).set("batch", r.batch_size);
    s.set("holdout", r.holdout);
    return s;
}

CodeAeJobOptions code_ae_job_options(const JobSpec& s) {
    CodeAeJobOptions o;
    CodeAeOptions& r = o.recipe;
    const std::string net = s.get("net", kNetKeys[0]);
    bool known = false;
    for (int i = 0; i < 3; ++i)
        if (net == kNetKeys[i]) r.spec = net_of(i), known = true;
    if (!known) throw Error("job code_ae: net=" + printable(net) + " is not retrieval, visualisation or anomaly");
    const std::string eval = s.get("eval", kEvalKeys[0]);
    known = false;
    for (int i = 0; i < 4; ++i)
        if (eval == kEvalKeys[i]) o.eval = CodeAeEval(i), known = true;
    if (!known) throw Error("job code_ae: eval=" + printable(eval) + " is not none, retrieval, visual or anomaly");
    get_training_keys(s, r);
    r.holdout = s.get_int("holdout", r.holdout, -1, 9);
    if (o.eval == CodeAeEval::anomaly && r.holdout < 0)
        throw Error("job code_ae: eval=anomaly needs a held-out class (holdout in [0, 9])");
    return o;
}

RetrievalFigures retrieval_figures_from(const std::vector<float>& f) {
    FigureReader in{f, "retrieval"};
    const std::size_t k = in.count(1000), rates = in.count(64), K = in.count(kMaxCode), N = in.count(1 << 20),
                      M = in.count(1 << 20);
    RetrievalFigures e;
    for (std::size_t i = 0; i < k; ++i) e.codes.push_back(in.next());
    for (std::size_t i = 0; i < k; ++i) e.bits.push_back(in.next());
    for (std::size_t i = 0; i < rates; ++i) {
        RatePoint p;
        p.bits = int(in.next()), p.components = int(in.next()), p.value_bits = int(in.next());
        p.psnr_db = in.next();
        e.rate.push_back(p);
    }
    for (std::size_t i = 0; i < K; ++i) e.thresholds.push_back(in.next());
    e.train_codes = zeros({N, K});
    e.test_codes = zeros({M, K});
    for (Tensor* t : {&e.train_codes, &e.test_codes})
        for (std::size_t i = 0; i < t->size(); ++i) t->data()[i] = in.next();
    in.done();
    return e;
}

void set_codes(RetrievalFeatures& f, const RetrievalFigures& e) {
    f.train_codes = e.train_codes;
    f.test_codes = e.test_codes;
    f.thresholds = e.thresholds;
    f.train_bits = binarize(f.train_codes, f.thresholds);
    f.test_bits = binarize(f.test_codes, f.thresholds);
}

VisualFigures visual_figures_from(const std::vector<float>& f) {
    FigureReader in{f, "visualisation"};
    VisualFigures e;
    const std::size_t n = in.count(1 << 20);
    e.knn = in.next();
    e.codes = zeros({n, 2});
    for (std::size_t i = 0; i < e.codes.size(); ++i) e.codes.data()[i] = in.next();
    in.done();
    return e;
}

AnomalyEval anomaly_figures_from(const std::vector<float>& f) {
    FigureReader in{f, "anomaly"};
    AnomalyEval e;
    const std::size_t n = in.count(1 << 20), roc = in.count(1 << 21);
    for (std::size_t i = 0; i < n; ++i) e.scores.push_back(in.next());
    for (std::size_t i = 0; i < n; ++i) e.anomaly.push_back(int(in.next()));
    for (std::size_t i = 0; i < roc; ++i) e.roc.fpr.push_back(in.next());
    for (std::size_t i = 0; i < roc; ++i) e.roc.tpr.push_back(in.next());
    e.roc.auc = in.next();
    e.mean_normal = in.next();
    e.mean_anomaly = in.next();
    in.done();
    return e;
}

CodeAeJob::CodeAeJob(const Dataset& data, const CodeAeJobOptions& o) : data_(data), o_(o), recipe_(data, o.recipe) {}

float CodeAeJob::step(float*) { return recipe_.train_step(); }

std::vector<float> CodeAeJob::evaluate() {
    // Figures go through float: the page shows at most 4 decimals of them.
    std::vector<float> out;
    auto put = [&out](double v) { out.push_back(float(v)); };
    auto put_tensor = [&out](const Tensor& t) { out.insert(out.end(), t.data(), t.data() + t.size()); };
    switch (o_.eval) {
        case CodeAeEval::none: break;
        case CodeAeEval::retrieval: {
            // The pixels are gathered again each time rather than held (22 MB) between evaluations.
            RetrievalFeatures f = retrieval_pixels(data_, kRetrievalQueries);
            retrieval_codes(recipe_, f);
            const std::vector<double> codes = retrieval_precision(RetrievalSpace::codes, f, 0, kRetrievalQueries);
            const std::vector<double> bits = retrieval_precision(RetrievalSpace::bits, f, 0, kRetrievalQueries);
            const std::vector<RatePoint> rate = ae_rate_curve(recipe_, f, data_);
            for (std::size_t v : {codes.size(), rate.size(), f.thresholds.size(), f.train_codes.shape()[0],
                                  f.test_codes.shape()[0]})
                put(double(v));
            for (double v : codes) put(v);
            for (double v : bits) put(v);
            for (const RatePoint& p : rate) put(p.bits), put(p.components), put(p.value_bits), put(p.psnr_db);
            out.insert(out.end(), f.thresholds.begin(), f.thresholds.end());
            put_tensor(f.train_codes);
            put_tensor(f.test_codes);
            break;
        }
        case CodeAeEval::visual: {
            const Tensor codes = recipe_.encode(data_.batch(Split::test, 0, kVisualisationPoints));
            put(double(codes.shape()[0]));
            put(knn_accuracy_loo(codes, split_labels(data_, Split::test, kVisualisationPoints), kVisualisationK));
            put_tensor(codes);
            break;
        }
        case CodeAeEval::anomaly: {
            const AnomalyEval e = anomaly_eval(recipe_, data_, data_.size(Split::test));
            put(double(e.scores.size()));
            put(double(e.roc.fpr.size()));
            for (double v : e.scores) put(v);
            for (int v : e.anomaly) put(v);
            for (double v : e.roc.fpr) put(v);
            for (double v : e.roc.tpr) put(v);
            put(e.roc.auc), put(e.mean_normal), put(e.mean_anomaly);
            break;
        }
    }
    return out;
}

void CodeAeJob::save_view(std::vector<float>& out) const {
    ViewWriter w{out};
    w.model(const_cast<CodeAeRecipe&>(recipe_).ae().net);
}

void CodeAeJob::load_view(const std::vector<float>& in) {
    ViewReader r{in, "code_ae"};
    r.model(recipe_.ae().net);
    r.done();
}

std::unique_ptr<TrainJob> make_code_ae_job(const JobSpec& spec, const Dataset* data) {
    if (!data) throw Error("job code_ae: needs the Fashion-MNIST dataset");
    return std::make_unique<CodeAeJob>(*data, code_ae_job_options(spec));
}

}  // namespace aelab
