// Lesson "VAE sampling" (id: vae)
// What it teaches: random pixels give noise, but a random code z fed to a trained decoder
// gives an image from the space the autoencoder can represent. A variational autoencoder makes
// this principled: the encoder gives a distribution N(mu, sigma^2) over codes, z is sampled from
// it by the reparameterisation z = mu + sigma * eps, the decoder gives a distribution over
// images, and a KL term keeps the codes near the prior N(0, I), so sampling z from the prior
// gives images. With a 2-D latent the whole code space fits on the screen: a grid of decoded
// images, the test images' codes by class, a point to drag, samples and interpolations.
//
// Index of this file:
//   [SECTION] Maths (tested in tests/lessons/test_vae.cpp)
//   [SECTION] The page: URL keys and training hooks
//   [SECTION] PyTorch code
//   [SECTION] Drawing helpers
//   [SECTION] 0. The model: pretrained, or trained here
//   [SECTION] 1. The reparameterisation trick, one image
//   [SECTION] 2. The latent plane
//   [SECTION] 3. Samples from the prior
//   [SECTION] 4. Interpolation
//   [SECTION] The lesson
#include "vae.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <imgui.h>
#include <xtensor/xmanipulation.hpp>
#include <xtensor/xview.hpp>

#include "aelab/model_io.hpp"
#include "aelab/rng.hpp"
#include "kit/platform.hpp"
#include "kit/a11y.hpp"
#include "kit/widgets.hpp"
#include "lesson.hpp"
#include "kit/image_input.hpp"

