// aelab-cli train retrieval|anomaly (see train_applications.hpp).
#include "train_applications.hpp"
#include "json_line.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "aelab/dataset.hpp"
#include "aelab/recipe_applications.hpp"

namespace aelab::cli {
namespace {

// Trains r for its steps with progress lines; returns the last loss.
float train(CodeAeRecipe& r, std::ostream& out) {
    const int steps = r.options().steps, report_every = std::max(1, steps / 10);
    float loss = 0;
    while (r.step() < steps) {
        loss = r.train_step();
        if (!std::isfinite(loss)) throw Error("training failed at step " + std::to_string(r.step()) + ": the loss is not finite");
        if (r.step() % report_every == 0 || r.step() == steps)
            out << "step " << r.step() << "/" << steps << "  loss " << decimals(loss, 5) << "\n";
    }
    return loss;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int train_retrieval(const Args& a, std::ostream& out) {
    const std::string command = "train retrieval";
    CodeAeOptions o;
    o.spec = retrieval_spec();
    const TrainArgs t = read_train_args(a, command, o.steps, o.seed);
    a.check_all_used(command);
    o.steps = t.steps;
    o.seed = t.seed;
    const std::string data_path = find_dataset(t.data_option, command);
    const Dataset data = load_dataset(data_path);
    CodeAeRecipe r(data, o);
    out << command << ": MLP " << spec_text(o.spec) << " (ReLU, linear code, Sigmoid output), Adam lr "
        << o.learning_rate << ", batch " << o.batch_size << ", " << o.steps << " steps, seed " << o.seed
        << "\n  data: " << data_path << "; queries: the " << kRetrievalQueries << " test images, database: the "
        << data.size(Split::train) << " training images\n";
    const auto t0 = std::chrono::steady_clock::now();
    const float loss = train(r, out);

    RetrievalFeatures f = retrieval_pixels(data, kRetrievalQueries);
    retrieval_codes(r, f);
    std::vector<double> p[3];
    const RetrievalSpace spaces[3] = {RetrievalSpace::pixels, RetrievalSpace::codes, RetrievalSpace::bits};
    out << "precision at k (same class among the k nearest training images), mean over the test images:\n"
        << "  space                      k=1     k=10    k=50\n";
    const char* labels[3] = {"pixels (784 floats)       ", "codes (32 floats)         ", "bits (32, Hamming)        "};
    for (int s = 0; s < 3; ++s) {
        p[s] = retrieval_precision(spaces[s], f, 0, kRetrievalQueries);
        out << "  " << labels[s] << decimals(p[s][0], 4) << "  " << decimals(p[s][9], 4) << "  " << decimals(p[s][49], 4) << "\n";
    }
    const std::vector<RatePoint> ae = ae_rate_curve(r, f, data);
    std::vector<int> budgets;
    for (const RatePoint& q : ae) budgets.push_back(q.bits);
    const std::vector<RatePoint> pc = pca_rate_curve(training_pca(data, kPcaComponents), data, budgets);
    out << "compression of the first " << kCompressionImages << " test images (PSNR, dB):\n";
    for (std::size_t i = 0; i < ae.size(); ++i)
        out << "  " << ae[i].bits << " bits: AE " << ae[i].components << " x " << ae[i].value_bits << " bits "
            << decimals(ae[i].psnr_db, 2) << ", PCA " << pc[i].components << " x " << pc[i].value_bits << " bits "
            << decimals(pc[i].psnr_db, 2) << "\n";
    const double seconds = seconds_since(t0);
    out << "done in " << decimals(seconds, 1) << " s\n";
    if (t.json) {
        Json j;
        j["command"] = command;
        j["steps"] = o.steps;
        j["seed"] = o.seed;
        j["queries"] = kRetrievalQueries;
        j["code"] = o.spec.code;
        for (int k : {1, 10, 50})
            for (int s = 0; s < 3; ++s)
                j["precision_at_" + std::to_string(k) + "_" + retrieval_space_name(spaces[s])] =
                    json_decimals(p[s][std::size_t(k - 1)], 4);
        for (std::size_t i = 0; i < ae.size(); ++i)
            if (ae[i].value_bits == 1 || ae[i].value_bits == 2 || ae[i].value_bits == 4 || ae[i].value_bits == 8) {
                j["psnr_ae_" + std::to_string(ae[i].bits) + "_bits"] = json_decimals(ae[i].psnr_db, 3);
                j["psnr_pca_" + std::to_string(pc[i].bits) + "_bits"] = json_decimals(pc[i].psnr_db, 3);
            }
        j["final_loss"] = json_decimals(loss, 6);
        j["seconds"] = json_decimals(seconds, 2);
        out << json_line(j) << "\n";
    }
    return 0;
}

int train_anomaly(const Args& a, std::ostream& out) {
    const std::string command = "train anomaly";
    CodeAeOptions o;
    o.spec = anomaly_spec();
    const TrainArgs t = read_train_args(a, command, o.steps, o.seed);
    const long holdout = a.get_int("holdout", -1);
    a.check_all_used(command);
    if (holdout < 0 || holdout > 9) throw UsageError(command + ": --holdout C (a class in 0 .. 9) is required");
    o.steps = t.steps;
    o.seed = t.seed;
    o.holdout = int(holdout);
    const std::string data_path = find_dataset(t.data_option, command);
    const Dataset data = load_dataset(data_path);
    const std::string name = data.class_names.at(std::size_t(holdout));
    CodeAeRecipe r(data, o);
    out << command << ": MLP " << spec_text(o.spec) << " trained on every class but " << holdout << " (" << name
        << "), Adam lr " << o.learning_rate << ", batch " << o.batch_size << ", " << o.steps << " steps, seed "
        << o.seed << "\n  data: " << data_path << "; scored: the " << data.size(Split::test) << " test images\n";
    const auto t0 = std::chrono::steady_clock::now();
    const float loss = train(r, out);
    const AnomalyEval e = anomaly_eval(r, data, data.size(Split::test));
    const AnomalyEval base = pca_anomaly_eval(data, o.holdout, std::size_t(o.spec.code), data.size(Split::test));
    const double seconds = seconds_since(t0);
    out << "mean reconstruction error (MSE per pixel): other classes " << decimals(e.mean_normal, 5) << ", held-out "
        << name << " " << decimals(e.mean_anomaly, 5) << "\n"
        << "ROC AUC (held-out class as positives, by reconstruction error): autoencoder " << decimals(e.roc.auc, 4)
        << ", PCA with " << o.spec.code << " components " << decimals(base.roc.auc, 4) << "\n"
        << "done in " << decimals(seconds, 1) << " s\n";
    if (t.json) {
        Json j;
        j["command"] = command;
        j["steps"] = o.steps;
        j["seed"] = o.seed;
        j["holdout"] = holdout;
        j["class"] = name;
        j["auc"] = json_decimals(e.roc.auc, 4);
        j["auc_pca"] = json_decimals(base.roc.auc, 4);
        j["mean_error_normal"] = json_decimals(e.mean_normal, 6);
        j["mean_error_anomaly"] = json_decimals(e.mean_anomaly, 6);
        j["final_loss"] = json_decimals(loss, 6);
        j["seconds"] = json_decimals(seconds, 2);
        out << json_line(j) << "\n";
    }
    return 0;
}

}  // namespace aelab::cli
