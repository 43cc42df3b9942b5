// Lesson "Convolutional autoencoders" (id: conv-autoencoder)
// What it teaches: an autoencoder for images is built from the course's op lessons put together:
// convolution and pooling take the image down to a small code, max-unpooling (with the pool's
// switches), transposed convolution or nearest upsampling + convolution take it back up. The
// student designs the network layer by layer (every layer's output shape and parameter count
// recomputed as they edit, the first layer that cannot work named), trains two designs side by
// side on the same batches (the transposed-conv decoder's checkerboard forming beside the
// resize-conv decoder's smooth output), and looks inside: every layer's feature maps, the first
// layer's learned filters, the test images a channel responds to most and an input found by
// gradient ascent. Training tricks from the CNN lecture are options: BatchNorm2d and Dropout as
// layers of the editor, data augmentation (shifts and flips) as a switch.
// Models, training and evaluation are the core's recipe (aelab/recipe_conv_ae.hpp), the same
// one `aelab-cli train conv-ae --arch SPEC --arch2 SPEC` runs.
//
// Index of this file:                                              URL keys
//   [SECTION] Page state in the URL                                (all)
//   [SECTION] The editor's operations                              -
//   [SECTION] The training                                         -
//   [SECTION] Inside the network                                   -
//   [SECTION] 1. Design                                            arch, arch2
//   [SECTION] 2. Train                                             seed, lr, steps, train, aug
//   [SECTION] 3. Inside the network                                net, img, layer, ch
//   [SECTION] The lesson                                           open
#include "conv_autoencoder.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <sstream>
#include <tuple>

#include <imgui.h>
#include <xtensor/xview.hpp>

#include "aelab/feature_viz.hpp"
#include "aelab/recipe_denoising.hpp"
#include "kit/a11y.hpp"
#include "kit/palette.hpp"
#include "kit/platform.hpp"
#include "kit/widgets.hpp"
#include "lesson.hpp"
#include "kit/image_input.hpp"

