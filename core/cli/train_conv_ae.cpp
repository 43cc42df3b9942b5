// aelab-cli train conv-ae (see train_conv_ae.hpp).
#include "train_conv_ae.hpp"
#include "json_line.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "aelab/architecture.hpp"
#include "aelab/dataset.hpp"
#include "aelab/recipe_conv_ae.hpp"
#include "aelab/recipe_denoising.hpp"

namespace aelab::cli {
namespace {

const std::string kCommand = "train conv-ae";

// A preset id or spec text -> checked canonical spec text; a usage error with the check's message.
std::string read_spec(const std::string& option, const std::string& value) {
    std::string text = value;
    for (const ArchPreset& p : architecture_presets())
        if (value == p.id) text = p.spec;
    const ArchCheck c = check_architecture(text);
    if (!c.ok) throw UsageError(kCommand + ": --" + option + " '" + printable(value) + "': " + c.error);
    return architecture_text(c.arch);
}

void print_network(const ConvAeNet& n, const std::string& label, std::ostream& out) {
    out << label << ": " << n.spec << "\n    layer                 output          params\n";
    for (std::size_t i = 0; i < n.check.rows.size(); ++i) {
        const ArchRow& r = n.check.rows[i];
        std::string token = r.token + (r.name.empty() ? "" : " (" + r.name + ")");
        std::string shape = shape_str(r.output);
        token.resize(std::max<std::size_t>(token.size(), 20), ' ');
        shape.resize(std::max<std::size_t>(shape.size(), 14), ' ');
        out << "    " << token << "  " << shape << "  " << r.params
            << (std::ptrdiff_t(i) == n.check.code_layer ? "   <- code" : "") << "\n";
    }
    out << "    " << n.check.params << " parameters; code " << shape_str(n.check.code_shape) << " = "
        << n.check.code_size << " numbers; a dense 784-" << n.check.code_size << "-784 autoencoder has "
        << n.check.dense_params << "\n";
}

}  // namespace

int train_conv_ae(const Args& a, std::ostream& out) {
    ConvAeOptions o;
    const TrainArgs t = read_train_args(a, kCommand, o.steps, o.seed);
    std::vector<std::string> specs = {read_spec("arch", a.get("arch", kConvAeFirstPreset))};
    if (a.has("arch2")) specs.push_back(read_spec("arch2", a.get("arch2")));
    const long augment = a.get_int("augment", 0);
    a.check_all_used(kCommand);
    if (augment != 0 && augment != 1) throw UsageError(kCommand + ": --augment must be 0 or 1");
    o.steps = t.steps;
    o.seed = t.seed;
    o.augment = augment == 1;

    const std::string data_path = find_dataset(t.data_option, kCommand);
    const Dataset data = load_dataset(data_path);
    ConvAeRecipe recipe(data, specs, o);
    out << kCommand << ": Adam lr " << o.learning_rate << ", batch " << o.batch_size << ", " << o.steps
        << " steps, seed " << o.seed << (o.augment ? ", augmented (shifts up to 2 px, flips)" : "") << "\n  data: "
        << data_path << "; PSNR on the first " << o.eval_count << " test images\n";
    for (std::size_t i = 0; i < recipe.size(); ++i) print_network(recipe.net(i), "  network " + std::to_string(i + 1), out);

    const auto t0 = std::chrono::steady_clock::now();
    const int report_every = std::max(1, o.steps / 10);
    for (int s = 0; s < o.steps; ++s) {
        const std::vector<float> losses = recipe.train_step();
        for (float l : losses)
            if (!std::isfinite(l))
                throw Error("training failed at step " + std::to_string(recipe.step()) + ": the loss is not finite");
        if (recipe.step() % report_every == 0 || recipe.step() == o.steps) {
            out << "step " << recipe.step() << "/" << o.steps << "  loss";
            for (float l : losses) out << " " << decimals(l, 5);
            out << "\n";
        }
    }
    const double train_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const std::vector<double> mse = recipe.evaluate_mse();
    std::vector<double> psnr;
    for (std::size_t i = 0; i < recipe.size(); ++i) {
        psnr.push_back(psnr_from_mse(mse[i]));
        out << "network " << i + 1 << ": held-out MSE " << decimals(mse[i], 5) << ", PSNR " << decimals(psnr[i], 2)
            << " dB, " << recipe.net(i).check.params << " parameters (dense: " << recipe.net(i).check.dense_params
            << ")\n";
    }
    const double examples_per_second = double(o.steps) * o.batch_size / std::max(train_seconds, 1e-9);
    out << "trained in " << decimals(train_seconds, 1) << " s, " << decimals(examples_per_second, 0)
        << " examples/s (every network each step)\n";
    if (t.json) {
        Json j;
        j["command"] = kCommand;
        j["steps"] = o.steps;
        j["seed"] = o.seed;
        j["batch"] = o.batch_size;
        j["augment"] = bool(o.augment);
        for (std::size_t i = 0; i < recipe.size(); ++i) {
            const std::string suffix = i == 0 ? "" : "_" + std::to_string(i + 1);
            const ConvAeNet& n = recipe.net(i);
            std::ostringstream spec;
            spec << n.spec;
            j["arch" + suffix] = spec.str();
            j["params" + suffix] = n.check.params;
            j["dense_params" + suffix] = n.check.dense_params;
            j["mse" + suffix] = json_decimals(mse[i], 6);
            j["psnr_db" + suffix] = json_decimals(psnr[i], 3);
        }
        j["seconds"] = json_decimals(train_seconds, 2);
        j["examples_per_second"] = json_decimals(examples_per_second, 1);
        out << json_line(j) << "\n";
    }
    return 0;
}

}  // namespace aelab::cli
