// Lesson "Denoising autoencoders" (id: denoising)
// What it teaches: a denoising autoencoder (Vincent et al., ICML 2008) is fed a corrupted
// x_tilde ~ C(x_tilde | x) and trained to give back the CLEAN x. It cannot get away with copying
// its input, so it must learn what images of the data look like: the manifold they lie near.
// With Gaussian noise, g(f(x_tilde)) - x_tilde points from x_tilde back towards that manifold
// (it approximates sigma^2 times the gradient of log p). The page corrupts images three ways,
// trains the denoiser live next to the same network trained without noise (a plain autoencoder)
// and compares both on the same noisy test images, in PSNR and in pictures, then lets the
// student draw an image and watch it being denoised.
// Model, training and evaluation are the core's recipe (aelab/recipe_denoising.hpp), the same
// one `aelab-cli train denoising-ae` runs, so the numbers agree.
//
// Index of this file:
//   [SECTION] Corruptions
//   [SECTION] The drawing canvas
//   [SECTION] Page state in the URL
//   [SECTION] Training both networks
//   [SECTION] Comparing the networks
//   [SECTION] PyTorch code
//   [SECTION] Drawing helpers
//   [SECTION] 1. Corrupting the input
//   [SECTION] 2. Training: denoiser and plain autoencoder
//   [SECTION] 3. Held-out test images
//   [SECTION] 4. Draw and denoise
//   [SECTION] The lesson
#include "denoising.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string_view>
#include <utility>

#include <imgui.h>
#include <xtensor/xmath.hpp>
#include <xtensor/xview.hpp>

#include "aelab/noise.hpp"
#include "aelab/rng.hpp"
#include "lesson.hpp"
#include "kit/image_input.hpp"
#include "kit/palette.hpp"
#include "kit/platform.hpp"
#include "kit/pytorch.hpp"
#include "kit/widgets.hpp"

