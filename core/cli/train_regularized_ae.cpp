// aelab-cli train sparse-ae|contractive-ae (see train_regularized_ae.hpp).
#include "train_regularized_ae.hpp"
#include "json_line.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "aelab/dataset.hpp"
#include "aelab/npy.hpp"
#include "aelab/recipe_regularized.hpp"

namespace aelab::cli {
namespace {

float read_lambda(const Args& a, const std::string& command, float fallback, float max) {
    const std::string text = a.get("lambda", "");
    if (text.empty()) return fallback;
    char* end = nullptr;
    const float v = std::strtof(text.c_str(), &end);
    if (*end || !(v >= 0 && v <= max))
        throw UsageError(command + ": --lambda must be a number in [0, " + decimals(max, 1) + "], got '" + printable(text) + "'");
    return v;
}

std::vector<float> read_sweep(const std::string& text, const std::string& command) {
    if (text == "default") return default_sparse_lambdas();
    std::vector<float> out;
    std::stringstream ss(text);
    std::string part;
    while (std::getline(ss, part, ',')) {
        char* end = nullptr;
        const float v = std::strtof(part.c_str(), &end);
        if (part.empty() || *end || !(v >= 0 && v <= kMaxSparseLambda))
            throw UsageError(command + ": --sweep expects lambdas in [0, " + decimals(kMaxSparseLambda, 1) +
                             "] separated by commas, or 'default'; got '" + printable(text) + "'");
        out.push_back(v);
    }
    if (out.empty() || out.size() > 16) throw UsageError(command + ": --sweep expects 1 to 16 lambdas");
    return out;
}

std::string number(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
}

void check_finite(float loss, int step) {
    if (!std::isfinite(loss))
        throw Error("training failed at step " + std::to_string(step) + ": the loss is not finite");
}

Json json_list(const std::vector<double>& v, std::size_t count) {
    Json list = Json::array();
    for (std::size_t i = 0; i < std::min(count, v.size()); ++i) list.push_back(json_decimals(v[i], 5));
    return list;
}

}  // namespace

int train_sparse_ae(const Args& a, std::ostream& out) {
    const std::string command = "train sparse-ae";
    SparseAeOptions o;
    const TrainArgs t = read_train_args(a, command, o.steps, o.seed);
    o.lambda = read_lambda(a, command, o.lambda, kMaxSparseLambda);
    const std::string sweep_text = a.get("sweep", "");
    const std::string atoms_path = a.get("atoms", "");
    a.check_all_used(command);
    const std::vector<float> lambdas = sweep_text.empty() ? std::vector<float>{o.lambda} : read_sweep(sweep_text, command);
    o.steps = t.steps;
    o.seed = t.seed;

    const std::string data_path = find_dataset(t.data_option, command);
    const Dataset data = load_dataset(data_path);
    SparseSweep sweep(data, lambdas, o);
    out << command << ": overcomplete 784-" << o.code << "-784 (ReLU code, linear decoder with unit-length atoms), "
        << "Adam lr " << number(o.learning_rate) << ", batch " << o.batch_size << ", " << o.steps << " steps, seed "
        << o.seed << "\n  loss = MSE + lambda * sum_j |h_j| (per image); lambda";
    for (float l : lambdas) out << " " << number(l);
    out << "\n  data: " << data_path << "; held-out figures on the first " << o.eval_count << " test images\n";

    const auto t0 = std::chrono::steady_clock::now();
    const int report_every = std::max(1, o.steps / 5);
    for (int s = 1; s <= o.steps; ++s) {
        for (std::size_t i = 0; i < sweep.size(); ++i) check_finite(sweep.net(i).train_step(), s);
        if (s % report_every == 0 || s == o.steps) {
            out << "step " << s << "/" << o.steps << "  loss";
            for (std::size_t i = 0; i < sweep.size(); ++i)
                out << " " << decimals(sweep.net(i).last_mse() + sweep.lambda(i) * sweep.net(i).last_penalty(), 5);
            out << "\n";
        }
    }
    const std::vector<SweepPoint> points = sweep.evaluate();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    out << "  lambda     held-out MSE  units active  sum|h| per image  dead units  atom spread (px)\n";
    for (const SweepPoint& p : points) {
        std::string l = number(p.lambda);
        l.resize(std::max<std::size_t>(l.size(), 9), ' ');
        out << "  " << l << "  " << decimals(p.eval.mse, 5) << "       " << decimals(100 * p.eval.fraction_active, 1)
            << "%        " << decimals(p.eval.l1, 2) << "           " << decimals(100 * p.eval.dead_fraction, 1)
            << "%      " << decimals(p.eval.atom_spread, 2) << "\n";
    }
    out << "done in " << decimals(seconds, 1) << " s\n";
    if (!atoms_path.empty()) {
        // The kSavedAtoms most used atoms of every network: (networks, kSavedAtoms, 28, 28).
        constexpr std::size_t kSavedAtoms = 16;
        Tensor all = zeros({sweep.size(), kSavedAtoms, 28, 28});
        for (std::size_t i = 0; i < sweep.size(); ++i) {
            SparseAe& n = sweep.net(i);
            std::vector<int> units = units_by_use(n.encode(n.eval_images()));
            units.resize(std::min(units.size(), kSavedAtoms));
            const Tensor images = atom_images(n.atoms(), units);
            std::copy(images.begin(), images.end(), all.data() + i * kSavedAtoms * 784);
        }
        save_npy(atoms_path, all);
        out << "atoms: " << atoms_path << " (network, atom, 28, 28), the " << kSavedAtoms << " most used per network\n";
    }
    if (t.json) {
        Json j;
        j["command"] = command;
        j["steps"] = o.steps;
        j["seed"] = o.seed;
        j["code"] = o.code;
        auto figures = [](Json& f, const SparseEval& e) {
            f["mse"] = json_decimals(e.mse, 6);
            f["fraction_active"] = json_decimals(e.fraction_active, 5);
            f["l1"] = json_decimals(e.l1, 4);
            f["dead_fraction"] = json_decimals(e.dead_fraction, 5);
            f["atom_spread_px"] = json_decimals(e.atom_spread, 4);
        };
        if (sweep_text.empty()) {
            SparseAe& n = sweep.net(0);
            j["lambda"] = json_g(o.lambda);
            j["eval_images"] = o.eval_count;
            figures(j, points[0].eval);
            j["final_loss"] = json_decimals(n.last_mse() + o.lambda * n.last_penalty(), 6);
        } else {
            j["eval_images"] = o.eval_count;
            Json list = Json::array();
            for (const auto& p : points) {
                Json item;
                item["lambda"] = json_g(p.lambda);
                figures(item, p.eval);
                list.push_back(item);
            }
            j["sweep"] = list;
        }
        j["seconds"] = json_decimals(seconds, 2);
        out << json_line(j) << "\n";
    }
    return 0;
}

int train_contractive_ae(const Args& a, std::ostream& out) {
    const std::string command = "train contractive-ae";
    ContractiveOptions o;
    const TrainArgs t = read_train_args(a, command, o.steps, o.seed);
    o.lambda = read_lambda(a, command, o.lambda, kMaxContractiveLambda);
    a.check_all_used(command);
    o.steps = t.steps;
    o.seed = t.seed;

    const std::string data_path = find_dataset(t.data_option, command);
    const Dataset data = load_dataset(data_path);
    ContractiveRecipe recipe(data, o);
    out << command << ": 784-" << o.code << "-784 (sigmoid encoder and output), Adam lr " << number(o.learning_rate)
        << ", batch " << o.batch_size << ", " << o.steps << " steps, seed " << o.seed
        << "\n  plain: MSE; contractive: MSE + " << number(o.lambda)
        << " * ||dh/dx||_F^2 (per image); same initial weights and batches\n  data: " << data_path
        << "; held-out figures on the first " << o.eval_count << " test images\n";

    const auto t0 = std::chrono::steady_clock::now();
    const int report_every = std::max(1, o.steps / 5);
    for (int s = 1; s <= o.steps; ++s) {
        const float loss = recipe.train_step();
        check_finite(loss, s);
        check_finite(recipe.last_plain_loss(), s);
        if (s % report_every == 0 || s == o.steps)
            out << "step " << s << "/" << o.steps << "  plain MSE " << decimals(recipe.last_plain_loss(), 5)
                << "  contractive MSE " << decimals(recipe.last_mse(), 5) << " + ||J||_F^2 "
                << decimals(recipe.last_penalty(), 3) << "\n";
    }
    const ContractiveEval e = recipe.evaluate();
    const Tensor x0 = data.image(Split::test, 0);
    const std::vector<double> sv_plain = recipe.singular_values(false, x0), sv_cae = recipe.singular_values(true, x0);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    out << "held-out:           MSE       mean ||dh/dx||_F\n"
        << "  plain          " << decimals(e.mse_plain, 5) << "    " << decimals(e.jacobian_fro_plain, 3) << "\n"
        << "  contractive    " << decimals(e.mse_contractive, 5) << "    " << decimals(e.jacobian_fro_contractive, 3)
        << "\nsingular values of dh/dx at test image 0 (the 10 largest of " << sv_plain.size() << "):\n  plain       ";
    for (std::size_t i = 0; i < 10 && i < sv_plain.size(); ++i) out << " " << decimals(sv_plain[i], 3);
    out << "\n  contractive ";
    for (std::size_t i = 0; i < 10 && i < sv_cae.size(); ++i) out << " " << decimals(sv_cae[i], 3);
    // How many directions each encoder still follows: singular values above a tenth of the plain
    // network's largest (the lesson shows the same count).
    const double cut = sv_plain.empty() ? 0.0 : 0.1 * sv_plain[0];
    const auto above = [cut](const std::vector<double>& v) { return std::count_if(v.begin(), v.end(), [cut](double s) { return s > cut; }); };
    out << "\nabove a tenth of the plain network's largest (" << decimals(cut, 3) << "): plain " << above(sv_plain)
        << ", contractive " << above(sv_cae) << " of " << sv_plain.size();
    out << "\ndone in " << decimals(seconds, 1) << " s\n";
    if (t.json) {
        Json j;
        j["command"] = command;
        j["steps"] = o.steps;
        j["seed"] = o.seed;
        j["code"] = o.code;
        j["lambda"] = json_g(o.lambda);
        j["eval_images"] = o.eval_count;
        j["mse_plain"] = json_decimals(e.mse_plain, 6);
        j["mse_contractive"] = json_decimals(e.mse_contractive, 6);
        j["jacobian_fro_plain"] = json_decimals(e.jacobian_fro_plain, 5);
        j["jacobian_fro_contractive"] = json_decimals(e.jacobian_fro_contractive, 5);
        j["singular_values_plain"] = json_list(sv_plain, 10);
        j["singular_values_contractive"] = json_list(sv_cae, 10);
        j["above_tenth_plain"] = above(sv_plain);
        j["above_tenth_contractive"] = above(sv_cae);
        j["seconds"] = json_decimals(seconds, 2);
        out << json_line(j) << "\n";
    }
    return 0;
}

}  // namespace aelab::cli
