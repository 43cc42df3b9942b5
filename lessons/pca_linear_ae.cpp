// Lesson "PCA as a linear autoencoder" (id: pca-linear-ae)
// What it teaches: PCA finds the k orthogonal directions of largest variance; the simplest
// autoencoder (one hidden layer of k units, no non-linearity, no biases, squared error) trained
// by gradient descent finds the same k-dimensional subspace, though not the same basis. PCA is
// "the linear regression of unsupervised learning"; a non-linearity on the code is what takes an
// autoencoder beyond it.
//
// Index of this file:
//   [SECTION] Maths (tested in tests/lessons/test_pca_linear_ae.cpp)
//   [SECTION] Page state in the URL
//   [SECTION] Training session
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
#include <cstring>
#include <map>

#include "lesson.hpp"
#include "kit/platform.hpp"
#include "kit/widgets.hpp"

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

// MSE per pixel with the first k = 0..K codes, over the test images `rows`.
std::vector<float> mse_curve(const Tensor& codes, const std::vector<double>& sq_norms, const std::vector<std::size_t>& rows,
                             std::size_t D) {
    const std::size_t K = codes.shape()[1];
    std::vector<float> curve;
    if (rows.empty()) return curve;
    double left = 0;
    for (std::size_t i : rows) left += sq_norms[i];
    std::vector<double> captured(K, 0.0);  // sum over rows of z_j^2
    for (std::size_t i : rows)
        for (std::size_t j = 0; j < K; ++j) {
            const double z = codes.data()[i * K + j];
            captured[j] += z * z;
        }
    const double n = double(rows.size()) * double(D);
    curve.push_back(float(left / n));
    for (std::size_t j = 0; j < K; ++j) {
        left -= captured[j];
        curve.push_back(float(std::max(0.0, left) / n));
    }
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
    std::vector<double> sq_norms(M, 0.0);  // ||x - mean||^2
    for (std::size_t i = 0; i < M; ++i)
        for (std::size_t j = 0; j < D; ++j) {
            const double c = double(T.data()[i * D + j]) - v.pca.mean.data()[j];
            sq_norms[i] += c * c;
        }
    std::vector<std::size_t> others;
    for (std::size_t i = 0; i < M; ++i) (cls < 0 || d.test_labels[i] == cls ? v.selected : others).push_back(i);
    v.mse_selected = mse_curve(v.test_codes, sq_norms, v.selected, D);
    v.mse_others = mse_curve(v.test_codes, sq_norms, others, D);
    v.seconds = seconds_since(t0);
    return v;
}

Tensor reconstruct_test(const PcaView& v, const Dataset& d, const std::vector<std::size_t>& indices, int k) {
    const std::size_t K = v.test_codes.shape()[1], n = indices.size();
    const std::size_t kk = std::size_t(std::clamp(k, 0, int(K)));
    Tensor z = zeros({n, kk});
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < kk; ++j) z.data()[i * kk + j] = v.test_codes.data()[indices[i] * K + j];
    Tensor rec = pca_decode(v.pca, z);  // (n, D)
    rec.reshape({n, 1, std::size_t(d.rows), std::size_t(d.cols)});
    return rec;
}

float mse_of(const Dataset& d, const std::vector<std::size_t>& indices, const Tensor& rec) {
    const Tensor x = d.gather(Split::test, indices);
    double s = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double e = double(rec.data()[i]) - x.data()[i];
        s += e * e;
    }
    return x.size() ? float(s / double(x.size())) : 0.0f;
}

std::vector<ScatterPoint> scatter_points(const Tensor& codes, const std::vector<std::uint8_t>& labels) {
    check_rank("scatter_points", "codes", codes, 2, "M images, 2 code units");
    if (codes.shape()[1] != 2 || codes.shape()[0] != labels.size())
        throw Error("scatter_points: codes must have shape (" + std::to_string(labels.size()) + ", 2), got " +
                    shape_str(codes.shape()));
    std::vector<ScatterPoint> p(labels.size());
    for (std::size_t i = 0; i < labels.size(); ++i) p[i] = {codes(i, 0), codes(i, 1), int(labels[i])};
    return p;
}

//-----------------------------------------------------------------------------
// [SECTION] Page state in the URL
//-----------------------------------------------------------------------------