namespace aelab::lessons {
namespace vae {

//-----------------------------------------------------------------------------
// [SECTION] Maths
//-----------------------------------------------------------------------------

namespace {
// Image k of a (N, 1, H, W) batch as an (H, W) plane.
Tensor plane_of(const Tensor& batch, std::size_t k) { return xt::view(batch, k, 0); }
}  // namespace

Vae load_pretrained(const std::vector<std::uint8_t>& bytes, const std::string& source) {
    Vae v = load_vae(bytes.data(), bytes.size(), source);
    if (v.net().sample_shape() != Shape{1, 28, 28})
        throw Error(source + ": the model takes " + shape_str(v.net().sample_shape()) +
                    " images; this page needs (1, 28, 28) Fashion-MNIST images");
    if (v.latent() != 2)
        throw Error(source + ": the model has a " + std::to_string(v.latent()) +
                    "-D latent space; this page draws a 2-D one");
    // The lesson's architecture (any hidden width): what the page's formulas describe.
    VaeRecipeOptions o;
    o.hidden = int(v.net().output_shape({1, 1, 28, 28}, 0, 2).back());
    o.beta = v.beta();
    const std::string expected = architecture_text(Vae(vae_model_options(o))), got = architecture_text(v);
    if (got != expected)
        throw Error(source + ": not the lesson's architecture; expected\n" + expected + "got\n" + got);
    return v;
}

Tensor draw_eps(int draw) { return sample_prior(1, 2, kEpsSeed + std::uint64_t(std::max(0, draw))); }

ReparamStep reparameterize(VaeRecipe& recipe, int image, int draw, const Tensor* x) {
    ReparamStep s{};
    const VaeOutput out = x ? recipe.reparameterize_image(*x, draw_eps(draw)) : recipe.reparameterize(std::size_t(image), draw_eps(draw));
    for (int j = 0; j < 2; ++j) {
        s.mu[j] = out.mu(0, j);
        s.logvar[j] = out.logvar(0, j);
        s.sigma[j] = std::exp(0.5f * s.logvar[j]);
        s.eps[j] = out.eps(0, j);
        s.z[j] = out.z(0, j);  // the core's mu + exp(0.5 * logvar) * eps
    }
    s.x = plane_of(x ? *x : recipe.data().batch(Split::test, std::size_t(image), 1), 0);
    s.recon = plane_of(out.recon, 0);
    s.mean_recon = plane_of(recipe.decode(out.mu), 0);
    return s;
}

std::string sigma_text(const ReparamStep& s, int j) {
    const std::string k = std::to_string(j + 1);
    return "sigma_" + k + " = exp(logvar_" + k + " / 2) = exp(" + ui::fmt_num(s.logvar[j]) + " / 2) = " +
           ui::fmt_num(s.sigma[j]);
}

std::string z_text(const ReparamStep& s, int j) {
    const std::string k = std::to_string(j + 1);
    const std::string eps = s.eps[j] < 0 ? "(" + ui::fmt_num(s.eps[j]) + ")" : ui::fmt_num(s.eps[j]);
    return "z_" + k + " = mu_" + k + " + sigma_" + k + " * eps_" + k + " = " + ui::fmt_num(s.mu[j]) + " + " +
           ui::fmt_num(s.sigma[j]) + " * " + eps + " = " + ui::fmt_num(s.z[j]);
}

Tensor grid_image(VaeRecipe& recipe) {
    constexpr std::size_t n = kGridSide;
    Tensor tiles = recipe.decode(latent_grid(kGridSide, kGridExtent));  // (n*n, 1, 28, 28)
    tiles.reshape({n, n, 28, 28});
    Tensor grid = xt::transpose(tiles, {0, 2, 1, 3});  // (n, 28, n, 28)
    grid.reshape({n * 28, n * 28});
    return grid;
}

// Tile c spans [c, c + 1) / n of the width; its centre (c + 0.5) / n holds grid column c.
constexpr float kGridStep = 2.0f * kGridExtent / float(kGridSide - 1);

void grid_to_latent(float u, float v, float& z1, float& z2) {
    z1 = -kGridExtent + (u * float(kGridSide) - 0.5f) * kGridStep;
    z2 = kGridExtent - (v * float(kGridSide) - 0.5f) * kGridStep;
}

void latent_to_grid(float z1, float z2, float& u, float& v) {
    u = ((z1 + kGridExtent) / kGridStep + 0.5f) / float(kGridSide);
    v = ((kGridExtent - z2) / kGridStep + 0.5f) / float(kGridSide);
}

Tensor decode_point(VaeRecipe& recipe, float z1, float z2) {
    return plane_of(recipe.decode(from_values({1, 2}, {z1, z2})), 0);
}

LatentScatter latent_scatter(VaeRecipe& recipe, int count) {
    count = std::clamp(count, 0, int(recipe.data().size(Split::test)));
    LatentScatter s;
    if (count == 0) return s;
    s.means = recipe.encode_means(Split::test, 0, std::size_t(count));
    const auto& labels = recipe.data().labels(Split::test);
    for (std::size_t i = 0; i < std::size_t(count); ++i) s.points.push_back({s.means(i, 0), s.means(i, 1), int(labels[i])});
    return s;
}

Tensor prior_latents(int draw) {
    return sample_prior(kPriorSamples, 2, kPriorSeed + std::uint64_t(std::max(0, draw)));
}

//-----------------------------------------------------------------------------
// [SECTION] The page: URL keys and training hooks
//-----------------------------------------------------------------------------

VaeRecipeOptions recipe_options(const TrainingControls& c, float beta) {
    VaeRecipeOptions o;
    o.seed = std::uint64_t(c.seed);
    o.learning_rate = c.learning_rate;
    o.beta = beta;
    return o;
}

Page::Page() {
    training.controls().lr_max = kMaxLearningRate;
    training.bind(url);
    url.add_enum("mode", mode, 2).add("beta", beta, 0.0f, kMaxBeta);
    url.add("img", image, 0, kScatterImages - 1).add("eps", eps_draw, 0, 1000000);
    url.add("z1", z1, -kPlaneExtent, kPlaneExtent).add("z2", z2, -kPlaneExtent, kPlaneExtent);
    url.add("prior", prior_draw, 0, 1000000).add("ia", ia, 0, kScatterImages - 1).add("ib", ib, 0, kScatterImages - 1);
    sections.bind(url, 5);
    training.track(recon), training.track(kl), training.track(elbo);
    attach_job();
    url.read();
    if (training.wants_training()) mode = Mode::train;
}

void Page::use_data(const Dataset* d) {
    if (d == data) return;
    data = d;
    attach_job();
}

// The run trains as the core's vae job (aelab/jobs/vae.hpp) on the kit's trainer; `live` is the
// page's copy, holding the weights of the latest snapshot.
void Page::attach_job() {
    LiveTraining::JobHooks h;
    h.data = data;
    h.spec = [this] {
        live = nullptr;
        test_elbo.clear();
        if (!data) throw Error("the Fashion-MNIST dataset is not loaded yet");
        return vae_job_spec(recipe_options(training.controls(), beta), kEvalImages);
    };
    h.built = [this](TrainJob& job) { live = &static_cast<VaeJob&>(job).recipe(); };
    h.evaluated = [this](int, const std::vector<float>& f) { test_elbo.push_back(f.at(0)); };
    training.set_job(std::move(h));
}

//-----------------------------------------------------------------------------
// [SECTION] PyTorch code
//-----------------------------------------------------------------------------

std::string pytorch_code(const VaeRecipeOptions& o, int ia, int ib) {
    char head[640];
    std::snprintf(head, sizeof head,
                  "import struct, numpy as np, torch, torch.nn as nn, torch.nn.functional as F\n"
                  "\n"
                  "class VAE(nn.Module):\n"
                  "    def __init__(self, hidden=%d, latent=%d):\n"
                  "        super().__init__()\n"
                  "        self.enc = nn.Sequential(nn.Flatten(), nn.Linear(784, hidden), nn.ReLU(),\n"
                  "                                 nn.Linear(hidden, 2 * latent))         # [mu | logvar]\n"
                  "        self.dec = nn.Sequential(nn.Linear(latent, hidden), nn.ReLU(),\n"
                  "                                 nn.Linear(hidden, 784), nn.Unflatten(1, (1, 28, 28)))\n",
                  o.hidden, o.latent);
    std::string code = head;
    code +=
        "    def forward(self, x, eps=None):\n"
        "        mu, logvar = self.enc(x).chunk(2, dim=1)\n"
        "        eps = torch.randn_like(mu) if eps is None else eps\n"
        "        z = mu + torch.exp(0.5 * logvar) * eps          # the reparameterisation trick\n"
        "        return self.dec(z), mu, logvar                  # logits, mu, logvar\n"
        "\n"
        "def loss_terms(logits, x, mu, logvar):                 # per image, in nats\n"
        "    recon = F.binary_cross_entropy_with_logits(logits, x, reduction='sum') / x.shape[0]\n"
        "    kl = (-0.5 * (1 + logvar - mu**2 - logvar.exp()).sum(dim=1)).mean()\n"
        "    return recon, kl                                   # ELBO = -(recon + kl), negative\n"
        "\n";
    char train[1200];
    std::snprintf(train, sizeof train,
                  "# Training as on this page (torch's random streams differ from aelab's: the curves match\n"
                  "# in shape and level, not digit for digit). train_x: (6000, 1, 28, 28) in [0, 1].\n"
                  "torch.manual_seed(%llu)\n"
                  "model, beta, B = VAE(), %g, %d\n"
                  "opt = torch.optim.Adam(model.parameters(), lr=%g)\n"
                  "per_epoch = len(train_x) // B                      # the last partial batch is dropped\n"
                  "for step in range(%d):\n"
                  "    if step %% per_epoch == 0: order = torch.randperm(len(train_x))\n"
                  "    k = step %% per_epoch\n"
                  "    x = train_x[order[k * B:(k + 1) * B]]\n"
                  "    logits, mu, logvar = model(x)\n"
                  "    recon, kl = loss_terms(logits, x, mu, logvar)\n"
                  "    opt.zero_grad(); (recon + beta * kl).backward(); opt.step()\n"
                  "\n",
                  static_cast<unsigned long long>(o.seed), double(o.beta), o.batch_size, double(o.learning_rate),
                  o.steps);
    code += train;
    code +=
        "# Or load this page's pretrained weights (data/models/vae-2d.aelabm): the file holds the\n"
        "# parameters as little-endian float32 in the same order as model.parameters().\n"
        "def load_aelabm(path, model):\n"
        "    b = open(path, 'rb').read()\n"
        "    assert b[:8] == b'AELABMD\\0'\n"
        "    a = struct.unpack_from('<I', b, 12)[0]             # bytes of architecture text\n"
        "    n = struct.unpack_from('<I', b, 16 + a)[0]         # parameter count\n"
        "    flat = torch.from_numpy(np.frombuffer(b, '<f4', count=n, offset=20 + a).copy())\n"
        "    i = 0\n"
        "    with torch.no_grad():\n"
        "        for p in model.parameters():\n"
        "            p.copy_(flat[i:i + p.numel()].view_as(p)); i += p.numel()\n"
        "    assert i == n\n"
        "\n"
        "# The page's figures and pictures (test_x: the (1000, 1, 28, 28) test images)\n"
        "with torch.no_grad():\n"
        "    logits, mu, logvar = model(test_x)\n"
        "    recon, kl = loss_terms(logits, test_x, mu, logvar)\n"
        "    print('test ELBO', -(recon + kl).item(), 'recon', recon.item(), 'KL', kl.item())\n"
        "    t = torch.linspace(-3, 3, 12)\n"
        "    z = torch.stack([t.repeat(12), t.flip(0).repeat_interleave(12)], dim=1)  # rows: z2 from 3 down\n"
        "    grid = torch.sigmoid(model.dec(z))                  # (144, 1, 28, 28)\n"
        "    samples = torch.sigmoid(model.dec(torch.randn(16, 2)))  # from the prior N(0, I)\n"
        "    mu_a, mu_b = model.enc(test_x[[" + std::to_string(ia) + ", " + std::to_string(ib) +
        "]]).chunk(2, dim=1)[0]\n"
        "    line = torch.sigmoid(model.dec(torch.lerp(mu_a, mu_b, torch.linspace(0, 1, 10)[:, None])))\n";
    return code;
}

namespace {

//-----------------------------------------------------------------------------
// [SECTION] Drawing helpers
//-----------------------------------------------------------------------------

using ui::gray_image;

// A row of (N, 1, 28, 28) images with a caption under each.
void image_row(const char* id, const Tensor& batch, float zoom, const std::vector<std::string>& captions) {
    ImGui::PushID(id);
    for (std::size_t k = 0; k < batch.shape()[0]; ++k) {
        if (k > 0) ImGui::SameLine();
        ImGui::BeginGroup();
        ImGui::PushID(int(k));
        gray_image("img", plane_of(batch, k), zoom);
        if (k < captions.size()) ImGui::TextDisabled("%s", captions[k].c_str());
        ImGui::PopID();
        ImGui::EndGroup();
    }
    ImGui::PopID();
}

std::string fmt_z(float z1, float z2) { return "(" + ui::fmt_num(z1) + ", " + ui::fmt_num(z2) + ")"; }
// Two decimals: short enough for a caption under a small image.
std::string fmt_z_short(float z1, float z2) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "(%.2f, %.2f)", double(z1), double(z2));
    return buf;
}

// A test image's index with its class beside.
void test_image_input(const Dataset& d, const char* label, int& index) {
    ImGui::SetNextItemWidth(120);
    if (ImGui::InputInt(label, &index)) index = std::clamp(index, 0, kScatterImages - 1);
    ImGui::SameLine();
    ImGui::TextDisabled("(%s)", d.class_names[d.labels(Split::test)[std::size_t(index)]].c_str());
}

// Drawn over the latent plane's scatter: the prior's 1, 2 and 3 sigma circles, the decoded
// grid's square and a marker at the point `data` (float[2]) decoded beside it.
void draw_plane_overlay(ImDrawList* dl, const kit::ScatterFrame& f, void* data) {
    const float* z = static_cast<const float*>(data);
    const ImVec2 c = f.to_screen(0, 0);
    const float unit = f.to_screen(1, 0).x - c.x;
    for (int r = 1; r <= 3; ++r) dl->AddCircle(c, float(r) * unit, IM_COL32(120, 120, 160, 160), 64, 1.0f);
    dl->AddRect(f.to_screen(-kGridExtent, kGridExtent), f.to_screen(kGridExtent, -kGridExtent), IM_COL32(60, 60, 60, 140));
    const ImVec2 p = f.to_screen(z[0], z[1]);
    dl->AddCircle(p, 7.0f, IM_COL32_BLACK, 16, 2.0f);
    dl->AddLine(ImVec2(p.x - 11, p.y), ImVec2(p.x + 11, p.y), IM_COL32_BLACK, 1.5f);
    dl->AddLine(ImVec2(p.x, p.y - 11), ImVec2(p.x, p.y + 11), IM_COL32_BLACK, 1.5f);
}

class VaeLesson final : public Lesson, private Page {
public:
    void draw() override;

private:
    //-------------------------------------------------------------------------
    // [SECTION] 0. The model: pretrained, or trained here
    //-------------------------------------------------------------------------
    std::unique_ptr<VaeRecipe> pretrained_;
    std::string pretrained_error_, pretrained_path_;
    std::size_t pretrained_bytes_ = 0;
    VaeElbo pretrained_elbo_;
    std::string save_message_;