namespace aelab::lessons {
namespace conv_autoencoder {

//-----------------------------------------------------------------------------
// [SECTION] Page state in the URL
//-----------------------------------------------------------------------------

bool spec_text_allowed(const std::string& text) {
    if (text.size() > kArchMaxTextLength) return false;
    for (char c : text)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) return false;
    return true;
}

kit::UrlState url_state(Settings& s, kit::Sections& sections, LiveTraining& training) {
    kit::UrlState url;
    url.add("arch", s.arch, spec_text_allowed);
    url.custom("arch2",  // "none": network 1 trains alone
               [&s](const std::string& v) {
                   if (!spec_text_allowed(v)) return false;
                   s.arch2 = v == "none" ? "" : v;
                   return true;
               },
               [&s] { return s.arch2.empty() ? std::string("none") : s.arch2; });
    url.add("aug", s.augment);
    training.bind(url, kMinSteps, kMaxSteps);
    url.add("net", s.net, 0, 1).add("img", s.image, 0, 1 << 30).add("layer", s.layer, 0, int(kArchMaxLayers))
        .add("ch", s.channel, 0, 1 << 16);
    sections.bind(url, kSections);
    return url;
}

ConvAeOptions conv_ae_options(const Settings& s, const LiveTraining& training) {
    ConvAeOptions o;
    o.learning_rate = training.controls().learning_rate;
    o.seed = std::uint64_t(training.controls().seed);
    o.steps = training.max_steps();
    o.eval_count = kEvalImages;
    o.augment = s.augment;
    return o;
}

std::vector<std::string> training_specs(const Settings& s) {
    std::vector<std::string> specs = {s.arch};
    if (!s.arch2.empty()) specs.push_back(s.arch2);
    return specs;
}

//-----------------------------------------------------------------------------
// [SECTION] The editor's operations
//-----------------------------------------------------------------------------

std::vector<std::string> spec_tokens(const std::string& spec) {
    std::vector<std::string> tokens;
    std::string token;
    std::istringstream in(spec);
    while (std::getline(in, token, '-'))
        if (!token.empty()) tokens.push_back(token);
    return tokens;
}

std::string join_tokens(const std::vector<std::string>& tokens) {
    std::string s;
    for (const std::string& t : tokens) s += (s.empty() ? "" : "-") + t;
    return s;
}

const std::vector<std::string>& new_layer_tokens() {
    static const std::vector<std::string> tokens = {
        "conv16", "conv16s2p1", "pool2", "unpool1", "tconv16s2p1o1", "up2", "flat", "lin32", "unflat32x7x7",
        "relu",   "sigmoid",    "tanh",  "lrelu",   "bn",            "drop0.2", "code"};
    return tokens;
}

std::vector<int> token_rows(const std::vector<std::string>& tokens) {
    std::vector<int> rows;
    int row = 0;
    for (const std::string& t : tokens) rows.push_back(t == "code" ? -1 : row++);
    return rows;
}

void move_token(std::vector<std::string>& tokens, std::size_t i, int direction) {
    const std::ptrdiff_t j = std::ptrdiff_t(i) + direction;
    if (i < tokens.size() && j >= 0 && std::size_t(j) < tokens.size()) std::swap(tokens[i], tokens[std::size_t(j)]);
}

//-----------------------------------------------------------------------------
// [SECTION] The training
//-----------------------------------------------------------------------------

// The networks train as the core's conv_ae job (aelab/jobs/conv_autoencoder.hpp) on the kit's
// trainer (a Web Worker, a second thread or this thread); st.recipe is the page's copy, holding
// the weights of the latest snapshot. Augmentation is in the job's spec: switching it rebuilds.
void attach_training(LiveTraining& t, TrainState& st, const Dataset& data, const Settings& s) {
    t.set_epoch_size(int(data.size(Split::train)));
    t.track(st.losses2);
    LiveTraining::JobHooks h;
    h.data = &data;
    h.spec = [&st, &t, &s] {
        st.job = nullptr, st.recipe = nullptr;
        st.held_out.clear();
        ++st.builds;
        return conv_ae_job_spec(training_specs(s), conv_ae_options(s, t));
    };
    h.built = [&st](TrainJob& job) {
        st.job = &static_cast<ConvAeJob&>(job);
        st.recipe = &st.job->recipe();
    };
    h.evaluated = [&st](int step, const std::vector<float>& f) {
        st.held_out.push_back({step, std::vector<double>(f.begin(), f.end())});
    };
    t.set_job(std::move(h));
}

//-----------------------------------------------------------------------------
// [SECTION] Inside the network
//-----------------------------------------------------------------------------

Tensor first_conv_filters(Sequential& model, const std::string& spec) {
    const Architecture arch = parse_architecture(spec);
    std::size_t offset = 0;
    for (std::size_t l = 0; l < arch.layers.size() && l < model.size(); ++l) {
        if (arch.layers[l].kind == ArchKind::conv) {
            const Shape w = model.layer(l).param_specs().at(0).shape;  // (C_out, C_in, k, k)
            Tensor out = uninitialized(w);
            std::copy(model.params() + offset, model.params() + offset + out.size(), out.data());
            return out;
        }
        offset += model.layer(l).param_count();
    }
    return Tensor();
}

int channel_count(const Tensor& h) { return h.dimension() > 2 ? int(h.shape()[1]) : 1; }

std::string pytorch_training(const Settings& s, const ConvAeOptions& o) {
    std::ostringstream p;
    p << "import torch, torch.nn.functional as F\n"
      << "# " << (s.arch2.empty() ? "model: the nn.Sequential of the spec" : "model, model2: the nn.Sequential of each spec")
      << " (section 1's panels)\n"
      << "torch.manual_seed(" << o.seed << ")\n"
      << "opts = [torch.optim.Adam(m.parameters(), lr=" << o.learning_rate << ") for m in (model"
      << (s.arch2.empty() ? "" : ", model2") << ")]\n"
      << "for x, _ in loader:                      # batches of " << o.batch_size << " (N, 1, 28, 28) in [0, 1]\n";
    if (s.augment)
        p << "    x = augment(x)                       # shifts up to 2 px (zero fill), random horizontal flips\n";
    p << "    for m, opt in zip((model" << (s.arch2.empty() ? "" : ", model2") << "), opts):   # the same batch for both\n"
      << "        m.train(); opt.zero_grad()\n"
      << "        loss = F.mse_loss(m(x), x)\n"
      << "        loss.backward(); opt.step()\n"
      << "model.eval()                              # BatchNorm2d: running statistics; Dropout: off\n"
      << "with torch.no_grad():\n"
      << "    mse = F.mse_loss(model(test_x), test_x)\n"
      << "    psnr_db = 10 * torch.log10(1 / mse)\n";
    return p.str();
}

}  // namespace conv_autoencoder

