// aelab-cli train denoising-ae (see train_denoising_ae.hpp): trains the lesson's denoising
// autoencoder and, on the same batches from the same initial weights, a plain autoencoder, then
// compares them on the same noisy held-out images.
#include "train_denoising_ae.hpp"
#include "json_line.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "aelab/dataset.hpp"
#include "aelab/recipe_denoising.hpp"

namespace aelab::cli {
namespace {

Corruption corruption_from(const std::string& name) {
    if (name == "gaussian") return Corruption::gaussian;
    if (name == "masking") return Corruption::masking;
    if (name == "salt-and-pepper") return Corruption::salt_and_pepper;
    throw UsageError("--noise must be gaussian, masking or salt-and-pepper, got '" + printable(name) + "'");
}

std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

}  // namespace

int train_denoising_ae(const Args& a, std::ostream& out) {
    DenoisingRecipeOptions o;
    const long steps = a.get_int("steps", o.steps);
    const long seed = a.get_int("seed", long(o.seed));
    const std::string noise = a.get("noise", "gaussian");
    const std::string level_text = a.get("level", "");
    const bool json = a.get("json", "") == "1";  // get(), not has(): check_all_used counts only what get() read
    const std::string data_option = a.get("data", "");
    a.check_all_used("train denoising-ae");
    if (steps < 1 || steps > 1000000) throw UsageError("--steps must be in [1, 1000000], got " + std::to_string(steps));
    if (seed < 0) throw UsageError("--seed must be >= 0, got " + std::to_string(seed));
    o.steps = int(steps);
    o.seed = std::uint64_t(seed);
    o.corruption = corruption_from(noise);
    if (!level_text.empty()) {
        char* end = nullptr;
        o.level = std::strtof(level_text.c_str(), &end);
        if (*end || !std::isfinite(o.level)) throw UsageError("--level expects a number, got '" + printable(level_text) + "'");
        // A standard deviation over 10 on [0, 1] images is noise alone (and 1e30 overflows
        // the PSNR); masking and salt-and-pepper levels are probabilities, checked by the op.
        if (o.corruption == Corruption::gaussian && !(o.level >= 0.0f && o.level <= 10.0f))
            throw UsageError("--level for gaussian noise must be in [0, 10], got '" + printable(level_text) + "'");
    } else if (o.corruption != Corruption::gaussian) {
        o.level = 0.5f;  // p for masking and salt-and-pepper
    }

    const std::string data = find_dataset(data_option, "train denoising-ae");
    const Dataset dataset = load_dataset(data);
    DenoisingRecipe recipe(dataset, o);
    out << "train denoising-ae: MLP 784-" << o.model.hidden << "-" << o.model.code << "-" << o.model.hidden
        << "-784 (ReLU, Sigmoid output), Adam lr " << o.learning_rate << ", batch " << o.batch_size << ", " << o.steps
        << " steps, seed " << o.seed << "\n"
        << "  denoiser: " << corruption_name(o.corruption) << " noise, level " << o.level
        << " (not clipped) -> clean; plain AE: clean -> clean, same batches and initial weights\n"
        << "  data: " << data << "; PSNR on the first " << o.eval_count << " test images, the same noisy ones for both\n";

    const auto t0 = std::chrono::steady_clock::now();
    const int report_every = std::max(1, o.steps / 10);
    float loss = 0;
    DenoisingEval e;
    for (int s = 1; s <= o.steps; ++s) {
        loss = recipe.train_step();
        if (!std::isfinite(loss) || !std::isfinite(recipe.last_plain_loss()) || recipe.collapsed())
            throw Error("training failed at step " + std::to_string(s) +
                        (recipe.collapsed() ? ": the outputs collapsed to one image" : ": the loss is not finite"));
        if (s % report_every == 0 || s == o.steps) {
            e = recipe.evaluate();
            out << "step " << s << "/" << o.steps << "  loss " << fixed(loss, 4) << " (plain AE "
                << fixed(recipe.last_plain_loss(), 4) << ")  PSNR noisy " << fixed(e.psnr_noisy_db, 2) << " dB, denoised "
                << fixed(e.psnr_denoised_db, 2) << " dB, plain AE " << fixed(e.psnr_plain_ae_db, 2) << " dB\n";
        }
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    out << "done in " << fixed(seconds, 1) << " s: the denoiser gains " << fixed(e.psnr_denoised_db - e.psnr_noisy_db, 2)
        << " dB over the noisy input and " << fixed(e.psnr_denoised_db - e.psnr_plain_ae_db, 2)
        << " dB over the plain AE\n";
    if (json) {
        Json j;
        j["command"] = "train denoising-ae";
        j["steps"] = o.steps;
        j["seed"] = o.seed;
        j["noise"] = noise;
        j["level"] = json_g(o.level);
        j["eval_images"] = o.eval_count;
        j["psnr_noisy_db"] = json_decimals(e.psnr_noisy_db, 4);
        j["psnr_denoised_db"] = json_decimals(e.psnr_denoised_db, 4);
        j["psnr_plain_ae_db"] = json_decimals(e.psnr_plain_ae_db, 4);
        j["final_loss"] = json_decimals(loss, 6);
        j["final_plain_ae_loss"] = json_decimals(recipe.last_plain_loss(), 6);
        j["seconds"] = json_decimals(seconds, 2);
        out << json_line(j) << "\n";
    }
    return 0;
}

}  // namespace aelab::cli
