// aelab-cli train vae (see train_vae.hpp): the lesson's recipe, step by step with progress
// lines, then the ELBO on the 1000 held-out test images and, with --save, the model file the
// lesson loads (assets/models/vae-2d.aelabm is made with `aelab-cli train vae --save ...`).
#include "train_vae.hpp"
#include "json_line.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "aelab/dataset.hpp"
#include "aelab/model_io.hpp"
#include "aelab/recipe_vae.hpp"

namespace aelab::cli {

int train_vae(const Args& a, std::ostream& out) {
    VaeRecipeOptions o;
    const long steps = a.get_int("steps", o.steps);
    const long seed = a.get_int("seed", long(o.seed));
    if (steps < 0 || steps > 10000000) throw UsageError("train vae: --steps must be in [0, 10000000]");
    if (seed < 0) throw UsageError("train vae: --seed must be >= 0");
    o.steps = int(steps);
    o.seed = std::uint64_t(seed);
    if (a.has("beta")) {
        const std::string b = a.get("beta");
        char* end = nullptr;
        o.beta = std::strtof(b.c_str(), &end);
        if (b.empty() || *end || !(o.beta >= 0.0f && o.beta <= 100.0f))
            throw UsageError("train vae: --beta expects a number in [0, 100], got '" + printable(b) + "'");
    }
    const std::string save = a.get("save", "");
    const bool json = a.get("json", "") == "1";  // get() marks the flag as used; has() does not
    const std::string data_option = a.get("data", "");
    a.check_all_used("train vae");

    const std::string data_path = find_dataset(data_option, "train vae");
    const Dataset data = load_dataset(data_path);
    VaeRecipe recipe(data, o);
    char line[256];
    std::snprintf(line, sizeof line,
                  "train vae: %s, %zu train / %zu test images; hidden %d, latent %d, beta %g, Adam lr %g, batch %d, "
                  "%d steps, seed %d\n",
                  data_path.c_str(), data.size(Split::train), data.size(Split::test), o.hidden, o.latent,
                  double(o.beta), double(o.learning_rate), o.batch_size, o.steps, int(seed));
    out << line << std::flush;

    using clock = std::chrono::steady_clock;
    const auto t0 = clock::now();
    const int every = std::max(1, o.steps / 12);
    double recon_sum = 0, kl_sum = 0;
    int in_window = 0;
    for (int s = 1; s <= o.steps; ++s) {
        recipe.train_step();
        recon_sum += recipe.last_loss().recon;
        kl_sum += recipe.last_loss().kl;
        ++in_window;
        if (s % every == 0 || s == o.steps) {
            const double secs = std::chrono::duration<double>(clock::now() - t0).count();
            std::snprintf(line, sizeof line, "step %6d/%d  train recon %8.2f  KL %6.2f  (mean of the last %d)  %.1f s\n",
                          s, o.steps, recon_sum / in_window, kl_sum / in_window, in_window, secs);
            out << line << std::flush;
            recon_sum = kl_sum = 0;
            in_window = 0;
        }
    }
    const double seconds = std::chrono::duration<double>(clock::now() - t0).count();
    const VaeElbo e = recipe.evaluate();
    std::snprintf(line, sizeof line,
                  "test ELBO %.2f nats per image (= -(recon %.2f + KL %.2f)) on %zu test images, %.1f s of training\n",
                  e.elbo, e.recon, e.kl, e.images, seconds);
    out << line;
    if (!save.empty()) {
        save_model_file(recipe.vae(), save);
        out << "saved the model to " << save << "\n";
    }
    if (json) {
        Json j;
        j["command"] = "train vae";
        j["steps"] = o.steps;
        j["seed"] = seed;
        j["beta"] = json_g(double(o.beta));
        j["hidden"] = o.hidden;
        j["latent"] = o.latent;
        j["batch_size"] = o.batch_size;
        j["learning_rate"] = json_g(double(o.learning_rate));
        j["test_images"] = e.images;
        j["elbo"] = json_decimals(e.elbo, 4);
        j["recon"] = json_decimals(e.recon, 4);
        j["kl"] = json_decimals(e.kl, 4);
        j["train_loss"] = json_decimals(double(recipe.last_loss().total), 4);
        j["seconds"] = json_decimals(seconds, 2);
        j["saved"] = save.empty() ? Json(nullptr) : Json(save);
        out << json_line(j) << "\n";
    }
    return 0;
}

}  // namespace aelab::cli