namespace {
using namespace conv_autoencoder;

constexpr int kSide = 28, kShownImages = 8;

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

void image(const char* id, const float* plane, float zoom) {
    ui::HeatmapStyle hs;
    hs.zoom = zoom;
    ui::heatmap(id, plane, kSide, kSide, hs);
}

// A (rows, cols) plane as a small heat map on its own colour range.
void feature_map(const char* id, const float* plane, int rows, int cols, float width,
                 ui::Colormap cmap = ui::Colormap::gray) {
    ui::HeatmapStyle hs;
    hs.cmap = cmap;
    hs.auto_range = true;  // diverging: symmetric around 0, so a filter's sign reads as colour
    hs.zoom = std::max(1.0f, width / float(std::max(rows, cols)));
    ui::heatmap(id, plane, rows, cols, hs);
}

// Hand-made 3x3 filters of the convolution lesson, to hold the learned ones against.
struct ClassicFilter {
    const char* name;
    float w[9];
};
const ClassicFilter kClassicFilters[] = {
    {"Sobel x", {1, 0, -1, 2, 0, -2, 1, 0, -1}},
    {"Sobel y", {1, 2, 1, 0, 0, 0, -1, -2, -1}},
    {"W1 = [1, -1]", {0, 0, 0, 0, 1, -1, 0, 0, 0}},
    {"W2 = [1; -1]", {0, 0, 0, 0, 1, 0, 0, -1, 0}},
    {"Gaussian", {1, 2, 1, 2, 4, 2, 1, 2, 1}},
    {"sharpen", {0, -1, 0, -1, 5, -1, 0, -1, 0}},
};

//-----------------------------------------------------------------------------
// The page
//-----------------------------------------------------------------------------
class ConvAutoencoderLesson final : public Lesson {
public:
    ConvAutoencoderLesson() {
        training_.controls().lr_min = 1e-5f;
        training_.controls().lr_max = 0.1f;
        training_.controls().learning_rate = ConvAeOptions{}.learning_rate;
        url_.read();
    }
    void draw() override;

private:
    Settings st_;
    kit::Sections sections_{0b111};
    LiveTraining training_{3000, ConvAeOptions{}.batch_size, 6000, kEvalEvery};
    kit::UrlState url_ = url_state(st_, sections_, training_);
    TrainState train_;
    bool attached_ = false;

    void report_status() {
        const TrainingRun& run = training_.run();
        platform::set_status("step", std::to_string(run.step()));
        if (!run.losses().empty()) {
            platform::set_status("loss", ui::fmt_num(run.losses().back()));
            platform::set_status("first_loss", ui::fmt_num(run.losses().front()));
        }
        platform::set_status("examples_per_s", std::to_string(std::lround(run.examples_per_second())));
        if (!train_.held_out.empty()) {
            const PsnrPoint& p = train_.held_out.back();
            platform::set_status("psnr_db", ui::fmt_num(float(p.psnr_db[0])));
            if (p.psnr_db.size() > 1) platform::set_status("psnr_db_2", ui::fmt_num(float(p.psnr_db[1])));
        }
        platform::set_status("arch_ok", check_architecture(st_.arch).ok ? "1" : "0");
    }

    //-------------------------------------------------------------------------
    // [SECTION] 1. Design
    //-------------------------------------------------------------------------
    int editing_ = 0;  // 0: network 1, 1: network 2
    char text_[kArchMaxTextLength + 1] = {};
    std::string text_for_;  // the spec text_ was filled from

