// Lesson "Sparse and contractive autoencoders" (id: regularized-ae)
// What it teaches: an autoencoder with as many code units as pixels, or more, can copy its
// input; a penalty on the code is what makes it learn something. The sparse autoencoder adds
// lambda * sum_j |h_j| (MAP inference with a Laplace prior on the code): most units fall silent
// for each image and the decoder's atoms change as lambda grows; a sweep of lambda traces the
// trade-off between reconstruction and sparsity. The contractive autoencoder (Rifai et al.,
// ICML 2011) adds ||dh/dx||_F^2, the encoder's sensitivity to its input: the singular values of
// its Jacobian show a few directions kept and the rest squashed. The third section (the
// manifold picture on 2-D data) is its own class, lessons/regularized_ae_manifold.cpp.
// Models, training and evaluation are the core's recipes (aelab/recipe_regularized.hpp), the
// same ones `aelab-cli train sparse-ae|contractive-ae` run, so the numbers agree.
//
// Index of this file (URL keys in brackets):
//   [SECTION] Page state in the URL
//   [SECTION] Training: the sparse run, the sweep, the contractive pair
//   [SECTION] Reading codes and Jacobians
//   [SECTION] PyTorch code
//   [SECTION] Drawing helpers
//   [SECTION] 1. Sparse autoencoders          [lam img; seed lr steps train; sseed slr ssteps]
//   [SECTION] 2. Contractive autoencoders     [clam; cseed clr csteps]
//   [SECTION] 3. The manifold picture         [m...: ManifoldSection]
//   [SECTION] The lesson                      [open]
#include "regularized_ae.hpp"
#include "regularized_ae_manifold.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cfloat>
#include <sstream>
#include <tuple>
#include <utility>

#include <imgui.h>

#include "aelab/loss.hpp"
#include "lesson.hpp"
#include "kit/image_input.hpp"
#include "kit/palette.hpp"
#include "kit/platform.hpp"
#include "kit/pytorch.hpp"
#include "kit/a11y.hpp"
#include "kit/widgets.hpp"

