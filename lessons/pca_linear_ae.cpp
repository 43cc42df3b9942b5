// Lesson "PCA as a linear autoencoder" (id: pca-linear-ae)
// What it teaches: PCA finds the k orthogonal directions of largest variance; the simplest
// autoencoder (one hidden layer of k units, no non-linearity, no biases, squared error) trained
// by gradient descent finds the same k-dimensional subspace, though not the same basis. PCA is
// "the linear regression of unsupervised learning"; a non-linearity on the code is what takes an
// autoencoder beyond it.
//
// Index of this file:
//   [SECTION] Maths (tested in tests/lessons/test_pca_linear_ae.cpp)
//   [SECTION] The page: URL keys and training hooks
//   [SECTION] PyTorch code
//   [SECTION] Drawing helpers
//   [SECTION] 1. PCA of Fashion-MNIST
//   [SECTION] 2. A linear autoencoder trained live
//   [SECTION] The lesson
#include "pca_linear_ae.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>

#include <xtensor/xadapt.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xview.hpp>

#include "aelab/loss.hpp"
#include "kit/platform.hpp"
#include "kit/a11y.hpp"
#include "kit/figure_export.hpp"
#include "kit/widgets.hpp"
#include "lesson.hpp"
#include "kit/image_input.hpp"

namespace aelab::lessons {
namespace pca_linear_ae {

//-----------------------------------------------------------------------------
// [SECTION] Maths
//-----------------------------------------------------------------------------

Activation activation_at(int index) {
    static const Activation a[kActivationCount] = {Activation::none, Activation::relu, Activation::tanh,
                                                   Activation::sigmoid};
    return a[std::clamp(index, 0, kActivationCount - 1)];
}

const char* activation_label(int index) {
    static const char* names[kActivationCount] = {"none (linear)", "ReLU", "tanh", "sigmoid"};
    return names[std::clamp(index, 0, kActivationCount - 1)];
}

namespace {
double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// MSE per pixel with the first k = 0..K codes over the test images `rows`; sq_norms (M):
// ||x - mean||^2 of every test image.
std::vector<float> mse_curve(const Tensor& codes, const xt::xtensor<double, 1>& sq_norms,
                             const std::vector<std::size_t>& rows, std::size_t D) {
    if (rows.empty()) return {};
    const double n = double(rows.size()) * double(D);
    const double total = xt::sum(xt::view(sq_norms, xt::keep(rows)))();
    // (K): sum over the rows of z_0^2 + ... + z_j^2
    const xt::xtensor<double, 1> captured =
        xt::cumsum(xt::sum(xt::square(xt::cast<double>(xt::view(codes, xt::keep(rows), xt::all()))), {0}));
    std::vector<float> curve = {float(total / n)};
    for (double c : captured) curve.push_back(float(std::max(0.0, total - c) / n));
    return curve;
}
}  // namespace

PcaView compute_pca_view(const Dataset& d, int cls, const PcaResult* all) {
    const auto t0 = std::chrono::steady_clock::now();
    PcaView v;
    v.cls = cls;
    const std::size_t D = std::size_t(d.rows) * d.cols;
    std::vector<std::size_t> train;
    for (std::size_t i = 0; i < d.size(Split::train); ++i)
        if (cls < 0 || d.train_labels[i] == cls) train.push_back(i);
    if (train.size() < 2) throw Error("PCA needs at least 2 training images of the class, found " + std::to_string(train.size()));
    v.train_images = train.size();
    if (cls < 0 && all && all->components.shape()[0] >= std::size_t(kPcaComponents)) {
        v.pca = *all;
    } else {
        Tensor X = d.gather(Split::train, train);  // (n, 1, rows, cols)
        X.reshape({train.size(), D});
        v.pca = pca(X, std::min<std::size_t>(kPcaComponents, D));
    }
    const std::size_t M = d.size(Split::test);
    Tensor T = d.batch(Split::test, 0, M);
    T.reshape({M, D});
    v.test_codes = pca_encode(v.pca, T);
    const xt::xtensor<double, 1> sq_norms = xt::sum(xt::square(xt::cast<double>(T) - xt::cast<double>(v.pca.mean)), {1});
    std::vector<std::size_t> others;
    for (std::size_t i = 0; i < M; ++i) (cls < 0 || d.test_labels[i] == cls ? v.selected : others).push_back(i);
    v.mse_selected = mse_curve(v.test_codes, sq_norms, v.selected, D);
    v.mse_others = mse_curve(v.test_codes, sq_norms, others, D);
    v.seconds = seconds_since(t0);
    return v;
}

Tensor reconstruct_test(const PcaView& v, const Dataset& d, const std::vector<std::size_t>& indices, int k) {
    const int K = int(v.test_codes.shape()[1]);
    const Tensor z = xt::view(v.test_codes, xt::keep(indices), xt::range(0, std::clamp(k, 0, K)));  // (n, k)
    Tensor rec = pca_decode(v.pca, z);  // (n, D)
    rec.reshape({indices.size(), 1, std::size_t(d.rows), std::size_t(d.cols)});
    return rec;
}

std::vector<kit::ClassPoint> scatter_points(const Tensor& codes, const std::vector<std::uint8_t>& labels) {
    check_rank("scatter_points", "codes", codes, 2, "M images, 2 code units");
    if (codes.shape()[1] != 2 || codes.shape()[0] != labels.size())
        throw Error("scatter_points: codes must have shape (" + std::to_string(labels.size()) + ", 2), got " +
                    shape_str(codes.shape()));
    std::vector<kit::ClassPoint> p(labels.size());
    for (std::size_t i = 0; i < labels.size(); ++i) p[i] = {codes(i, 0), codes(i, 1), int(labels[i])};
    return p;
}

//-----------------------------------------------------------------------------
// [SECTION] The page: URL keys and training hooks
//-----------------------------------------------------------------------------

Page::Page() {
    sections.bind(url, 2);
    url.add("cls", cls, -1, 9).add("kr", recon_k, 0, kPcaComponents).add("img", image, 0, 999);
    url.add("k", latent, kMinLatent, kMaxLatent).add("tied", tied).add("act", activation, 0, kActivationCount - 1);
    training.controls().learning_rate = LinearAeConfig{}.learning_rate;
    training.bind(url, kMinSteps, kMaxSteps);
    attach_job();
    url.read();
}

void Page::use_data(const Dataset& d) {
    data = linear_ae_job_data(d, kPcaComponents);
    if (&d == dataset) return;
    dataset = &d;
    attach_job();
}

// The model trains as the core's linear_ae job (aelab/jobs/pca_linear_ae.hpp) on the kit's
// trainer; `job` and `recipe` are the page's copy, holding the weights, step and probes of the
// latest snapshot (the recipe probes itself every probe_every steps; the probes come with them).
void Page::attach_job() {
    LiveTraining::JobHooks h;
    h.data = dataset;
    h.spec = [this] {
        job = nullptr, recipe = nullptr;
        if (!dataset) throw Error("the Fashion-MNIST dataset is not loaded yet");
        return linear_ae_job_spec(config_of(*this), kPcaComponents);
    };
    h.built = [this](TrainJob& j) {
        job = &static_cast<LinearAeJob&>(j);
        recipe = &job->recipe();
    };
    training.set_job(std::move(h));
}

LinearAeConfig config_of(const Page& p) {
    LinearAeConfig c;
    c.latent = p.latent;
    c.tied = p.tied;
    c.activation = activation_at(p.activation);
    c.learning_rate = p.training.controls().learning_rate;
    c.seed = std::uint64_t(p.training.controls().seed);
    c.steps = p.training.max_steps();
    return c;
}

//-----------------------------------------------------------------------------
// [SECTION] PyTorch code
//-----------------------------------------------------------------------------

std::string pytorch_pca_code(const Page& p) {
    char buf[1400];
    std::snprintf(buf, sizeof buf,
                  "import torch, torchvision\n"
                  "ds = torchvision.datasets.FashionMNIST('.', train=True, download=True)\n"
                  "X = ds.data[:6000].reshape(-1, 784).float() / 255      # (N, 784); the page uses 6000 images\n"
                  "%s"
                  "mean = X.mean(0)\n"
                  "Xc = X - mean\n"
                  "C = Xc.T @ Xc / (len(X) - 1)                            # covariance (784, 784)\n"
                  "ev, V = torch.linalg.eigh(C.double())                     # ascending\n"
                  "ev, V = ev.flip(0)[:%d], V.flip(1)[:, :%d].T.float()     # top components, rows\n"
                  "ratio = ev / torch.trace(C.double())                     # explained variance ratio\n"
                  "# same as sklearn.decomposition.PCA(n_components=%d).fit(X) up to signs\n"
                  "k = %d\n"
                  "Z = (x - mean) @ V[:k].T                                  # codes of images x (n, 784)\n"
                  "x_hat = Z @ V[:k] + mean                                  # reconstruction\n"
                  "mse = ((x_hat - x) ** 2).mean()\n",
                  p.cls >= 0 ? ("X = X[ds.targets[:6000] == " + std::to_string(p.cls) + "]  # one class\n").c_str() : "",
                  kPcaComponents, kPcaComponents, kPcaComponents, p.recon_k);
    return buf;
}

std::string pytorch_ae_code(const Page& p) {
    const int k = p.latent;
    std::string act;
    switch (activation_at(p.activation)) {
        case Activation::relu: act = "nn.ReLU(), "; break;
        case Activation::tanh: act = "nn.Tanh(), "; break;
        case Activation::sigmoid: act = "nn.Sigmoid(), "; break;
        default: break;
    }
    std::string model;
    if (p.tied) {
        model = "class TiedAE(nn.Module):\n"
                "    def __init__(self, k):\n"
                "        super().__init__()\n"
                "        self.enc = nn.Linear(784, k, bias=False)              # W (k, 784)\n" +
                std::string(act.empty() ? "" : "        self.act = " + act.substr(0, act.size() - 2) + "\n") +
                "    def forward(self, x):\n"
                "        z = " + (act.empty() ? "self.enc(x.flatten(1))" : "self.act(self.enc(x.flatten(1)))") + "\n"
                "        return (z @ self.enc.weight).view_as(x)               # W^T z: tied decoder\n"
                "model = TiedAE(" + std::to_string(k) + ")\n";
    } else {
        model = "model = nn.Sequential(nn.Flatten(), nn.Linear(784, " + std::to_string(k) + ", bias=False), " + act +
                "\n                      nn.Linear(" + std::to_string(k) +
                ", 784, bias=False), nn.Unflatten(1, (1, 28, 28)))\n";
    }
    char buf[2600];
    std::snprintf(buf, sizeof buf,
                  "import math, torch, torch.nn as nn\n"
                  "torch.manual_seed(%d)\n"
                  "# X: (6000, 1, 28, 28) training images in [0, 1]; centre them as PCA does\n"
                  "mean = X.mean(0, keepdim=True)\n"
                  "Xc = X - mean\n"
                  "%s"
                  "steps = %d\n"
                  "opt = torch.optim.Adam(model.parameters(), lr=%g)\n"
                  "# constant for the first half, then linearly down to 2%% at the last step\n"
                  "sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda t: 1.0 if t <= steps / 2\n"
                  "                                          else 1 - 0.98 * (t - steps / 2) / (steps / 2))\n"
                  "for step in range(steps):\n"
                  "    xb = Xc[torch.randint(len(Xc), (64,))]       # (aelab: shuffled epochs of 64)\n"
                  "    loss = nn.functional.mse_loss(model(xb), xb)\n"
                  "    opt.zero_grad(); loss.backward(); opt.step(); sched.step()\n"
                  "\n"
                  "# principal angles between the decoder's span and the top-%d PCA components V[:%d]\n"
                  "import scipy.linalg\n"
                  "W2 = %s                 # (784, %d): the decoder's directions as columns\n"
                  "angles = scipy.linalg.subspace_angles(W2.detach().double().numpy(), V[:%d].T.double().numpy())\n"
                  "print(angles.max() * 180 / math.pi)                   # degrees\n",
                  p.training.controls().seed, model.c_str(), p.training.max_steps(),
                  double(p.training.controls().learning_rate), k, k, p.tied ? "model.enc.weight.T" : (act.empty() ? "model[2].weight" : "model[3].weight"), k, k);
    return buf;
}

//-----------------------------------------------------------------------------
// [SECTION] Drawing helpers
//-----------------------------------------------------------------------------
namespace {

void titled(const char* title, const char* help = nullptr) {
    ImGui::TextUnformatted(title);
    if (help) {
        ImGui::SameLine();
        ui::help_marker(help);
    }
}

// `count` images of D = rows*cols pixels from `data`, in rows of `per_row`, with captions.
void image_grid(const char* id, const float* data, int count, int rows, int cols, float zoom, bool diverging,
                int per_row, const std::vector<std::string>& captions = {}) {
    ui::image_grid(id, data, count, rows, cols, zoom, diverging, per_row, captions);  // the kit's: saves as PNG too
}

// A small (k, k) matrix, blue - white - red: numbers when they fit, else a heatmap.
void small_matrix(const char* id, const Tensor& M) {
    const int r = int(M.shape()[0]), c = int(M.shape()[1]);
    if (c <= 8) {
        ui::GridStyle gs;
        gs.format = "%.2f";
        gs.cmap = ui::Colormap::diverging;
        ui::number_grid(id, M.data(), r, c, gs);
    } else {
        ui::HeatmapStyle hs;
        hs.cmap = ui::Colormap::diverging;
        hs.auto_range = true;
        hs.zoom = std::max(4.0f, 160.0f / float(c));
        ui::heatmap(id, M.data(), r, c, hs);
    }
}

std::string degrees(double v) {
    if (!std::isfinite(v)) return "NaN";
    char buf[32];
    std::snprintf(buf, sizeof buf, v < 10 ? "%.2f deg" : "%.1f deg", v);
    return buf;
}

}  // namespace

//-----------------------------------------------------------------------------
// The lesson object: the page's state (Page) and, next to each section, what it shows.
//-----------------------------------------------------------------------------
namespace {

class PcaLinearAeLesson final : public Lesson, private Page {
public:
    void draw() override;

private:
    // Prepared once the dataset is there: the centred data and the PCA of all training images
    // (kPcaComponents), shared by section 1 ("all classes") and section 2's reference (Page::data).
    // One frame shows "Computing PCA..." before the work so the page says why it pauses.
    bool data_requested_ = false;
    std::string data_error_;
    double data_seconds_ = 0;