    // One spec's editor. Returns true when the spec changed.
    bool edit_spec(std::string& spec) {
        bool changed = false;
        if (text_for_ != spec) {
            std::snprintf(text_, sizeof text_, "%s", spec.c_str());
            text_for_ = spec;
        }
        ImGui::SetNextItemWidth(-1);
        a11y::next_item(a11y::Role::value, false, "layer list as text");
        if (ImGui::InputText("##spec", text_, sizeof text_) && spec_text_allowed(text_)) {
            spec = text_;
            text_for_ = spec;
            changed = true;
        }
        if (ui::begin_combo("preset", "load a preset...")) {
            for (const ArchPreset& p : architecture_presets())
                if (ImGui::Selectable(p.title)) {
                    spec = p.spec;
                    changed = true;
                }
            ImGui::EndCombo(); a11y::resume();
        }
        ImGui::SameLine();
        ui::help_marker(
            "pool-unpool: max-pooling down, max-unpooling up through the pools' switches. strided: stride-2 convs "
            "down, stride-2 transposed convs up (benchmark case h). resize-conv: nearest upsampling then a conv, "
            "which avoids the transposed conv's uneven overlap (the checkerboard).");

        std::vector<std::string> tokens = spec_tokens(spec);
        const ArchCheck check = check_architecture(spec);
        const std::vector<int> rows = token_rows(tokens);
        bool tokens_changed = false;
        if (ImGui::BeginTable("layers", 6, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg |
                                                ImGuiTableFlags_BordersInnerV)) {
            ImGui::TableSetupColumn("#");
            ImGui::TableSetupColumn("layer");
            ImGui::TableSetupColumn("numbers");
            ImGui::TableSetupColumn("output shape");
            ImGui::TableSetupColumn("parameters");
            ImGui::TableSetupColumn("move / remove");
            ImGui::TableHeadersRow();
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted("input");
            ImGui::TableNextColumn();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(shape_str(ArchOptions{}.sample_shape).c_str());
            ImGui::TableNextColumn();
            ImGui::TableNextColumn();
            std::ptrdiff_t remove = -1;
            for (std::size_t i = 0; i < tokens.size(); ++i) {
                ImGui::PushID(int(i));
                ImGui::TableNextRow();
                const int row = rows[i];
                const bool failed = row >= 0 && (row >= int(check.rows.size()) || row == check.error_layer);
                const bool is_code = row >= 0 && row == check.code_layer;
                ImGui::TableNextColumn();
                if (row >= 0) ImGui::Text("%d", row);  // the code marker is not a layer: no number
                ImGui::TableNextColumn();
                if (failed && row == check.error_layer) ImGui::PushStyleColor(ImGuiCol_Text, kit::palette::error);
                ImGui::TextUnformatted(tokens[i].c_str());
                if (failed && row == check.error_layer) ImGui::PopStyleColor();
                if (row >= 0 && row < int(check.rows.size()) && !check.rows[std::size_t(row)].name.empty())
                    ImGui::SameLine(), ImGui::TextDisabled("(%s)", check.rows[std::size_t(row)].name.c_str());
                ImGui::TableNextColumn();
                tokens_changed |= edit_numbers(tokens[i]);
                ImGui::TableNextColumn();
                if (row < 0) {
                    ImGui::TextDisabled("the code is the layer above");
                } else if (row < int(check.rows.size())) {
                    ImGui::Text("%s%s", shape_str(check.rows[std::size_t(row)].output).c_str(), is_code ? "  <- code" : "");
                } else {
                    ImGui::TextDisabled("-");
                }
                ImGui::TableNextColumn();
                if (row >= 0 && row < int(check.rows.size())) ImGui::Text("%lld", (long long)check.rows[std::size_t(row)].params);
                ImGui::TableNextColumn();
                if (ImGui::ArrowButton("up", ImGuiDir_Up)) move_token(tokens, i, -1), tokens_changed = true;
                ImGui::SameLine();
                if (ImGui::ArrowButton("down", ImGuiDir_Down)) move_token(tokens, i, +1), tokens_changed = true;
                ImGui::SameLine();
                if (ui::small_button("x")) remove = std::ptrdiff_t(i);
                ImGui::PopID();
            }
            ImGui::EndTable();
            if (remove >= 0) {
                tokens.erase(tokens.begin() + remove);
                tokens_changed = true;
            }
        }
        if (ui::begin_combo("add layer", "add a layer at the end...")) {
            for (const std::string& t : new_layer_tokens())
                if (ImGui::Selectable(t.c_str())) {
                    tokens.push_back(t);
                    tokens_changed = true;
                }
            ImGui::EndCombo(); a11y::resume();
        }
        if (tokens_changed) {
            spec = join_tokens(tokens);
            changed = true;
        }
        if (check.ok) {
            ImGui::Text("%lld parameters; the code is %s = %lld numbers; a dense autoencoder 784 -> %lld -> 784 has "
                        "%lld, %.2f times this network's count (convolutions share their weights across positions; "
                        "Linear layers around a small code do not)",
                        (long long)check.params, shape_str(check.code_shape).c_str(), (long long)check.code_size,
                        (long long)check.code_size, (long long)check.dense_params,
                        double(check.dense_params) / double(std::max<std::int64_t>(check.params, 1)));
        } else {
            ui::error_panel("This network cannot work", check.error);
        }
        return changed;
    }

