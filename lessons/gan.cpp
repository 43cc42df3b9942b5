// Lesson "Generative adversarial networks" (id: gan)
// What it teaches: a generator G (like a decoder: a latent z ~ N(0, I) in, a sample out) and a
// discriminator D (a classifier: real or generated?) trained against each other in alternating
// periods, the discriminator for some steps, then the generator with the discriminator fixed.
// On the plane every part is visible: the target, the real and generated points, D's
// probability everywhere, the direction each generated point is pushed, both losses; and when
// the balance is wrong, the result is very destructive: mode collapse and oscillation. Then the
// same game on Fashion-MNIST images, beside a VAE trained on the same class.
//
// Index of this file:
//   [SECTION] Maths (tested in tests/lessons/test_gan.cpp)
//   [SECTION] The page: URL keys and training hooks
//   [SECTION] PyTorch code
//   [SECTION] 1. On the plane
//   [SECTION] 2. Why the non-saturating loss
//   [SECTION] 3. On images
//   [SECTION] The lesson
#include "gan.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <imgui.h>
#include <xtensor/xmanipulation.hpp>
#include <xtensor/xview.hpp>

#include "aelab/rng.hpp"
#include "aelab/toy2d.hpp"
#include "kit/palette.hpp"
#include "kit/plane.hpp"
#include "kit/platform.hpp"
#include "kit/a11y.hpp"
#include "kit/widgets.hpp"
#include "lesson.hpp"