    bool ensure_data() {
        if (data) return true;
        if (!data_error_.empty()) {
            ui::error_panel("Could not prepare the data", data_error_);
            return false;
        }
        if (!ui::dataset_ready()) return false;
        if (!data_requested_) {
            data_requested_ = true;
            ImGui::TextDisabled("Computing the PCA of the 6000 training images (about half a second)...");
            return false;
        }
        try {
            // Kept across visits of the page (linear_ae_job_data keeps it): reopening the lesson
            // does not redo the PCA.
            static const Dataset* timed_for = nullptr;
            static double cached_seconds = 0;
            const Dataset* ds = platform::fashion_mnist().dataset;
            const auto t0 = std::chrono::steady_clock::now();
            use_data(*ds);
            if (timed_for != ds) {
                cached_seconds = seconds_since(t0);
                timed_for = ds;
            }
            data_seconds_ = cached_seconds;
        } catch (const Error& e) {
            data_error_ = e.what();
            return false;
        }
        training.rebuild();  // starts training when the link asked for it (train=1)
        return true;
    }

    //-------------------------------------------------------------------------
    // [SECTION] 1. PCA of Fashion-MNIST
    //-------------------------------------------------------------------------
    std::map<int, PcaView> views_;  // by class (-1: all), computed when first selected
    bool view_pending_ = false;     // the selected class's PCA is computed next frame
    int recon_for_cls_ = -2, recon_for_k_ = -1, recon_for_image_ = -1;
    std::vector<std::size_t> shown_;  // the test images shown
    Tensor shown_images_, shown_recon_;  // (n, 1, 28, 28)
    float shown_mse_ = 0;
    Tensor export_mean_, export_components_, export_ratio_;
    int export_for_cls_ = -2;