    // The recipe the pictures come from, or nullptr while it is not available.
    VaeRecipe* model() {
        if (mode == Mode::train) return training.built() ? live : nullptr;
        return pretrained_.get();
    }
    // Identifies the weights the pictures show: mode and live version (the pretrained one is fixed).
    int model_version() const {
        if (mode == Mode::pretrained) return pretrained_ ? 1 : 0;
        return training.built() ? 2 + training.version() : 0;
    }

    void ensure_pretrained() {
        if (pretrained_ || !pretrained_error_.empty()) return;
        const platform::FileAsset& f = platform::data_file(kPretrainedFile);
        if (f.state == platform::AssetState::failed) {
            pretrained_error_ = f.error;
        } else if (f.state == platform::AssetState::ready) {
            pretrained_path_ = f.path;
            pretrained_bytes_ = f.bytes.size();
            try {
                pretrained_ = std::make_unique<VaeRecipe>(*data, load_pretrained(f.bytes, f.path));
                pretrained_elbo_ = pretrained_->evaluate();
            } catch (const Error& e) {
                pretrained_error_ = e.what();
            }
        }
    }

    // The "train it yourself" model, built once its mode is chosen (a failed build shows why).
    void ensure_live() {
        if (mode == Mode::train && !training.built() && training.error().empty()) training.rebuild();
    }