    // The numbers of one token (channels, kernel, stride, padding, output padding) as inputs.
    static bool edit_numbers(std::string& token) {
        Architecture a;
        try {
            a = parse_architecture(token);
        } catch (const Error&) {
            ImGui::TextDisabled("(edit the text)");
            return false;
        }
        if (a.layers.size() != 1) return false;
        ArchLayer l = a.layers[0];
        bool changed = false;
        auto number = [&changed](const char* label, int& v, int lo, int hi) {
            ImGui::SetNextItemWidth(70);
            int x = v;
            if (ImGui::InputInt(label, &x, 1, 4)) {
                v = std::clamp(x, lo, hi);
                changed = true;
            }
            ImGui::SameLine();
        };
        const bool conv = l.kind == ArchKind::conv || l.kind == ArchKind::tconv;
        if (conv || l.kind == ArchKind::linear) number(l.kind == ArchKind::linear ? "features" : "ch", l.out, 1, 4096);
        if (conv || l.kind == ArchKind::pool) {
            number("k", l.kernel, 1, int(kArchMaxWindow));
            number("s", l.stride, 1, int(kArchMaxWindow));
            number("p", l.padding, 0, int(kArchMaxWindow));
        }
        if (l.kind == ArchKind::tconv) number("o", l.output_padding, 0, int(kArchMaxWindow));
        if (l.kind == ArchKind::upsample) number("scale", l.scale, 1, int(kArchMaxWindow));
        if (l.kind == ArchKind::unpool) number("pool", l.pool, 1, 64);
        ImGui::NewLine();
        if (changed) token = l.text();
        return changed;
    }

    void draw_design() {
        ImGui::TextWrapped(
            "Put the op lessons together: an encoder of convolutions and pooling takes the 1 x 28 x 28 image down to "
            "a small code, a decoder of max-unpooling, transposed convolutions or upsampling + convolution takes it "
            "back up. Edit the layer list (numbers, order, add or remove) or the text; every layer's output shape and "
            "parameter count follow, and the first layer that cannot work is named with the reason. The decoder must "
            "end at 1 x 28 x 28.");
        ui::radio_button("network 1", &editing_, 0);
        ui::same_line_if_fits(ui::check_width("network 2 (trained beside it)"));
        ui::radio_button("network 2 (trained beside it)", &editing_, 1);
        std::string& spec = editing_ == 0 ? st_.arch : st_.arch2;
        bool changed;
        {
            LockedWhileRunning lock(training_);
            ImGui::PushID(editing_);
            changed = edit_spec(spec);
            ImGui::PopID();
            if (editing_ == 1 && ImGui::Button("train network 1 alone")) {
                st_.arch2.clear();
                changed = true;
            }
        }
        if (changed && attached_) training_.rebuild();
        try {
            ui::pytorch_panel("torch-arch", architecture_pytorch(spec));
        } catch (const Error&) {
            // The error panel above already says why there is no PyTorch text.
        }
    }

    //-------------------------------------------------------------------------
    // [SECTION] 2. Train
    //-------------------------------------------------------------------------
    kit::ThroughModel mine_;  // your own image through both networks
    int recon_version_ = -1;
    Tensor recon_inputs_;                // (kShownImages, 1, 28, 28)
    std::vector<Tensor> recons_;         // per network, like recon_inputs_