    kit::ThroughModel mine_pca_, mine_ae_;  // your own image through PCA / the linear AE (not in the link)
    void draw_pca(const Dataset& d) {
        ImGui::TextWrapped(
            "PCA centres the images (subtracts the mean image) and finds orthonormal directions, the principal "
            "components, ordered by how much of the images' variance lies along each: the eigenvectors of the "
            "covariance C = Xc^T Xc / (N - 1). An image is then described by k numbers, its codes z = V_k (x - mean), "
            "and rebuilt as x_hat = mean + V_k^T z. No other k-dimensional linear code rebuilds the images with a "
            "smaller squared error.");
        ImGui::SetNextItemWidth(220);
        const char* preview = cls < 0 ? "all 10 classes" : d.class_names[std::size_t(cls)].c_str();
        if (ui::begin_combo("training images", preview)) {
            for (int c = -1; c < int(d.class_names.size()); ++c) {
                const bool selected = c == cls;
                if (ImGui::Selectable(c < 0 ? "all 10 classes" : d.class_names[std::size_t(c)].c_str(), selected)) {
                    cls = c;
                    image = 0;
                }
            }
            ImGui::EndCombo(); a11y::resume();
        }
        ImGui::SameLine();
        ui::help_marker("PCA of the 6000 training images, or of the 600 of one class. Each PCA is computed once, when "
                        "first selected (about 0.3-0.5 s natively, twice that in a browser), then kept.");
        auto it = views_.find(cls);
        if (it == views_.end()) {
            if (!view_pending_) {
                view_pending_ = true;
                ImGui::TextDisabled("Computing the PCA...");
                return;
            }
            view_pending_ = false;
            try {
                it = views_.emplace(cls, compute_pca_view(d, cls, &data->pca)).first;
            } catch (const Error& e) {
                ui::error_panel("PCA failed", e.what());
                return;
            }
        }
        const PcaView& v = it->second;
        const int K = int(v.pca.components.shape()[0]);
        ImGui::SameLine();
        const double seconds = cls < 0 ? data_seconds_ : v.seconds;  // all classes: computed with the data
        ImGui::TextDisabled("%zu images x 784 pixels, %d components, computed in %.0f ms", v.train_images, K, seconds * 1000);

        // Mean and components.
        ImGui::BeginGroup();
        titled("mean image", "What PCA subtracts first. Every reconstruction starts from it (k = 0).");
        image_grid("mean", v.pca.mean.data(), 1, int(d.rows), int(d.cols), 4.0f, false, 1);
        ImGui::EndGroup();
        ImGui::SameLine(0, 24);
        ImGui::BeginGroup();
        titled("the first 16 principal components (red +, blue -, white 0)",
               "Each component is a unit vector of 784 pixel weights, shown as an image. An image's code z_j is its "
               "dot product with component j after subtracting the mean: red pixels add, blue pixels subtract. The "
               "sign of a component is arbitrary (we make its largest entry positive).");
        std::vector<std::string> captions;
        for (int j = 0; j < 16; ++j) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "#%d %.1f%%", j + 1, 100.0f * v.pca.explained_variance_ratio(std::size_t(j)));
            captions.push_back(buf);
        }
        image_grid("components", v.pca.components.data(), std::min(16, K), int(d.rows), int(d.cols), 2.0f, true, 8,
                   captions);
        ImGui::EndGroup();