State state_from_params() {
    using platform::param_float;
    using platform::param_int;
    State s;
    s.open = param_int("open", s.open, 0, 3);
    s.cls = param_int("cls", s.cls, -1, 9);
    s.recon_k = param_int("kr", s.recon_k, 0, kPcaComponents);
    s.image = param_int("img", s.image, 0, 999);
    s.latent = param_int("k", s.latent, kMinLatent, kMaxLatent);
    s.tied = param_int("tied", 0, 0, 1) != 0;
    s.activation = param_int("act", s.activation, 0, kActivationCount - 1);
    s.learning_rate = param_float("lr", s.learning_rate, 1e-5f, 1.0f);
    s.seed = param_int("seed", s.seed, 0, 1 << 30);
    s.steps = param_int("steps", s.steps, kMinSteps, kMaxSteps);
    s.train = param_int("train", 0, 0, 1) != 0;
    return s;
}

void write_params(const State& s) {
    using platform::set_param;
    set_param("open", s.open);
    set_param("cls", s.cls);
    set_param("kr", s.recon_k);
    set_param("img", s.image);
    set_param("k", s.latent);
    set_param("tied", s.tied ? 1 : 0);
    set_param("act", s.activation);
    set_param("lr", s.learning_rate);
    set_param("seed", s.seed);
    set_param("steps", s.steps);
    set_param("train", s.train ? 1 : 0);
}

LinearAeConfig config_of(const State& s) {
    LinearAeConfig c;
    c.latent = s.latent;
    c.tied = s.tied;
    c.activation = activation_at(s.activation);
    c.learning_rate = s.learning_rate;
    c.seed = std::uint64_t(s.seed);
    c.steps = s.steps;
    return c;
}

//-----------------------------------------------------------------------------
// [SECTION] Training session
//-----------------------------------------------------------------------------

TrainingSession::TrainingSession(const State& s)
    : settings_(s), run_(s.steps, LinearAeConfig{}.batch_size, 6000), autostart_(s.train) {
    controls_.seed = s.seed;
    controls_.learning_rate = s.learning_rate;
    controls_.lr_min = 1e-5f;
    controls_.lr_max = 1.0f;
}

void TrainingSession::set_data(std::shared_ptr<const LinearAeData> data) {
    data_ = std::move(data);
    rebuild();
    if (autostart_ && recipe_) run_.start();
    autostart_ = false;
}

void TrainingSession::rebuild() {
    run_.reset();
    run_.set_max_steps(settings_.steps);
    settings_.seed = controls_.seed;
    settings_.learning_rate = controls_.learning_rate;
    recipe_.reset();
    error_.clear();
    if (!data_) return;
    try {
        recipe_ = std::make_unique<LinearAeRecipe>(data_, config_of(settings_));
    } catch (const Error& e) {
        error_ = e.what();
    }
}

bool TrainingSession::apply(const State& s) {
    const bool changed = s.latent != settings_.latent || s.tied != settings_.tied || s.activation != settings_.activation ||
                         s.steps != settings_.steps || s.seed != settings_.seed || s.learning_rate != settings_.learning_rate;
    if (!changed) return false;
    settings_.latent = s.latent;
    settings_.tied = s.tied;
    settings_.activation = s.activation;
    settings_.steps = s.steps;
    controls_.seed = s.seed;
    controls_.learning_rate = s.learning_rate;
    rebuild();
    return true;
}

int TrainingSession::advance(double budget_ms) {
    if (!recipe_) return 0;
    return run_.advance([this] { return recipe_->train_step(); }, budget_ms);
}

void TrainingSession::write_into(State& s) const {
    s.latent = settings_.latent;
    s.tied = settings_.tied;
    s.activation = settings_.activation;
    s.steps = settings_.steps;
    s.seed = controls_.seed;
    s.learning_rate = controls_.learning_rate;
    s.train = run_.running() || autostart_;  // a train=1 link keeps asking until the data is there
}

//-----------------------------------------------------------------------------
// [SECTION] PyTorch code
//-----------------------------------------------------------------------------

std::string pytorch_pca_code(const State& s) {
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
                  s.cls >= 0 ? ("X = X[ds.targets[:6000] == " + std::to_string(s.cls) + "]  # one class\n").c_str() : "",
                  kPcaComponents, kPcaComponents, kPcaComponents, s.recon_k);
    return buf;
}

std::string pytorch_ae_code(const State& s) {
    const int k = s.latent;
    std::string act;
    switch (activation_at(s.activation)) {
        case Activation::relu: act = "nn.ReLU(), "; break;
        case Activation::tanh: act = "nn.Tanh(), "; break;
        case Activation::sigmoid: act = "nn.Sigmoid(), "; break;
        default: break;
    }
    std::string model;
    if (s.tied) {
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
                  s.seed, model.c_str(), s.steps, double(s.learning_rate), k, k,
                  s.tied ? "model.enc.weight.T" : (act.empty() ? "model[2].weight" : "model[3].weight"), k, k);
    return buf;
}