    void draw_train(const Dataset& d) {
        ImGui::TextWrapped(
            "Both networks train on the same Fashion-MNIST batches of %d from the same seed, each with its own Adam, "
            "mean squared error against the input. Held-out PSNR = 10 log10(1 / MSE) on the first %d test images, in "
            "evaluation mode. Watch the transposed-conv decoder's reconstructions: a faint checkerboard forms where "
            "its stride-2 kernels overlap unevenly; the resize-conv decoder upsamples first and has none.",
            ConvAeOptions{}.batch_size, kEvalImages);
        {
            LockedWhileRunning lock(training_);
            int steps = training_.max_steps();
            ImGui::SetNextItemWidth(110);
            if (ImGui::InputInt("steps", &steps, 500, 1000)) training_.set_max_steps(std::clamp(steps, kMinSteps, kMaxSteps));
        }
        ImGui::SameLine();
        bool augment_changed;
        {
            LockedWhileRunning lock(training_);
            augment_changed = ImGui::Checkbox("augment (shifts up to 2 px, flips)", &st_.augment);
        }
        if (augment_changed) training_.rebuild();
        ImGui::SameLine();
        ui::help_marker(
            "A training trick from the CNN lecture: every batch is shifted by up to 2 pixels (zero fill) and half of "
            "its images mirrored, so the network sees more variety than the data holds. Switching it starts a new run "
            "(pause first). BatchNorm2d (bn) and Dropout (drop0.2) are layers: add them in the editor.");
        training_.panel("conv-ae");
        if (!training_.built()) return;
        ConvAeRecipe& r = *train_.recipe;
        const TrainingRun& run = training_.run();
        const float half = ImGui::GetContentRegionAvail().x * 0.5f - 4;
        std::vector<ui::Series> loss = {{"network 1", run.losses().data(), int(run.losses().size()), kit::palette::series[0]}};
        if (r.size() > 1) loss.push_back({"network 2", train_.losses2.data(), int(train_.losses2.size()), kit::palette::series[1]});
        ui::line_plot("loss", loss, ui::PlotStyle{ImVec2(half, 160), true});
        ImGui::SameLine();
        std::vector<std::vector<float>> psnr(r.size());
        for (const PsnrPoint& p : train_.held_out)
            if (p.step % kEvalEvery == 0)
                for (std::size_t i = 0; i < r.size(); ++i) psnr[i].push_back(float(p.psnr_db[i]));
        std::vector<ui::Series> ps;
        for (std::size_t i = 0; i < r.size(); ++i)
            ps.push_back({i == 0 ? "PSNR 1 (dB)" : "PSNR 2 (dB)", psnr[i].data(), int(psnr[i].size()),
                          kit::palette::series[i], 0.0f, float(kEvalEvery)});
        ui::line_plot("psnr", ps, ui::PlotStyle{ImVec2(half, 160), false});

        const PsnrPoint& latest = train_.held_out.back();
        for (std::size_t i = 0; i < r.size(); ++i) {
            const ArchCheck& c = r.net(i).check;
            ImGui::Text("network %d: held-out PSNR %.2f dB at step %d; %lld parameters (dense with the same %lld-number "
                        "code: %lld)",
                        int(i + 1), latest.psnr_db[i], latest.step, (long long)c.params, (long long)c.code_size,
                        (long long)c.dense_params);
        }
        if (recon_version_ != training_.version()) {  // new weights arrive a few times a second
            recon_inputs_ = d.batch(Split::test, 0, kShownImages);
            recons_.clear();
            for (std::size_t i = 0; i < r.size(); ++i) recons_.push_back(r.reconstruct(i, recon_inputs_));
            recon_version_ = training_.version();
        }
        if (ImGui::BeginTable("recons", kShownImages + 1, ImGuiTableFlags_SizingFixedFit)) {
            for (std::size_t row = 0; row <= recons_.size(); ++row) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(row == 0 ? "test image" : row == 1 ? "network 1" : "network 2");
                const Tensor& t = row == 0 ? recon_inputs_ : recons_[row - 1];
                for (int k = 0; k < kShownImages; ++k) {
                    ImGui::TableNextColumn();
                    ImGui::PushID(int(row * 100 + std::size_t(k)));
                    image("img", t.data() + std::size_t(k) * kSide * kSide, 2.5f);
                    ImGui::PopID();
                }
            }
            ImGui::EndTable();
        }
        // Your own image (kit/image_input.hpp) through both networks; not in the link.
        kit::user_image_through_model("conv_ae_image", mine_, [&](const Tensor& x) {
            std::vector<kit::ModelOutput> outs;
            for (std::size_t i = 0; i < r.size(); ++i) outs.push_back({ui::format("network %d", int(i + 1)), r.reconstruct(i, x)});
            return outs;
        });
        ui::pytorch_panel("torch-train", pytorch_training(st_, conv_ae_options(st_, training_)));
        std::vector<ui::NpyExport> files = {{"test_images.npy", &recon_inputs_}};
        const char* names[2] = {"reconstructions_1.npy", "reconstructions_2.npy"};
        for (std::size_t i = 0; i < recons_.size(); ++i) files.push_back({names[i], &recons_[i]});
        ui::export_buttons("export-train", files);
    }