        // Explained variance.
        std::vector<float> ratio(static_cast<std::size_t>(K)), cumulative(static_cast<std::size_t>(K));
        float sum = 0;
        for (int j = 0; j < K; ++j) {
            ratio[std::size_t(j)] = 100.0f * v.pca.explained_variance_ratio(std::size_t(j));
            sum += ratio[std::size_t(j)];
            cumulative[std::size_t(j)] = sum;
        }
        const float w = std::min(420.0f, (ImGui::GetContentRegionAvail().x - 24) / 2);
        ui::PlotStyle ps;
        ps.size = ImVec2(w, 150);
        ps.x_label = "component";
        ps.y_format = "%.2f%%";
        ImGui::BeginGroup();
        titled("variance explained by each component (%)", "explained_variance_ratio: the eigenvalue over the total "
                                                          "variance (the covariance's trace). Log scale.");
        ps.log_y = true;
        ui::line_plot("ratio", {{"per component", ratio.data(), K, kit::palette::series[0], 1.0f, 1.0f}}, ps);
        ImGui::EndGroup();
        ImGui::SameLine(0, 24);
        ImGui::BeginGroup();
        titled("cumulative (%)", "How much of the variance the first k components keep together.");
        ps.log_y = false;
        ps.y_format = "%.0f%%";
        ui::line_plot("cumulative", {{"first k", cumulative.data(), K, kit::palette::series[1], 1.0f, 1.0f}}, ps);
        ImGui::EndGroup();
        ImGui::Text("The first 2 components keep %.0f%%, 8 keep %.0f%%, 32 keep %.0f%%, %d keep %.0f%% of the variance.",
                    cumulative[1], cumulative[7], cumulative[std::min(31, K - 1)], K, cumulative[std::size_t(K - 1)]);

