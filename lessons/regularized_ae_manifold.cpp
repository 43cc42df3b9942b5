// Lesson "Sparse and contractive autoencoders" (id: regularized-ae), section "The manifold picture
// on 2-D data".
// What it teaches: under the manifold assumption data lie near a lower-dimensional curved set. On
// the plane that set is a curve, and an autoencoder's reconstruction error becomes a picture: the
// arrow g(f(x)) - x at each point x. A denoising autoencoder's arrows point back to the curve (the
// course: they approximate a field proportional to d log p(x) / dx); a contractive one, whose
// encoder is penalised for any sensitivity to its input, maps points back onto the curve too; a
// plain overcomplete one, with more code units than inputs and nothing to stop it, learns the
// identity and its arrows nearly vanish. The three train side by side on the same points.
// Model, training and figures: aelab/recipe_manifold.hpp, trained as the job of
// aelab/jobs/regularized_ae_manifold.hpp.
//
// Index of this file:
//   [SECTION] Shapes and drawn curves in the URL
//   [SECTION] Building and training
//   [SECTION] Status
//   [SECTION] PyTorch code
//   [SECTION] Drawing
#include "regularized_ae_manifold.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include <imgui.h>

#include "kit/palette.hpp"
#include "kit/plane.hpp"
#include "kit/platform.hpp"
#include "kit/pytorch.hpp"
#include "kit/widgets.hpp"