namespace aelab::lessons {
namespace denoising {

//-----------------------------------------------------------------------------
// [SECTION] Corruptions
//-----------------------------------------------------------------------------

const char* noise_key(Corruption c) {
    const char* keys[3] = {"gaussian", "masking", "salt-and-pepper"};
    for (int k = 0; k < 3; ++k)
        if (c == kNoiseKinds[k]) return keys[k];
    return "none";
}

Corruption noise_from_key(const std::string& key, Corruption fallback) {
    for (Corruption c : kNoiseKinds)
        if (key == noise_key(c)) return c;
    return fallback;
}

const char* level_symbol(Corruption c) { return c == Corruption::gaussian ? "sigma" : "p"; }
float max_level(Corruption c) { return c == Corruption::gaussian ? 1.5f : 1.0f; }

std::vector<NoiseExample> noise_examples(const Tensor& clean, const float levels[3], std::uint64_t seed) {
    std::vector<NoiseExample> out;
    for (int k = 0; k < 3; ++k) {
        Rng rng(seed);
        Tensor noisy = corrupt(clean, kNoiseKinds[k], levels[k], rng);
        out.push_back({kNoiseKinds[k], levels[k], noisy, psnr_db(noisy, clean)});
    }
    return out;
}

//-----------------------------------------------------------------------------
// [SECTION] The drawing canvas
//-----------------------------------------------------------------------------

void Canvas::clear() {
    std::fill(pixels.begin(), pixels.end(), 0.0f);
    from_user_image = false;
    ++version;
}

void Canvas::load(const Tensor& image) {
    if (image.size() != pixels.size())
        throw Error("canvas: expected a 28 x 28 image, got shape " + shape_str(image.shape()));
    for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = std::clamp(image.data()[i], 0.0f, 1.0f);
    from_user_image = false;
    ++version;
}

Tensor Canvas::tensor() const { return from_values({1, 1, kSide, kSide}, pixels); }

void Canvas::dab(float y, float x, float radius, float ink) { stroke(y, x, y, x, radius, ink); }

void Canvas::stroke(float y0, float x0, float y1, float x1, float radius, float ink) {
    if (!std::isfinite(y0) || !std::isfinite(x0) || !std::isfinite(y1) || !std::isfinite(x1) || !(radius > 0)) return;
    ink = std::clamp(ink, 0.0f, 1.0f);
    // The pixels the brush can reach, clamped in float first so far-off points cannot overflow.
    const float reach = radius + 1;
    auto cell = [](float v) { return int(std::floor(std::clamp(v, -1.0f, float(kSide)))); };
    const int r0 = std::max(0, cell(std::min(y0, y1) - reach)), r1 = std::min(kSide - 1, cell(std::max(y0, y1) + reach));
    const int c0 = std::max(0, cell(std::min(x0, x1) - reach)), c1 = std::min(kSide - 1, cell(std::max(x0, x1) + reach));
    const float dy = y1 - y0, dx = x1 - x0, length2 = dy * dy + dx * dx;
    bool changed = false;
    for (int r = r0; r <= r1; ++r)
        for (int c = c0; c <= c1; ++c) {
            // Distance from the pixel's centre to the nearest point of the segment: each pixel is
            // touched once per stroke, so soft edges stay soft however slowly the mouse moves.
            const float py = r + 0.5f - y0, px = c + 0.5f - x0;
            const float t = length2 > 0 ? std::clamp((py * dy + px * dx) / length2, 0.0f, 1.0f) : 0.0f;
            const float d = std::hypot(py - t * dy, px - t * dx);
            const float coverage = std::clamp(radius + 0.5f - d, 0.0f, 1.0f);
            if (coverage <= 0) continue;
            float& p = pixels[std::size_t(r) * kSide + c];
            const float v = p + (ink - p) * coverage;
            changed |= v != p;
            p = v;
        }
    if (changed) ++version;
}

constexpr std::string_view kHex = "0123456789abcdef";  // the 16 grey levels of the text

std::string canvas_to_text(const Canvas& c) {
    std::string digits;
    for (float p : c.pixels) digits += kHex[std::clamp(int(std::lround(p * 15.0f)), 0, 15)];
    std::string out;
    for (std::size_t i = 0, j = 0; i < digits.size(); i = j) {
        while (j < digits.size() && digits[j] == digits[i]) ++j;
        out += j - i > 3 ? digits[i] + ("." + std::to_string(j - i) + ".") : digits.substr(i, j - i);
    }
    return out;
}

bool canvas_from_text(const std::string& text, Canvas& c) {
    std::vector<float> px;
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t level = kHex.find(text[i++]);
        if (level == std::string_view::npos) return false;
        std::size_t run = 1;
        if (i < text.size() && text[i] == '.') {  // "<digit>.<run of 1 to 3 digits>."
            const std::size_t end = text.find('.', i + 1);
            if (end == std::string::npos || end == i + 1 || end - i > 4 || text.find_first_not_of("0123456789", i + 1) < end)
                return false;
            run = std::stoul(text.substr(i + 1, end - i - 1));
            i = end + 1;
        }
        if (px.size() + run > std::size_t(kSide * kSide)) return false;
        px.insert(px.end(), run, level / 15.0f);
    }
    if (px.size() != std::size_t(kSide * kSide)) return false;
    c.pixels = px;
    ++c.version;
    return true;
}

//-----------------------------------------------------------------------------
// [SECTION] Page state in the URL
//-----------------------------------------------------------------------------

kit::UrlState url_state(Settings& s, Canvas& canvas, kit::Sections& sections, LiveTraining& training) {
    kit::UrlState url;
    url.custom("noise", [&s](const std::string& t) {
                   s.noise = noise_from_key(t, s.noise);
                   return true;
               },
               [&s] { return std::string(noise_key(s.noise)); });
    url.custom("level", [&s](const std::string& t) { return kit::UrlState::parse_float(t, 0.0f, max_level(s.noise), s.level); },
               [&s] { return platform::floats_text({s.level}); });
    training.bind(url, kMinSteps, kMaxSteps);
    url.add("img", s.image, 0, 1 << 30);
    const char* example_keys[3] = {"sig", "pm", "psp"};
    for (int k = 0; k < 3; ++k) url.add(example_keys[k], s.example_levels[k], 0.0f, max_level(kNoiseKinds[k]));
    sections.bind(url, kSections);
    url.add("brush", s.brush, 0.5f, 4.0f).add("ink", s.ink, 0, 1).add("passes", s.passes, 1, kMaxPasses);
    url.add("cnoise", s.canvas_noise).add("cseed", s.canvas_seed, 0, 1 << 30);
    url.custom("canvas", [&canvas](const std::string& t) { return canvas_from_text(t, canvas); },
               [&canvas] { return canvas.version && !canvas.from_user_image ? canvas_to_text(canvas) : std::string(); });
    return url;
}

DenoisingRecipeOptions recipe_options(const Settings& s, const LiveTraining& training) {
    DenoisingRecipeOptions o;
    o.corruption = s.noise;
    o.level = s.level;
    o.seed = std::uint64_t(training.controls().seed);
    o.learning_rate = training.controls().learning_rate;
    o.steps = training.max_steps();
    return o;
}

//-----------------------------------------------------------------------------
// [SECTION] Training both networks
//-----------------------------------------------------------------------------

const char* const kCollapseMessage = kDenoisingCollapseMessage;

// The networks train as the core's denoising job (aelab/jobs/denoising.hpp) on the kit's
// trainer (a Web Worker, a second thread or this thread); nets.recipe is the page's copy,
// holding the weights of the latest snapshot.
void attach_training(LiveTraining& training, Networks& nets, const Dataset& data,
                     std::function<DenoisingRecipeOptions()> options) {
    training.set_epoch_size(int(data.size(Split::train)));
    training.track(nets.plain_losses);
    LiveTraining::JobHooks h;
    h.data = &data;
    h.spec = [&nets, options] {
        nets.recipe = nullptr;
        nets.psnr.clear();
        return denoising_job_spec(options());
    };
    h.built = [&nets](TrainJob& job) { nets.recipe = &static_cast<DenoisingJob&>(job).recipe(); };
    h.evaluated = [&nets](int step, const std::vector<float>& f) { nets.psnr.push_back({step, denoising_eval_from(f)}); };
    training.set_job(std::move(h));
}

//-----------------------------------------------------------------------------
// [SECTION] Comparing the networks
//-----------------------------------------------------------------------------

Comparison compare(DenoisingRecipe& r, const Tensor& clean, const Tensor& noisy) {
    if (clean.shape() != noisy.shape() || clean.dimension() != 4)
        throw Error("compare: clean and noisy must be the same (N, 1, 28, 28) batch, got " + shape_str(clean.shape()) +
                    " and " + shape_str(noisy.shape()));
    Comparison c;
    c.clean = clean;
    c.noisy = noisy;
    c.denoised = r.denoise(noisy);
    c.plain = r.reconstruct_plain(noisy);
    c.field = c.denoised - noisy;
    c.true_field = clean - noisy;
    for (std::size_t i = 0; i < clean.shape()[0]; ++i) {
        const Tensor x = xt::view(clean, i), xn = xt::view(noisy, i);
        c.psnr_noisy.push_back(psnr_db(xn, x));
        c.psnr_denoised.push_back(psnr_db(Tensor(xt::view(c.denoised, i)), x));
        c.psnr_plain.push_back(psnr_db(Tensor(xt::view(c.plain, i)), x));
        const auto f = xt::view(c.field, i), t = xt::view(c.true_field, i);
        const double ft = xt::sum<double>(f * t)(), ff = xt::sum<double>(f * f)(), tt = xt::sum<double>(t * t)();
        c.field_cosine.push_back(ff > 0 && tt > 0 ? ft / std::sqrt(ff * tt) : 0.0);
    }
    return c;
}

double psnr_clipped_db(const Tensor& noisy, const Tensor& clean) {
    return psnr_db(xt::clip(noisy, 0.0f, 1.0f), clean);
}

Tensor denoise_repeatedly(DenoisingRecipe& r, const Tensor& x, int passes) {
    Tensor y = x;
    for (int k = 0; k < passes; ++k) y = r.denoise(y);
    return y;
}

//-----------------------------------------------------------------------------
// [SECTION] PyTorch code
//-----------------------------------------------------------------------------

std::string pytorch_corruption(Corruption c, float level, const std::string& indent) {
    const std::string l = kit::py_float(level);
    switch (c) {
        case Corruption::gaussian: return "x_tilde = x + " + l + " * torch.randn_like(x)  # not clipped";
        case Corruption::masking: return "x_tilde = x * (torch.rand_like(x) >= " + l + ")  # 0 with probability p";
        case Corruption::salt_and_pepper:
            return "u = torch.rand_like(x)\n" + indent + "x_tilde = torch.where(u < " + l + ", (u >= " +
                   kit::py_float(level / 2) + ").float(), x)  # 0 or 1 with probability p";
        case Corruption::none: return "x_tilde = x";
    }
    return "x_tilde = x";
}

std::string pytorch_code(const DenoisingRecipeOptions& o) {
    const int h = o.model.hidden, k = o.model.code;
    std::ostringstream s;
    s << "import copy, torch, torch.nn as nn, torch.nn.functional as F\n"
      << "# train_x: (6000, 1, 28, 28), test_x: (1000, 1, 28, 28), Fashion-MNIST in [0, 1]\n"
      << "torch.manual_seed(" << o.seed << ")\n"
      << "dae = nn.Sequential(nn.Flatten(), nn.Linear(784, " << h << "), nn.ReLU(), nn.Linear(" << h << ", " << k
      << "), nn.ReLU(),\n"
      << "                    nn.Linear(" << k << ", " << h << "), nn.ReLU(), nn.Linear(" << h
      << ", 784), nn.Sigmoid(), nn.Unflatten(1, (1, 28, 28)))\n"
      << "plain = copy.deepcopy(dae)  # the same initial weights\n"
      << "opt_dae = torch.optim.Adam(dae.parameters(), lr=" << kit::py_float(o.learning_rate) << ")\n"
      << "opt_plain = torch.optim.Adam(plain.parameters(), lr=" << kit::py_float(o.learning_rate) << ")\n"
      << "for step in range(" << o.steps << "):\n"
      << "    x = train_x[torch.randint(len(train_x), (" << o.batch_size << ",))]  # (the core shuffles per epoch)\n"
      << "    " << pytorch_corruption(o.corruption, o.level, "    ") << "\n"
      << "    loss = F.mse_loss(dae(x_tilde), x)       # the CLEAN x is the target\n"
      << "    opt_dae.zero_grad(); loss.backward(); opt_dae.step()\n"
      << "    plain_loss = F.mse_loss(plain(x), x)     # no corruption\n"
      << "    opt_plain.zero_grad(); plain_loss.backward(); opt_plain.step()\n\n"
      << "x = test_x[:" << o.eval_count << "]  # noise drawn once: the same noisy images for both\n"
      << pytorch_corruption(o.corruption, o.level, "") << "\n"
      << "psnr = lambda y: 10 * torch.log10(1 / F.mse_loss(y, x))\n"
      << "with torch.no_grad():\n"
      << "    print(psnr(x_tilde), psnr(dae(x_tilde)), psnr(plain(x_tilde)))\n"
      << "    field = dae(x_tilde) - x_tilde  # points back towards the data";
    return s.str();
}

//-----------------------------------------------------------------------------
// [SECTION] Drawing helpers
//-----------------------------------------------------------------------------
namespace {

// A 28 x 28 plane with `note` below it. In grey, values outside [0, 1] (unclipped Gaussian
// noise) are shown clamped and hovering shows the real value; signed: blue negative, white 0,
// red positive on [-1, 1].
void image(const char* id, const float* plane, float zoom, bool is_signed = false, const std::string& note = "") {
    ui::HeatmapStyle hs;
    hs.zoom = zoom;
    hs.cmap = is_signed ? ui::Colormap::diverging : ui::Colormap::gray;
    hs.vmin = is_signed ? -1.0f : 0.0f;  // up to 1
    ui::heatmap(id, plane, kSide, kSide, hs);
    if (!note.empty()) ImGui::TextUnformatted(note.c_str());
}

const float* plane(const Tensor& batch, std::size_t i) { return batch.data() + i * kSide * kSide; }

std::string db(double v) {
    if (std::isinf(v)) return "inf dB";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f dB", v);
    return buf;
}

//-----------------------------------------------------------------------------
// The page
//-----------------------------------------------------------------------------

class DenoisingLesson : public Lesson {
public:
    DenoisingLesson() { url_.read(); }
    void draw() override;

private:
    Settings st_;
    Canvas canvas_;
    kit::Sections sections_{0b1111};
    LiveTraining live_{DenoisingRecipeOptions{}.steps, DenoisingRecipeOptions{}.batch_size, 6000, kEvalEvery};
    Networks nets_;
    kit::UrlState url_ = url_state(st_, canvas_, sections_, live_);

