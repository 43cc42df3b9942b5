// aelab-cli train gan (see train_gan.hpp): the lesson's plane recipe, period by period with
// progress lines (losses and mode coverage), then the evaluation on 2000 fixed latents.
#include "train_gan.hpp"
#include "json_line.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "aelab/recipe_gan.hpp"

namespace aelab::cli {
namespace {

float read_float(const Args& a, const char* key, float fallback, float lo, float hi) {
    if (!a.has(key)) return fallback;
    const std::string v = a.get(key);
    char* end = nullptr;
    const float f = std::strtof(v.c_str(), &end);
    if (v.empty() || *end || !(f >= lo && f <= hi))
        throw UsageError(std::string("train gan: --") + key + " expects a number in [" + decimals(lo, 4) + ", " +
                         decimals(hi, 4) + "], got '" + printable(v) + "'");
    return f;
}

int read_int(const Args& a, const char* key, int fallback, int lo, int hi) {
    const long v = a.get_int(key, fallback);
    if (v < lo || v > hi)
        throw UsageError(std::string("train gan: --") + key + " must be in [" + std::to_string(lo) + ", " +
                         std::to_string(hi) + "], got " + std::to_string(v));
    return int(v);
}

std::string stats_text(const GanModeStats& s) {
    if (s.modes == 0) return "";
    return "  modes covered " + std::to_string(s.modes_covered) + "/" + std::to_string(s.modes) + ", high quality " +
           decimals(100.0 * s.high_quality_fraction, 1) + "%";
}

}  // namespace

int train_gan(const Args& a, std::ostream& out) {
    PlaneGanOptions o;
    const TrainArgs t = read_train_args(a, "train gan", o.steps, o.seed, 200000);
    o.steps = t.steps;
    o.seed = t.seed;
    const std::string target = a.get("target", "ring");
    if (target == "ring") o.target = GanTarget::ring;
    else if (target == "two-clusters") o.target = GanTarget::two_clusters;
    else if (target == "line") o.target = GanTarget::line;
    else throw UsageError("train gan: --target must be ring, two-clusters or line, got '" + printable(target) + "'");
    const std::string loss = a.get("loss", "non-saturating");
    if (loss == "non-saturating") o.loss = GanLoss::non_saturating;
    else if (loss == "saturating") o.loss = GanLoss::saturating;
    else throw UsageError("train gan: --loss must be non-saturating or saturating, got '" + printable(loss) + "'");
    o.d_steps = read_int(a, "kd", o.d_steps, 0, 100);
    o.g_steps = read_int(a, "kg", o.g_steps, 0, 100);
    if (o.d_steps + o.g_steps < 1) throw UsageError("train gan: --kd and --kg cannot both be 0");
    o.learning_rate = read_float(a, "lr", o.learning_rate, 1e-6f, 1.0f);
    o.noise = read_float(a, "noise", o.noise, 0.001f, 1.0f);
    o.batch_size = read_int(a, "batch", o.batch_size, 1, 4096);
    o.hidden = read_int(a, "hidden", o.hidden, 1, 1024);
    o.latent = read_int(a, "latent", o.latent, 1, 64);
    if (!t.data_option.empty()) throw UsageError("train gan: --data is not used (the targets are generated)");
    a.check_all_used("train gan");

    PlaneGan gan(o);
    char line[320];
    std::snprintf(line, sizeof line,
                  "train gan: target %s (noise %g), G %d-%d-%d-2, D 2-%d-%d-1, %s, Adam lr %g (beta1 0.5), batch %d, "
                  "%d D + %d G updates per step, %d steps, seed %llu\n",
                  gan_target_name(o.target), double(o.noise), o.latent, o.hidden, o.hidden, o.hidden, o.hidden,
                  gan_loss_name(o.loss), double(o.learning_rate), o.batch_size, o.d_steps, o.g_steps, o.steps,
                  static_cast<unsigned long long>(o.seed));
    out << line << std::flush;
    using clock = std::chrono::steady_clock;
    const auto t0 = clock::now();
    const int every = std::max(1, o.steps / 10);
    for (int s = 1; s <= o.steps; ++s) {
        gan.train_period();
        if (s % every == 0 || s == o.steps) {
            const double secs = std::chrono::duration<double>(clock::now() - t0).count();
            std::snprintf(line, sizeof line, "step %6d/%d  D loss %.4f  G loss %.4f  D(real) %.3f  D(fake) %.3f", s,
                          o.steps, double(gan.last_d().loss), double(gan.last_g().loss), double(gan.last_d().d_real),
                          double(gan.last_d().d_fake));
            out << line << stats_text(gan.evaluate()) << "  " << decimals(secs, 1) << " s\n" << std::flush;
        }
    }
    const double seconds = std::chrono::duration<double>(clock::now() - t0).count();
    const GanModeStats e = gan.evaluate();
    if (e.modes > 0) {
        out << "modes covered " << e.modes_covered << " of " << e.modes << " (a mode is covered by >= 2% of the "
            << e.samples << " samples within 3 sd of it); high-quality samples "
            << decimals(100.0 * e.high_quality_fraction, 1) << "%; per mode:";
        for (int c : e.high_quality_per_mode) out << " " << c;
        out << "\n";
    }
    if (t.json) {
        Json j;
        j["command"] = "train gan";
        j["target"] = gan_target_name(o.target);
        j["steps"] = o.steps;
        j["seed"] = static_cast<unsigned long long>(o.seed);
        j["loss"] = o.loss == GanLoss::saturating ? "saturating" : "non-saturating";
        j["kd"] = o.d_steps;
        j["kg"] = o.g_steps;
        j["learning_rate"] = json_g(double(o.learning_rate));
        j["batch_size"] = o.batch_size;
        j["hidden"] = o.hidden;
        j["latent"] = o.latent;
        j["noise"] = json_g(double(o.noise));
        j["modes"] = e.modes;
        j["modes_covered"] = e.modes_covered;
        j["high_quality_fraction"] = json_decimals(e.high_quality_fraction, 4);
        j["d_loss"] = json_decimals(double(gan.last_d().loss), 4);
        j["g_loss"] = json_decimals(double(gan.last_g().loss), 4);
        j["d_real"] = json_decimals(double(gan.last_d().d_real), 4);
        j["d_fake"] = json_decimals(double(gan.last_d().d_fake), 4);
        j["seconds"] = json_decimals(seconds, 2);
        out << json_line(j) << "\n";
    }
    return 0;
}

}  // namespace aelab::cli