namespace aelab::lessons {
namespace regularized_ae {

//-----------------------------------------------------------------------------
// [SECTION] Page state in the URL
//-----------------------------------------------------------------------------

const std::vector<float>& sweep_lambdas() { return default_sparse_lambdas(); }

Trainings::Trainings() {
    for (LiveTraining* t : {&sparse, &sweep, &contractive}) {
        t->controls().lr_min = 1e-5f;
        t->controls().lr_max = 0.1f;
    }
    // The sweep's loss switches between networks with different lambdas (its losses differ by
    // up to ~20x by design): only a NaN or Inf is a divergence there.
    sweep.run().explode_factor = 1e30f;
}

kit::UrlState url_state(Settings& s, kit::Sections& sections, Trainings& t) {
    kit::UrlState url;
    url.add("lam", s.lambda, 0.0f, kMaxSparseLambda);
    url.add("clam", s.contractive_lambda, 0.0f, kMaxContractiveLambda);
    url.add("img", s.image, 0, kEvalImages - 1);
    t.sparse.bind(url, kMinSteps, kMaxSteps);
    t.sweep.bind_prefixed(url, "s", kMinSteps * int(sweep_lambdas().size()), kMaxSteps);
    t.contractive.bind_prefixed(url, "c", kMinSteps, kMaxSteps);
    sections.bind(url, kSections);
    return url;
}

SparseAeOptions sparse_options(const Settings& s, const LiveTraining& sparse) {
    SparseAeOptions o;
    o.lambda = s.lambda;
    o.learning_rate = sparse.controls().learning_rate;
    o.seed = std::uint64_t(sparse.controls().seed);
    o.steps = sparse.max_steps();
    o.eval_count = kEvalImages;
    return o;
}

SparseAeOptions sweep_options(const LiveTraining& sweep) {
    SparseAeOptions o;
    o.learning_rate = sweep.controls().learning_rate;
    o.seed = std::uint64_t(sweep.controls().seed);
    o.steps = std::max(1, sweep.max_steps() / int(sweep_lambdas().size()));
    o.eval_count = kEvalImages;
    return o;
}

ContractiveOptions contractive_options(const Settings& s, const LiveTraining& contractive) {
    ContractiveOptions o;
    o.lambda = s.contractive_lambda;
    o.learning_rate = contractive.controls().learning_rate;
    o.seed = std::uint64_t(contractive.controls().seed);
    o.steps = contractive.max_steps();
    o.eval_count = kEvalImages;
    return o;
}

//-----------------------------------------------------------------------------
// [SECTION] Training: the sparse run, the sweep, the contractive pair
//-----------------------------------------------------------------------------

// Every run trains as a core job (aelab/jobs/regularized.hpp) on the kit's trainer (a Web
// Worker, a second thread or this thread); the states point into the page's view copy.
void attach_sparse(LiveTraining& t, SparseState& st, const Dataset& data, const Settings& s) {
    t.track(st.mse);
    t.track(st.active);
    LiveTraining::JobHooks h;
    h.data = &data;
    h.spec = [&t, &st, &s] {
        st.ae = nullptr;
        st.held_out.clear();
        ++st.builds;
        return sparse_job_spec(sparse_options(s, t));
    };
    h.built = [&st](TrainJob& job) { st.ae = &static_cast<SparseJob&>(job).ae(); };
    h.evaluated = [&st](int step, const std::vector<float>& f) {
        st.held_out.push_back({step, sparse_eval_from(f, &st.codes)});
        st.ranked = units_by_use(st.codes);
    };
    t.set_job(std::move(h));
}

void attach_sweep(LiveTraining& t, SweepState& st, const Dataset& data) {
    t.track(st.stepped);
    LiveTraining::JobHooks h;
    h.data = &data;
    h.spec = [&t, &st] {
        SparseSweepJobOptions o;
        o.lambdas = sweep_lambdas();
        o.o = sweep_options(t);
        o.atoms = kSweepAtoms;
        t.set_max_steps(o.o.steps * int(o.lambdas.size()));  // a whole number per network
        st.job = nullptr;
        st.sorted = 0;
        st.losses.assign(o.lambdas.size(), {});
        st.results.clear();
        st.top_atoms.clear();
        return sparse_sweep_job_spec(o);
    };
    h.built = [&st](TrainJob& job) { st.job = &static_cast<SparseSweepJob&>(job); };
    t.set_job(std::move(h));
}

void update_sweep(const LiveTraining& t, SweepState& st) {
    const std::vector<float>& losses = t.run().losses();
    for (; st.sorted < losses.size() && st.sorted < st.stepped.size(); ++st.sorted) {
        const std::size_t i = std::size_t(st.stepped[st.sorted]);
        if (i < st.losses.size()) st.losses[i].push_back(losses[st.sorted]);
    }
    if (!st.job) return;
    for (std::size_t i = st.results.size(); i < st.job->results().size(); ++i) {
        st.results.push_back(st.job->results()[i]);
        st.top_atoms.push_back(st.job->top_atoms()[i]);
    }
}

void attach_contractive(LiveTraining& t, ContractiveState& st, const Dataset& data, const Settings& s) {
    t.track(st.plain_losses);
    t.track(st.penalties);
    LiveTraining::JobHooks h;
    h.data = &data;
    h.spec = [&t, &st, &s] {
        st.recipe = nullptr;
        st.held_out.clear();
        ++st.builds;
        return contractive_job_spec(contractive_options(s, t));
    };
    h.built = [&st](TrainJob& job) { st.recipe = &static_cast<ContractiveJob&>(job).recipe(); };
    h.evaluated = [&st](int step, const std::vector<float>& f) { st.held_out.push_back({step, contractive_eval_from(f)}); };
    t.set_job(std::move(h));
}

//-----------------------------------------------------------------------------
// [SECTION] Reading codes and Jacobians
//-----------------------------------------------------------------------------

Histogram code_histogram(const Tensor& h, int bins) {
    Histogram out;
    out.counts.assign(std::size_t(std::max(bins, 1)), 0.0f);
    out.total = h.size();
    float top = 0;
    for (float v : h) {
        if (v > 0)
            top = std::max(top, v);
        else
            ++out.zeros;
    }
    out.hi = top > 0 ? top : 1.0f;
    const float width = out.hi / float(out.counts.size());
    for (float v : h)
        if (v > 0) out.counts[std::min(out.counts.size() - 1, std::size_t(v / width))] += 1;
    return out;
}

std::vector<int> top_units(const Tensor& code, int count) {
    std::vector<int> units(code.size());
    for (std::size_t j = 0; j < units.size(); ++j) units[j] = int(j);
    count = std::clamp(count, 0, int(units.size()));
    std::partial_sort(units.begin(), units.begin() + count, units.end(),
                      [&](int a, int b) { return code.data()[a] > code.data()[b]; });
    units.resize(std::size_t(count));
    return units;
}

Spectra jacobian_spectra(ContractiveRecipe& r, const Tensor& image) {
    Spectra s;
    s.plain = r.singular_values(false, image);
    s.contractive = r.singular_values(true, image);
    const double cut = 0.1 * (s.plain.empty() ? 0.0 : s.plain[0]);
    for (double v : s.plain) s.plain_large += v > cut;
    for (double v : s.contractive) s.contractive_large += v > cut;
    return s;
}

//-----------------------------------------------------------------------------
// [SECTION] PyTorch code
//-----------------------------------------------------------------------------

std::string pytorch_sparse(const SparseAeOptions& o) {
    std::ostringstream s;
    s << "import torch, torch.nn as nn, torch.nn.functional as F\n"
      << "torch.manual_seed(" << o.seed << ")\n"
      << "# x: (N, 784) Fashion-MNIST images in [0, 1]; m: the mean training image (784)\n"
      << "enc, dec = nn.Linear(784, " << o.code << "), nn.Linear(" << o.code << ", 784)\n"
      << "with torch.no_grad():\n"
      << "    dec.weight /= dec.weight.norm(dim=0, keepdim=True)  # atoms (columns) of unit length\n"
      << "opt = torch.optim.Adam([*enc.parameters(), *dec.parameters()], lr=" << kit::py_float(o.learning_rate) << ")\n"
      << "lam = " << kit::py_float(o.lambda) << "\n"
      << "for step in range(" << o.steps << "):\n"
      << "    x = next_batch(" << o.batch_size << ") - m            # centred images\n"
      << "    h = F.relu(enc(x))                      # the code (N, " << o.code << ")\n"
      << "    loss = F.mse_loss(dec(h), x) + lam * h.abs().sum(dim=1).mean()\n"
      << "    opt.zero_grad(); loss.backward(); opt.step()\n"
      << "    with torch.no_grad():\n"
      << "        dec.weight /= dec.weight.norm(dim=0, keepdim=True)\n"
      << "with torch.no_grad():\n"
      << "    h = F.relu(enc(x_test - m))\n"
      << "    print(F.mse_loss(dec(h) + m, x_test), (h > 0).float().mean())  # MSE, fraction active\n"
      << "    atoms = dec.weight.T.reshape(-1, 28, 28)  # x_hat = m + dec.bias + sum_j h_j atoms[j]";
    return s.str();
}

std::string pytorch_contractive(const ContractiveOptions& o) {
    std::ostringstream s;
    s << "import copy, torch, torch.nn as nn, torch.nn.functional as F\n"
      << "torch.manual_seed(" << o.seed << ")\n"
      << "enc = nn.Sequential(nn.Linear(784, " << o.code << "), nn.Sigmoid())\n"
      << "dec = nn.Sequential(nn.Linear(" << o.code << ", 784), nn.Sigmoid())\n"
      << "plain = nn.Sequential(enc, dec); cae = copy.deepcopy(plain)  # the same initial weights\n"
      << "def jacobian_fro2(enc, x):  # ||dh/dx||_F^2 per image, closed form for a sigmoid encoder\n"
      << "    h = enc(x); W = enc[0].weight                         # (N, K), (K, 784)\n"
      << "    return ((h * (1 - h)) ** 2 * (W ** 2).sum(dim=1)).sum(dim=1)\n"
      << "opts = [torch.optim.Adam(n.parameters(), lr=" << kit::py_float(o.learning_rate) << ") for n in (plain, cae)]\n"
      << "lam = " << kit::py_float(o.lambda) << "\n"
      << "for step in range(" << o.steps << "):\n"
      << "    x = next_batch(" << o.batch_size << ")  # (N, 784)\n"
      << "    for net, opt, l in ((plain, opts[0], 0.0), (cae, opts[1], lam)):\n"
      << "        loss = F.mse_loss(net(x), x) + l * jacobian_fro2(net[0], x).mean()\n"
      << "        opt.zero_grad(); loss.backward(); opt.step()\n"
      << "# check the closed form against autograd, then the spectrum at one image\n"
      << "J = torch.autograd.functional.jacobian(cae[0], x_test[0])  # (" << o.code << ", 784)\n"
      << "print((J ** 2).sum(), jacobian_fro2(cae[0], x_test[:1]))\n"
      << "print(torch.linalg.svdvals(J))";
    return s.str();
}

//-----------------------------------------------------------------------------
// [SECTION] Drawing helpers
//-----------------------------------------------------------------------------
namespace {

constexpr int kSide = 28;

void gray_image(const char* id, const float* plane, float zoom) {
    ui::HeatmapStyle hs;
    hs.zoom = zoom;
    ui::heatmap(id, plane, kSide, kSide, hs);
}

// An atom in blue (negative) - white - red (positive), scaled to its own largest magnitude.
ui::Hover atom_image(const char* id, const float* atom, float zoom) {
    ui::HeatmapStyle hs;
    hs.zoom = zoom;
    hs.cmap = ui::Colormap::diverging;
    hs.auto_range = true;
    return ui::heatmap(id, atom, kSide, kSide, hs);
}

std::string pct(double v) { return ui::format("%.1f%%", 100.0 * v); }

// Locks the widgets that would change a running model (a change rebuilds it).
struct LockedWhileRunning {
    explicit LockedWhileRunning(const LiveTraining& t) : locked(t.run().running()) {
        if (locked) ImGui::BeginDisabled();
    }
    ~LockedWhileRunning() {
        if (locked) ImGui::EndDisabled();
    }
    bool locked;
};

void steps_input(const char* label, LiveTraining& t, int lo, int step) {
    int steps = t.max_steps();
    ImGui::SetNextItemWidth(std::min(130.0f, ImGui::GetContentRegionAvail().x));
    if (ImGui::InputInt(label, &steps, step, step * 2)) t.set_max_steps(std::clamp(steps, lo, kMaxSteps));
}

// A histogram `width` wide with its axis range written under it.
void histogram(const char* id, const std::vector<float>& counts, float lo, float hi, const char* x_label, float width) {
    ImGui::PlotHistogram(id, counts.data(), int(counts.size()), 0, nullptr, 0.0f, FLT_MAX, ImVec2(width, 90));
    ImGui::TextDisabled("%s from %s to %s", x_label, ui::fmt_num(lo).c_str(), ui::fmt_num(hi).c_str());
}

// A small scatter plot of (x, y) points joined in order, each labelled, with axis ranges.
void trade_off_plot(const char* id, const std::vector<float>& xs, const std::vector<float>& ys,
                    const std::vector<std::string>& labels, const char* x_label, const char* y_label) {
    const float w = std::max(200.0f, std::min(460.0f, ImGui::GetContentRegionAvail().x)), h = 200.0f;
    ImGui::InvisibleButton(id, ImVec2(w, h));
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p0 = ImGui::GetItemRectMin(), p1 = ImGui::GetItemRectMax();
    dl->AddRectFilled(p0, p1, ImGui::GetColorU32(ImGuiCol_FrameBg));
    dl->AddRect(p0, p1, ImGui::GetColorU32(ImGuiCol_Border));
    if (xs.empty()) return;
    const float xmax = std::max(1e-6f, *std::max_element(xs.begin(), xs.end())) * 1.1f;
    const float ymax = std::max(1e-6f, *std::max_element(ys.begin(), ys.end())) * 1.1f;
    const float pad = 30.0f;
    auto at = [&](float x, float y) {
        return ImVec2(p0.x + pad + (p1.x - p0.x - 2 * pad) * x / xmax, p1.y - pad - (p1.y - p0.y - 2 * pad) * y / ymax);
    };
    for (std::size_t i = 0; i < xs.size(); ++i) {
        if (i) dl->AddLine(at(xs[i - 1], ys[i - 1]), at(xs[i], ys[i]), kit::palette::reference, 1.5f);
        dl->AddCircleFilled(at(xs[i], ys[i]), 4.0f, kit::palette::series[0]);
        dl->AddText(ImVec2(at(xs[i], ys[i]).x + 6, at(xs[i], ys[i]).y - 14), ImGui::GetColorU32(ImGuiCol_Text), labels[i].c_str());
    }
    dl->AddText(ImVec2(p0.x + pad, p1.y - 18), ImGui::GetColorU32(ImGuiCol_TextDisabled),
                ui::format("%s (0 to %s)", x_label, ui::fmt_num(xmax).c_str()).c_str());
    dl->AddText(ImVec2(p0.x + 4, p0.y + 4), ImGui::GetColorU32(ImGuiCol_TextDisabled),
                ui::format("%s (0 to %s)", y_label, ui::fmt_num(ymax).c_str()).c_str());
}

//-----------------------------------------------------------------------------
// The page
//-----------------------------------------------------------------------------

class RegularizedAeLesson final : public Lesson {
public:
    RegularizedAeLesson() {
        manifold_.bind(url_);
        url_.read();
    }
    void draw() override;

private:
    Settings st_;
    kit::Sections sections_{0b111};
    Trainings tr_;
    kit::UrlState url_ = url_state(st_, sections_, tr_);
    SparseState sparse_;
    SweepState sweep_;
    ContractiveState contractive_;
    ManifoldSection manifold_;  // section 3 needs no dataset: it trains on points of the plane
    bool attached_ = false;
    int frames_attached_ = 0;  // the sweep's six networks are built on the frame after the others