//-----------------------------------------------------------------------------
// [SECTION] Drawing helpers
//-----------------------------------------------------------------------------
namespace {

// Matplotlib's tab10, one colour per class.
ImU32 class_color(int c) {
    static const ImU32 colors[10] = {IM_COL32(31, 119, 180, 255),  IM_COL32(255, 127, 14, 255),
                                     IM_COL32(44, 160, 44, 255),   IM_COL32(214, 39, 40, 255),
                                     IM_COL32(148, 103, 189, 255), IM_COL32(140, 86, 75, 255),
                                     IM_COL32(227, 119, 194, 255), IM_COL32(160, 160, 160, 255),
                                     IM_COL32(188, 189, 34, 255),  IM_COL32(23, 190, 207, 255)};
    return colors[((c % 10) + 10) % 10];
}

void titled(const char* title, const char* help = nullptr) {
    ImGui::TextUnformatted(title);
    if (help) {
        ImGui::SameLine();
        ui::help_marker(help);
    }
}

// A row-major (rows, cols) image at `pixels`.
void image(const char* id, const float* pixels, int rows, int cols, float zoom, bool diverging) {
    ui::HeatmapStyle hs;
    hs.zoom = zoom;
    if (diverging) {
        hs.cmap = ui::Colormap::diverging;
        hs.auto_range = true;
    }
    ui::heatmap(id, pixels, rows, cols, hs);
}

// `count` images of D = rows*cols pixels from `data`, in rows of `per_row`, with captions.
void image_grid(const char* id, const float* data, int count, int rows, int cols, float zoom, bool diverging,
                int per_row, const std::vector<std::string>& captions = {}) {
    ImGui::PushID(id);
    for (int i = 0; i < count; ++i) {
        if (i % per_row) ImGui::SameLine();
        ImGui::BeginGroup();
        ImGui::PushID(i);
        image("img", data + std::size_t(i) * rows * cols, rows, cols, zoom, diverging);
        if (std::size_t(i) < captions.size()) ImGui::TextDisabled("%s", captions[std::size_t(i)].c_str());
        ImGui::PopID();
        ImGui::EndGroup();
    }
    ImGui::PopID();
}

// A small (k, k) matrix: numbers when they fit, else a heatmap.
void small_matrix(const char* id, const Tensor& M, bool diverging) {
    const int r = int(M.shape()[0]), c = int(M.shape()[1]);
    if (c <= 8) {
        ui::GridStyle gs;
        gs.format = "%.2f";
        gs.cmap = diverging ? ui::Colormap::diverging : ui::Colormap::gray;
        ui::number_grid(id, M.data(), r, c, gs);
    } else {
        ui::HeatmapStyle hs;
        hs.cmap = ui::Colormap::diverging;
        hs.auto_range = true;
        hs.zoom = std::max(4.0f, 160.0f / float(c));
        ui::heatmap(id, M.data(), r, c, hs);
    }
}

// A scatter plot of 2-D codes coloured by class, drawn with ImDrawList; hover names the image.
void scatter_plot(const char* id, const std::vector<ScatterPoint>& pts, const std::vector<std::string>& class_names,
                  float size) {
    ImGui::PushID(id);
    const ImVec2 o = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("scatter", ImVec2(size, size));
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(o, ImVec2(o.x + size, o.y + size), ImGui::GetColorU32(ImGuiCol_FrameBg));
    float xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;
    for (const auto& p : pts)
        if (std::isfinite(p.x) && std::isfinite(p.y)) {
            xmin = std::min(xmin, p.x), xmax = std::max(xmax, p.x);
            ymin = std::min(ymin, p.y), ymax = std::max(ymax, p.y);
        }
    if (!(xmin <= xmax)) {
        dl->AddText(ImVec2(o.x + 8, o.y + 8), ImGui::GetColorU32(ImGuiCol_TextDisabled), "no finite codes");
        ImGui::PopID();
        return;
    }
    const float pad = 8, span_x = std::max(xmax - xmin, 1e-6f), span_y = std::max(ymax - ymin, 1e-6f);
    auto px = [&](float x) { return o.x + pad + (x - xmin) / span_x * (size - 2 * pad); };
    auto py = [&](float y) { return o.y + size - pad - (y - ymin) / span_y * (size - 2 * pad); };
    if (xmin < 0 && xmax > 0) dl->AddLine(ImVec2(px(0), o.y), ImVec2(px(0), o.y + size), IM_COL32(110, 110, 110, 160));
    if (ymin < 0 && ymax > 0) dl->AddLine(ImVec2(o.x, py(0)), ImVec2(o.x + size, py(0)), IM_COL32(110, 110, 110, 160));
    for (const auto& p : pts)
        if (std::isfinite(p.x) && std::isfinite(p.y)) dl->AddCircleFilled(ImVec2(px(p.x), py(p.y)), 2.0f, class_color(p.label), 6);
    dl->AddText(ImVec2(o.x + 4, o.y + size - ImGui::GetTextLineHeight() - 2), ImGui::GetColorU32(ImGuiCol_TextDisabled),
                "z1 ->");
    dl->AddText(ImVec2(o.x + 4, o.y + 2), ImGui::GetColorU32(ImGuiCol_TextDisabled), "z2 ^");
    if (ImGui::IsItemHovered()) {
        const ImVec2 m = ImGui::GetIO().MousePos;
        int best = -1;
        float best_d = 64.0f;  // within 8 pixels
        for (std::size_t i = 0; i < pts.size(); ++i) {
            const float dx = px(pts[i].x) - m.x, dy = py(pts[i].y) - m.y;
            if (dx * dx + dy * dy < best_d) best_d = dx * dx + dy * dy, best = int(i);
        }
        if (best >= 0) {
            const auto& p = pts[std::size_t(best)];
            dl->AddCircle(ImVec2(px(p.x), py(p.y)), 5.0f, IM_COL32(255, 255, 255, 255));
            ImGui::SetTooltip("test image %d: %s\nz = (%.3g, %.3g)", best,
                              p.label < int(class_names.size()) ? class_names[std::size_t(p.label)].c_str() : "?", p.x, p.y);
        }
    }
    ImGui::PopID();
}

void class_legend(const std::vector<std::string>& class_names) {
    for (std::size_t c = 0; c < class_names.size(); ++c) {
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const float h = ImGui::GetTextLineHeight();
        ImGui::GetWindowDrawList()->AddCircleFilled(ImVec2(p.x + h * 0.5f, p.y + h * 0.5f), h * 0.3f, class_color(int(c)));
        ImGui::Dummy(ImVec2(h, h));
        ImGui::SameLine();
        ImGui::Text("%zu %s", c, class_names[c].c_str());
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
// The lesson object: state next to the section that uses it.
//-----------------------------------------------------------------------------
namespace {

class PcaLinearAeLesson : public Lesson {
public:
    PcaLinearAeLesson() : st_(state_from_params()), session_(st_) {}
    void draw() override;

private:
    State st_;

    // Prepared once the dataset is there: the centred data and the PCA of all training images
    // (kPcaComponents), shared by section 1 ("all classes") and section 2's reference. One
    // frame shows "Computing PCA..." before the work so the page says why it pauses.
    std::shared_ptr<const LinearAeData> data_;
    bool data_requested_ = false;
    std::string data_error_;
    double data_seconds_ = 0;

    bool ensure_data() {
        if (data_) return true;
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
            // Kept across visits of the page: reopening the lesson does not redo the PCA.
            static std::shared_ptr<const LinearAeData> cached;
            static const Dataset* cached_for = nullptr;
            static double cached_seconds = 0;
            const Dataset* dataset = platform::fashion_mnist().dataset;
            if (!cached || cached_for != dataset) {
                const auto t0 = std::chrono::steady_clock::now();
                cached = prepare_linear_ae_data(*dataset, kPcaComponents);
                cached_for = dataset;
                cached_seconds = seconds_since(t0);
            }
            data_ = cached;
            data_seconds_ = cached_seconds;
            session_.set_data(data_);
        } catch (const Error& e) {
            data_error_ = e.what();
            return false;
        }
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

    void draw_pca(const Dataset& d) {
        ImGui::TextWrapped(
            "PCA centres the images (subtracts the mean image) and finds orthonormal directions, the principal "
            "components, ordered by how much of the images' variance lies along each: the eigenvectors of the "
            "covariance C = Xc^T Xc / (N - 1). An image is then described by k numbers, its codes z = V_k (x - mean), "
            "and rebuilt as x_hat = mean + V_k^T z. No other k-dimensional linear code rebuilds the images with a "
            "smaller squared error.");
        ImGui::SetNextItemWidth(220);
        const char* preview = st_.cls < 0 ? "all 10 classes" : d.class_names[std::size_t(st_.cls)].c_str();
        if (ImGui::BeginCombo("training images", preview)) {
            for (int c = -1; c < int(d.class_names.size()); ++c) {
                const bool selected = c == st_.cls;
                if (ImGui::Selectable(c < 0 ? "all 10 classes" : d.class_names[std::size_t(c)].c_str(), selected)) {
                    st_.cls = c;
                    st_.image = 0;
                }
            }
            ImGui::EndCombo();
        }
        ImGui::SameLine();
        ui::help_marker("PCA of the 6000 training images, or of the 600 of one class. Each PCA is computed once, when "
                        "first selected (about 0.3-0.5 s natively, twice that in a browser), then kept.");
        auto it = views_.find(st_.cls);
        if (it == views_.end()) {
            if (!view_pending_) {
                view_pending_ = true;
                ImGui::TextDisabled("Computing the PCA...");
                return;
            }
            view_pending_ = false;
            try {
                it = views_.emplace(st_.cls, compute_pca_view(d, st_.cls, &data_->pca)).first;
            } catch (const Error& e) {
                ui::error_panel("PCA failed", e.what());
                return;
            }
        }
        const PcaView& v = it->second;
        const int K = int(v.pca.components.shape()[0]);
        ImGui::SameLine();
        const double seconds = st_.cls < 0 ? data_seconds_ : v.seconds;  // all classes: computed with the data
        ImGui::TextDisabled("%zu images x 784 pixels, %d components, computed in %.0f ms", v.train_images, K, seconds * 1000);

        // Mean and components.
        ImGui::BeginGroup();
        titled("mean image", "What PCA subtracts first. Every reconstruction starts from it (k = 0).");
        image("mean", v.pca.mean.data(), int(d.rows), int(d.cols), 4.0f, false);
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
        ui::line_plot("ratio", {{"per component", ratio.data(), K, IM_COL32(255, 160, 60, 255), 1.0f, 1.0f}}, ps);
        ImGui::EndGroup();
        ImGui::SameLine(0, 24);
        ImGui::BeginGroup();
        titled("cumulative (%)", "How much of the variance the first k components keep together.");
        ps.log_y = false;
        ps.y_format = "%.0f%%";
        ui::line_plot("cumulative", {{"first k", cumulative.data(), K, IM_COL32(90, 200, 255, 255), 1.0f, 1.0f}}, ps);
        ImGui::EndGroup();
        ImGui::Text("The first 2 components keep %.0f%%, 8 keep %.0f%%, 32 keep %.0f%%, %d keep %.0f%% of the variance.",
                    cumulative[1], cumulative[7], cumulative[std::min(31, K - 1)], K, cumulative[std::size_t(K - 1)]);

        // Reconstructions.
        ImGui::Separator();
        ImGui::SetNextItemWidth(260);
        ImGui::SliderInt("k components", &st_.recon_k, 0, K);
        ImGui::SameLine();
        const int n_sel = int(v.selected.size());
        st_.image = std::clamp(st_.image, 0, std::max(0, n_sel - 8));
        ImGui::SetNextItemWidth(200);
        ImGui::SliderInt(st_.cls < 0 ? "first test image" : "first test image of the class", &st_.image, 0,
                         std::max(0, n_sel - 8));
        if (recon_for_cls_ != st_.cls || recon_for_k_ != st_.recon_k || recon_for_image_ != st_.image) {
            shown_.clear();
            for (int i = st_.image; i < std::min(n_sel, st_.image + 8); ++i) shown_.push_back(v.selected[std::size_t(i)]);
            shown_images_ = d.gather(Split::test, shown_);
            shown_recon_ = reconstruct_test(v, d, shown_, st_.recon_k);
            shown_mse_ = mse_of(d, shown_, shown_recon_);
            recon_for_cls_ = st_.cls, recon_for_k_ = st_.recon_k, recon_for_image_ = st_.image;
        }
        const int n = int(shown_.size());
        titled("test images (top) and their reconstructions from k codes (bottom)",
               "Test images were not used to compute the PCA. The reconstruction is mean + sum over j < k of z_j "
               "times component j.");
        std::vector<std::string> labels;
        for (std::size_t i : shown_) labels.push_back(d.class_names[d.test_labels[i]]);
        image_grid("originals", shown_images_.data(), n, int(d.rows), int(d.cols), 3.0f, false, 8, labels);
        image_grid("recon", shown_recon_.data(), n, int(d.rows), int(d.cols), 3.0f, false, 8);
        const float mse_sel = v.mse_selected[std::size_t(st_.recon_k)];
        ImGui::Text("MSE per pixel with k = %d: %s on these %d images, %s on all %d %stest images", st_.recon_k,
                    ui::fmt_num(shown_mse_).c_str(), n, ui::fmt_num(mse_sel).c_str(), n_sel,
                    st_.cls < 0 ? "" : (d.class_names[std::size_t(st_.cls)] + " ").c_str());
        if (!v.mse_others.empty())
            ImGui::Text("...and %s on the %zu test images of the other classes: a PCA of one class describes "
                        "the others poorly.",
                        ui::fmt_num(v.mse_others[std::size_t(st_.recon_k)]).c_str(), d.size(Split::test) - v.selected.size());
        std::vector<ui::Series> curves = {{st_.cls < 0 ? "test images" : "this class's test images", v.mse_selected.data(),
                                           K + 1, IM_COL32(255, 160, 60, 255)}};
        if (!v.mse_others.empty())
            curves.push_back({"other classes' test images", v.mse_others.data(), K + 1, IM_COL32(150, 150, 150, 255)});
        std::vector<float> marker(std::size_t(K + 1), NAN);
        marker[std::size_t(st_.recon_k)] = mse_sel;
        curves.push_back({"current k", marker.data(), K + 1, IM_COL32(255, 255, 255, 255)});
        ui::PlotStyle ms;
        ms.size = ImVec2(std::min(ImGui::GetContentRegionAvail().x, 860.0f), 150);
        ms.x_label = "k";
        ms.log_y = true;
        titled("test reconstruction MSE against k",
               "For centred data and orthonormal components, the squared error with k components is ||x - mean||^2 "
               "minus the sum of the first k squared codes, so the curve for all k comes from one encoding.");
        ui::line_plot("mse-k", curves, ms);

        if (export_for_cls_ != st_.cls) {
            export_mean_ = v.pca.mean;
            export_components_ = v.pca.components;
            export_ratio_ = v.pca.explained_variance_ratio;
            export_for_cls_ = st_.cls;
        }
        ui::export_buttons("export-pca", {{"pca_mean.npy", &export_mean_},
                                          {"pca_components.npy", &export_components_},
                                          {"pca_explained_variance_ratio.npy", &export_ratio_},
                                          {"test_reconstructions.npy", &shown_recon_}});
        ui::pytorch_panel("torch-pca", pytorch_pca_code(st_));
    }

    //-------------------------------------------------------------------------
    // [SECTION] 2. A linear autoencoder trained live
    //-------------------------------------------------------------------------
    TrainingSession session_;
    // What the page shows of the model, refreshed a few times a second while training.
    int views_step_ = -1;
    const LinearAeRecipe* views_of_ = nullptr;
    std::chrono::steady_clock::time_point views_time_;
    std::vector<double> dec_angles_, enc_angles_;
    float test_mse_ = 0;
    Tensor decoder_dirs_, pca_dirs_, gram_, coords_, encoder_weight_, decoder_weight_;
    Tensor recon_ae_, recon_pca_, recon_images_;  // 8 test images
    Tensor codes_ae_, codes_pca_;                 // (M, k)
    std::vector<ScatterPoint> scatter_ae_, scatter_pca_;
    std::vector<float> max_angles_, mean_angles_, test_mses_, pca_line_;

    void refresh_views(LinearAeRecipe& r) {
        const bool stale = views_of_ != &r || views_step_ != r.step();
        const bool due = !session_.run().running() ||
                         seconds_since(views_time_) > 0.25;  // a few times a second is enough to watch
        if (!stale || !due) return;
        views_of_ = &r;
        views_step_ = r.step();
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
        std::vector<std::size_t> idx = {0, 1, 2, 3, 4, 5, 6, 7};
        const Dataset& d = *platform::fashion_mnist().dataset;
        recon_images_ = d.gather(Split::test, idx);
        recon_ae_ = r.reconstruct(recon_images_);
        const std::size_t k = std::size_t(r.config().latent);
        Tensor pz = r.pca_test_codes();  // (M, k)
        Tensor first = zeros({idx.size(), k});
        std::memcpy(first.data(), pz.data(), idx.size() * k * sizeof(float));
        recon_pca_ = pca_decode(r.data().pca, first);
        recon_pca_.reshape(recon_images_.shape());
        codes_ae_ = r.test_codes();
        codes_pca_ = pz;
        if (k == 2) {
            scatter_ae_ = scatter_points(codes_ae_, r.data().test_labels);
            scatter_pca_ = scatter_points(codes_pca_, r.data().test_labels);
        }
        max_angles_.clear(), mean_angles_.clear(), test_mses_.clear();
        for (const auto& p : r.probes()) {
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
        // Settings that need a new model.
        State want = st_;
        ImGui::SetNextItemWidth(200);
        ImGui::SliderInt("latent size k", &want.latent, kMinLatent, kMaxLatent);
        ImGui::SameLine();
        ImGui::Checkbox("tied weights (W2 = W1^T)", &want.tied);
        ImGui::SameLine();
        ImGui::SetNextItemWidth(140);
        if (ImGui::BeginCombo("code non-linearity", activation_label(want.activation))) {
            for (int a = 0; a < kActivationCount; ++a)
                if (ImGui::Selectable(activation_label(a), a == want.activation)) want.activation = a;
            ImGui::EndCombo();
        }
        ImGui::SameLine();
        ui::help_marker("A non-linearity between encoder and decoder breaks the equivalence with PCA: the decoder still "
                        "spans a k-dimensional subspace, but the codes are no longer the linear projections it needs, so "
                        "the angles stop short of zero and the error stays above PCA's.");
        ImGui::SameLine();
        ImGui::SetNextItemWidth(160);
        ImGui::SliderInt("steps", &want.steps, kMinSteps, kMaxSteps, "%d", ImGuiSliderFlags_Logarithmic);
        ImGui::SameLine();
        ui::help_marker("The run's length. The learning rate is constant for the first half and then decays linearly to "
                        "2% at the last step: Adam's minibatch noise otherwise keeps the subspace wobbling by a degree "
                        "or two.");
        TrainingRun& run = session_.run();
        if (run.running()) {
            // Settings are locked while training (the sliders show the model's own values).
            want.latent = st_.latent, want.tied = st_.tied, want.activation = st_.activation, want.steps = st_.steps;
        }
        want.seed = session_.controls().seed;
        want.learning_rate = session_.controls().learning_rate;
        session_.apply(want);
        if (training_panel("train", run, session_.controls())) session_.rebuild();
        session_.write_into(st_);
        if (!session_.error().empty()) {
            ui::error_panel("Cannot build the model", session_.error());
            return;
        }
        LinearAeRecipe* r = session_.recipe();
        if (!r) return;
        ImGui::TextDisabled("Adam, batch 64, learning rate now %.2g; the data prepared (centred, PCA) in %.0f ms",
                            double(r->current_learning_rate()), data_seconds_ * 1000);
        refresh_views(*r);
        const int k = r->config().latent;
        const auto& ev = r->data().pca.explained_variance;

        // Curves.
        const float w = std::min(400.0f, (ImGui::GetContentRegionAvail().x - 48) / 3);
        ui::PlotStyle ps;
        ps.size = ImVec2(w, 150);
        ImGui::BeginGroup();
        titled("training loss (MSE per pixel)", "The loss of each minibatch of 64 centred training images.");
        ui::line_plot("loss", {{"loss", run.losses().data(), int(run.losses().size()), IM_COL32(255, 160, 60, 255)}}, ps);
        ImGui::EndGroup();
        ImGui::SameLine(0, 24);
        const float dx = float(r->config().probe_every);
        ImGui::BeginGroup();
        titled("test MSE: autoencoder vs PCA", "The reconstruction error on the 1000 test images, measured every 50 "
                                                "steps, against PCA with the same k (a horizontal line).");
        ui::line_plot("test", {{"autoencoder", test_mses_.data(), int(test_mses_.size()), IM_COL32(90, 200, 255, 255), 0, dx},
                               {"PCA", pca_line_.data(), int(pca_line_.size()), IM_COL32(255, 255, 255, 200), 0, dx}},
                      ps);
        ImGui::EndGroup();
        ImGui::SameLine(0, 24);
        ImGui::BeginGroup();
        titled("principal angles to PCA's subspace (deg, log)",
               "The k angles between the decoder's column space and the span of the first k principal components: 0 "
               "when a direction is shared, 90 when orthogonal. The largest one falls last.");
        ps.log_y = true;
        ps.y_format = "%.3g";
        ui::line_plot("angles", {{"largest", max_angles_.data(), int(max_angles_.size()), IM_COL32(255, 90, 90, 255), 0, dx},
                                 {"mean", mean_angles_.data(), int(mean_angles_.size()), IM_COL32(120, 220, 120, 255), 0, dx}},
                      ps);
        ImGui::EndGroup();

        // Numbers.
        const bool linear = r->config().activation == Activation::none;
        ImGui::Text("Step %d: largest principal angle %s, mean %s; test MSE %s vs PCA-%d %s (%+.2f%%)", r->step(),
                    degrees(dec_angles_.back()).c_str(), degrees(mean_of(dec_angles_)).c_str(),
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
            ImGui::TextColored(ImVec4(1.0f, 0.8f, 0.4f, 1.0f),
                               "With %s on the code the autoencoder is no longer linear: its decoder still spans a "
                               "k-dimensional subspace, but not PCA's.",
                               activation_label(st_.activation));

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
        small_matrix("gram", gram_, true);
        ImGui::EndGroup();
        ImGui::SameLine(0, 24);
        ImGui::BeginGroup();
        titled("coordinates in the PCA basis: V_k W2",
               "Row i, column j: how much of PCA component i decoder column j contains. When the subspaces agree, each "
               "column's squared coordinates add up to its squared length (the Gram diagonal); the matrix is a "
               "rotation-and-scaling, not the identity.");
        small_matrix("coords", coords_, true);
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

        // k = 2: the codes.
        if (k == 2) {
            ImGui::Separator();
            ImGui::TextWrapped("With k = 2 every test image becomes a point. PCA's plane and the autoencoder's are the "
                               "same plane, so once trained the two pictures differ only by a linear map (a rotation, "
                               "reflection, stretch or shear): the same clusters, differently drawn.");
            ImGui::BeginGroup();
            titled("PCA codes (z1, z2)");
            scatter_plot("sc-pca", scatter_pca_, d.class_names, 300);
            ImGui::EndGroup();
            ImGui::SameLine(0, 24);
            ImGui::BeginGroup();
            titled("autoencoder codes W1 x_c");
            scatter_plot("sc-ae", scatter_ae_, d.class_names, 300);
            ImGui::EndGroup();
            ImGui::SameLine(0, 24);
            ImGui::BeginGroup();
            class_legend(d.class_names);
            ImGui::EndGroup();
        } else {
            ImGui::TextDisabled("Set k = 2 to see every test image's code as a point, PCA's beside the autoencoder's.");
        }
        ui::export_buttons("export-ae", {{"W1_encoder.npy", &encoder_weight_},
                                         {"W2_decoder.npy", &decoder_weight_},
                                         {"pca_components_k.npy", &pca_dirs_},
                                         {"codes_ae.npy", &codes_ae_},
                                         {"codes_pca.npy", &codes_pca_}});
        ui::pytorch_panel("torch-ae", pytorch_ae_code(st_));
    }

    static double mean_of(const std::vector<double>& v) {
        double s = 0;
        for (double x : v) s += x;
        return v.empty() ? 0.0 : s / double(v.size());
    }

    void report_status() {
        TrainingRun& run = session_.run();
        platform::set_status("step", std::to_string(run.step()));
        const auto& l = run.losses();
        platform::set_status("loss", l.empty() ? "" : std::to_string(l.back()));
        platform::set_status("first_loss", l.empty() ? "" : std::to_string(l.front()));
        if (LinearAeRecipe* r = session_.recipe(); r && !r->probes().empty())
            platform::set_status("max_angle_deg", std::to_string(r->probes().back().max_angle_deg));
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
        // Training runs whether or not its section is open, so a link with train=1 trains.
        session_.advance(session_.controls().budget_ms);
        const char* titles[2] = {"1. PCA of Fashion-MNIST", "2. A linear autoencoder trained live"};
        int open = 0;
        for (int s = 0; s < 2; ++s) {
            ImGui::SetNextItemOpen((st_.open >> s) & 1, ImGuiCond_Once);
            if (!ImGui::CollapsingHeader(titles[s])) continue;
            open |= 1 << s;
            ImGui::PushID(s);
            if (s == 0) draw_pca(d);
            else draw_training(d);
            ImGui::PopID();
        }
        st_.open = open;
        session_.write_into(st_);
    }
    report_status();
    write_params(st_);
}

}  // namespace
}  // namespace pca_linear_ae

std::unique_ptr<Lesson> make_pca_linear_ae_lesson() { return std::make_unique<pca_linear_ae::PcaLinearAeLesson>(); }

}  // namespace aelab::lessons
