// aelab-cli train linear-ae [--steps N] [--seed S] [--latent K] [--tied 0|1] [--data FILE] [--json]
// Trains the lesson's linear autoencoder (recipe_linear_ae.hpp: Adam, batch 64, k = 8 by
// default) on the centred Fashion-MNIST training images, printing progress, then reports how
// close it came to PCA: the principal angles between the decoder's span and the top-k PCA
// subspace of the same training images, and both test reconstruction errors. With --json the
// last line is one JSON object:
//   {"command": "train linear-ae", "steps", "seed", "latent", "tied",
//    "principal_angle_max_deg", "principal_angle_mean_deg", "encoder_angle_max_deg",
//    "recon_mse_ae", "recon_mse_pca", "final_loss", "pca_seconds", "train_seconds"}
// (a value that is not finite, from a diverged run, is written as null).
#include "train_linear_ae.hpp"
#include "json_line.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "aelab/dataset.hpp"
#include "aelab/recipe_linear_ae.hpp"

namespace aelab::cli {
namespace {

// v with 6 significant digits ("%.6g"); NaN/inf -> null (JSON has no NaN).
Json json_number(double v) { return json_g(v); }

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int train_linear_ae(const Args& a, std::ostream& out) {
    LinearAeConfig c;
    const long steps = a.get_int("steps", c.steps), seed = a.get_int("seed", long(c.seed));
    c.latent = int(a.get_int("latent", c.latent));
    c.tied = a.get_int("tied", 0) != 0;
    const bool json = !a.get("json", "").empty();  // get, not has: marks the flag as used
    const std::string data_option = a.get("data", "");
    a.check_all_used("train linear-ae");
    if (steps < 1 || steps > 10000000) throw UsageError("--steps must be in [1, 10000000]");
    if (seed < 0) throw UsageError("--seed must be >= 0");
    c.steps = int(steps);
    c.seed = std::uint64_t(seed);

    const std::string path = find_dataset(data_option, "train linear-ae");
    const Dataset d = load_dataset(path);
    auto t0 = std::chrono::steady_clock::now();
    auto data = prepare_linear_ae_data(d);
    const double pca_seconds = seconds_since(t0);
    LinearAeRecipe r(data, c);
    out << "train linear-ae: " << d.size(Split::train) << " training images (centred), " << d.size(Split::test)
        << " test images; k = " << c.latent << (c.tied ? ", tied" : ", untied") << ", Adam lr " << c.learning_rate
        << " (decayed linearly after " << int(c.decay_start * 100) << "% of the steps), batch " << c.batch_size
        << ", " << c.steps << " steps, seed " << c.seed << "\n";
    char line[256];
    std::snprintf(line, sizeof line, "PCA of the training images: %.2f s; PCA-%d test MSE %.5f\n", pca_seconds, c.latent,
                  r.pca_test_mse());
    out << line;

    t0 = std::chrono::steady_clock::now();
    const int report_every = std::max(1, c.steps / 10);
    float loss = 0;
    for (int s = 1; s <= c.steps; ++s) {
        loss = r.train_step();
        if (s % report_every == 0 || s == c.steps) {
            const LinearAeProbe p = r.probe();
            std::snprintf(line, sizeof line,
                          "step %5d/%d  loss %.5f  test MSE %.5f  max angle %6.2f deg  mean %5.2f deg  lr %.2g  (%.1f s)\n",
                          s, c.steps, loss, p.test_mse, p.max_angle_deg, p.mean_angle_deg, r.current_learning_rate(),
                          seconds_since(t0));
            out << line << std::flush;
        }
    }
    const double train_seconds = seconds_since(t0);
    const LinearAeProbe p = r.probe();
    const std::vector<double> enc = r.encoder_angles();
    std::snprintf(line, sizeof line,
                  "principal angles to the PCA-%d subspace: max %.3f deg, mean %.3f deg (encoder rows: max %.3f deg)\n"
                  "test MSE: autoencoder %.5f, PCA-%d %.5f\n",
                  c.latent, p.max_angle_deg, p.mean_angle_deg, enc.back(), p.test_mse, c.latent, r.pca_test_mse());
    out << line;
    if (json) {
        Json j;
        j["command"] = "train linear-ae";
        j["steps"] = r.step();
        j["seed"] = c.seed;
        j["latent"] = c.latent;
        j["tied"] = bool(c.tied);
        j["principal_angle_max_deg"] = json_number(p.max_angle_deg);
        j["principal_angle_mean_deg"] = json_number(p.mean_angle_deg);
        j["encoder_angle_max_deg"] = json_number(enc.back());
        j["recon_mse_ae"] = json_number(p.test_mse);
        j["recon_mse_pca"] = json_number(r.pca_test_mse());
        j["final_loss"] = json_number(loss);
        j["pca_seconds"] = json_number(pca_seconds);
        j["train_seconds"] = json_number(train_seconds);
        out << json_line(j) << "\n";
    }
    return 0;
}

}  // namespace aelab::cli