    void attach(const Dataset& d) {
        attach_sparse(tr_.sparse, sparse_, d, st_);
        attach_sweep(tr_.sweep, sweep_, d);
        attach_contractive(tr_.contractive, contractive_, d, st_);
        attached_ = true;
        const bool train_now = tr_.sparse.wants_training();  // train=1 in the link
        tr_.sparse.rebuild();
        tr_.contractive.rebuild();
        // A link that starts training starts both penalties' main runs (not the longer sweep).
        if (train_now && tr_.contractive.built()) tr_.contractive.run().start();
    }

    void report_status() {
        const TrainingRun& run = tr_.sparse.run();
        platform::set_status("step", std::to_string(run.step()));
        if (!run.losses().empty()) {
            platform::set_status("loss", ui::fmt_num(run.losses().back()));
            platform::set_status("first_loss", ui::fmt_num(run.losses().front()));
        }
        auto fixed = [](double v) { return ui::format("%.5f", v); };
        if (sparse_.ae && !sparse_.held_out.empty()) {
            const SparseEval& e = sparse_.held_out.back().eval;
            platform::set_status("fraction_active", fixed(e.fraction_active));
            platform::set_status("mse", fixed(e.mse));
        }
        if (sweep_.job) {
            platform::set_status("sweep_step", std::to_string(tr_.sweep.run().step()));
            platform::set_status("sweep_done", std::to_string(sweep_.results.size()));
        }
        if (contractive_.recipe) {
            const TrainingRun& c = tr_.contractive.run();
            platform::set_status("c_step", std::to_string(c.step()));
            if (!c.losses().empty()) {
                platform::set_status("c_loss", ui::fmt_num(c.losses().back()));
                platform::set_status("c_first_loss", ui::fmt_num(c.losses().front()));
            }
            if (!contractive_.held_out.empty()) {
                const ContractiveEval& e = contractive_.held_out.back().eval;
                platform::set_status("jacobian_fro_plain", fixed(e.jacobian_fro_plain));
                platform::set_status("jacobian_fro_contractive", fixed(e.jacobian_fro_contractive));
            }
        }
    }