    void report_status() {
        const TrainingRun& run = live_.run();
        platform::set_status("step", std::to_string(run.step()));
        if (!run.losses().empty()) {
            platform::set_status("loss", ui::fmt_num(run.losses().back()));
            platform::set_status("first_loss", ui::fmt_num(run.losses().front()));
        }
        const DenoisingEval& e = nets_.latest();
        const std::pair<const char*, double> psnrs[] = {
            {"psnr_noisy_db", e.psnr_noisy_db}, {"psnr_denoised_db", e.psnr_denoised_db}, {"psnr_plain_ae_db", e.psnr_plain_ae_db}};
        for (const auto& [key, value] : psnrs) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%.3f", value);
            platform::set_status(key, buf);
        }
    }

    // The training could not be built (a recipe that rejects its options): back to the defaults.
    void draw_build_error() {
        ui::error_panel("The training could not start", live_.error());
        if (!ImGui::Button("Back to the defaults")) return;
        const DenoisingRecipeOptions defaults;
        st_ = Settings();
        live_.controls().seed = int(defaults.seed);
        live_.controls().learning_rate = defaults.learning_rate;
        live_.set_max_steps(defaults.steps);
        live_.rebuild();
    }

    //-------------------------------------------------------------------------
    // [SECTION] 1. Corrupting the input
    //-------------------------------------------------------------------------
    int example_seed_ = 1;