namespace aelab::lessons::regularized_ae {

//-----------------------------------------------------------------------------
// [SECTION] Shapes and drawn curves in the URL
//-----------------------------------------------------------------------------

const char* manifold_shape_key(ManifoldShape s) {
    switch (s) {
        case ManifoldShape::circle: return "circle";
        case ManifoldShape::spiral: return "spiral";
        case ManifoldShape::two_moons: return "two-moons";
        case ManifoldShape::line: return "line";
        case ManifoldShape::drawn: return "drawn";
    }
    return "circle";
}

bool parse_manifold_shape(const std::string& key, ManifoldShape& out) {
    for (int i = 0; i < kManifoldShapes; ++i)
        if (key == manifold_shape_key(ManifoldShape(i))) {
            out = ManifoldShape(i);
            return true;
        }
    return false;
}

namespace {
const char* const kViewKeys[kManifoldViews] = {"all", "plain", "denoising", "contractive"};
const char* const kKindTitles[kManifoldKinds] = {"plain overcomplete", "denoising", "contractive"};
constexpr int kMaxQuanta = int(kDrawExtent / kDrawQuantum + 0.5f);  // 50

toy2d::Preset preset_of(ManifoldShape s) {
    switch (s) {
        case ManifoldShape::spiral: return toy2d::Preset::spiral;
        case ManifoldShape::two_moons: return toy2d::Preset::two_moons;
        case ManifoldShape::line: return toy2d::Preset::line;
        default: return toy2d::Preset::circle;
    }
}
}  // namespace

std::string drawn_curve_text(const std::vector<float>& xy) {
    std::string out;
    for (float v : xy) {
        if (!out.empty()) out += ',';
        out += std::to_string(int(std::lround(v / kDrawQuantum)));
    }
    return out;
}

bool parse_drawn_curve(const std::string& text, std::vector<float>& xy) {
    if (text.empty()) {
        xy.clear();
        return true;
    }
    std::vector<float> out;
    std::size_t i = 0;
    while (i <= text.size()) {
        const std::size_t end = std::min(text.find(',', i), text.size());
        int q = 0;
        if (!kit::UrlState::parse_int(text.substr(i, end - i), -kMaxQuanta, kMaxQuanta, q)) return false;
        out.push_back(float(q) * kDrawQuantum);
        if (out.size() > std::size_t(2 * kMaxDrawnPoints)) return false;
        i = end + 1;
    }
    if (out.size() % 2 != 0 || out.size() < 4) return false;
    xy = out;
    return true;
}

std::vector<float> simplify_stroke(const std::vector<float>& stroke) {
    const std::size_t n = stroke.size() / 2;
    if (n < 2) return {};
    std::vector<float> at(n, 0.0f);  // arc length at each vertex
    for (std::size_t i = 1; i < n; ++i)
        at[i] = at[i - 1] + std::hypot(stroke[2 * i] - stroke[2 * i - 2], stroke[2 * i + 1] - stroke[2 * i - 1]);
    const float total = at.back();
    if (!(total >= 0.3f)) return {};
    // Vertices every `total / (count - 1)` along the stroke, at most one per quantum of length.
    const int count = std::clamp(int(std::lround(total / (2 * kDrawQuantum))) + 1, 2, kMaxDrawnPoints);
    std::vector<float> out;
    std::size_t seg = 0;
    for (int k = 0; k < count; ++k) {
        const float s = total * float(k) / float(count - 1);
        while (seg + 2 < n && at[seg + 1] < s) ++seg;
        const float len = at[seg + 1] - at[seg], t = len > 0 ? std::clamp((s - at[seg]) / len, 0.0f, 1.0f) : 0.0f;
        for (int c = 0; c < 2; ++c) {
            const float v = stroke[2 * seg + c] + t * (stroke[2 * seg + 2 + c] - stroke[2 * seg + c]);
            const float q = std::clamp(std::round(v / kDrawQuantum), float(-kMaxQuanta), float(kMaxQuanta));
            out.push_back(q * kDrawQuantum);
        }
    }
    return out;
}

toy2d::Curve manifold_curve(const ManifoldSettings& s) {
    if (s.shape != ManifoldShape::drawn) return toy2d::preset_curve(preset_of(s.shape));
    toy2d::Curve c;
    if (s.drawn.size() >= 4) {
        c.pieces.push_back(s.drawn);
        c.closed.push_back(false);
    }
    return c;
}

//-----------------------------------------------------------------------------
// [SECTION] Building and training
//-----------------------------------------------------------------------------

ManifoldSection::ManifoldSection() : live_(ManifoldOptions{}.steps, ManifoldOptions{}.batch_size, ManifoldOptions{}.points, kEvalEvery) {
    TrainingControls& c = live_.controls();
    c.seed = int(ManifoldOptions{}.seed);
    c.learning_rate = ManifoldOptions{}.learning_rate;
    // The page has a second run (the Fashion-MNIST one): a small share of the frame, and paced so
    // the fields can be watched converging over a couple of seconds.
    c.budget_ms = 3.0f;
    c.max_steps_per_frame = 25;
    // The recipe trains as the core's manifold job on the kit's trainer (a Web Worker, a second
    // thread or this thread); recipe_ is the page's copy, holding the latest snapshot's weights.
    LiveTraining::JobHooks h;
    h.spec = [this] {
        job_ = nullptr;
        recipe_ = nullptr;
        fields_version_ = -1;
        for (auto& c : cosine_history_) c.clear();
        return manifold_job_spec(job_options());  // a drawn shape with no curve throws when built
    };
    h.built = [this](TrainJob& job) {
        job_ = &static_cast<ManifoldJob&>(job);
        recipe_ = &job_->recipe();
    };
    h.evaluated = [this](int, const std::vector<float>& f) {
        stats_ = manifold_stats_from(f);
        for (ManifoldKind k : kAllManifoldKinds) cosine_history_[std::size_t(k)].push_back(float(stats_[std::size_t(k)].mean_cosine));
    };
    live_.set_job(std::move(h));
}

void ManifoldSection::bind(kit::UrlState& url) {
    url.custom("mshape", [this](const std::string& t) { return parse_manifold_shape(t, st_.shape); },
               [this] { return std::string(manifold_shape_key(st_.shape)); });
    url.custom("mcurve", [this](const std::string& t) { return parse_drawn_curve(t, st_.drawn); },
               [this] { return drawn_curve_text(st_.drawn); });
    url.custom("mview",
               [this](const std::string& t) {
                   for (int v = 0; v < kManifoldViews; ++v)
                       if (t == kViewKeys[v]) {
                           st_.view = ManifoldView(v);
                           return true;
                       }
                   return false;
               },
               [this] { return std::string(kViewKeys[int(st_.view)]); });
    url.add("mnoise", st_.noise, 0.0f, 1.0f).add("mlam", st_.lambda, 0.0f, 2.0f).add("mdn", st_.data_noise, 0.0f, 0.3f);
    url.add("mcode", st_.code, 3, 64).add("mtied", st_.tied).add("mscale", st_.arrow_scale, 0.25f, 4.0f);
    live_.bind_prefixed(url, "m", 100, 20000);
}

ManifoldOptions ManifoldSection::options() const {
    ManifoldOptions o;
    o.noise = st_.noise;
    o.lambda = st_.lambda;
    o.data_noise = st_.data_noise;
    o.code = st_.code;
    o.tied = st_.tied;
    o.seed = std::uint64_t(live_.controls().seed);
    o.learning_rate = live_.controls().learning_rate;
    o.steps = live_.max_steps();
    return o;
}

ManifoldJobOptions ManifoldSection::job_options() const {
    ManifoldJobOptions o;
    o.recipe = options();
    o.shape = st_.shape == ManifoldShape::drawn ? "drawn" : toy2d::preset_name(preset_of(st_.shape));
    if (st_.shape == ManifoldShape::drawn)
        for (float v : st_.drawn) o.drawn.push_back(int(std::lround(v / kDrawQuantum)));
    return o;
}

void ManifoldSection::restart() {
    live_.rebuild();
    if (live_.built()) live_.run().start();
}

void ManifoldSection::advance() {
    if (!started_) {  // the first frame: build and train at once, the run is short
        started_ = true;
        restart();
    }
    live_.advance();
}

void ManifoldSection::refresh_fields() {
    if (!recipe_ || fields_version_ == live_.version()) return;
    for (ManifoldKind k : kAllManifoldKinds) {
        fields_[std::size_t(k)] = recipe_->field(k);
        jacobian_[std::size_t(k)] = float(recipe_->net(k).jacobian_fro2(recipe_->data()));
    }
    fields_version_ = live_.version();
}

void ManifoldSection::stroke_point(float x, float y) {
    if (!std::isfinite(x) || !std::isfinite(y)) return;
    const std::size_t n = stroke_.size();
    if (n >= 2 && std::hypot(x - stroke_[n - 2], y - stroke_[n - 1]) < 0.5f * kDrawQuantum) return;
    if (n < std::size_t(4 * 2048)) stroke_.insert(stroke_.end(), {x, y});
}

void ManifoldSection::end_stroke() {
    std::vector<float> curve = simplify_stroke(stroke_);
    stroke_.clear();
    if (curve.empty()) return;  // a click, not a curve
    st_.drawn = std::move(curve);
    st_.shape = ManifoldShape::drawn;
    restart();
}

//-----------------------------------------------------------------------------
// [SECTION] Status
//-----------------------------------------------------------------------------

void ManifoldSection::report_status() {
    const TrainingRun& run = live_.run();
    platform::set_status("mstep", std::to_string(run.step()));
    if (!run.losses().empty()) {
        platform::set_status("mloss", ui::fmt_num(run.losses().back()));
        platform::set_status("mfirst_loss", ui::fmt_num(run.losses().front()));
    }
    if (!recipe_) return;
    auto fixed = [](double v) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.4f", v);
        return std::string(buf);
    };
    platform::set_status("field_cosine", fixed(stats_[std::size_t(ManifoldKind::denoising)].mean_cosine));
    for (ManifoldKind k : kAllManifoldKinds) {
        const std::string name = manifold_kind_name(k);
        platform::set_status("field_cosine_" + name, fixed(stats_[std::size_t(k)].mean_cosine));
        platform::set_status("arrow_length_" + name, fixed(stats_[std::size_t(k)].mean_length));
    }
}