namespace aelab::lessons {
namespace gan {

//-----------------------------------------------------------------------------
// [SECTION] Maths
//-----------------------------------------------------------------------------

const PlanePreset& plane_preset(int index) {
    static const PlanePreset presets[kPresetCount] = {
        {"Balanced", 1, 1, 1e-3f, GanLoss::non_saturating,
         "One D update, then one G update. The fakes spread from a blob at the centre onto the ring; by step "
         "1000 seven of the eight modes are covered (seed 1), and both losses settle near their equilibrium values "
         "(L_D near 2 log 2 = 1.39, L_G near log 2 = 0.69) while D's map turns grey."},
        {"Mode collapse", 1, 20, 1e-3f, GanLoss::non_saturating,
         "20 G updates against each D update: the generator overtrains on a fixed discriminator and sends every z to "
         "the one place D likes most. Within a few hundred steps all the fakes sit on a tiny clump (spread below 0.1, "
         "the ring's is 2): at step 250 (seed 1) they cover no mode; at step 300 they are all on one. D then rejects "
         "that spot and the clump jumps elsewhere: it never spreads out again."},
        {"Oscillation", 1, 5, 1e-3f, GanLoss::non_saturating,
         "5 G updates per D update: the fakes form a blob about one mode wide that hops around the ring every "
         "hundred steps or so, chasing the region D currently believes is real, while D's map follows it. The "
         "losses stay near equilibrium, yet coverage flickers between 0 and 1 mode."},
        {"Saturating loss", 1, 1, 1e-3f, GanLoss::saturating,
         "The balanced setting with the original minimax loss log(1 - D(G(z))). Here the generator is never rejected "
         "confidently for long, so it still learns (seven modes at step 2000, seed 1), but its loss curve is now "
         "negative (near -log 2 at equilibrium) and the arrows are short wherever D(G(z)) is small."},
    };
    return presets[std::clamp(index, 0, kPresetCount - 1)];
}

float point_spread(const Tensor& xy) {
    const std::size_t n = xy.shape()[0];
    if (n == 0) return 0.0f;
    double mx = 0, my = 0;
    for (std::size_t i = 0; i < n; ++i) mx += xy(i, 0), my += xy(i, 1);
    mx /= double(n), my /= double(n);
    double v = 0;
    for (std::size_t i = 0; i < n; ++i) v += (xy(i, 0) - mx) * (xy(i, 0) - mx) + (xy(i, 1) - my) * (xy(i, 1) - my);
    return float(std::sqrt(v / double(n)));
}

PlaneView plane_view(PlaneGan& g) {
    PlaneView v;
    v.real = g.real_samples(kRealShown, kRealSeed);
    v.fake = g.fake_samples(kFakeShown, kFakeSeed);
    v.prob = g.gan().probability(toy2d::grid_points(kGridSide, kGridSide, -kExtent, kExtent, -kExtent, kExtent));
    const Tensor first = xt::view(v.fake, xt::range(0, kArrowsShown), xt::all());
    v.push = -g.gan().sample_gradients(first);
    v.spread = point_spread(v.fake);
    return v;
}

LossCurves loss_curves() {
    LossCurves c;
    for (int k = 1; k <= 99; ++k) {
        const float p = 0.01f * float(k);
        c.p.push_back(p);
        c.saturating.push_back(std::log(1.0f - p));
        c.non_saturating.push_back(-std::log(p));
        // l = logit(p): dL/dl = -p for log(1 - sigmoid(l)), p - 1 for -log sigmoid(l).
        c.grad_saturating.push_back(p);
        c.grad_non_saturating.push_back(1.0f - p);
    }
    return c;
}

ImageGanOptions image_options(const TrainingControls& c, int class_index) {
    ImageGanOptions o;
    o.seed = std::uint64_t(c.seed);
    o.learning_rate = c.learning_rate;
    o.class_index = class_index;
    return o;
}

VaeRecipeOptions image_vae_options(const TrainingControls& c) {
    VaeRecipeOptions o;  // the "VAE sampling" lesson's model: hidden 64, 2-D latent, Adam 1e-3
    o.seed = std::uint64_t(c.seed);
    return o;
}

Tensor tile_images(const Tensor& images, int cols) {
    const std::size_t n = images.shape()[0], c = std::size_t(std::max(1, cols)), r = (n + c - 1) / c;
    Tensor out = zeros({r * 28, c * 28});  // (rows * 28, cols * 28)
    for (std::size_t k = 0; k < n; ++k)
        for (std::size_t i = 0; i < 28; ++i)
            for (std::size_t j = 0; j < 28; ++j) out((k / c) * 28 + i, (k % c) * 28 + j) = images(k, 0, i, j);
    return out;
}

//-----------------------------------------------------------------------------
// [SECTION] The page: URL keys and training hooks
//-----------------------------------------------------------------------------

PlaneGanOptions Page::plane_options() const {
    PlaneGanOptions o;
    o.target = target;
    if (target == GanTarget::drawn) {
        o.drawn.pieces = {drawn};
        o.drawn.closed = {false};
    }
    o.d_steps = d_steps;
    o.g_steps = g_steps;
    o.loss = non_saturating ? GanLoss::non_saturating : GanLoss::saturating;
    o.seed = std::uint64_t(training.controls().seed);
    o.learning_rate = training.controls().learning_rate;
    return o;
}

void Page::apply_preset(int index) {
    const PlanePreset& p = plane_preset(index);
    d_steps = p.d_steps;
    g_steps = p.g_steps;
    non_saturating = p.loss == GanLoss::non_saturating;
    training.controls().learning_rate = p.learning_rate;
    training.controls().seed = 1;
    training.rebuild();
}

void Page::single_step(Single which) {
    const TrainingRun& run = training.run();
    if (stepping() || !training.settled() || run.step() >= training.max_steps()) return;
    training.adjust(JobSpec().set("once", std::string(which == Single::d ? "d" : "g")));
    single_to_ = run.step() + 1;
    training.run_until(single_to_);
}

void Page::change(const JobSpec& c) {
    if (training.run().step() == 0 && !stepping()) {
        training.rebuild();  // nothing trained yet: a fresh run with the new settings
        return;
    }
    training.adjust(c);  // from the next step on; the view copy shows them at once
}

void Page::period_changed() { change(JobSpec().set("kd", d_steps).set("kg", g_steps)); }

void Page::loss_changed() { change(JobSpec().set("nonsat", non_saturating)); }

void Page::advance_plane() {
    training.advance();
    if (stepping() && training.pause_target() < 0) {
        // The single step's snapshot arrived: its mode coverage from the view copy (the
        // trainer evaluates every kPlaneEvalEvery steps, not at a pause).
        const TrainingRun& run = training.run();
        if (run.state() == TrainingRun::State::paused && run.step() == single_to_ && training.view())
            stats = gan_plane_eval_from(training.view()->evaluate());
        // Had the trainer been past the page's step (a Pause right after a Train), it paused
        // without taking the update: cancel it, so that the next step is a period as shown.
        if (run.state() == TrainingRun::State::paused) training.adjust(JobSpec().set("once", std::string("none")));
        single_to_ = 0;
    }
}

void Page::set_data(const Dataset* d) {
    if (data == d) return;
    data = d;
    LiveTraining::JobHooks h;
    h.data = d;
    h.spec = [this] {
        subset = nullptr, image_gan = nullptr, vae = nullptr;
        return gan_image_job_spec({image_options(image_training.controls(), image_class),
                                   image_vae_options(image_training.controls())});
    };
    h.built = [this](TrainJob& job) {
        ImageGanJob& j = static_cast<ImageGanJob&>(job);
        subset = &j.subset(), image_gan = &j.gan(), vae = &j.vae();
    };
    image_training.set_job(std::move(h));
}

Page::Page() {
    training.controls().lr_max = kMaxLearningRate;
    training.controls().lr_min = 1e-5f;
    training.run().explode_factor = 1e9f;  // L_D may fall far below its start and rise again: only NaN stops a run
    training.bind(url, 100, 100000);
    url.add_enum("target", target, kGanTargetCount);
    url.add("npts", drawn_points, 0, kMaxDrawn);
    url.add("draw", drawn, [this] { return std::size_t(2 * drawn_points); });
    url.add("kd", d_steps, 0, 100).add("kg", g_steps, 0, 100).add("nonsat", non_saturating).add("arrows", arrows);
    image_training.controls().learning_rate = ImageGanOptions{}.learning_rate;
    image_training.controls().lr_max = kMaxLearningRate;
    image_training.run().explode_factor = 1e9f;
    image_training.bind_prefixed(url, "i", 10, 100000);
    url.add("icls", image_class, -1, 9);
    sections.bind(url, 3);

    training.track(d_loss), training.track(g_loss);
    LiveTraining::JobHooks h;
    h.spec = [this] {
        live = nullptr;
        modes_covered.clear(), high_quality.clear();
        single_to_ = 0;
        // A new run with the settings as they are now.
        if (d_steps + g_steps < 1) d_steps = 1;  // a link may set both to 0
        if (target == GanTarget::drawn && drawn_points == 0) target = GanTarget::ring;
        return gan_plane_job_spec({plane_options()});
    };
    h.built = [this](TrainJob& job) { live = &static_cast<PlaneGanJob&>(job).gan(); };
    h.evaluated = [this](int, const std::vector<float>& f) {
        stats = gan_plane_eval_from(f);
        modes_covered.push_back(float(stats.modes_covered));
        high_quality.push_back(float(stats.high_quality_fraction));
    };
    training.set_job(std::move(h));
    image_training.track(image_d_loss), image_training.track(image_g_loss), image_training.track(vae_loss);
    url.read();
    if (target == GanTarget::drawn && drawn_points == 0) target = GanTarget::ring;
    training.rebuild();
}

//-----------------------------------------------------------------------------
// [SECTION] PyTorch code
//-----------------------------------------------------------------------------

std::string pytorch_code(const PlaneGanOptions& o) {
    const char* target = o.target == GanTarget::ring           ? "ring"
                         : o.target == GanTarget::line         ? "line"
                         : o.target == GanTarget::two_clusters ? "two clusters"
                                                               : "drawn curve";
    std::string code = ui::format(
        "import math, torch, torch.nn as nn, torch.nn.functional as F\n"
        "\n"
        "def mlp(n_in, n_out, h=%d):\n"
        "    return nn.Sequential(nn.Linear(n_in, h), nn.LeakyReLU(0.2), nn.Linear(h, h), nn.LeakyReLU(0.2),\n"
        "                         nn.Linear(h, n_out))\n"
        "\n"
        "torch.manual_seed(%llu)\n"
        "G, D = mlp(%d, 2), mlp(2, 1)                     # D gives a logit; D(x) = sigmoid(logit)\n"
        "opt_g = torch.optim.Adam(G.parameters(), lr=%g, betas=(0.5, 0.999))\n"
        "opt_d = torch.optim.Adam(D.parameters(), lr=%g, betas=(0.5, 0.999))\n"
        "B, kd, kg, non_saturating = %d, %d, %d, %s\n"
        "\n",
        o.hidden, static_cast<unsigned long long>(o.seed), o.latent, double(o.learning_rate), double(o.learning_rate),
        o.batch_size, o.d_steps, o.g_steps, o.loss == GanLoss::non_saturating ? "True" : "False");
    if (o.target == GanTarget::ring)
        code += ui::format(
            "def real_batch(n):                               # the %s: 8 Gaussians, sd %g, radius 2\n"
            "    k = torch.randint(0, 8, (n,)).float() * (2 * math.pi / 8)\n"
            "    return 2 * torch.stack([k.cos(), k.sin()], 1) + %g * torch.randn(n, 2)\n",
            target, double(o.noise), double(o.noise));
    else
        code += ui::format("def real_batch(n):                               # the %s (noise %g)\n"
                           "    ...                                          # samples of your target, (n, 2)\n",
                           target, double(o.noise));
    code +=
        "\n"
        "for step in range(2000):\n"
        "    for _ in range(kd):                          # D learns; G is fixed (detach)\n"
        "        fake = G(torch.randn(B, G[0].in_features)).detach()\n"
        "        l_r, l_f = D(real_batch(B)), D(fake)\n"
        "        loss_d = (F.binary_cross_entropy_with_logits(l_r, torch.ones_like(l_r)) +\n"
        "                  F.binary_cross_entropy_with_logits(l_f, torch.zeros_like(l_f)))\n"
        "        opt_d.zero_grad(); loss_d.backward(); opt_d.step()\n"
        "    for _ in range(kg):                          # G learns; only opt_g steps\n"
        "        l_f = D(G(torch.randn(B, G[0].in_features)))\n"
        "        loss_g = -F.logsigmoid(l_f).mean() if non_saturating else F.logsigmoid(-l_f).mean()\n"
        "        opt_g.zero_grad(); loss_g.backward(); opt_g.step()\n"
        "\n"
        "# The page's pictures: D(x) on a grid, and each fake's push -dl/dx (l: one sample's G loss)\n"
        "t = torch.linspace(-3, 3, 41)[:-1] + 3 / 40\n"
        "grid = torch.stack([t.repeat(40), t.flip(0).repeat_interleave(40)], 1)\n"
        "heat = torch.sigmoid(D(grid)).detach().view(40, 40)\n"
        "x = G(torch.randn(150, G[0].in_features)).detach().requires_grad_()\n"
        "l_f = D(x)\n"
        "l = -F.logsigmoid(l_f) if non_saturating else F.logsigmoid(-l_f)\n"
        "push = -torch.autograd.grad(l.sum(), x)[0]\n";
    return code;
}

namespace {

using ui::gray_image;

class GanLesson final : public Lesson, private Page {
public:
    void draw() override;

private:
    //-------------------------------------------------------------------------
    // [SECTION] 1. On the plane
    //-------------------------------------------------------------------------
    PlaneView view_;
    int view_version_ = -1, view_steps_ = -1;
    std::vector<float> stroke_;  // the curve being drawn, x,y per vertex
    bool was_pressed_ = false;