    void draw_corruptions(const Dataset& d) {
        ImGui::TextWrapped(
            "A corruption process C(x_tilde | x) destroys part of the input at random. The lesson uses the three of "
            "Vincent et al. (2008) and Vincent et al. (2010), on pixels in [0, 1]:");
        ui::code_block("noise-formulas",
                       "Gaussian:        x_tilde = x + sigma * eps,  eps ~ N(0, 1) per pixel   (not clipped to [0, 1])\n"
                       "masking:         x_tilde = 0 with probability p, else x\n"
                       "salt and pepper: x_tilde = 0 or 1 (equal odds) with probability p, else x\n"
                       "PSNR = 10 log10(1 / MSE(x_tilde, x)) dB  (pixels in [0, 1]; higher is closer to x)");
        const int n = int(d.size(Split::test));
        st_.image = std::clamp(st_.image, 0, n - 1);
        ImGui::SetNextItemWidth(220);
        ImGui::SliderInt("test image", &st_.image, 0, n - 1);
        ImGui::SameLine();
        ImGui::Text("(%s)", d.class_names[d.test_labels[std::size_t(st_.image)]].c_str());
        ImGui::SameLine();
        if (ImGui::Button("New noise")) ++example_seed_;
        Tensor clean = d.image(Split::test, std::size_t(st_.image));
        clean.reshape(Shape{1, 1, kSide, kSide});
        const auto examples = noise_examples(clean, st_.example_levels, std::uint64_t(example_seed_));

        ImGui::BeginGroup();
        ImGui::TextUnformatted("clean x");
        image("clean", clean.data(), 5.0f);
        ImGui::EndGroup();
        for (int k = 0; k < 3; ++k) {
            ImGui::SameLine(0, 24);
            ImGui::BeginGroup();
            ImGui::PushID(k);
            ImGui::TextUnformatted(corruption_name(kNoiseKinds[k]));
            image("noisy", examples[std::size_t(k)].noisy.data(), 5.0f);
            ImGui::SetNextItemWidth(140);
            ImGui::SliderFloat(level_symbol(kNoiseKinds[k]), &st_.example_levels[k], 0.0f, max_level(kNoiseKinds[k]),
                               "%.2f");
            ImGui::Text("PSNR %s", db(examples[std::size_t(k)].psnr_db).c_str());
            ImGui::PopID();
            ImGui::EndGroup();
        }
        ImGui::TextDisabled("Gaussian noise is independent of the image, so its PSNR is about 10 log10(1 / sigma^2); "
                            "masking only hurts where the image is bright; salt and pepper hurts everywhere.");
    }