    // Your own image (kit/image_input.hpp) in place of the test image; never in the link.
    kit::OwnImageChoice mine_;

    Tensor test_image(const Dataset& d) const {
        Tensor x = mine_.use && kit::user_image() ? mine_.input.steps.final : d.image(Split::test, std::size_t(st_.image));
        x.reshape(Shape{1, 1, kSide, kSide});
        return x;
    }
    // What test_image() shows, for the keys of cached results: the index, or a negative number
    // naming your image and its preprocessing.
    int image_key() const {
        return mine_.use ? -int(mine_.key()) - 1 : st_.image;
    }

    void image_slider(const Dataset& d) {
        ImGui::SetNextItemWidth(std::min(220.0f, ImGui::GetContentRegionAvail().x));
        if (ImGui::SliderInt("test image", &st_.image, 0, kEvalImages - 1)) mine_.use = false;
        ImGui::SameLine();
        if (mine_.use) ImGui::Text("(your image: %s)", printable(kit::user_image()->name, 40).c_str());
        else ImGui::Text("(%s)", d.class_names[d.test_labels[std::size_t(st_.image)]].c_str());
        kit::test_or_own_image(mine_);
        platform::set_status("regularized_input", mine_.use ? "your image" : "test image");
    }

    //-------------------------------------------------------------------------
    // [SECTION] 1. Sparse autoencoders
    //-------------------------------------------------------------------------
    std::tuple<int, std::size_t, int> code_for_{-1, 0, -1};  // (build, evaluations, image) of what is shown
    Tensor image_, code_, recon_;           // (1, 1, 28, 28), (1, K), (1, 1, 28, 28)
    Tensor shown_atoms_, top_atoms_;        // (kShownAtoms, 1, 28, 28), (8, 1, 28, 28)
    std::vector<int> top_;                  // the image's 8 largest units