        // Reconstructions.
        ImGui::Separator();
        ImGui::SetNextItemWidth(260);
        ImGui::SliderInt("k components", &recon_k, 0, K);
        ImGui::SameLine();
        const int n_sel = int(v.selected.size());
        image = std::clamp(image, 0, std::max(0, n_sel - 8));
        ImGui::SetNextItemWidth(200);
        ImGui::SliderInt(cls < 0 ? "first test image" : "first test image of the class", &image, 0,
                         std::max(0, n_sel - 8));
        if (recon_for_cls_ != cls || recon_for_k_ != recon_k || recon_for_image_ != image) {
            shown_.clear();
            for (int i = image; i < std::min(n_sel, image + 8); ++i) shown_.push_back(v.selected[std::size_t(i)]);
            shown_images_ = d.gather(Split::test, shown_);
            shown_recon_ = reconstruct_test(v, d, shown_, recon_k);
            shown_mse_ = mse_loss(shown_recon_, shown_images_);
            recon_for_cls_ = cls, recon_for_k_ = recon_k, recon_for_image_ = image;
        }
        const int n = int(shown_.size());
        titled("test images (top) and their reconstructions from k codes (bottom)",
               "Test images were not used to compute the PCA. The reconstruction is mean + sum over j < k of z_j "
               "times component j.");
        std::vector<std::string> labels;
        for (std::size_t i : shown_) labels.push_back(d.class_names[d.test_labels[i]]);
        image_grid("originals", shown_images_.data(), n, int(d.rows), int(d.cols), 3.0f, false, 8, labels);
        image_grid("recon", shown_recon_.data(), n, int(d.rows), int(d.cols), 3.0f, false, 8);
        const float mse_sel = v.mse_selected[std::size_t(recon_k)];
        ImGui::Text("MSE per pixel with k = %d: %s on these %d images, %s on all %d %stest images", recon_k,
                    ui::fmt_num(shown_mse_).c_str(), n, ui::fmt_num(mse_sel).c_str(), n_sel,
                    cls < 0 ? "" : (d.class_names[std::size_t(cls)] + " ").c_str());
        if (!v.mse_others.empty())
            ImGui::Text("...and %s on the %zu test images of the other classes: a PCA of one class describes "
                        "the others poorly.",
                        ui::fmt_num(v.mse_others[std::size_t(recon_k)]).c_str(), d.size(Split::test) - v.selected.size());
        // Your own image (kit/image_input.hpp): its first k codes and the reconstruction from them.
        kit::user_image_through_model("pca_image", mine_pca_, [&](const Tensor& x) {
            const int kk = std::clamp(recon_k, 0, int(v.pca.components.shape()[0]));
            Tensor flat = x;
            flat.reshape({1, 784});
            const Tensor z = Tensor(xt::view(pca_encode(v.pca, flat), xt::all(), xt::range(0, kk)));
            return std::vector<kit::ModelOutput>{{ui::format("PCA, k = %d", kk), pca_decode(v.pca, z)}};
        });
        std::vector<ui::Series> curves = {{cls < 0 ? "test images" : "this class's test images", v.mse_selected.data(),
                                           K + 1, kit::palette::series[0]}};
        if (!v.mse_others.empty())
            curves.push_back({"other classes' test images", v.mse_others.data(), K + 1, kit::palette::reference});
        std::vector<float> marker(std::size_t(K + 1), NAN);
        marker[std::size_t(recon_k)] = mse_sel;
        curves.push_back({"current k", marker.data(), K + 1, ImGui::GetColorU32(ImGuiCol_Text)});
        ui::PlotStyle ms;
        ms.size = ImVec2(std::min(ImGui::GetContentRegionAvail().x, 860.0f), 150);
        ms.x_label = "k";
        ms.log_y = true;
        titled("test reconstruction MSE against k",
               "For centred data and orthonormal components, the squared error with k components is ||x - mean||^2 "
               "minus the sum of the first k squared codes, so the curve for all k comes from one encoding.");
        ui::line_plot("mse-k", curves, ms);

        if (export_for_cls_ != cls) {
            export_mean_ = v.pca.mean;
            export_components_ = v.pca.components;
            export_ratio_ = v.pca.explained_variance_ratio;
            export_for_cls_ = cls;
        }
        ui::export_buttons("export-pca", {{"pca_mean.npy", &export_mean_},
                                          {"pca_components.npy", &export_components_},
                                          {"pca_explained_variance_ratio.npy", &export_ratio_},
                                          {"test_reconstructions.npy", &shown_recon_}});
        ui::pytorch_panel("torch-pca", pytorch_pca_code(*this));
    }