    void refresh_view() {
        const int steps = training.run().step();
        if (!live || (view_version_ == training.version() && view_steps_ == steps)) return;
        view_ = plane_view(*live);
        view_version_ = training.version();
        view_steps_ = steps;
    }

    void draw_target_choice() {
        int t = int(target);
        bool changed = false;
        const char* names[] = {"ring of 8 Gaussians", "line", "two clusters", "drawn"};
        for (int k = 0; k < kGanTargetCount; ++k) {
            if (k > 0) ui::same_line_if_fits(ui::check_width(names[k]));  // wraps on a phone
            if (k == int(GanTarget::drawn) && drawn_points == 0) {
                ImGui::BeginDisabled();
                ui::radio_button(names[k], false);
                ImGui::EndDisabled();
                continue;
            }
            changed |= ui::radio_button(names[k], &t, k);
        }
        ui::help_marker("Press and drag on the plane to draw your own target (a curve of up to 64 points); the GAN "
                        "then learns to generate points along it.");
        if (changed && t != int(target)) {
            target = GanTarget(t);
            training.rebuild();
        }
    }

    void draw_period_controls() {
        ImGui::BeginDisabled(training.run().running());
        bool changed = false;
        ImGui::SetNextItemWidth(100);
        changed |= ImGui::InputInt("D updates per step (k_d)", &d_steps);
        ui::same_line_if_fits(ui::labeled_width(100, "G updates per step (k_g)"));
        ImGui::SetNextItemWidth(100);
        changed |= ImGui::InputInt("G updates per step (k_g)", &g_steps);
        d_steps = std::clamp(d_steps, 0, 100), g_steps = std::clamp(g_steps, 0, 100);
        if (d_steps + g_steps < 1) d_steps = 1;
        if (changed && live) period_changed();
        if (ImGui::Checkbox("non-saturating generator loss -log D(G(z))", &non_saturating) && live) loss_changed();
        ImGui::EndDisabled();
        ui::help_marker("Pause to change them: both take effect from the next step without restarting (the trainer "
                        "switches between two steps; the curves so far stay). Unticked: the original minimax "
                        "loss log(1 - D(G(z))); section 2 shows why it stalls when D rejects the fakes.");
        ui::same_line_if_fits(ui::check_width("arrows"));
        ImGui::Checkbox("arrows", &arrows);

        ImGui::Text("Presets (seed 1):");
        for (int k = 0; k < kPresetCount; ++k) {
            ui::same_line_if_fits(ui::button_width(plane_preset(k).name));
            if (ui::small_button(plane_preset(k).name)) apply_preset(k);
        }
        ImGui::BeginDisabled(!training.settled() || stepping());
        if (ImGui::Button("1 D step")) single_step(Single::d);
        ui::same_line_if_fits(ui::button_width("1 G step"));
        if (ImGui::Button("1 G step")) single_step(Single::g);
        ImGui::EndDisabled();
        ui::same_line_if_fits(ImGui::CalcTextSize("updates so far: D 00000, G 00000").x);
        ImGui::TextDisabled("updates so far: D %d, G %d", live ? live->d_updates() : 0, live ? live->g_updates() : 0);
    }