    void draw_sparse(const Dataset& d) {
        LiveTraining& t = tr_.sparse;
        const SparseAeOptions o = sparse_options(st_, t);
        ImGui::TextWrapped(
            "An autoencoder with %d code units for %d pixels is over-complete: nothing stops it from copying its "
            "input. The sparse autoencoder adds a penalty on the code h = f(x) to the reconstruction error:",
            o.code, kSide * kSide);
        ui::code_block("sparse-loss",
                       "J = mean (g(f(x)) - x)^2 + lambda * Omega(h),     Omega(h) = sum_j |h_j|\n"
                       "h = relu(W_e (x - m) + b_e)   (1024 units)      x_hat = m + b_d + sum_j h_j d_j");
        ImGui::TextWrapped(
            "Read it as MAP inference. With a Gaussian likelihood, -log p(x | h) = ||x - x_hat||^2 / (2 sigma^2) + "
            "const, and a Laplace prior on each code value, p(h_j) = (alpha/2) exp(-alpha |h_j|), the negative log "
            "posterior is -log p(h | x) = ||x - x_hat||^2 / (2 sigma^2) + alpha sum_j |h_j| + const: J up to a factor "
            "(784 / (2 sigma^2), with lambda = 2 sigma^2 alpha / 784), so minimising J picks the most probable code "
            "under that prior. The Laplace density has a "
            "sharp peak at 0 (|h| has a kink there), which pulls many h_j to exactly 0; a Gaussian prior (lambda "
            "sum_j h_j^2) would only shrink them. The decoder is linear, so a reconstruction is the mean image m plus "
            "a sum of atoms d_j (the decoder's columns, kept at unit length: otherwise the network could shrink h and "
            "grow the atoms to dodge the penalty) weighted by the code.");
        ui::help_marker("Sizes: 784 -> 1024 -> 784 with mini-batches of 16 is ~0.15 GFLOP per step (forward and "
                        "backward, both layers) plus Adam over 1.6 million parameters: ~9 ms natively, a few tens in a "
                        "browser, so several steps a second inside the frame budget. The images are centred (x - m) "
                        "because with raw pixels, all >= 0, a unit whose weights sum negative starts off for every "
                        "image and never recovers: 59% of the units were dead after 1500 steps at lambda = 0 that way.");
        {
            LockedWhileRunning lock(t);
            ImGui::SetNextItemWidth(std::min(260.0f, ImGui::GetContentRegionAvail().x));
            if (ImGui::SliderFloat("lambda", &st_.lambda, 0.0f, 0.01f, "%.5f", ImGuiSliderFlags_Logarithmic)) t.rebuild();
            ImGui::SameLine();
            steps_input("steps", t, kMinSteps, 500);
        }
        ui::help_marker("Changing lambda starts a new run. CLI: aelab-cli train sparse-ae --lambda L (the same recipe, "
                        "held-out figures on 500 test images instead of 200).");
        t.panel("sparse");
        if (!t.built() || !sparse_.ae || sparse_.held_out.empty()) return;
        SparseAe& ae = *sparse_.ae;

        const SparseEvalPoint& p = sparse_.held_out.back();
        ImGui::TextWrapped("Held-out (%d test images) at step %d:  MSE %.5f,  units active per image %s,  "
                           "sum_j |h_j| %.2f,  dead units %s",
                    kEvalImages, p.step, p.eval.mse, pct(p.eval.fraction_active).c_str(), p.eval.l1,
                    pct(p.eval.dead_fraction).c_str());
        ui::help_marker("Active: h_j > 0 (the ReLU gives exact zeros). Dead: active on none of the test images. With "
                        "lambda = 0 about half the units are active for each image; the penalty drives that down.");
        const float half = std::max(200.0f, ImGui::GetContentRegionAvail().x * 0.5f - 8.0f);
        const TrainingRun& run = t.run();
        ImGui::BeginGroup();
        ImGui::TextUnformatted("Training loss J and its MSE part");
        ui::line_plot("sparse-loss", {{"J", run.losses().data(), int(run.losses().size()), kit::palette::series[0]},
                                      {"MSE", sparse_.mse.data(), int(sparse_.mse.size()), kit::palette::series[1]}},
                      {ImVec2(half, 150), true});
        ImGui::EndGroup();
        ImGui::SameLine(0, 16);
        ImGui::BeginGroup();
        ImGui::TextUnformatted("Fraction of code entries active (batch)");
        ui::line_plot("sparse-active", {{"active", sparse_.active.data(), int(sparse_.active.size()), kit::palette::series[2]}},
                      {ImVec2(half, 150), false, "step", "%.3f"});
        ImGui::EndGroup();

        // The code of the chosen image, its reconstruction and the atoms that weigh most in it.
        image_slider(d);
        // A snapshot at each evaluation (every kEvalEvery steps), so the atoms and the code agree.
        const auto key = std::make_tuple(sparse_.builds, sparse_.held_out.size(), image_key());
        if (key != code_for_) {
            image_ = test_image(d);
            code_ = ae.encode(image_);
            recon_ = ae.decode(code_);
            top_ = top_units(code_, 8);
            const Tensor atoms = ae.atoms();
            top_atoms_ = atom_images(atoms, top_);
            std::vector<int> shown(sparse_.ranked.begin(),
                                   sparse_.ranked.begin() + std::min<std::ptrdiff_t>(kShownAtoms, std::ptrdiff_t(sparse_.ranked.size())));
            shown_atoms_ = atom_images(atoms, shown);
            code_for_ = key;
        }
        int on = 0;
        for (float v : code_) on += v > 0;
        ImGui::BeginGroup();
        ImGui::TextUnformatted("x");
        gray_image("x", image_.data(), 3.0f);
        ImGui::EndGroup();
        ImGui::SameLine(0, 12);
        ImGui::BeginGroup();
        ImGui::TextUnformatted("x_hat");
        gray_image("xhat", recon_.data(), 3.0f);
        ImGui::Text("PSNR %.1f dB", psnr_db(recon_, image_));
        ImGui::EndGroup();
        ImGui::SameLine(0, 12);
        ImGui::BeginGroup();
        ImGui::Text("its code h (step %d): %d of %d units active (%s)", p.step, on, o.code, pct(double(on) / o.code).c_str());
        const float code_w = std::max(160.0f, ImGui::GetContentRegionAvail().x);
        ImGui::PlotHistogram("##code", code_.data(), int(code_.size()), 0, nullptr, 0.0f, FLT_MAX, ImVec2(code_w, 84));
        ImGui::TextDisabled("unit 0 to %d; bar height h_j", o.code - 1);
        ImGui::EndGroup();
        ImGui::TextUnformatted("The 8 largest terms h_j d_j of x_hat = m + b_d + sum_j h_j d_j:");
        for (std::size_t k = 0; k < top_.size(); ++k) {
            if (k) ImGui::SameLine(0, 8);
            ImGui::BeginGroup();
            ImGui::PushID(int(k));
            atom_image("top", top_atoms_.data() + k * kSide * kSide, 2.0f);
            ImGui::Text("h_%d=%s", top_[k], ui::fmt_num(code_.data()[top_[k]]).c_str());
            ImGui::PopID();
            ImGui::EndGroup();
        }

        // Histograms over the held-out images.
        const Histogram hist = code_histogram(sparse_.codes, kHistogramBins);
        const std::vector<double> per_image = active_fraction_per_image(sparse_.codes);
        std::vector<float> per_image_counts(20, 0.0f);
        const double top_fraction = std::max(1e-9, *std::max_element(per_image.begin(), per_image.end()));
        for (double f : per_image)
            per_image_counts[std::min<std::size_t>(19, std::size_t(f / top_fraction * 20))] += 1;
        ImGui::BeginGroup();
        ImGui::Text("Code values h_j > 0 (%d images x %d units)", kEvalImages, o.code);
        histogram("##h", hist.counts, hist.lo, hist.hi, "h_j", half);
        ImGui::Text("%s of the values are exactly 0 (not drawn)", pct(double(hist.zeros) / double(hist.total)).c_str());
        ImGui::EndGroup();
        ImGui::SameLine(0, 16);
        ImGui::BeginGroup();
        ImGui::TextUnformatted("Fraction of units active, per test image");
        histogram("##f", per_image_counts, 0.0f, float(top_fraction), "fraction", half);
        ImGui::EndGroup();

        // The most used atoms.
        ImGui::Text("The decoder's atoms d_j of the %d units active on the most test images (red +, blue -):",
                    int(shown_atoms_.shape()[0]));
        ui::help_marker("Each atom is scaled to its own largest magnitude. Compare them across lambdas in the sweep "
                        "below.");
        ImGui::TextWrapped(
            "With lambda = 0 an image is a sum of hundreds of atoms and none has to mean anything alone: they look like "
            "noise. With a moderate lambda each image can use a few dozen, and the atoms become parts: outlines, "
            "sleeves, collars, straps. With a large lambda it can afford only a handful, and the atoms become whole "
            "garments, prototypes an image is matched to, a step towards clustering. (On handwritten digits moderate "
            "lambdas give pen strokes; Fashion-MNIST's garments are large blobs.)");
        const float zoom = 2.0f, cell = kSide * zoom + 6.0f;
        const int per_row = std::max(1, int(ImGui::GetContentRegionAvail().x / cell));
        for (int k = 0; k < int(shown_atoms_.shape()[0]); ++k) {
            if (k % per_row) ImGui::SameLine(0, 6);
            ImGui::PushID(k);
            atom_image("atom", shown_atoms_.data() + std::size_t(k) * kSide * kSide, zoom);
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("unit %d", sparse_.ranked[std::size_t(k)]);
            a11y::resume();
            ImGui::PopID();
        }
        ui::export_buttons("export-sparse", {{"atoms_most_used.npy", &shown_atoms_},
                                             {"codes_test.npy", &sparse_.codes},
                                             {"code_image.npy", &code_},
                                             {"reconstruction.npy", &recon_}});
        ui::pytorch_panel("torch-sparse", pytorch_sparse(o));

        ImGui::Separator();
        draw_sweep();
    }