    //-------------------------------------------------------------------------
    // [SECTION] 2. A linear autoencoder trained live
    //-------------------------------------------------------------------------
    // What the page shows of the model, refreshed a few times a second while training.
    int views_version_ = -1;
    std::chrono::steady_clock::time_point views_time_;
    std::vector<double> dec_angles_, enc_angles_;
    float test_mse_ = 0;
    Tensor decoder_dirs_, pca_dirs_, gram_, coords_, encoder_weight_, decoder_weight_;
    Tensor recon_ae_, recon_pca_, recon_images_;  // 8 test images
    Tensor codes_ae_, codes_pca_;                 // (M, k)
    std::vector<kit::ClassPoint> scatter_ae_, scatter_pca_;
    std::vector<float> max_angles_, mean_angles_, test_mses_, pca_line_;

    void refresh_views(LinearAeRecipe& r) {
        const bool due = !training.run().running() ||
                         seconds_since(views_time_) > 0.25;  // a few times a second is enough to watch
        if (views_version_ == training.version() || !due) return;
        views_version_ = training.version();
        views_time_ = std::chrono::steady_clock::now();
        dec_angles_ = r.decoder_angles();
        enc_angles_ = r.encoder_angles();
        test_mse_ = r.test_mse();
        decoder_dirs_ = r.decoder_directions();
        pca_dirs_ = r.pca_directions();
        gram_ = r.decoder_gram();
        coords_ = r.pca_coordinates();
        encoder_weight_ = r.encoder_weight();
        decoder_weight_ = r.decoder_weight();
        recon_images_ = platform::fashion_mnist().dataset->batch(Split::test, 0, 8);
        recon_ae_ = r.reconstruct(recon_images_);
        codes_ae_ = r.test_codes();
        codes_pca_ = r.pca_test_codes();
        recon_pca_ = pca_decode(r.data().pca, xt::view(codes_pca_, xt::range(0, 8), xt::all()));
        recon_pca_.reshape(recon_images_.shape());
        if (r.config().latent == 2) {
            scatter_ae_ = scatter_points(codes_ae_, r.data().test_labels);
            scatter_pca_ = scatter_points(codes_pca_, r.data().test_labels);
        }
        max_angles_.clear(), mean_angles_.clear(), test_mses_.clear();
        for (const auto& p : job->probes()) {
            max_angles_.push_back(float(p.max_angle_deg));
            mean_angles_.push_back(float(p.mean_angle_deg));
            test_mses_.push_back(p.test_mse);
        }
        pca_line_.assign(test_mses_.size(), r.pca_test_mse());
    }