    //-------------------------------------------------------------------------
    // [SECTION] 3. Inside the network
    //-------------------------------------------------------------------------
    std::vector<Tensor> maps_;  // forward_capture of the chosen image: per layer (1, C, H, W) or (1, F)
    Tensor filters_;            // the first conv's weight (C_out, C_in, k, k)
    std::tuple<int, int, int> maps_for_{-1, -1, -1};  // the weights' version, network and image of maps_, filters_
    Tensor chosen_maps_;        // the chosen layer's output, for export
    std::vector<Activating> top_;
    std::tuple<int, int, int, int> top_for_{-1, -1, -1, -1};  // (build, net, layer, channel)
    int top_step_ = 0;
    std::unique_ptr<FeatureAscent> ascent_;
    std::tuple<int, int, int, int> ascent_for_{-1, -1, -1, -1};  // the ascent holds that build's network
    Tensor ascent_input_;
    bool ascent_playing_ = false;

    void draw_inside(const Dataset& d) {
        ImGui::TextWrapped(
            "What the trained network computes: every layer's output for one test image (each channel a small heat "
            "map on its own range), the first convolution's filters (after some training, edge and blob detectors "
            "like the convolution lesson's classic filters), and for one channel the test images that excite it most "
            "and an input found by gradient ascent: maximise the channel's mean activation minus l2 * |x|^2.");
        if (!training_.built()) {
            ImGui::TextDisabled("Section 2's networks are not built (see its message).");
            return;
        }
        ConvAeRecipe& r = *train_.recipe;
        if (r.size() > 1) {
            ui::radio_button("inside network 1", &st_.net, 0);
            ui::same_line_if_fits(ui::check_width("inside network 2"));
            ui::radio_button("inside network 2", &st_.net, 1);
        }
        st_.net = std::clamp(st_.net, 0, int(r.size()) - 1);
        ConvAeNet& net = r.net(std::size_t(st_.net));
        const int n = int(d.size(Split::test));
        st_.image = std::clamp(st_.image, 0, n - 1);
        ImGui::SetNextItemWidth(220);
        ImGui::SliderInt("test image", &st_.image, 0, n - 1);
        const Tensor x = d.batch(Split::test, std::size_t(st_.image), 1);  // (1, 1, 28, 28)
        const std::tuple<int, int, int> maps_key{training_.version(), st_.net, st_.image};
        if (maps_key != maps_for_) {  // recomputed when the weights, the network or the image change
            EvalScope eval(net.net);
            maps_ = net.net.forward_capture(x);
            filters_ = first_conv_filters(net.net, net.spec);
            maps_for_ = maps_key;
        }

        if (filters_.dimension() == 4) {
            ImGui::Separator();
            ImGui::TextUnformatted("First convolution's filters");
            const int C = int(filters_.shape()[0]), k = int(filters_.shape()[2]);
            for (int c = 0; c < C; ++c) {
                ImGui::PushID(c);
                if (c % 16) ImGui::SameLine();
                feature_map("filter", filters_.data() + std::size_t(c) * filters_.shape()[1] * std::size_t(k * k), k, k, 36,
                            ui::Colormap::diverging);
                ImGui::PopID();
            }
            ImGui::TextDisabled("beside the convolution lesson's hand-made filters (blue negative, red positive):");
            for (const ClassicFilter& f : kClassicFilters) {
                if (&f != kClassicFilters) ImGui::SameLine();
                ImGui::BeginGroup();
                feature_map(f.name, f.w, 3, 3, 36, ui::Colormap::diverging);
                ImGui::TextDisabled("%s", f.name);
                ImGui::EndGroup();
            }
        }

        ImGui::Separator();
        ImGui::TextUnformatted("Every layer's output");
        image("input", x.data(), 3.0f);
        for (std::size_t l = 0; l < maps_.size(); ++l) {
            const Tensor& h = maps_[l];
            ImGui::PushID(int(l));
            ImGui::Text("layer %d  %s  -> %s", int(l), net.check.rows[l].token.c_str(), shape_str(net.check.rows[l].output).c_str());
            if (h.dimension() == 4) {
                const int C = channel_count(h), H = int(h.shape()[2]), W = int(h.shape()[3]);
                const int shown = std::min(C, 64);
                for (int c = 0; c < shown; ++c) {
                    ImGui::PushID(c);
                    if (c % 16) ImGui::SameLine();
                    feature_map("map", h.data() + std::size_t(c) * std::size_t(H * W), H, W, 40);
                    if (ImGui::IsItemClicked()) st_.layer = int(l), st_.channel = c;
                    ImGui::PopID();
                }
                if (shown < C) ImGui::TextDisabled("(first 64 of %d channels)", C);
            } else {
                const int F = int(h.size());
                feature_map("flat", h.data(), 1, F, std::min(8.0f * float(F), ImGui::GetContentRegionAvail().x));
            }
            ImGui::PopID();
        }

        ImGui::Separator();
        ImGui::TextUnformatted("One channel: the images that excite it, and gradient ascent");
        st_.layer = std::clamp(st_.layer, 0, int(maps_.size()) - 1);
        ImGui::SetNextItemWidth(160);
        ImGui::SliderInt("layer", &st_.layer, 0, int(maps_.size()) - 1);
        const int channels = channel_count(maps_[std::size_t(st_.layer)]);
        st_.channel = std::clamp(st_.channel, 0, channels - 1);
        ImGui::SameLine();
        ImGui::SetNextItemWidth(160);
        ImGui::SliderInt("channel", &st_.channel, 0, channels - 1);
        ImGui::SameLine();
        ui::help_marker("Click a feature map above to choose its layer and channel.");
        chosen_maps_ = maps_[std::size_t(st_.layer)];

        const std::tuple<int, int, int, int> key{train_.builds, st_.net, st_.layer, st_.channel};
        const bool refresh = ImGui::Button("Find the top nine again");
        if (key != top_for_ || refresh) {
            top_ = top_activating(net.net, std::size_t(st_.layer), st_.channel, d.batch(Split::test, 0, kTopPool), 9);
            top_for_ = key;
            top_step_ = train_.job->shown_step();
        }
        ImGui::SameLine();
        ImGui::TextDisabled("(of the first %d test images, at step %d)", kTopPool, top_step_);
        for (std::size_t i = 0; i < top_.size(); ++i) {
            ImGui::PushID(int(i));
            if (i % 9) ImGui::SameLine();
            ImGui::BeginGroup();
            image("top", d.batch(Split::test, top_[i].index, 1).data(), 2.0f);
            ImGui::Text("#%d %.3g", int(top_[i].index), top_[i].activation);
            ImGui::EndGroup();
            ImGui::PopID();
        }

        if (key != ascent_for_ || ImGui::Button("Restart the ascent from the test image")) {
            FeatureAscentOptions fo;
            fo.layer = std::size_t(st_.layer);
            fo.channel = st_.channel;
            ascent_ = std::make_unique<FeatureAscent>(net.net, fo, x);
            ascent_for_ = key;
            ascent_playing_ = false;
        }
        const bool step_once = ImGui::Button("Step");
        ImGui::SameLine();
        ImGui::Checkbox("play", &ascent_playing_);
        if (step_once || ascent_playing_) {
            EvalScope eval(net.net);
            ascent_->step();
        }
        if (ascent_playing_) platform::request_frame();  // one ascent step per frame
        ascent_input_ = ascent_->input();
        ImGui::SameLine();
        ImGui::Text("%d steps", ascent_->steps());
        ui::HeatmapStyle hs;
        hs.auto_range = true;
        hs.zoom = 4.0f;
        ui::heatmap("ascent", ascent_input_.data(), kSide, kSide, hs);
        ui::export_buttons("export-inside", {{"feature_maps.npy", &chosen_maps_},
                                             {"filters.npy", &filters_},
                                             {"ascent_input.npy", &ascent_input_}});
    }
};