    // The reconstruction-vs-sparsity trade-off.
    void draw_sweep() {
        LiveTraining& t = tr_.sweep;
        const std::vector<float>& lambdas = sweep_lambdas();
        const int n = int(lambdas.size());
        ImGui::TextWrapped(
            "The trade-off: %d copies of the network above, one per lambda, from the same initial weights on the same "
            "batches, trained one step at a time in turn (so the sweep shares the page's frames). Each network is "
            "evaluated on the %d test images when it has taken its %d steps.",
            n, kEvalImages, t.max_steps() / n);
        {
            LockedWhileRunning lock(t);
            steps_input("steps in all", t, kMinSteps * n, 300);
        }
        ui::help_marker("CLI: aelab-cli train sparse-ae --sweep default --steps S (S steps per network, 500 test images).");
        if (frames_attached_ < 2) {
            ImGui::TextDisabled("Building the networks...");
            return;
        }
        t.panel("sweep");
        if (!t.built() || !sweep_.job) return;
        ImGui::Text("%d of %d steps", t.run().step(), t.max_steps());
        std::vector<ui::Series> curves;
        std::vector<std::string> names(lambdas.size());
        for (int i = 0; i < n; ++i) {
            names[std::size_t(i)] = "lambda " + ui::fmt_num(lambdas[std::size_t(i)]);
            const auto& l = sweep_.losses[std::size_t(i)];
            curves.push_back({names[std::size_t(i)].c_str(), l.data(), int(l.size()),
                              kit::palette::series[i % kit::palette::kSeriesCount]});
        }
        ui::line_plot("sweep-loss", curves, {ImVec2(0, 150), true, "step of each network"});
        if (sweep_.results.empty()) return;

        std::vector<float> xs, ys;
        std::vector<std::string> labels;
        for (const SweepPoint& p : sweep_.results) {
            xs.push_back(float(p.eval.fraction_active));
            ys.push_back(float(p.eval.mse));
            labels.push_back(ui::fmt_num(p.lambda));
        }
        ImGui::TextUnformatted("Held-out MSE against the fraction of units active per image, labelled by lambda:");
        trade_off_plot("trade-off", xs, ys, labels, "units active", "MSE");
        if (ImGui::BeginTable("sweep", 6, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_BordersInnerV)) {
            for (const char* h : {"lambda", "MSE", "active", "sum|h|", "dead", "most used atoms"}) ImGui::TableSetupColumn(h);
            ImGui::TableHeadersRow();
            for (std::size_t i = 0; i < sweep_.results.size(); ++i) {
                const SweepPoint& p = sweep_.results[i];
                ImGui::PushID(int(i));
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(ui::fmt_num(p.lambda).c_str());
                ImGui::TableNextColumn();
                ImGui::Text("%.5f", p.eval.mse);
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(pct(p.eval.fraction_active).c_str());
                ImGui::TableNextColumn();
                ImGui::Text("%.1f", p.eval.l1);
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(pct(p.eval.dead_fraction).c_str());
                ImGui::TableNextColumn();
                const Tensor& shown = sweep_.top_atoms[i];
                for (int k = 0; k < int(shown.shape()[0]); ++k) {
                    if (k) ImGui::SameLine(0, 3);
                    ImGui::PushID(k);
                    atom_image("a", shown.data() + std::size_t(k) * kSide * kSide, 1.5f);
                    ImGui::PopID();
                }
                ImGui::PopID();
            }
            ImGui::EndTable();
        }
        ImGui::TextWrapped(
            "Sparsity costs reconstruction: each step up in lambda silences more units per image and the MSE rises, "
            "and past some lambda units die (active on no test image). Read the atoms from top to bottom: noise, then "
            "parts, then whole-garment prototypes. Their spatial spread (root-mean-square distance of an atom's energy "
            "from its centre) hardly tells these apart: %s px at lambda 0, %s px at the largest (11.4 px is spread evenly) "
            "- noise and whole garments both cover the image.",
            ui::format("%.1f", sweep_.results.front().eval.atom_spread).c_str(),
            ui::format("%.1f", sweep_.results.back().eval.atom_spread).c_str());
    }