    //-------------------------------------------------------------------------
    // [SECTION] 2. Training: denoiser and plain autoencoder
    //-------------------------------------------------------------------------
    void draw_training() {
        const DenoisingRecipeOptions o = recipe_options(st_, live_);
        ImGui::TextWrapped(
            "Two copies of one MLP autoencoder (784 -> %d -> %d -> %d -> 784, ReLUs, Sigmoid output) start from the "
            "same weights and see the same mini-batches of %d training images. The denoiser is fed the corrupted "
            "x_tilde and trained to give back the clean x; the plain autoencoder is fed x itself. Both minimise the MSE "
            "against the clean x with Adam. Every %d steps both are evaluated on the same %d noisy test images.",
            o.model.hidden, o.model.code, o.model.hidden, o.batch_size, kEvalEvery, o.eval_count);
        ui::code_block("dae-loss",
                       "denoiser:  min  mean || g(f(x_tilde)) - x ||^2,   x_tilde ~ C(x_tilde | x)\n"
                       "plain AE:  min  mean || g(f(x)) - x ||^2");

        const bool locked = live_.run().running();
        bool changed = false;
        if (locked) ImGui::BeginDisabled();
        ImGui::TextUnformatted("Training noise:");
        for (Corruption c : kNoiseKinds) {
            ui::same_line_if_fits(ui::check_width(corruption_name(c)));
            if (ui::radio_button(corruption_name(c), st_.noise == c) && st_.noise != c) {
                st_.noise = c;
                st_.level = std::min(st_.level, max_level(c));
                changed = true;
            }
        }
        ImGui::SameLine();
        ImGui::SetNextItemWidth(140);
        changed |= ImGui::SliderFloat(level_symbol(st_.noise), &st_.level, 0.0f, max_level(st_.noise), "%.2f");
        ImGui::SameLine();
        ImGui::SetNextItemWidth(110);
        int steps = live_.max_steps();
        if (ImGui::InputInt("steps", &steps, 500, 1000)) live_.set_max_steps(std::clamp(steps, kMinSteps, kMaxSteps));
        if (locked) ImGui::EndDisabled();
        ui::help_marker("Changing the noise starts a new run. CLI: aelab-cli train denoising-ae uses Gaussian noise "
                        "with sigma = 0.5 and the default steps, seed and learning rate.");
        if (changed) live_.rebuild();
        live_.panel("train");
        if (!live_.built()) return;

        const TrainingRun& run = live_.run();
        const DenoisingEval& e = nets_.latest();
        DenoisingRecipe& r = *nets_.recipe;
        ImGui::Text("Held-out PSNR at step %d:  noisy input %s,  denoiser %s,  plain AE %s", nets_.psnr.back().step,
                    db(e.psnr_noisy_db).c_str(), db(e.psnr_denoised_db).c_str(), db(e.psnr_plain_ae_db).c_str());
        ui::help_marker("PSNR over all pixels of the held-out set: 10 log10(1 / MSE) against the clean images. "
                        "+3 dB halves the squared error. Both networks get exactly the same noisy images.");
        ImGui::TextDisabled("For scale: clipping the noisy images to [0, 1], the simplest denoiser, gives %s; the "
                            "networks get them unclipped.",
                            db(psnr_clipped_db(r.eval_noisy(), r.eval_clean())).c_str());

        const float half = std::max(200.0f, ImGui::GetContentRegionAvail().x * 0.5f - 8.0f);
        ImGui::BeginGroup();
        ImGui::TextUnformatted("Training loss (MSE against the clean batch)");
        const ui::PlotStyle ls{ImVec2(half, 170), true};  // log y
        ui::line_plot("loss", {{"denoiser (noisy in)", run.losses().data(), int(run.losses().size()), kit::palette::series[0]},
                               {"plain AE (clean in)", nets_.plain_losses.data(), int(nets_.plain_losses.size()),
                                kit::palette::series[1]}},
                      ls);
        ImGui::EndGroup();
        ImGui::SameLine(0, 16);
        ImGui::BeginGroup();
        ImGui::TextUnformatted("Held-out PSNR on noisy inputs (dB)");
        std::vector<float> dae, plain, noisy;
        for (const PsnrPoint& p : nets_.psnr)
            if (p.step % kEvalEvery == 0) {  // a grid: the plot's x is i * kEvalEvery
                dae.push_back(float(p.eval.psnr_denoised_db));
                plain.push_back(float(p.eval.psnr_plain_ae_db));
                noisy.push_back(float(p.eval.psnr_noisy_db));
            }
        const ui::PlotStyle ps{ImVec2(half, 170), false, "step", "%.1f"};
        const float dx = float(kEvalEvery);
        ui::line_plot("psnr", {{"denoiser", dae.data(), int(dae.size()), kit::palette::series[0], 0, dx},
                               {"plain AE", plain.data(), int(plain.size()), kit::palette::series[1], 0, dx},
                               {"noisy input", noisy.data(), int(noisy.size()), kit::palette::reference, 0, dx}},
                      ps);
        ImGui::EndGroup();
        ImGui::TextWrapped(
            "The plain autoencoder's loss is lower: reconstructing a clean image from itself is the easier task. "
            "But on noisy inputs it reconstructs part of the noise too, and the more closely it learns to copy its "
            "input, the more noise it lets through: its PSNR stalls or falls while the denoiser's keeps rising. "
            "A narrow code (%d numbers here) already limits what the plain AE can copy; the denoiser is also "
            "told what to remove.",
            o.model.code);
        ui::pytorch_panel("torch", pytorch_code(o));
    }