//-----------------------------------------------------------------------------
// [SECTION] PyTorch code
//-----------------------------------------------------------------------------
namespace {

std::string pytorch_code(const ManifoldOptions& o, const char* shape) {
    const std::string lr = kit::py_float(o.learning_rate), bound = kit::py_float(1.0f / std::sqrt(float(o.code)));
    std::ostringstream s;
    s << "import numpy, torch, torch.nn.functional as F  # torch's default init, not the same numbers as here\n"
      << "torch.manual_seed(" << o.seed << ")\n"
      << "# data: (" << o.points << ", 2) points along the " << shape << " plus N(0, " << kit::py_float(o.data_noise)
      << "^2) noise (export data.npy below)\n"
      << "data = torch.from_numpy(numpy.load('data.npy'))\n\n"
      << "def make():  # f(x) = sigmoid(W x + b), g(h) = " << (o.tied ? "W^T h + c (tied)" : "V h + c") << "\n"
      << "    W = torch.empty(" << o.code << ", 2).uniform_(-0.7071, 0.7071).requires_grad_()\n"
      << "    b = torch.empty(" << o.code << ").uniform_(-0.7071, 0.7071).requires_grad_()\n"
      << (o.tied ? "" : "    V = torch.empty(2, " + std::to_string(o.code) + ").uniform_(-" + bound + ", " + bound + ").requires_grad_()\n")
      << "    c = torch.empty(2).uniform_(-" << bound << ", " << bound << ").requires_grad_()\n"
      << "    return " << (o.tied ? "[W, b, c]" : "[W, b, V, c]") << "\n"
      << "def run(p, x):\n"
      << "    h = torch.sigmoid(x @ p[0].T + p[1])                       # (N, " << o.code << ")\n"
      << "    return h, h @ " << (o.tied ? "p[0] + p[2]" : "p[2].T + p[3]") << "                # (N, 2)\n"
      << "def jacobian_fro2(p, h):  # ||df/dx||_F^2 = sum_j (h_j (1 - h_j))^2 ||W_j||^2, mean over N\n"
      << "    return ((h * (1 - h)) ** 2 * (p[0] ** 2).sum(1)).sum(1).mean()\n\n"
      << "nets = {k: make() for k in ('plain', 'denoising', 'contractive')}\n"
      << "for p in list(nets.values())[1:]:  # the same initial weights\n"
      << "    for q, q0 in zip(p, nets['plain']): q.data.copy_(q0.data)\n"
      << "opts = {k: torch.optim.Adam(p, lr=" << lr << ") for k, p in nets.items()}\n"
      << "for step in range(" << o.steps << "):\n"
      << "    x = data[torch.randint(len(data), (" << o.batch_size << ",))]\n"
      << "    for kind, p in nets.items():\n"
      << "        x_in = x + " << kit::py_float(o.noise) << " * torch.randn_like(x) if kind == 'denoising' else x\n"
      << "        h, y = run(p, x_in)\n"
      << "        loss = F.mse_loss(y, x)                               # the CLEAN x\n"
      << "        if kind == 'contractive': loss = loss + " << kit::py_float(o.lambda) << " * jacobian_fro2(p, h)\n"
      << "        opts[kind].zero_grad(); loss.backward(); opts[kind].step()\n\n"
      << "# the field on the grid (export grid.npy): arrows g(f(x)) - x\n"
      << "grid = torch.from_numpy(numpy.load('grid.npy'))\n"
      << "with torch.no_grad():\n"
      << "    field = {k: run(p, grid)[1] - grid for k, p in nets.items()}";
    return s.str();
}

}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] Drawing
//-----------------------------------------------------------------------------