    void draw_model_section() {
        int m = int(mode);
        ui::radio_button("Pretrained model (loads instantly)", &m, 0);
        ui::same_line_if_fits(ui::check_width("Train it yourself"));
        ui::radio_button("Train it yourself", &m, 1);
        mode = Mode(m);
        if (mode == Mode::pretrained) {
            draw_pretrained();
            return;
        }
        ensure_live();
        draw_training();
    }

    void draw_pretrained() {
        if (!pretrained_ && pretrained_error_.empty()) {
            ImGui::Text("Loading %s ...", kPretrainedFile);
            return;
        }
        if (!pretrained_error_.empty()) {
            ui::error_panel("The pretrained model could not be loaded",
                            pretrained_error_ +
                                "\n\nThe build copies assets/models/vae-2d.aelabm to data/models/ beside the page. You "
                                "can still train a model here: choose \"Train it yourself\".");
            if (ImGui::Button("Try again")) {
                platform::retry_data_file(kPretrainedFile);
                pretrained_error_.clear();
            }
            return;
        }
        const VaeRecipeOptions& o = pretrained_->options();
        ImGui::TextWrapped("%s (%.0f KB): %zu parameters, hidden %d, latent %d, beta %g. Made by this project's own "
                           "trainer with the lesson's defaults (%d steps of batch %d, Adam lr %g, seed %llu):",
                           pretrained_path_.c_str(), double(pretrained_bytes_) / 1024.0,
                           pretrained_->vae().net().param_count(), o.hidden, pretrained_->vae().latent(),
                           double(pretrained_->vae().beta()), o.steps, o.batch_size, double(o.learning_rate),
                           static_cast<unsigned long long>(o.seed));
        ui::code_block("cmd", "aelab-cli train vae --save assets/models/vae-2d.aelabm");
        ImGui::Text("Test ELBO %s nats per image = -(recon %s + KL %s), on the %zu test images.",
                    ui::fmt_num(float(pretrained_elbo_.elbo)).c_str(), ui::fmt_num(float(pretrained_elbo_.recon)).c_str(),
                    ui::fmt_num(float(pretrained_elbo_.kl)).c_str(), pretrained_elbo_.images);
        ui::help_marker("The ELBO is a lower bound on log p(x), so it is negative and higher (closer to 0) is better. "
                        "For comparison, a decoder that outputs 0.5 for every pixel scores 784 log 2 = 543 nats of "
                        "reconstruction error. Grey levels are scored with a Bernoulli likelihood (the usual convention), "
                        "so the figure compares models scored the same way, not absolute probabilities.");
        if (ImGui::TreeNode("Architecture")) {
            ui::code_block("summary", pretrained_->vae().summary());
            ImGui::TreePop();
        }
    }