    void draw_canvas() {
        const float side = std::min(ImGui::GetContentRegionAvail().x, 440.0f);
        kit::PlaneCanvas plane("plane", {-kExtent, kExtent, -kExtent, kExtent}, side);
        if (view_.prob.size() == std::size_t(kGridSide * kGridSide))
            plane.field(view_.prob.data(), kGridSide, kGridSide, ui::Colormap::diverging, 0.0f, 1.0f, 0.55f);
        if (view_.real.size()) plane.points(view_.real.data(), kRealShown, kit::palette::series[1], 2.0f);
        if (view_.fake.size()) plane.points(view_.fake.data(), kFakeShown, kit::palette::series[0], 2.0f);
        if (arrows && view_.push.size()) {
            float longest = 0;
            for (std::size_t i = 0; i < kArrowsShown; ++i)
                longest = std::max(longest, std::hypot(view_.push(i, 0), view_.push(i, 1)));
            if (longest > 0 && std::isfinite(longest))
                plane.arrows(view_.fake.data(), view_.push.data(), kArrowsShown, IM_COL32(30, 30, 30, 220),
                             0.5f / longest, 40.0f);
        }
        if (live)
            for (std::size_t m = 0; m + 1 < live->mode_centres().size(); m += 2)
                plane.marker(live->mode_centres()[m], live->mode_centres()[m + 1], IM_COL32(255, 255, 255, 160), 4.0f);
        if (target == GanTarget::drawn && drawn_points > 0)
            plane.curve(drawn.data(), std::size_t(drawn_points), IM_COL32(255, 255, 255, 200), false, 1.5f);
        // Press and drag draws a new target; releasing trains on it.
        if (plane.pressed()) {
            if (!was_pressed_) stroke_.clear();
            const ImVec2 m = plane.mouse();
            const std::size_t n = stroke_.size() / 2;
            if (n < std::size_t(kMaxDrawn) &&
                (n == 0 || std::hypot(m.x - stroke_[2 * n - 2], m.y - stroke_[2 * n - 1]) > 0.08f))
                stroke_.push_back(std::clamp(m.x, -kExtent, kExtent)), stroke_.push_back(std::clamp(m.y, -kExtent, kExtent));
            if (stroke_.size() >= 2) plane.curve(stroke_.data(), stroke_.size() / 2, kit::palette::window, false, 2.0f);
        } else if (was_pressed_ && !stroke_.empty()) {
            drawn = stroke_;
            for (float& v : drawn) v = std::round(v * 100.0f) / 100.0f;  // the URL keeps two decimals
            drawn_points = int(drawn.size() / 2);
            target = GanTarget::drawn;
            stroke_.clear();
            training.rebuild();
        }
        was_pressed_ = plane.pressed();
    }