void ManifoldSection::draw_explanation() {
    ImGui::TextWrapped(
        "The manifold assumption: data lie near a lower-dimensional, curved set. On the plane that set is a curve, "
        "and what an autoencoder has learned about it can be seen as a field: at every point x of a grid, an arrow "
        "from x to its reconstruction g(f(x)). Three autoencoders with the same architecture and the same initial "
        "weights train side by side on the same points near the curve:");
    ui::bullet(ui::format("plain overcomplete: more code units (%d) than inputs (2) and no penalty. Nothing stops it from "
                      "learning the identity g(f(x)) = x, and it does: its arrows nearly vanish. It has learned "
                      "nothing about the curve.",
                      st_.code));
    ui::bullet("denoising (Vincent et al. 2008): fed x_tilde = x + sigma * eps, trained to give back the clean "
                      "x. The best it can do is the mean of the clean points x_tilde could have come from, so "
                      "g(f(x_tilde)) - x_tilde points back towards the curve. For small sigma it approximates "
                      "sigma^2 * d log p(x) / dx: a vector field pointing to the data manifold (Alain & Bengio 2014).");
    ui::bullet("contractive (Rifai et al. 2011): fed x itself, with the penalty lambda * ||df(x)/dx||_F^2 on "
                      "the encoder's sensitivity to its input. Reconstruction only needs the code to follow x along "
                      "the curve, so the encoder stays sensitive along it and contracts across it: points off the "
                      "curve are mapped back onto it.");
    ui::code_block("manifold-losses",
                   "f(x) = sigmoid(W x + b)        g(h) = W^T h + c   (tied weights)\n"
                   "plain:        mse(g(f(x)), x)\n"
                   "denoising:    mse(g(f(x + sigma eps)), x),  eps ~ N(0, I)\n"
                   "contractive:  mse(g(f(x)), x) + lambda * ||J_f(x)||_F^2,\n"
                   "              ||J_f(x)||_F^2 = sum_j (h_j (1 - h_j))^2 sum_i W_ji^2   (closed form, sigmoid encoder)");
    ImGui::SameLine();
    ui::help_marker("With tied weights the field is the gradient of an energy: g(f(x)) - x = d/dx [sum_j "
                    "softplus(W_j x + b_j) + c.x - |x|^2 / 2], the same form as d log p(x) / dx. Untie them (below) "
                    "and the contractive autoencoder dodges its penalty: it shrinks W (a small Jacobian) and grows the "
                    "decoder to compensate, and its arrows fade.");
}