    void draw_training() {
        training.panel("train");
        if (!training.built()) return;
        ImGui::BeginDisabled(training.run().running());
        ImGui::SetNextItemWidth(200);
        if (ImGui::SliderFloat("beta (weight of KL)", &beta, 0.0f, kMaxBeta, "%.2f")) training.rebuild();
        ImGui::EndDisabled();
        ui::help_marker("The training loss is recon + beta * KL. beta = 1 is the VAE (the loss is then minus the ELBO). "
                        "beta > 1 (a beta-VAE) pulls the codes harder towards N(0, I): smoother, blurrier images and a "
                        "latent plane with fewer gaps. beta = 0 drops the KL term: a plain autoencoder with noisy codes, "
                        "whose codes need not sit where the prior samples. Changing beta starts a new run.");
        ImGui::Text("Test ELBO (first %d test images) at step %d: %s nats per image", kEvalImages,
                    (int(test_elbo.size()) - 1) * kEvalEvery, test_elbo.empty() ? "-" : ui::fmt_num(test_elbo.back()).c_str());
        const float w = (ImGui::GetContentRegionAvail().x - 2 * ImGui::GetStyle().ItemSpacing.x) / 3.0f;
        ui::PlotStyle ps;
        ps.size = ImVec2(w, 170);
        ps.y_format = "%.1f";
        const int n = int(recon.size());
        using kit::palette::series;
        ui::line_plot("elbo",
                      {{"ELBO, batch", elbo.data(), n, series[1]},
                       {"ELBO, test", test_elbo.data(), int(test_elbo.size()), series[0], 0.0f, float(kEvalEvery)}},
                      ps);
        ImGui::SameLine();
        ui::line_plot("recon", {{"recon = -log p(x|z)", recon.data(), n, series[2]}}, ps);
        ImGui::SameLine();
        ui::line_plot("kl", {{"KL(q(z|x) || N(0,I))", kl.data(), n, series[0]}}, ps);
        ImGui::TextDisabled("Per image, in nats, one point per training batch; ELBO = -(recon + KL).");
        if (ImGui::Button("Save this model (.aelabm)")) {
            try {
                save_message_ = platform::save_file("vae-2d-trained.aelabm", save_model(live->vae()));
            } catch (const std::exception& e) {
                save_message_ = std::string("save failed: ") + e.what();
            }
        }
        if (!save_message_.empty()) {
            ImGui::SameLine();
            ImGui::TextDisabled("%s", save_message_.c_str());
        }
    }

    //-------------------------------------------------------------------------
    // [SECTION] 1. The reparameterisation trick, one image
    //-------------------------------------------------------------------------
    ReparamStep step_{};
    Tensor step_export_;  // (5, 2): mu, logvar, sigma, eps, z

    // Your own image (kit/image_input.hpp) in place of the test image; never in the link.
    kit::OwnImageChoice mine_;
    int image_key() const {
        return mine_.use ? -int(mine_.key()) - 1 : image;
    }

    void compute_step(VaeRecipe& m) {
        Tensor x;
        if (mine_.use) {
            x = mine_.input.steps.final;
            x.reshape({1, 1, 28, 28});
        }
        step_ = reparameterize(m, image, eps_draw, mine_.use ? &x : nullptr);
        const ReparamStep& s = step_;
        step_export_ = from_values({5, 2}, {s.mu[0], s.mu[1], s.logvar[0], s.logvar[1], s.sigma[0], s.sigma[1], s.eps[0],
                                            s.eps[1], s.z[0], s.z[1]});
    }