    //-------------------------------------------------------------------------
    // [SECTION] 2. Contractive autoencoders
    //-------------------------------------------------------------------------
    std::tuple<int, std::size_t, int> spectra_for_{-1, 0, -1};  // (build, evaluations, image) of the spectra
    Spectra spectra_;
    Tensor sv_plain_, sv_contractive_, jacobian_;  // (K), (K), (K, 784)

    void draw_contractive(const Dataset& d) {
        LiveTraining& t = tr_.contractive;
        const ContractiveOptions o = contractive_options(st_, t);
        ImGui::TextWrapped(
            "The contractive autoencoder (Rifai et al., ICML 2011) penalises how much the code moves when the input "
            "moves: the squared Frobenius norm of the encoder's Jacobian. For a sigmoid encoder it has a closed form, "
            "no Jacobian needs to be built:");
        ui::code_block("cae-loss",
                       "h = sigmoid(W x + b)  (W: K x 784)      dh_j/dx_i = h_j (1 - h_j) W_ji\n"
                       "||dh/dx||_F^2 = sum_j (h_j (1 - h_j))^2 * sum_i W_ji^2\n"
                       "J = mean (g(h) - x)^2 + lambda * ||dh/dx||_F^2");
        ImGui::TextWrapped(
            "The reconstruction term wants the code to follow every change of the input that matters for the data; "
            "the penalty wants it to follow none. The compromise keeps the directions along the data (the manifold) and "
            "squashes the others. Two copies of 784 -> %d -> 784 (sigmoid code and output) train side by side from the "
            "same weights on the same batches: a plain one and a contractive one.",
            o.code);
        {
            LockedWhileRunning lock(t);
            ImGui::SetNextItemWidth(std::min(260.0f, ImGui::GetContentRegionAvail().x));
            if (ImGui::SliderFloat("lambda##c", &st_.contractive_lambda, 0.0f, 1.0f, "%.4f", ImGuiSliderFlags_Logarithmic))
                t.rebuild();
            ImGui::SameLine();
            steps_input("steps##c", t, kMinSteps, 500);
        }
        ui::help_marker("CLI: aelab-cli train contractive-ae --lambda L (500 test images). The closed form is tested "
                        "against a finite-difference Jacobian and its gradient by a gradient check.");
        t.panel("contractive");
        if (!t.built() || !contractive_.recipe || contractive_.held_out.empty()) return;
        ContractiveRecipe& r = *contractive_.recipe;

        const ContractiveEvalPoint& p = contractive_.held_out.back();
        ImGui::TextWrapped("Held-out at step %d:  MSE plain %.5f, contractive %.5f;  mean ||dh/dx||_F plain %.3f, "
                           "contractive %.3f",
                    p.step, p.eval.mse_plain, p.eval.mse_contractive, p.eval.jacobian_fro_plain,
                    p.eval.jacobian_fro_contractive);
        const float half = std::max(200.0f, ImGui::GetContentRegionAvail().x * 0.5f - 8.0f);
        const TrainingRun& run = t.run();
        std::vector<float> cae_mse;
        for (std::size_t i = 0; i < run.losses().size() && i < contractive_.penalties.size(); ++i)
            cae_mse.push_back(run.losses()[i] - o.lambda * contractive_.penalties[i]);
        ImGui::BeginGroup();
        ImGui::TextUnformatted("Training MSE");
        ui::line_plot("cae-loss", {{"plain", contractive_.plain_losses.data(), int(contractive_.plain_losses.size()),
                                    kit::palette::series[1]},
                                   {"contractive", cae_mse.data(), int(cae_mse.size()), kit::palette::series[0]}},
                      {ImVec2(half, 150), true});
        ImGui::EndGroup();
        ImGui::SameLine(0, 16);
        ImGui::BeginGroup();
        ImGui::TextUnformatted("Contractive network's ||dh/dx||_F^2 (batch)");
        ui::line_plot("cae-penalty", {{"||J||^2", contractive_.penalties.data(), int(contractive_.penalties.size()),
                                       kit::palette::series[0]}},
                      {ImVec2(half, 150), true});
        ImGui::EndGroup();

        image_slider(d);
        const auto key = std::make_tuple(contractive_.builds, contractive_.held_out.size(), image_key());
        if (key != spectra_for_) {
            const Tensor x = test_image(d);
            spectra_ = jacobian_spectra(r, x);
            jacobian_ = r.jacobian(true, x);
            std::vector<float> a(spectra_.plain.begin(), spectra_.plain.end()), b(spectra_.contractive.begin(), spectra_.contractive.end());
            sv_plain_ = from_values({a.size()}, a);
            sv_contractive_ = from_values({b.size()}, b);
            spectra_for_ = key;
        }
        ImGui::Text("Singular values of dh/dx at %s (updated every %d steps), largest first:",
                    mine_.use ? "your image" : ("test image " + std::to_string(st_.image)).c_str(),
                    kEvalEvery);
        std::vector<float> a(sv_plain_.begin(), sv_plain_.end()), b(sv_contractive_.begin(), sv_contractive_.end());
        ui::line_plot("spectra", {{"plain", a.data(), int(a.size()), kit::palette::series[1]},
                                  {"contractive", b.data(), int(b.size()), kit::palette::series[0]}},
                      {ImVec2(0, 170), true, "index", "%.3g"});
        ImGui::Text("Above a tenth of the plain network's largest: plain %d of %d, contractive %d of %d",
                    spectra_.plain_large, int(a.size()), spectra_.contractive_large, int(b.size()));
        ui::help_marker("The singular values of J = dh/dx: how much the code stretches a small step of the input along "
                        "each of J's input directions. sum of their squares = ||J||_F^2, the penalty.");
        ImGui::TextWrapped(
            "The contractive encoder keeps a few large singular values (the directions in which nearby images of the "
            "data differ, which the code must follow to reconstruct them) and pushes the rest towards zero: moving the "
            "image off the data barely moves its code. The plain encoder has no reason to be insensitive in any "
            "direction.");
        ui::export_buttons("export-cae", {{"singular_values_plain.npy", &sv_plain_},
                                          {"singular_values_contractive.npy", &sv_contractive_},
                                          {"jacobian_contractive.npy", &jacobian_}});
        ui::pytorch_panel("torch-cae", pytorch_contractive(o));
    }
};

//-----------------------------------------------------------------------------
// [SECTION] The lesson
//-----------------------------------------------------------------------------
void RegularizedAeLesson::draw() {
    ImGui::TextWrapped(
        "A regularised autoencoder is kept from copying its input by a penalty rather than by a narrow code: "
        "J = sum L(x, g(f(x))) + lambda * Omega(h). Sparse autoencoders penalise the size of the code, contractive "
        "ones its sensitivity to the input; both assume the data lies near a lower-dimensional, non-linear manifold.");
    manifold_.advance();
    // Sections 1 and 2 train on Fashion-MNIST; until it is loaded they show its progress.
    const bool ready = ui::dataset_ready();
    const Dataset* d = ready ? platform::fashion_mnist().dataset : nullptr;
    if (d) {
        if (!attached_) attach(*d);
        // Building the sweep's networks (and evaluating the others) in one frame would stall it.
        if (++frames_attached_ == 2) tr_.sweep.rebuild();
        for (LiveTraining* t : {&tr_.sparse, &tr_.sweep, &tr_.contractive}) t->advance();
        update_sweep(tr_.sweep, sweep_);
    }

    const char* titles[kSections] = {"1. Sparse autoencoders", "2. Contractive autoencoders", "3. The manifold picture"};
    for (int s = 0; s < kSections; ++s) {
        if (!sections_.header(s, titles[s])) continue;
        if (s < 2 && !d) continue;
        ImGui::PushID(s);
        try {
            switch (s) {
                case 0: draw_sparse(*d); break;
                case 1: draw_contractive(*d); break;
                case 2: manifold_.draw(); break;
            }
        } catch (const Error& e) {
            ui::error_panel("Could not compute this section", e.what());
        }
        ImGui::PopID();
    }
    if (d) report_status();
    manifold_.report_status();
    report_status();
    url_.write();
}

}  // namespace
}  // namespace regularized_ae

std::unique_ptr<Lesson> make_regularized_ae_lesson() { return std::make_unique<regularized_ae::RegularizedAeLesson>(); }

}  // namespace aelab::lessons