    void draw_plane_legend() {
        ImGui::TextColored(ImColor(kit::palette::series[1]), "real samples");
        ImGui::SameLine();
        ImGui::TextColored(ImColor(kit::palette::series[0]), "  generated G(z)");
        ImGui::SameLine();
        ImGui::TextDisabled("  arrows: -dl/dx;  background: D(x), blue 0 (fake) .. red 1 (real)");
        ui::help_marker("The background is D's probability that a point is real. The arrows start at the first 150 "
                        "generated points and show minus the gradient of that one point's generator loss, the "
                        "direction a generator update moves it (through G's weights, so not exactly): scaled so the "
                        "longest is 0.5 units. They point up D's slope: towards where D believes real data is.");
    }

    void draw_plane_numbers() {
        if (!live) return;
        const GanUpdate& d = live->last_d();
        ImGui::Text("last D update: L_D = %s, mean D(real) = %s, mean D(fake) = %s", ui::fmt_num(d.loss).c_str(),
                    ui::fmt_num(d.d_real).c_str(), ui::fmt_num(d.d_fake).c_str());
        ImGui::Text("last G update: L_G = %s, mean D(G(z)) = %s    spread of the fakes %s", ui::fmt_num(live->last_g().loss).c_str(),
                    ui::fmt_num(live->last_g().d_fake).c_str(), ui::fmt_num(view_.spread).c_str());
        if (stats.modes > 0) {
            ImGui::Text("modes covered %d of %d, high-quality samples %.1f%%", stats.modes_covered, stats.modes,
                        100.0 * stats.high_quality_fraction);
            ui::help_marker("On 2000 samples G(z), z from a fixed seed: a sample is high quality when it lies within 3 "
                            "standard deviations (3 x 0.05) of its nearest mode; a mode is covered when at least 2% of "
                            "all the samples are high-quality samples of it (a fair share on the ring is 12.5%).");
            std::string per = "high-quality samples per mode:";
            for (int c : stats.high_quality_per_mode) per += " " + std::to_string(c);
            ImGui::TextDisabled("%s", per.c_str());
        }
    }