    void draw_reparam() {
        ImGui::TextWrapped("The encoder does not output a code: it outputs a distribution over codes, a Gaussian with mean "
                           "mu and variance sigma^2 per latent dimension (it outputs log sigma^2 = logvar, which may be any "
                           "number). Sampling z from it directly would block the gradient; the reparameterisation trick "
                           "draws the randomness eps ~ N(0, 1) outside the network and computes z from it, so z depends "
                           "smoothly on mu and sigma and backpropagation reaches the encoder.");
        {
            const int before = image;
            test_image_input(*data, "test image", image);
            if (image != before) mine_.use = false;
        }
        ImGui::SameLine();
        if (ImGui::Button("Draw new eps")) ++eps_draw;
        kit::test_or_own_image(mine_);
        platform::set_status("vae_input", mine_.use ? "your image" : "test image");
        ImGui::SameLine();
        ImGui::TextDisabled("draw #%d", eps_draw);

        ImGui::BeginGroup();
        gray_image("x", step_.x, 4.0f);
        ImGui::TextDisabled("x");
        ImGui::EndGroup();
        ImGui::SameLine();
        std::string text = "encoder(x) = [mu | logvar]\n";
        for (int j = 0; j < 2; ++j)
            text += "mu_" + std::to_string(j + 1) + " = " + ui::fmt_num(step_.mu[j]) + "    logvar_" +
                    std::to_string(j + 1) + " = " + ui::fmt_num(step_.logvar[j]) + "\n";
        for (int j = 0; j < 2; ++j) text += sigma_text(step_, j) + "\n";
        for (int j = 0; j < 2; ++j)
            text += "eps_" + std::to_string(j + 1) + " = " + ui::fmt_num(step_.eps[j]) + "   (drawn from N(0, 1))\n";
        for (int j = 0; j < 2; ++j) text += z_text(step_, j) + (j == 0 ? "\n" : "");
        // A child as wide as the text, so the decoded images fit beside it.
        const ImVec2 pad = ImGui::GetStyle().WindowPadding;
        const ImVec2 box(ImGui::CalcTextSize(text.c_str()).x + 2 * pad.x + 16,
                         ImGui::CalcTextSize(text.c_str()).y + 2 * pad.y + 8);
        ImGui::BeginChild("steps-box", box, false, ImGuiWindowFlags_NoScrollbar);
        ui::code_block("steps", text);
        ImGui::EndChild();
        ImGui::SameLine();
        ImGui::BeginGroup();
        gray_image("recon", step_.recon, 4.0f);
        ImGui::TextDisabled("decoder(z)");
        ImGui::EndGroup();
        ImGui::SameLine();
        ImGui::BeginGroup();
        gray_image("mean", step_.mean_recon, 4.0f);
        ImGui::TextDisabled("decoder(mu)");
        ImGui::EndGroup();
        ImGui::TextWrapped("Each new eps gives another z near mu, and the decoder turns it into another plausible "
                           "reconstruction: the small sigma is the encoder's uncertainty about this image's code.");
    }

    //-------------------------------------------------------------------------
    // [SECTION] 2. The latent plane
    //-------------------------------------------------------------------------
    Tensor grid_;   // (12*28, 12*28) decoded grid
    LatentScatter scatter_;
    Tensor point_;  // (28, 28) decoder(z1, z2)

    void draw_latent_plane(VaeRecipe& m) {
        ImGui::TextWrapped("With two latent dimensions every code is a point of the plane. Left: the decoder's image "
                           "for each point of a %dx%d grid over [-%g, %g]^2. Middle: the encoder's means mu of the %d "
                           "test images, coloured by class, with circles at 1, 2 and 3 standard deviations of the prior "
                           "N(0, I) and the grid's square. Click or drag on either to decode any point; hover a dot to "
                           "see its image.",
                           kGridSide, kGridSide, double(kGridExtent), double(kGridExtent), kScatterImages);
        const float avail = ImGui::GetContentRegionAvail().x;
        // Grid and plane side by side, as large as the page allows, with room for the decoded point.
        const float zoom = std::clamp((avail - 180.0f) / float(2 * kGridSide * 28), 1.0f, 1.5f);
        const float side = float(kGridSide * 28) * zoom;
        bool moved = false;

        ImGui::BeginGroup();
        ui::HeatmapStyle gs;
        gs.zoom = zoom;
        ui::heatmap("grid", grid_.data(), int(grid_.shape()[0]), int(grid_.shape()[1]), gs);
        const ImVec2 g0 = ImGui::GetItemRectMin();
        if (ImGui::IsItemHovered() || ImGui::IsItemActive()) {
            const ImVec2 mp = ImGui::GetIO().MousePos;
            float gz1, gz2;
            grid_to_latent((mp.x - g0.x) / side, (mp.y - g0.y) / side, gz1, gz2);
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("z = %s: click or drag to decode", fmt_z(gz1, gz2).c_str());
            a11y::resume();
            if (ImGui::IsItemActive() && ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
                z1 = std::clamp(gz1, -kPlaneExtent, kPlaneExtent);
                z2 = std::clamp(gz2, -kPlaneExtent, kPlaneExtent);
                moved = true;
            }
        }
        float u, v;  // the current point on the grid, if it lies inside
        latent_to_grid(z1, z2, u, v);
        if (u >= 0 && u <= 1 && v >= 0 && v <= 1)
            ImGui::GetWindowDrawList()->AddCircle(ImVec2(g0.x + u * side, g0.y + v * side), 6.0f, kit::palette::argmax, 16, 2.0f);
        ImGui::TextDisabled("decoded grid, z1 across, z2 up");
        ImGui::EndGroup();
        ImGui::SameLine();

        ImGui::BeginGroup();
        kit::ScatterStyle style;
        style.size = side;
        style.extent = kPlaneExtent;
        style.light_background = true;
        float marker[2] = {z1, z2};
        const kit::ScatterHover h =
            kit::class_scatter("plane", scatter_.points, data->class_names, style, draw_plane_overlay, marker);
        if (h.pressed) {
            z1 = std::clamp(h.x, -kPlaneExtent, kPlaneExtent);
            z2 = std::clamp(h.y, -kPlaneExtent, kPlaneExtent);
            moved = true;
        } else if (h.point >= 0) {  // below the scatter's own tooltip (class and mu)
            ImGui::BeginTooltip();
            gray_image("hover", plane_of(data->batch(Split::test, std::size_t(h.point), 1), 0), 4.0f);
            ImGui::EndTooltip(); a11y::resume();
        }
        ImGui::TextDisabled("test-image means mu, by class");
        ImGui::EndGroup();
        ImGui::SameLine();

        ImGui::BeginGroup();
        if (moved) point_ = decode_point(m, z1, z2);
        gray_image("point", point_, 5.0f);
        ImGui::Text("z = %s", fmt_z(z1, z2).c_str());
        ImGui::TextDisabled("decoder(z)");
        if (ui::small_button("z = (0, 0)")) {
            z1 = z2 = 0;
            point_ = decode_point(m, 0, 0);
        }
        kit::class_legend(data->class_names);
        ImGui::EndGroup();
        ImGui::TextWrapped("The classes form regions, and the decoded grid changes smoothly between them: the KL term "
                           "pulls every code towards N(0, I), so the codes fill the disc around the origin without big "
                           "gaps, and any point in it decodes to something that looks like clothing. Far outside the "
                           "circles, where no code lies, the decoder extrapolates.");
    }

