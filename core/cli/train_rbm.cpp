// aelab-cli train rbm | dbn-ae (see train_rbm.hpp).
#include "train_rbm.hpp"
#include "json_line.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <string>

#include "aelab/dataset.hpp"
#include "aelab/recipe_rbm.hpp"

namespace aelab::cli {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

Binarize binarize_from(const std::string& name, const std::string& command) {
    for (Binarize b : {Binarize::threshold, Binarize::sampled})
        if (name == binarize_name(b)) return b;
    throw UsageError(command + ": --binarize must be threshold or sampled, got '" + printable(name) + "'");
}

float read_lr(const Args& a, const std::string& command, float fallback) {
    const std::string text = a.get("lr", "");
    if (text.empty()) return fallback;
    char* end = nullptr;
    const float v = std::strtof(text.c_str(), &end);
    if (*end || !(v > 0 && v <= 10))
        throw UsageError(command + ": --lr must be a number in (0, 10], got '" + printable(text) + "'");
    return v;
}

}  // namespace

int train_rbm(const Args& a, std::ostream& out) {
    const std::string command = "train rbm";
    RbmRecipeOptions o;
    const TrainArgs t = read_train_args(a, command, o.steps, o.seed);
    const long hidden = a.get_int("hidden", o.hidden);
    const long k = a.get_int("k", o.cd.k);
    o.cd.learning_rate = read_lr(a, command, o.cd.learning_rate);
    o.binarize = binarize_from(a.get("binarize", binarize_name(o.binarize)), command);
    a.check_all_used(command);
    if (hidden < 1 || hidden > 1024) throw UsageError(command + ": --hidden must be in [1, 1024], got " + std::to_string(hidden));
    if (k < 1 || k > 1000) throw UsageError(command + ": --k must be in [1, 1000], got " + std::to_string(k));
    o.hidden = int(hidden);
    o.cd.k = int(k);
    o.steps = t.steps;
    o.seed = t.seed;
    const bool exact = o.hidden <= kRbmExactMaxHidden;

    const std::string data_path = find_dataset(t.data_option, command);
    const Dataset data = load_dataset(data_path);
    RbmRecipe recipe(data, o);
    out << command << ": 784 binary visible x " << o.hidden << " binary hidden units, CD-" << o.cd.k << ", lr "
        << o.cd.learning_rate << " momentum " << o.cd.momentum << ", batch " << o.batch_size << ", " << o.steps
        << " steps, seed " << o.seed << "\n  pixels binarised by " << binarize_name(o.binarize)
        << "; data: " << data_path << "; held out: the first " << o.eval_count << " test images\n";
    if (exact)
        out << "  exact log-likelihood: log Z sums the 2^" << o.hidden << " hidden states (the pixels sum out)\n";
    else
        out << "  no exact log-likelihood: " << o.hidden << " hidden units are more than " << kRbmExactMaxHidden
            << " to enumerate\n";

    const auto t0 = std::chrono::steady_clock::now();
    const int report_every = std::max(1, o.steps / 10);
    double train_err = 0;
    RbmEval e;
    for (int s = 1; s <= o.steps; ++s) {
        train_err = recipe.train_step();
        if (!std::isfinite(train_err)) throw Error("training failed at step " + std::to_string(s) + ": the error is not finite");
        if (s % report_every == 0 || s == o.steps) {
            e = recipe.evaluate();
            out << "step " << s << "/" << o.steps << "  train recon error " << decimals(train_err, 5)
                << "  held-out recon error " << decimals(e.recon_error, 5);
            if (e.exact) out << "  log-likelihood " << decimals(e.log_likelihood, 2) << " nats/image";
            out << "\n";
        }
    }
    const double seconds = seconds_since(t0);
    out << "done in " << decimals(seconds, 1) << " s\n";
    if (t.json) {
        Json j;
        j["command"] = command;
        j["steps"] = o.steps;
        j["seed"] = o.seed;
        j["hidden"] = o.hidden;
        j["k"] = o.cd.k;
        j["lr"] = json_g(o.cd.learning_rate);
        j["binarize"] = binarize_name(o.binarize);
        j["eval_images"] = o.eval_count;
        j["recon_error"] = json_decimals(e.recon_error, 6);
        j["log_likelihood"] = e.exact ? json_decimals(e.log_likelihood, 4) : Json(nullptr);
        j["log_z"] = e.exact ? json_decimals(e.log_z, 4) : Json(nullptr);
        j["final_train_recon_error"] = json_decimals(train_err, 6);
        j["seconds"] = json_decimals(seconds, 2);
        out << json_line(j) << "\n";
    }
    return 0;
}