    void draw_plane_plots() {
        const float w = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) / 2.0f;
        ui::PlotStyle ps;
        ps.size = ImVec2(w, 160);
        ps.y_format = "%.2f";
        using kit::palette::series;
        const int n = int(d_loss.size());
        const std::vector<float> eq_d(std::size_t(std::max(n, 2)), 2.0f * std::log(2.0f));
        const std::vector<float> eq_g(std::size_t(std::max(n, 2)), non_saturating ? std::log(2.0f) : -std::log(2.0f));
        ui::line_plot("losses",
                      {{"L_D", d_loss.data(), n, series[1]},
                       {"L_G", g_loss.data(), n, series[0]},
                       {"2 log 2", eq_d.data(), int(eq_d.size()), kit::palette::reference},
                       {non_saturating ? "log 2" : "-log 2", eq_g.data(), int(eq_g.size()), kit::palette::reference}},
                      ps);
        ImGui::SameLine();
        if (stats.modes > 0)
            ui::line_plot("modes", {{"modes covered", modes_covered.data(), int(modes_covered.size()), series[2], 0.0f,
                                     float(kPlaneEvalEvery)}},
                          ps);
        else
            ImGui::TextDisabled("(modes are counted for the ring and the two clusters)");
        ImGui::TextDisabled("Each curve: the loss of that network's most recent update, one point per step. The grey "
                            "lines are the values at the game's equilibrium, D = 1/2 everywhere.");
    }

    void draw_plane() {
        ImGui::TextWrapped("Blue points are samples of the target distribution, orange ones are the generator's G(z) "
                           "for fixed latents z ~ N(0, I). Press Train and watch D's map (the background) and the "
                           "fakes chase each other; or step one network at a time.");
        training.panel("plane-train");
        if (!training.built()) return;
        draw_target_choice();
        draw_period_controls();
        refresh_view();
        draw_canvas();
        draw_plane_legend();
        draw_plane_numbers();
        draw_plane_plots();
        if (ImGui::TreeNode("What the presets show")) {
            for (int k = 0; k < kPresetCount; ++k)
                ui::bullet(ui::format("%s (k_d %d, k_g %d): %s", plane_preset(k).name, plane_preset(k).d_steps,
                                  plane_preset(k).g_steps, plane_preset(k).what_to_see));
            ImGui::TreePop();
        }
    }

    //-------------------------------------------------------------------------
    // [SECTION] 2. Why the non-saturating loss
    //-------------------------------------------------------------------------
    LossCurves curves_ = loss_curves();