    //-------------------------------------------------------------------------
    // [SECTION] 3. Samples from the prior
    //-------------------------------------------------------------------------
    Tensor prior_z_, prior_images_, noise_;  // (16, 2), (16, 1, 28, 28), (28, 28)

    void compute_prior(VaeRecipe& m) {
        prior_z_ = prior_latents(prior_draw);
        prior_images_ = m.decode(prior_z_);
        Rng rng(kPriorSeed + 1000000 + std::uint64_t(prior_draw));
        noise_ = zeros({28, 28});
        for (float& v : noise_) v = rng.uniform();
    }

    void draw_prior() {
        ImGui::TextWrapped("Generating is decoding a random code: z ~ N(0, I), then decoder(z). Random pixels (left) "
                           "give noise; random codes give clothes, because the decoder only ever produces images from "
                           "the space it learned, and the KL term made N(0, I) the place where codes live.");
        if (ImGui::Button("Draw 16 samples")) ++prior_draw;
        ImGui::SameLine();
        ImGui::TextDisabled("draw #%d (Rng seed %llu)", prior_draw,
                            static_cast<unsigned long long>(kPriorSeed + std::uint64_t(prior_draw)));
        ImGui::BeginGroup();
        gray_image("noise", noise_, 3.0f);
        ImGui::TextDisabled("random pixels");
        ImGui::EndGroup();
        ImGui::SameLine(0, 24);
        std::vector<std::string> captions;
        for (int k = 0; k < kPriorSamples; ++k) captions.push_back(fmt_z_short(prior_z_(k, 0), prior_z_(k, 1)));
        ImGui::BeginGroup();
        constexpr int half = kPriorSamples / 2;
        for (int r = 0; r < 2; ++r)
            image_row(r == 0 ? "top" : "bottom", xt::view(prior_images_, xt::range(r * half, (r + 1) * half)), 2.5f,
                      std::vector<std::string>(captions.begin() + r * half, captions.begin() + (r + 1) * half));
        ImGui::EndGroup();
    }

    //-------------------------------------------------------------------------
    // [SECTION] 4. Interpolation
    //-------------------------------------------------------------------------
    Tensor interp_images_, interp_z_;  // (10, 1, 28, 28), (10, 2)

    void draw_interpolation() {
        ImGui::TextWrapped("Walking in the latent space: encode two test images, take the straight line between their "
                           "means and decode %d evenly spaced points on it (ends included). The first and last images "
                           "are the decoded means; in between, one garment turns into the other.",
                           kInterpSteps);
        test_image_input(*data, "from test image", ia);
        ImGui::SameLine();
        test_image_input(*data, "to test image", ib);
        ImGui::BeginGroup();
        gray_image("a", plane_of(data->batch(Split::test, std::size_t(ia), 1), 0), 2.5f);
        ImGui::TextDisabled("image %d", ia);
        ImGui::EndGroup();
        ImGui::SameLine(0, 20);
        std::vector<std::string> captions;
        for (int k = 0; k < kInterpSteps; ++k) captions.push_back("t=" + ui::fmt_num(float(k) / (kInterpSteps - 1)));
        image_row("line", interp_images_, 2.5f, captions);
        ImGui::SameLine(0, 20);
        ImGui::BeginGroup();
        gray_image("b", plane_of(data->batch(Split::test, std::size_t(ib), 1), 0), 2.5f);
        ImGui::TextDisabled("image %d", ib);
        ImGui::EndGroup();
        ImGui::TextDisabled("z(t) = (1 - t) mu_a + t mu_b, from %s to %s",
                            fmt_z(interp_z_(0, 0), interp_z_(0, 1)).c_str(),
                            fmt_z(interp_z_(kInterpSteps - 1, 0), interp_z_(kInterpSteps - 1, 1)).c_str());
    }