    void draw_training(const Dataset& d) {
        ImGui::TextWrapped(
            "The simplest autoencoder: one hidden layer of k units, no non-linearity, no biases. The encoder is "
            "z = W1 x (W1 is k x 784), the decoder x_hat = W2 z (W2 is 784 x k), trained to minimise the squared "
            "error ||x - W2 W1 x||^2 on the centred training images. Its reconstructions lie in the column space "
            "of W2, a k-dimensional subspace, and the best such subspace is PCA's: gradient descent on this loss "
            "has no bad local minima and ends there (Baldi & Hornik, 1989). With tied weights (W2 = W1^T) the loss is "
            "||x - W^T W x||^2. PCA is \"the linear regression of unsupervised learning\".");
        ui::code_block("formulas", "e(x) = W1 x        d(z) = W2 z        L = mean ||x_c - W2 W1 x_c||^2,  x_c = x - mean\n"
                                   "tied: W2 = W1^T    principal angles: arccos of the singular values of Q_ae^T Q_pca");
        // Settings that need a new model, locked while training.
        bool changed = false;
        ImGui::BeginDisabled(training.run().running());
        ImGui::SetNextItemWidth(200);
        changed |= ImGui::SliderInt("latent size k", &latent, kMinLatent, kMaxLatent);
        ImGui::SameLine();
        changed |= ImGui::Checkbox("tied weights (W2 = W1^T)", &tied);
        ImGui::SameLine();
        ImGui::SetNextItemWidth(140);
        if (ui::begin_combo("code non-linearity", activation_label(activation))) {
            for (int a = 0; a < kActivationCount; ++a)
                if (ImGui::Selectable(activation_label(a), a == activation)) activation = a, changed = true;
            ImGui::EndCombo(); a11y::resume();
        }
        ImGui::SameLine();
        ui::help_marker("A non-linearity between encoder and decoder breaks the equivalence with PCA: the decoder still "
                        "spans a k-dimensional subspace, but the codes are no longer the linear projections it needs, so "
                        "the angles stop short of zero and the error stays above PCA's.");
        ImGui::SameLine();
        ImGui::SetNextItemWidth(160);
        int steps = training.max_steps();
        if (ImGui::SliderInt("steps", &steps, kMinSteps, kMaxSteps, "%d", ImGuiSliderFlags_Logarithmic))
            training.set_max_steps(steps), changed = true;
        ImGui::EndDisabled();
        ImGui::SameLine();
        ui::help_marker("The run's length. The learning rate is constant for the first half and then decays linearly to "
                        "2% at the last step: Adam's minibatch noise otherwise keeps the subspace wobbling by a degree "
                        "or two.");
        if (changed) training.rebuild();
        training.panel("train");
        if (!training.built()) return;
        LinearAeRecipe* r = recipe;
        const TrainingRun& run = training.run();
        ImGui::TextDisabled("Adam, batch 64, learning rate now %.2g; the data prepared (centred, PCA) in %.0f ms",
                            double(job->shown_learning_rate()), data_seconds_ * 1000);
        refresh_views(*r);
        const int k = r->config().latent;
        const auto& ev = r->data().pca.explained_variance;

        // Curves.
        const float w = std::min(400.0f, (ImGui::GetContentRegionAvail().x - 48) / 3);
        ui::PlotStyle ps;
        ps.size = ImVec2(w, 150);
        ImGui::BeginGroup();
        titled("training loss (MSE per pixel)", "The loss of each minibatch of 64 centred training images.");
        ui::line_plot("loss", {{"loss", run.losses().data(), int(run.losses().size()), kit::palette::series[0]}}, ps);
        ImGui::EndGroup();
        ImGui::SameLine(0, 24);
        const float dx = float(r->config().probe_every);
        ImGui::BeginGroup();
        titled("test MSE: autoencoder vs PCA", "The reconstruction error on the 1000 test images, measured every 50 "
                                                "steps, against PCA with the same k (a horizontal line).");
        ui::line_plot("test", {{"autoencoder", test_mses_.data(), int(test_mses_.size()), kit::palette::series[1], 0, dx},
                               {"PCA", pca_line_.data(), int(pca_line_.size()), kit::palette::reference, 0, dx}},
                      ps);
        ImGui::EndGroup();
        ImGui::SameLine(0, 24);
        ImGui::BeginGroup();
        titled("principal angles to PCA's subspace (deg, log)",
               "The k angles between the decoder's column space and the span of the first k principal components: 0 "
               "when a direction is shared, 90 when orthogonal. The largest one falls last.");
        ps.log_y = true;
        ps.y_format = "%.3g";
        ui::line_plot("angles", {{"largest", max_angles_.data(), int(max_angles_.size()), kit::palette::series[0], 0, dx},
                                 {"mean", mean_angles_.data(), int(mean_angles_.size()), kit::palette::series[2], 0, dx}},
                      ps);
        ImGui::EndGroup();

        // Numbers.
        const bool linear = r->config().activation == Activation::none;
        const double mean_angle = xt::mean(xt::adapt(dec_angles_))();
        ImGui::Text("Step %d: largest principal angle %s, mean %s; test MSE %s vs PCA-%d %s (%+.2f%%)", job->shown_step(),
                    degrees(dec_angles_.back()).c_str(), degrees(mean_angle).c_str(),
                    ui::fmt_num(test_mse_).c_str(), k, ui::fmt_num(r->pca_test_mse()).c_str(),
                    100.0 * (test_mse_ / r->pca_test_mse() - 1.0));
        const double lk = ev(std::size_t(k - 1)), lk1 = ev(std::size_t(k));
        const double gap = 100.0 * (lk - lk1) / lk;
        ImGui::TextWrapped(
            "Eigengap: lambda_%d = %.3g, lambda_%d = %.3g (%.0f%% apart). The last direction to settle is the k-th: "
            "the loss barely changes when the subspace tilts between components %d and %d, so the smaller the gap, the "
            "slower. %s",
            k, lk, k + 1, lk1, gap, k, k + 1,
            gap < 10 ? "This gap is small: the mean angle gets small quickly, the largest one stays large for long."
                     : "Try k = 32, where the gap is small: the mean angle gets small, the largest stays large.");
        if (!r->config().tied)
            ImGui::TextWrapped(
                "Encoder rows (W1): largest angle %s. Directions in which the images hardly vary (the corner pixels) "
                "give the encoder almost no gradient, so its rows keep much of their random start there; that changes "
                "no reconstruction. The decoder's columns are what the reconstructions are made of.",
                degrees(enc_angles_.back()).c_str());
        if (!linear)
            ImGui::TextColored(kit::palette::text(kit::palette::text_warning),
                               "With %s on the code the autoencoder is no longer linear: its decoder still spans a "
                               "k-dimensional subspace, but not PCA's.",
                               activation_label(activation));

        // Decoder directions beside PCA's.
        const int per_row = std::min(k, 8);
        const float zoom = k <= 4 ? 3.0f : 1.75f;  // two grids 8 wide side by side fit a 1280-pixel window
        ImGui::BeginGroup();
        titled("decoder directions (columns of W2)",
               "Each column of W2 is an image the decoder adds in proportion to one code unit. Together they span "
               "(nearly) the same subspace as PCA's components on the right, but any invertible mix of PCA's "
               "components spans it too: the autoencoder has no reason to find them one by one.");
        image_grid("dec", decoder_dirs_.data(), k, int(d.rows), int(d.cols), zoom, true, per_row);
        ImGui::EndGroup();
        ImGui::SameLine(0, 24);
        ImGui::BeginGroup();
        titled("the first k PCA components");
        image_grid("pca", pca_dirs_.data(), k, int(d.rows), int(d.cols), zoom, true, per_row);
        ImGui::EndGroup();

        ImGui::BeginGroup();
        titled("Gram matrix W2^T W2", "Dot products of the decoder's columns. PCA's components give the identity "
                                      "(unit length, orthogonal). Untied, the columns have any lengths and angles; "
                                      "tied weights end with orthonormal columns, though still in any order and mix.");
        small_matrix("gram", gram_);
        ImGui::EndGroup();
        ImGui::SameLine(0, 24);
        ImGui::BeginGroup();
        titled("coordinates in the PCA basis: V_k W2",
               "Row i, column j: how much of PCA component i decoder column j contains. When the subspaces agree, each "
               "column's squared coordinates add up to its squared length (the Gram diagonal); the matrix is a "
               "rotation-and-scaling, not the identity.");
        small_matrix("coords", coords_);
        ImGui::EndGroup();
        double off = 0, norm_min = INFINITY, norm_max = 0;
        for (int i = 0; i < k; ++i) {
            const double gi = gram_(std::size_t(i), std::size_t(i));
            norm_min = std::min(norm_min, std::sqrt(gi)), norm_max = std::max(norm_max, std::sqrt(gi));
            for (int j = 0; j < i; ++j)
                off = std::max(off, std::fabs(double(gram_(std::size_t(i), std::size_t(j)))) /
                                        std::sqrt(gi * gram_(std::size_t(j), std::size_t(j))));
        }
        ImGui::Text("Column lengths %s to %s (PCA: all 1); largest |cosine| between two columns %s (PCA: 0).",
                    ui::fmt_num(float(norm_min)).c_str(), ui::fmt_num(float(norm_max)).c_str(), ui::fmt_num(float(off)).c_str());

        // Reconstructions.
        titled("test images, the autoencoder's reconstructions, PCA's with the same k");
        image_grid("r-in", recon_images_.data(), 8, int(d.rows), int(d.cols), 2.0f, false, 8);
        ImGui::SameLine(0, 12);
        ImGui::TextDisabled("original");
        image_grid("r-ae", recon_ae_.data(), 8, int(d.rows), int(d.cols), 2.0f, false, 8);
        ImGui::SameLine(0, 12);
        ImGui::TextDisabled("autoencoder");
        image_grid("r-pca", recon_pca_.data(), 8, int(d.rows), int(d.cols), 2.0f, false, 8);
        ImGui::SameLine(0, 12);
        ImGui::TextDisabled("PCA-%d", k);
        kit::user_image_through_model("linear_ae_image", mine_ae_, [&](const Tensor& x) {
            Tensor flat = x;
            flat.reshape({1, 784});
            const Tensor z = pca_encode(r->data().pca, flat);
            const int kk = std::min(k, int(z.shape()[1]));
            return std::vector<kit::ModelOutput>{{"autoencoder", r->reconstruct(x)},
                                                 {ui::format("PCA-%d", kk), pca_decode(r->data().pca, Tensor(xt::view(z, xt::all(), xt::range(0, kk))))}};
        });

        // k = 2: the codes.
        if (k == 2) {
            ImGui::Separator();
            ImGui::TextWrapped("With k = 2 every test image becomes a point. PCA's plane and the autoencoder's are the "
                               "same plane, so once trained the two pictures differ only by a linear map (a rotation, "
                               "reflection, stretch or shear): the same clusters, differently drawn.");
            ImGui::BeginGroup();
            titled("PCA codes (z1, z2)");
            kit::class_scatter("sc-pca", scatter_pca_, d.class_names);
            ImGui::EndGroup();
            ImGui::SameLine(0, 24);
            ImGui::BeginGroup();
            titled("autoencoder codes W1 x_c");
            kit::class_scatter("sc-ae", scatter_ae_, d.class_names);
            ImGui::EndGroup();
            ImGui::SameLine(0, 24);
            ImGui::BeginGroup();
            kit::class_legend(d.class_names);
            ImGui::EndGroup();
        } else {
            ImGui::TextDisabled("Set k = 2 to see every test image's code as a point, PCA's beside the autoencoder's.");
        }
        ui::export_buttons("export-ae", {{"W1_encoder.npy", &encoder_weight_},
                                         {"W2_decoder.npy", &decoder_weight_},
                                         {"pca_components_k.npy", &pca_dirs_},
                                         {"codes_ae.npy", &codes_ae_},
                                         {"codes_pca.npy", &codes_pca_}});
        ui::pytorch_panel("torch-ae", pytorch_ae_code(*this));
    }