    //-------------------------------------------------------------------------
    // [SECTION] 3. Held-out test images
    //-------------------------------------------------------------------------
    static constexpr int kShown = 5;
    std::pair<int, int> shown_for_{-1, -1};  // (training version, first image) of the comparison below
    Comparison shown_;

    void draw_held_out() {
        DenoisingRecipe& r = *nets_.recipe;
        const int count = int(r.eval_clean().shape()[0]);
        const int first = std::clamp(st_.image, 0, count - kShown);
        ImGui::TextWrapped(
            "Test images %d to %d of the held-out set, with the same noisy copies the PSNR above is measured on. The last two columns are the \"vector field\": what the denoiser "
            "adds to its input, g(f(x_tilde)) - x_tilde, and what it should add, x - x_tilde (red: brighter, blue: "
            "darker). For small Gaussian noise g(f(x_tilde)) - x_tilde approximates sigma^2 * d log p(x_tilde) / "
            "d x_tilde: it points from x_tilde towards where the data lies (Alain & Bengio 2014).",
            first, first + kShown - 1);
        int shown_first = first;
        ImGui::SetNextItemWidth(220);
        if (ImGui::SliderInt("first test image", &shown_first, 0, count - kShown)) st_.image = shown_first;
        if (shown_for_ != std::make_pair(live_.version(), shown_first)) {
            auto rows = xt::range(shown_first, shown_first + kShown);
            shown_ = compare(r, xt::view(r.eval_clean(), rows), xt::view(r.eval_noisy(), rows));
            shown_for_ = {live_.version(), shown_first};
        }
        const char* headers[6] = {"clean x", "noisy x_tilde", "denoiser g(f(x_tilde))", "plain AE", "g(f(x_tilde)) - x_tilde",
                                  "x - x_tilde"};
        const float zoom = 3.0f;
        if (ImGui::BeginTable("held-out", 6, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_BordersInnerV)) {
            for (const char* h : headers) ImGui::TableSetupColumn(h);
            ImGui::TableHeadersRow();
            for (std::size_t i = 0; i < std::size_t(kShown); ++i) {
                ImGui::PushID(int(i));
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                image("c", plane(shown_.clean, i), zoom);
                ImGui::TableNextColumn();
                image("n", plane(shown_.noisy, i), zoom, false, db(shown_.psnr_noisy[i]));
                ImGui::TableNextColumn();
                image("d", plane(shown_.denoised, i), zoom, false, db(shown_.psnr_denoised[i]));
                ImGui::TableNextColumn();
                image("p", plane(shown_.plain, i), zoom, false, db(shown_.psnr_plain[i]));
                ImGui::TableNextColumn();
                image("f", plane(shown_.field, i), zoom, true);
                ImGui::Text("cosine %.2f", shown_.field_cosine[i]);
                ImGui::SameLine();
                ui::help_marker("Cosine similarity between the denoiser's correction and the true one x - x_tilde "
                                "(1: the same direction). With strong noise most of the true correction is the noise "
                                "itself, so even a blurry reconstruction scores high; compare the images too.");
                ImGui::TableNextColumn();
                image("t", plane(shown_.true_field, i), zoom, true);
                ImGui::PopID();
            }
            ImGui::EndTable();
        }
        ui::export_buttons("export-held-out", {{"clean.npy", &shown_.clean},
                                               {"noisy.npy", &shown_.noisy},
                                               {"denoised.npy", &shown_.denoised},
                                               {"plain_ae.npy", &shown_.plain},
                                               {"field.npy", &shown_.field}});
    }