    //-------------------------------------------------------------------------
    // [SECTION] The lesson
    //-------------------------------------------------------------------------
    // What the cached pictures were computed from.
    struct Key {
        int version = -1, image = -1, eps_draw = -1, prior_draw = -1, ia = -1, ib = -1;
    } key_;
    double last_refresh_ = -1e9;

    // Recomputes the pictures whose inputs changed. While training, the weights change every
    // frame: the pictures follow twice a second.
    void refresh(VaeRecipe& m) {
        const int version = model_version();
        const double now = ImGui::GetTime();
        const bool running = mode == Mode::train && training.run().running();
        const bool model_changed = version != key_.version && (!running || now - last_refresh_ >= 0.5);
        if (model_changed) {
            grid_ = grid_image(m);
            scatter_ = latent_scatter(m, kScatterImages);
            point_ = decode_point(m, z1, z2);
            key_.version = version;
            last_refresh_ = now;
        }
        if (model_changed || key_.image != image_key() || key_.eps_draw != eps_draw) {
            compute_step(m);
            key_.image = image_key(), key_.eps_draw = eps_draw;
        }
        if (model_changed || key_.prior_draw != prior_draw) {
            compute_prior(m);
            key_.prior_draw = prior_draw;
        }
        if (model_changed || key_.ia != ia || key_.ib != ib) {
            interp_images_ = m.interpolate(std::size_t(ia), std::size_t(ib), kInterpSteps, &interp_z_);
            key_.ia = ia, key_.ib = ib;
        }
    }

    void report_status() {
        const std::vector<float>& losses = training.run().losses();
        platform::set_status("mode", mode == Mode::train ? "train" : "pretrained");
        platform::set_status("step", std::to_string(training.run().step()));
        platform::set_status("loss", losses.empty() ? "" : ui::fmt_num(losses.back()));
        platform::set_status("first_loss", losses.empty() ? "" : ui::fmt_num(losses.front()));
        platform::set_status("pretrained", pretrained_ ? "loaded" : pretrained_error_.empty() ? "loading" : "failed");
        if (pretrained_) platform::set_status("pretrained_elbo", ui::fmt_num(float(pretrained_elbo_.elbo)));
    }
};

void VaeLesson::draw() {
    ImGui::TextWrapped("Random pixels give noise; a random code z fed to a trained decoder gives an image from the space "
                       "the autoencoder can represent. A variational autoencoder (VAE) makes this principled: a "
                       "probabilistic encoder q(z|x) = N(mu, sigma^2), a probabilistic decoder p(x|z) (one Bernoulli per "
                       "pixel), and a prior p(z) = N(0, I) that says where codes should live. This one has a 2-D latent "
                       "space, so you can see all of it.");
    ui::code_block("formulas",
                   "encoder   x (784) -> Linear(784, 64) -> ReLU -> Linear(64, 4) = [mu_1, mu_2 | logvar_1, logvar_2]\n"
                   "sample    sigma = exp(logvar / 2),  eps ~ N(0, I),  z = mu + sigma * eps   (reparameterisation)\n"
                   "decoder   z (2) -> Linear(2, 64) -> ReLU -> Linear(64, 784) = logits;  x_hat = sigmoid(logits)\n"
                   "recon     = -log p(x|z) = sum over the 784 pixels of BCE(x_hat, x)                   (nats)\n"
                   "KL        = KL(N(mu, sigma^2) || N(0, I)) = -1/2 sum_j (1 + logvar_j - mu_j^2 - exp(logvar_j))\n"
                   "ELBO      = -(recon + KL) <= log p(x)     training minimises recon + beta * KL  (beta = 1: -ELBO)");
    const bool ready = ui::dataset_ready();
    if (ready) {
        use_data(platform::fashion_mnist().dataset);
        ensure_pretrained();
        ensure_live();  // a link with train=1 starts the run once the data is here
    }
    training.advance();
    if (ready && sections.header(0, "0. The model")) draw_model_section();
    VaeRecipe* m = ready ? model() : nullptr;
    if (m) {
        try {
            refresh(*m);
            if (sections.header(1, "1. The reparameterisation trick, one image")) draw_reparam();
            if (sections.header(2, "2. The latent plane")) draw_latent_plane(*m);
            if (sections.header(3, "3. Samples from the prior")) draw_prior();
            if (sections.header(4, "4. Interpolation")) draw_interpolation();
            ui::pytorch_panel("torch", pytorch_code(m->options(), ia, ib));
            ui::export_buttons("export", {{"vae_mu_logvar_sigma_eps_z.npy", &step_export_},
                                          {"vae_test_means.npy", &scatter_.means},
                                          {"vae_latent_grid.npy", &grid_},
                                          {"vae_prior_samples.npy", &prior_images_},
                                          {"vae_interpolation.npy", &interp_images_}});
        } catch (const Error& e) {
            ui::error_panel("This view could not be computed", e.what());
        }
    } else if (ready && mode == Mode::pretrained && !pretrained_error_.empty()) {
        ImGui::TextWrapped("The views below need a model: load the pretrained one or train one here.");
    }
    report_status();
    url.write();
}

}  // namespace
}  // namespace vae

std::unique_ptr<Lesson> make_vae_lesson() { return std::make_unique<vae::VaeLesson>(); }

}  // namespace aelab::lessons