    void draw_saturation() {
        ImGui::TextWrapped("The minimax game has the generator minimise log(1 - D(G(z))). Early in training the fakes "
                           "are poor and D rejects them confidently: D(G(z)) = sigmoid(l) near 0. There the loss is "
                           "flat: its slope with respect to D's logit l is -D(G(z)), close to 0, so the generator "
                           "gets almost no gradient exactly when it most needs one. Minimising -log D(G(z)) instead "
                           "has the same fixed point (D = 1/2) and pushes in the same direction, but its slope is "
                           "D(G(z)) - 1, close to -1 when D rejects the fakes (Goodfellow et al. 2014).");
        const float w = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) / 2.0f;
        ui::PlotStyle ps;
        ps.size = ImVec2(w, 150);
        ps.x_label = "D(G(z))";
        ps.y_format = "%.1f";
        using kit::palette::series;
        const int n = int(curves_.p.size());
        ui::line_plot("sat-loss",
                      {{"log(1 - D) (saturating)", curves_.saturating.data(), n, series[0], 0.01f, 0.01f},
                       {"-log D (non-saturating)", curves_.non_saturating.data(), n, series[1], 0.01f, 0.01f}},
                      ps);
        ImGui::SameLine();
        ui::line_plot("sat-grad",
                      {{"|dL/dl| saturating = D", curves_.grad_saturating.data(), n, series[0], 0.01f, 0.01f},
                       {"|dL/dl| non-saturating = 1 - D", curves_.grad_non_saturating.data(), n, series[1], 0.01f, 0.01f}},
                      ps);
        ImGui::TextDisabled("Left: the generator's loss for one fake against D(G(z)); right: how hard it pulls on D's "
                            "logit. Try the toggle with k_d = 5 on the ring: D wins early and the arrows shrink.");
    }

    //-------------------------------------------------------------------------
    // [SECTION] 3. On images
    //-------------------------------------------------------------------------
    Tensor gan_tiles_, vae_tiles_, gan_z_, vae_z_;
    int images_version_ = -1;
    double images_time_ = -1e9;

    void refresh_images() {
        if (!image_training.built() || images_version_ == image_training.version()) return;
        const double now = ImGui::GetTime();
        if (image_training.run().running() && now - images_time_ < 0.25) return;  // redraw 4 times a second
        gan_z_ = sample_prior(kImageSamples, image_gan->options().latent, kImageZSeed);
        vae_z_ = sample_prior(kImageSamples, 2, kVaeZSeed);
        gan_tiles_ = tile_images(image_gan->generate(gan_z_), 4);
        vae_tiles_ = tile_images(vae->decode(vae_z_), 4);
        images_version_ = image_training.version();
        images_time_ = now;
    }

    void draw_images() {
        ImGui::TextWrapped("The same game on Fashion-MNIST: G = Linear(32, 128), LeakyReLU, Linear(128, 784), Sigmoid; "
                           "D = Linear(784, 128), LeakyReLU, Linear(128, 1); one D and one G update per step, batch 32, "
                           "Adam (beta1 0.5). Beside it, the VAE of the \"VAE sampling\" lesson (hidden 64, 2-D latent) "
                           "trained here on the same images, one step per GAN step. Both grids decode the same fixed "
                           "latents all the time, so you watch the same 16 samples change.");
        std::vector<std::string> names = {"all classes"};
        if (data) names.insert(names.end(), data->class_names.begin(), data->class_names.end());
        int c = image_class + 1;
        ImGui::SetNextItemWidth(180);
        if (ui::begin_combo("class", names[std::size_t(std::clamp(c, 0, int(names.size()) - 1))].c_str())) {
            for (int k = 0; k < int(names.size()); ++k)
                if (ImGui::Selectable(names[std::size_t(k)].c_str(), k == c)) {
                    image_class = k - 1;
                    image_training.rebuild();
                }
            ImGui::EndCombo(); a11y::resume();
        }
        image_training.panel("image-train");
        if (!image_training.built()) return;
        refresh_images();
        ImGui::BeginGroup();
        gray_image("gan", gan_tiles_, 2.0f);
        ImGui::TextDisabled("GAN: G(z), 16 fixed z (32-D)");
        ImGui::EndGroup();
        ImGui::SameLine(0, 16);
        ImGui::BeginGroup();
        gray_image("vae", vae_tiles_, 2.0f);
        ImGui::TextDisabled("VAE: decoder(z), 16 fixed z (2-D)");
        ImGui::EndGroup();
        const float w = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) / 2.0f;
        ui::PlotStyle ps;
        ps.size = ImVec2(w, 150);
        ps.y_format = "%.2f";
        using kit::palette::series;
        const int n = int(image_d_loss.size());
        ui::line_plot("img-losses",
                      {{"GAN L_D", image_d_loss.data(), n, series[1]}, {"GAN L_G", image_g_loss.data(), n, series[0]}}, ps);
        ImGui::SameLine();
        ui::line_plot("vae-loss", {{"VAE recon + KL (nats)", vae_loss.data(), n, series[2]}}, ps);
        ImGui::TextWrapped("What to look for: the VAE's samples become recognisable first but stay blurred (its "
                           "decoder outputs the mean of what the code could be); the GAN's are noisy for longer, then "
                           "sharper, because D rejects blur. With all classes the GAN may keep producing a few kinds "
                           "only (mode collapse), while the VAE's prior covers every class.");
    }