int train_dbn_ae(const Args& a, std::ostream& out) {
    const std::string command = "train dbn-ae";
    const TrainArgs t = read_train_args(a, command, DbnAeOptions{}.total_steps(), DbnAeOptions{}.seed);
    a.check_all_used(command);
    if (t.steps < 3) throw UsageError(command + ": --steps must be at least 3 (one per stage)");
    DbnAeOptions o = dbn_ae_schedule(t.steps);
    o.seed = t.seed;

    const std::string data_path = find_dataset(t.data_option, command);
    const Dataset data = load_dataset(data_path);
    DbnAeRecipe recipe(data, o);
    out << command << ": deep autoencoder 784-" << o.hidden1 << "-" << o.hidden2 << "-" << o.hidden1
        << "-784 (Sigmoid), three arms on the same batches (batch " << o.batch_size << ", seed " << o.seed << ")\n"
        << "  RBM-pretrained: RBM 1 784x" << o.hidden1 << " by CD-" << o.cd.k << " (lr " << o.cd.learning_rate
        << ") " << o.stage1_steps << " steps, RBM 2 " << o.hidden1 << "x" << o.hidden2 << " on its p(h|v) "
        << o.stage2_steps << " steps, unrolled and fine-tuned " << o.finetune_steps << " steps (Adam lr "
        << o.learning_rate << ")\n"
        << "  greedy AE: the same schedule with autoencoders; random init: " << o.total_steps()
        << " steps end to end\n"
        << "  pixels binarised by " << binarize_name(o.binarize) << "; data: " << data_path
        << "; MSE on the first " << o.eval_count << " test images\n";

    const auto t0 = std::chrono::steady_clock::now();
    const int report_every = std::max(1, o.total_steps() / 10);
    while (recipe.stage() != DbnStage::done) {
        const DbnStage stage = recipe.stage();
        const float loss = recipe.train_step();
        const float greedy = recipe.losses(DbnArm::greedy, stage).back();
        const float random = recipe.random_losses().back();
        if (!std::isfinite(loss) || !std::isfinite(greedy) || !std::isfinite(random))
            throw Error("training failed at step " + std::to_string(recipe.step()) + ": a loss is not finite");
        if (recipe.step() % report_every == 0 || recipe.stage() == DbnStage::done)
            out << "step " << recipe.step() << "/" << o.total_steps() << "  " << dbn_stage_name(stage) << ": "
                << (stage == DbnStage::finetune ? "MSE " : "RBM recon error ") << decimals(loss, 5) << "; greedy AE "
                << decimals(greedy, 5) << "; random init " << decimals(random, 5) << "\n";
    }
    const DbnAeEval e = recipe.evaluate();
    const double seconds = seconds_since(t0);
    out << "held-out MSE: RBM-pretrained + fine-tuned " << decimals(e.mse_dbn, 5) << ", random init "
        << decimals(e.mse_random, 5) << ", greedy AE + fine-tuned " << decimals(e.mse_greedy, 5) << "\n"
        << "done in " << decimals(seconds, 1) << " s\n";
    if (t.json) {
        Json j;
        j["command"] = command;
        j["steps"] = o.total_steps();
        j["seed"] = o.seed;
        j["hidden1"] = o.hidden1;
        j["hidden2"] = o.hidden2;
        j["stage1_steps"] = o.stage1_steps;
        j["stage2_steps"] = o.stage2_steps;
        j["finetune_steps"] = o.finetune_steps;
        j["eval_images"] = o.eval_count;
        j["mse_pretrained_finetuned"] = json_decimals(e.mse_dbn, 6);
        j["mse_random_init"] = json_decimals(e.mse_random, 6);
        j["mse_greedy_ae"] = json_decimals(e.mse_greedy, 6);
        j["seconds"] = json_decimals(seconds, 2);
        out << json_line(j) << "\n";
    }
    return 0;
}

}  // namespace aelab::cli