    void report_status() {
        const auto& l = training.run().losses();
        platform::set_status("step", std::to_string(training.run().step()));
        platform::set_status("loss", l.empty() ? "" : std::to_string(l.back()));
        platform::set_status("first_loss", l.empty() ? "" : std::to_string(l.front()));
        if (training.built() && !job->probes().empty())
            platform::set_status("max_angle_deg", std::to_string(job->probes().back().max_angle_deg));
    }
};

//-----------------------------------------------------------------------------
// [SECTION] The lesson
//-----------------------------------------------------------------------------
void PcaLinearAeLesson::draw() {
    ImGui::TextWrapped("PCA finds the directions along which images vary most. A linear autoencoder trained to rebuild "
                       "its input through k numbers finds the same k-dimensional subspace, in its own basis. Watch it "
                       "happen, then add a non-linearity to leave PCA behind.");
    if (ensure_data()) {
        const Dataset& d = *platform::fashion_mnist().dataset;
        training.advance();  // whether or not its section is open, so a link with train=1 trains
        if (sections.header(0, "1. PCA of Fashion-MNIST")) draw_pca(d);
        if (sections.header(1, "2. A linear autoencoder trained live")) draw_training(d);
    }
    report_status();
    url.write();
}

}  // namespace
}  // namespace pca_linear_ae

std::unique_ptr<Lesson> make_pca_linear_ae_lesson() { return std::make_unique<pca_linear_ae::PcaLinearAeLesson>(); }

}  // namespace aelab::lessons