    //-------------------------------------------------------------------------
    // [SECTION] 4. Draw and denoise
    //-------------------------------------------------------------------------
    bool painting_ = false;
    float last_y_ = 0, last_x_ = 0;
    long mine_seen_ = 0;          // the last user image put on the canvas (kit/image_input.hpp)
    kit::FashionInput mine_;
    void load_mine(bool recompute = true) {
        if (recompute && !kit::update_fashion_input(mine_)) return;
        canvas_.load(mine_.steps.final);
        canvas_.from_user_image = true;
    }
    Tensor canvas_input_, canvas_denoised_, canvas_plain_, canvas_field_;  // (1, 1, 28, 28)

    void draw_canvas(const Dataset& d) {
        if (canvas_.version == 0) canvas_.load(d.image(Split::test, std::size_t(st_.image)));  // the test image of section 1
        ImGui::TextWrapped(
            "Paint with the mouse (left button) on the canvas, or start from a test image. With \"add noise\" the "
            "networks get the canvas corrupted by the training noise; otherwise your drawing as it is (scribbles "
            "and odd shapes are noise too, as far as the network knows). Applying the denoiser several times, "
            "x <- g(f(x)), walks the image further towards what the network has learned images look like.");
        if (ImGui::Button("Clear")) canvas_.clear();
        ImGui::SameLine();
        if (ImGui::Button("Test image")) canvas_.load(d.image(Split::test, std::size_t(st_.image)));
        if (kit::user_image()) {
            ImGui::SameLine();
            if (ImGui::Button("Your image")) {
                load_mine();
            }
        }
        ui::same_line_if_fits(ui::check_width("paint"));
        ui::radio_button("paint", &st_.ink, 1);
        ui::same_line_if_fits(ui::check_width("erase"));
        ui::radio_button("erase", &st_.ink, 0);
        ImGui::SameLine();
        ImGui::SetNextItemWidth(110);
        ImGui::SliderFloat("brush", &st_.brush, 0.5f, 4.0f, "%.1f px");
        ImGui::SameLine();
        ImGui::Checkbox("add noise", &st_.canvas_noise);
        ImGui::SameLine();
        if (ImGui::Button("New noise")) ++st_.canvas_seed;
        ImGui::SameLine();
        ImGui::SetNextItemWidth(100);
        ImGui::SliderInt("passes", &st_.passes, 1, kMaxPasses);

        // Your own image, as a 28 x 28 Fashion-MNIST-style picture on the canvas.
        if (kit::image_input("mine", mine_seen_)) load_mine();  // new: straight onto the canvas
        if (kit::fashion_input("prep", mine_)) load_mine(false);
        if (kit::user_image())
            ImGui::TextDisabled("Your image is not written into the link: a copied link shows the canvas without it.");
        platform::set_status("denoise_input", canvas_.from_user_image ? "your image" : "canvas");

        DenoisingRecipe& r = *nets_.recipe;
        const Tensor clean = canvas_.tensor();
        Rng rng(std::uint64_t(st_.canvas_seed));
        canvas_input_ = st_.canvas_noise ? corrupt(clean, st_.noise, st_.level, rng) : clean;
        canvas_denoised_ = denoise_repeatedly(r, canvas_input_, st_.passes);
        canvas_plain_ = r.reconstruct_plain(canvas_input_);
        canvas_field_ = canvas_denoised_ - canvas_input_;

        const float zoom = 9.0f;
        ImGui::BeginGroup();
        ImGui::TextUnformatted("your canvas x");
        image("canvas", canvas_.pixels.data(), zoom);
        paint_on_last_item(zoom);
        ImGui::EndGroup();
        auto column = [&](const std::string& title, const char* id, const Tensor& t, bool is_signed = false) {
            ImGui::SameLine(0, 18);
            ImGui::BeginGroup();
            ImGui::TextUnformatted(title.c_str());
            image(id, t.data(), 5.0f, is_signed, st_.canvas_noise && !is_signed ? "PSNR " + db(psnr_db(t, clean)) : "");
            ImGui::EndGroup();
        };
        column(st_.canvas_noise ? "input x_tilde" : "input x", "in", canvas_input_);
        column(st_.passes == 1 ? "denoiser" : "denoiser x" + std::to_string(st_.passes), "dae", canvas_denoised_);
        column("plain AE", "plain", canvas_plain_);
        column("denoiser - input", "field", canvas_field_, true);
        ui::export_buttons("export-canvas", {{"canvas_input.npy", &canvas_input_}, {"canvas_denoised.npy", &canvas_denoised_}});
    }