    //-------------------------------------------------------------------------
    // [SECTION] The lesson
    //-------------------------------------------------------------------------
    void report_status() {
        const std::vector<float>& losses = training.run().losses();
        platform::set_status("step", std::to_string(training.run().step()));
        platform::set_status("loss", losses.empty() ? "" : ui::fmt_num(losses.back()));  // L_D
        platform::set_status("first_loss", losses.empty() ? "" : ui::fmt_num(losses.front()));
        platform::set_status("d_loss", d_loss.empty() ? "" : ui::fmt_num(d_loss.back()));
        platform::set_status("g_loss", g_loss.empty() ? "" : ui::fmt_num(g_loss.back()));
        platform::set_status("modes_covered", stats.modes > 0 ? std::to_string(stats.modes_covered) : "");
        platform::set_status("high_quality", stats.modes > 0 ? ui::fmt_num(float(stats.high_quality_fraction)) : "");
        platform::set_status("image_step", std::to_string(image_training.run().step()));
        platform::set_status("image_d_loss", image_d_loss.empty() ? "" : ui::fmt_num(image_d_loss.back()));
    }
};

void GanLesson::draw() {
    ImGui::TextWrapped("A generative adversarial network is two networks in a game. The generator G turns a random "
                       "code z ~ N(0, I) into a sample, like a decoder. The discriminator D looks at a sample and gives "
                       "the probability D(x) that it is real. They train in alternating periods: D for k_d updates "
                       "with G fixed, learning to tell real from generated; then G for k_g updates with D fixed, "
                       "learning to make D say \"real\". When the balance is right, G's samples end up where the data "
                       "is; when it is wrong, the result is very destructive.");
    ui::code_block("formulas",
                   "D's loss   L_D = -mean log D(x) - mean log(1 - D(G(z)))   = BCE(D(x), 1) + BCE(D(G(z)), 0)\n"
                   "G's loss   L_G = mean log(1 - D(G(z)))    (saturating, the minimax game)\n"
                   "       or  L_G = -mean log D(G(z))        (non-saturating, the usual choice)\n"
                   "one step   k_d updates of D (G fixed), then k_g updates of G (D fixed); Adam, beta1 = 0.5");
    advance_plane();
    if (ui::dataset_ready()) {
        set_data(platform::fashion_mnist().dataset);
        image_training.advance();
    }
    try {
        if (sections.header(0, "1. On the plane")) draw_plane();
        if (sections.header(1, "2. Why the non-saturating loss")) draw_saturation();
        if (sections.header(2, "3. On images: Fashion-MNIST, GAN beside VAE")) {
            if (!data)
                ImGui::TextDisabled("Loading Fashion-MNIST ...");
            else {
                if (!image_training.built() && image_training.error().empty()) image_training.rebuild();
                draw_images();
            }
        }
        if (live) {
            ui::pytorch_panel("torch", pytorch_code(live->options()));
            ui::export_buttons("export", {{"gan_real.npy", &view_.real},
                                          {"gan_fake.npy", &view_.fake},
                                          {"gan_d_prob_grid.npy", &view_.prob},
                                          {"gan_push.npy", &view_.push},
                                          {"gan_image_samples.npy", &gan_tiles_},
                                          {"vae_image_samples.npy", &vae_tiles_}});
        }
    } catch (const Error& e) {
        ui::error_panel("This view could not be computed", e.what());
    }
    report_status();
    url.write();
}

}  // namespace
}  // namespace gan

std::unique_ptr<Lesson> make_gan_lesson() { return std::make_unique<gan::GanLesson>(); }

}  // namespace aelab::lessons