//-----------------------------------------------------------------------------
// [SECTION] The lesson
//-----------------------------------------------------------------------------
void ConvAutoencoderLesson::draw() {
    ImGui::TextWrapped(
        "A convolutional autoencoder: convolution and pooling down to a code, unpooling, transposed convolution or "
        "upsampling back up, in corresponding pairs. Design one, train two side by side, and look inside.");
    const char* titles[kSections] = {"1. Design the network", "2. Train two designs side by side",
                                     "3. Inside the network"};
    training_.advance();
    for (int s = 0; s < kSections; ++s) {
        if (!sections_.header(s, titles[s])) continue;
        ImGui::PushID(s);
        try {
            if (s == 0) {
                draw_design();
            } else if (ui::dataset_ready()) {
                const Dataset& d = *platform::fashion_mnist().dataset;
                if (!attached_) {
                    attach_training(training_, train_, d, st_);
                    attached_ = true;
                    training_.rebuild();
                }
                if (s == 1) draw_train(d);
                if (s == 2) draw_inside(d);
            }
        } catch (const Error& e) {
            ui::error_panel("Could not compute this section", e.what());
        }
        ImGui::PopID();
    }
    report_status();
    url_.write();
}

}  // namespace

std::unique_ptr<Lesson> make_conv_autoencoder_lesson() { return std::make_unique<ConvAutoencoderLesson>(); }

}  // namespace aelab::lessons