    // Left-drag on the item just drawn paints a stroke on the canvas.
    void paint_on_last_item(float zoom) {
        if (!ImGui::IsItemActive()) {
            painting_ = false;
            return;
        }
        const ImVec2 m = ImGui::GetIO().MousePos, o = ImGui::GetItemRectMin();
        const float y = (m.y - o.y) / zoom, x = (m.x - o.x) / zoom;
        if (!painting_) last_y_ = y, last_x_ = x;  // a dab where the drag starts
        canvas_.stroke(last_y_, last_x_, y, x, st_.brush, float(st_.ink));
        painting_ = true;
        last_y_ = y, last_x_ = x;
    }
};

//-----------------------------------------------------------------------------
// [SECTION] The lesson
//-----------------------------------------------------------------------------
void DenoisingLesson::draw() {
    ImGui::TextWrapped(
        "A denoising autoencoder (Vincent et al., ICML 2008) is trained to undo a corruption: it gets a damaged "
        "x_tilde and must output the clean x. Copying its input would not help, so it has to learn what the data "
        "looks like: under the manifold assumption, images lie near a lower-dimensional, non-linear manifold, and "
        "denoising means projecting back onto it. The representation becomes robust to partial destruction of the "
        "input.");
    if (!ui::dataset_ready()) return;
    const Dataset& d = *platform::fashion_mnist().dataset;
    if (!live_.built() && live_.error().empty()) {  // the first frame with the data
        attach_training(live_, nets_, d, [this] { return recipe_options(st_, live_); });
        live_.rebuild();
    }
    if (!live_.built()) {
        draw_build_error();
        url_.write();
        return;
    }
    live_.advance();

    const char* titles[kSections] = {"1. Corrupting the input", "2. Training: denoiser and plain autoencoder",
                                     "3. Held-out test images: clean, noisy, reconstructed", "4. Draw and denoise"};
    for (int s = 0; s < kSections && live_.built(); ++s) {  // (a rebuild in section 2 may fail)
        if (!sections_.header(s, titles[s])) continue;
        ImGui::PushID(s);
        try {
            switch (s) {
                case 0: draw_corruptions(d); break;
                case 1: draw_training(); break;
                case 2: draw_held_out(); break;
                case 3: draw_canvas(d); break;
            }
        } catch (const Error& e) {
            ui::error_panel("Could not compute this section", e.what());
        }
        ImGui::PopID();
    }
    if (live_.built()) report_status();
    url_.write();
}

}  // namespace
}  // namespace denoising

std::unique_ptr<Lesson> make_denoising_lesson() { return std::make_unique<denoising::DenoisingLesson>(); }

}  // namespace aelab::lessons
