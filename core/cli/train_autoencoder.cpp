// aelab-cli train autoencoder-838 | stacked-ae (see train_autoencoder.hpp).
#include "train_autoencoder.hpp"
#include "json_line.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>
#include <string>

#include "aelab/dataset.hpp"
#include "aelab/recipe_autoencoder.hpp"

namespace aelab::cli {
namespace {

constexpr int kSeeds = 10;

ToyLoss toy_loss_from(const std::string& name) {
    for (ToyLoss l : {ToyLoss::cross_entropy, ToyLoss::squared_error})
        if (name == toy_loss_name(l)) return l;
    throw UsageError("train autoencoder-838: --loss must be cross-entropy or squared-error, got '" + printable(name) + "'");
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void print_table(Toy838& toy, std::ostream& out) {
    out << "  input     code (z1 z2 z3)       bits  reconstruction (rounded)  right\n";
    for (const Toy838Row& r : toy.table()) {
        std::string input(8, '0'), recon;
        input[std::size_t(7 - r.input)] = '1';  // e_0 = 00000001, as on the slide
        for (int i = 7; i >= 0; --i) recon += r.reconstruction[i] > 0.5f ? '1' : '0';
        out << "  " << input << "  " << decimals(r.code[0], 2) << " " << decimals(r.code[1], 2) << " "
            << decimals(r.code[2], 2) << "      " << r.bits[0] << r.bits[1] << r.bits[2] << "   " << recon
            << "                  " << (r.correct ? "yes" : "no") << "\n";
    }
}

}  // namespace

int train_autoencoder_838(const Args& a, std::ostream& out) {
    const std::string command = "train autoencoder-838";
    Toy838Options o;
    const TrainArgs t = read_train_args(a, command, o.steps, o.seed);
    o.loss = toy_loss_from(a.get("loss", toy_loss_name(o.loss)));
    if (!t.data_option.empty()) throw UsageError(command + ": the toy needs no --data");
    a.check_all_used(command);
    o.steps = t.steps;
    out << command << ": 8 one-hot inputs -> 3 sigmoid code units -> 8 sigmoid outputs, loss "
        << toy_loss_name(o.loss) << ", full-batch SGD lr " << o.learning_rate << " momentum " << o.momentum << ", "
        << o.steps << " steps, seeds " << t.seed << " .. " << t.seed + kSeeds - 1 << "\n";

    const auto t0 = std::chrono::steady_clock::now();
    int all_correct = 0, distinct = 0;
    for (int i = 0; i < kSeeds; ++i) {
        o.seed = t.seed + std::uint64_t(i);
        Toy838 toy(o);
        float loss = 0;
        for (int s = 0; s < o.steps; ++s) loss = toy.train_step();
        if (!std::isfinite(loss)) throw Error("seed " + std::to_string(o.seed) + ": the loss is not finite");
        if (i == 0) {
            out << "seed " << o.seed << " after " << o.steps << " steps:\n";
            print_table(toy, out);
        }
        const bool ok = toy.all_correct(), codes = toy.distinct_codes();
        all_correct += ok;
        distinct += codes;
        out << "seed " << o.seed << ": loss " << decimals(toy.loss(), 5) << ", " << (ok ? "all 8 right" : "NOT all right")
            << (codes ? ", 8 different 3-bit codes" : ", rounded codes repeat") << "\n";
    }
    const double seconds = seconds_since(t0);
    out << all_correct << " of " << kSeeds << " seeds give all eight inputs back (" << distinct
        << " with eight different rounded codes) in " << decimals(seconds, 2) << " s\n";
    if (t.json) {
        Json j;
        j["command"] = command;
        j["loss"] = toy_loss_name(o.loss);
        j["steps"] = o.steps;
        j["first_seed"] = t.seed;
        j["seeds"] = kSeeds;
        j["seeds_all_correct"] = all_correct;
        j["seeds_distinct_codes"] = distinct;
        j["seconds"] = json_decimals(seconds, 2);
        out << json_line(j) << "\n";
    }
    return 0;
}

int train_stacked_ae(const Args& a, std::ostream& out) {
    const std::string command = "train stacked-ae";
    const TrainArgs t = read_train_args(a, command, StackedOptions{}.total_steps(), StackedOptions{}.seed);
    a.check_all_used(command);
    if (t.steps < 3) throw UsageError(command + ": --steps must be at least 3 (one per stage)");
    StackedOptions o = stacked_schedule(t.steps);
    o.seed = t.seed;

    const std::string data_path = find_dataset(t.data_option, command);
    const Dataset data = load_dataset(data_path);
    StackedRecipe recipe(data, o);
    out << command << ": 784-" << o.hidden1 << "-" << o.hidden2 << "-" << o.hidden1
        << "-784 (Sigmoid), Adam lr " << o.learning_rate << ", batch " << o.batch_size << ", seed " << o.seed
        << "\n  greedy: " << o.stage1_steps << " steps 784-" << o.hidden1 << "-784, " << o.stage2_steps << " steps "
        << o.hidden1 << "-" << o.hidden2 << "-" << o.hidden1 << " on its codes, " << o.finetune_steps
        << " steps fine-tuning; end to end: " << o.total_steps() << " steps from the same initial weights\n"
        << "  data: " << data_path << "; MSE on the first " << o.eval_count << " test images\n";

    const auto t0 = std::chrono::steady_clock::now();
    const int report_every = std::max(1, o.total_steps() / 10);
    while (recipe.stage() != StackedStage::done) {
        const StackedStage stage = recipe.stage();
        const float loss = recipe.train_step();
        if (!std::isfinite(loss) || !std::isfinite(recipe.end_to_end_losses().back()))
            throw Error("training failed at step " + std::to_string(recipe.step()) + ": the loss is not finite");
        if (recipe.step() % report_every == 0 || recipe.stage() == StackedStage::done)
            out << "step " << recipe.step() << "/" << o.total_steps() << "  " << stacked_stage_name(stage)
                << ": loss " << decimals(loss, 5) << "; end to end " << decimals(recipe.end_to_end_losses().back(), 5)
                << "\n";
    }
    const double mse_greedy = recipe.held_out_mse_greedy(), mse_end_to_end = recipe.held_out_mse_end_to_end();
    out << "held-out MSE: greedy + fine-tuned " << decimals(mse_greedy, 5) << ", end to end "
        << decimals(mse_end_to_end, 5) << "\n";
    const std::vector<int> counts(std::begin(kProbeLabelCounts), std::end(kProbeLabelCounts));
    const auto curve = probe_curve(
        data, [&](const Tensor& x) { return recipe.encode_greedy(x); }, counts, kProbeTestCount);
    for (const ProbePoint& p : curve)
        out << "linear probe, " << p.labels << " labels: on the " << o.hidden2 << " codes "
            << decimals(p.accuracy_codes, 3) << ", on the 784 pixels " << decimals(p.accuracy_pixels, 3) << " (test "
            << kProbeTestCount << " images)\n";
    const double seconds = seconds_since(t0);
    out << "done in " << decimals(seconds, 1) << " s\n";
    if (t.json) {
        Json j;
        j["command"] = command;
        j["steps"] = o.total_steps();
        j["seed"] = o.seed;
        j["mse_greedy_finetuned"] = json_decimals(mse_greedy, 6);
        j["mse_end_to_end"] = json_decimals(mse_end_to_end, 6);
        for (const ProbePoint& p : curve) {
            j["probe_accuracy_codes_" + std::to_string(p.labels)] = json_decimals(p.accuracy_codes, 4);
            j["probe_accuracy_pixels_" + std::to_string(p.labels)] = json_decimals(p.accuracy_pixels, 4);
        }
        j["seconds"] = json_decimals(seconds, 2);
        out << json_line(j) << "\n";
    }
    return 0;
}

}  // namespace aelab::cli