void ManifoldSection::draw_controls() {
    bool changed = false;
    ImGui::TextUnformatted("Points near:");
    for (int i = 0; i < kManifoldShapes; ++i) {
        const ManifoldShape s = ManifoldShape(i);
        ImGui::SameLine();
        const char* label = s == ManifoldShape::drawn ? "your curve" : manifold_shape_key(s);
        if (ui::radio_button(label, st_.shape == s) && st_.shape != s) {
            st_.shape = s;
            changed = true;
        }
    }
    ImGui::SameLine();
    ui::help_marker("Press and drag on a plane to draw your own curve (one stroke; drawing again replaces it). It is "
                    "kept in the link as up to 48 points rounded to 0.05.");
    const float w = std::clamp(ImGui::GetContentRegionAvail().x / 3.0f - 90.0f, 80.0f, 160.0f);
    ImGui::SetNextItemWidth(w);
    changed |= ImGui::SliderFloat("sigma (denoising)", &st_.noise, 0.0f, 1.0f, "%.2f");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(w);
    changed |= ImGui::SliderFloat("lambda (contractive)", &st_.lambda, 0.0f, 2.0f, "%.3f", ImGuiSliderFlags_Logarithmic);
    ImGui::SetNextItemWidth(w);
    changed |= ImGui::SliderFloat("data spread", &st_.data_noise, 0.0f, 0.3f, "%.2f");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(w);
    changed |= ImGui::SliderInt("code units", &st_.code, 3, 64);
    ImGui::SameLine();
    changed |= ImGui::Checkbox("tied weights", &st_.tied);
    ImGui::SameLine();
    ui::help_marker("sigma: the standard deviation of the denoiser's Gaussian corruption. lambda: the weight of the "
                    "contractive penalty. data spread: the standard deviation of the points around the curve. Any "
                    "change starts the three runs again.");
    if (changed) restart();

    ImGui::TextUnformatted("Show:");
    const char* view_labels[kManifoldViews] = {"all three", "plain", "denoising", "contractive"};
    for (int v = 0; v < kManifoldViews; ++v) {
        ImGui::SameLine();
        if (ui::radio_button(view_labels[v], st_.view == ManifoldView(v))) st_.view = ManifoldView(v);
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(100);
    ImGui::SliderFloat("arrow scale", &st_.arrow_scale, 0.25f, 4.0f, "x%.2f", ImGuiSliderFlags_Logarithmic);
    live_.panel("manifold-train");
}

void ManifoldSection::draw_plane(const char* id, ManifoldKind kind, float size) {
    const ManifoldOptions& o = recipe_->options();
    const std::size_t k = std::size_t(kind);
    ImGui::BeginGroup();
    ImGui::TextUnformatted(kKindTitles[k]);
    kit::PlaneCanvas plane(id, {-o.extent, o.extent, -o.extent, o.extent}, size);
    // Behind: the arrow length as a heat map (dark: g(f(x)) = x).
    const Tensor& f = fields_[k];
    const std::size_t M = f.shape()[0];
    std::vector<float> length(M);
    for (std::size_t m = 0; m < M; ++m) length[m] = std::hypot(f.data()[2 * m], f.data()[2 * m + 1]);
    plane.field(length.data(), o.grid, o.grid, ui::Colormap::gray, 0.0f, 1.0f, 0.35f);
    plane.points(recipe_->data().data(), recipe_->data().shape()[0], kit::palette::series[1], 1.5f);
    for (std::size_t p = 0; p < recipe_->curve().pieces.size(); ++p) {
        const auto& piece = recipe_->curve().pieces[p];
        plane.curve(piece.data(), piece.size() / 2, kit::palette::reference, recipe_->curve().closed[p], 1.5f);
    }
    plane.arrows(recipe_->grid().data(), f.data(), M, kit::palette::series[0], st_.arrow_scale, 0.0f);
    if (stroke_.size() >= 4) plane.curve(stroke_.data(), stroke_.size() / 2, kit::palette::window, false, 2.5f);
    if (plane.pressed()) stroke_point(plane.mouse().x, plane.mouse().y);
    const FieldStats& s = stats_[k];
    ImGui::Text("cosine %.2f, length %.3f", s.mean_cosine, s.mean_length);
    ImGui::EndGroup();
}

void ManifoldSection::draw_planes() {
    refresh_fields();
    const float avail = ImGui::GetContentRegionAvail().x, gap = ImGui::GetStyle().ItemSpacing.x;
    if (st_.view == ManifoldView::all) {
        const float size = std::max(160.0f, std::min(400.0f, (avail - 2 * gap) / 3.0f));
        for (ManifoldKind k : kAllManifoldKinds) {
            if (k != ManifoldKind::plain) ImGui::SameLine();
            ImGui::PushID(int(k));
            draw_plane("field", k, size);
            ImGui::PopID();
        }
    } else {
        draw_plane("field", ManifoldKind(int(st_.view) - 1), std::clamp(avail, 160.0f, 480.0f));
    }
    ImGui::TextDisabled("Blue dots: the %d training points; grey line: the curve; orange arrows: g(f(x)) - x on a "
                        "%d x %d grid (x%.2f); background: the arrow's length (white: 1 or more).",
                        recipe_->options().points, recipe_->options().grid, recipe_->options().grid, st_.arrow_scale);
}

void ManifoldSection::draw_figures() {
    const ManifoldOptions& o = recipe_->options();
    ImGui::Text("At step %d, over the %d grid points between %.1f and %.1f from the curve:", live_.run().step(),
                stats_[0].count, o.near_min, o.near_max);
    ImGui::SameLine();
    ui::help_marker("mean cosine: the average over those points of the cosine between the arrow g(f(x)) - x and the "
                    "direction from x to its nearest point on the curve (1: straight at it, 0: along it or no arrow, "
                    "-1: away). mean length: the arrows' average length. ||J_f||_F^2: the encoder's Jacobian norm "
                    "averaged over the training points (how much the code moves when x moves). The figures are "
                    "updated every 100 steps.");
    if (ImGui::BeginTable("manifold-figures", 5, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_BordersInnerV)) {
        for (const char* h : {"autoencoder", "mean cosine", "mean length", "loss", "||J_f||_F^2"}) ImGui::TableSetupColumn(h);
        ImGui::TableHeadersRow();
        for (ManifoldKind k : kAllManifoldKinds) {
            const std::size_t i = std::size_t(k);
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextColored(ImColor(kit::palette::series[i]), "%s", kKindTitles[i]);
            ImGui::TableNextColumn();
            ImGui::Text("%.3f", stats_[i].mean_cosine);
            ImGui::TableNextColumn();
            ImGui::Text("%.3f", stats_[i].mean_length);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(ui::fmt_num(job_->loss(k)).c_str());
            ImGui::TableNextColumn();
            ImGui::Text("%.3f", jacobian_[i]);
        }
        ImGui::EndTable();
    }
    const float dx = float(kEvalEvery);
    const ui::PlotStyle ps{ImVec2(0, 140), false, "step", "%.2f"};
    std::vector<ui::Series> series;
    for (ManifoldKind k : kAllManifoldKinds) {
        const auto& h = cosine_history_[std::size_t(k)];
        series.push_back({kKindTitles[std::size_t(k)], h.data(), int(h.size()), kit::palette::series[std::size_t(k)], 0, dx});
    }
    ImGui::TextUnformatted("Mean cosine with the direction to the curve, over training");
    ui::line_plot("manifold-cosine", series, ps);
    ImGui::TextWrapped(
        "Read the table: the denoiser's and the contractive autoencoder's arrows point at the curve (cosine near 1 "
        "on the circle) and have a length comparable to the distance; the plain autoencoder's arrows are a fraction "
        "as long: it reconstructs every point as itself. The denoiser's arrows grow with sigma. On the spiral and "
        "the two moons the nearest curve point is not always where the points' density pulls (between two arms, "
        "near the moons' tips), so the cosine is lower; the contractive autoencoder, one tied layer of sigmoids, "
        "fits those shapes less well than the denoiser (with the defaults its cosine is about 0.6 on the spiral "
        "and about 0 on the two moons).");
}

void ManifoldSection::draw() {
    draw_explanation();
    draw_controls();
    if (!live_.built()) {  // the error (e.g. no curve drawn yet) is shown by the panel
        if (st_.shape == ManifoldShape::drawn) {
            ImGui::TextUnformatted("Draw a curve here (press and drag):");
            kit::PlaneCanvas plane("draw", {-kDrawExtent, kDrawExtent, -kDrawExtent, kDrawExtent});
            if (stroke_.size() >= 4) plane.curve(stroke_.data(), stroke_.size() / 2, kit::palette::window, false, 2.5f);
            if (plane.pressed()) stroke_point(plane.mouse().x, plane.mouse().y);
        }
        finish_stroke_on_release();
        return;
    }
    try {
        draw_planes();
        draw_figures();
        ui::pytorch_panel("manifold-torch", pytorch_code(recipe_->options(), manifold_shape_key(st_.shape)));
        std::vector<ui::NpyExport> files = {{"data.npy", &recipe_->data()},
                                            {"grid.npy", &recipe_->grid()},
                                            {"field_plain.npy", &fields_[0]},
                                            {"field_denoising.npy", &fields_[1]},
                                            {"field_contractive.npy", &fields_[2]}};
        Tensor drawn;  // (vertices, 2)
        if (st_.shape == ManifoldShape::drawn && st_.drawn.size() >= 4) {
            drawn = from_values({st_.drawn.size() / 2, 2}, st_.drawn);
            files.push_back({"drawn_curve.npy", &drawn});
        }
        ui::export_buttons("manifold-export", files);
    } catch (const Error& e) {
        ui::error_panel("Could not compute the fields", e.what());
    }
    finish_stroke_on_release();
}

// A stroke ends when the button is up (wherever it was released); the new curve's runs start
// after the planes of this frame are drawn.
void ManifoldSection::finish_stroke_on_release() {
    if (!stroke_.empty() && !ImGui::IsMouseDown(ImGuiMouseButton_Left)) end_stroke();
}

}  // namespace aelab::lessons::regularized_ae
