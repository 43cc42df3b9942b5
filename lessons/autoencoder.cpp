// Lesson "Autoencoders: encoder, code, decoder" (id: autoencoder)
// What it teaches: an autoencoder is an encoder f that maps x to a code z = f(x) and a decoder g
// that maps the code back, trained so that g(f(x)) is close to x. The code is only useful if
// something keeps the network from copying its input: a bottleneck (K < D) or a sparse code.
// The page trains the course's 8-3-8 toy live (eight one-hot inputs through three sigmoid code
// units and back), shows that a code wider than the input also "reconstructs" noise and
// scribbles, compares deep, shallow and asymmetric networks at the same code size, trains a
// stacked autoencoder greedily one layer at a time against the same network trained end to
// end, and reuses its encoder for classification with few labels (transfer).
// Models, training and evaluation are the core's recipes (aelab/recipe_autoencoder.hpp), the
// same ones `aelab-cli train autoencoder-838` and `aelab-cli train stacked-ae` run.
//
// Index of this file:                                              URL keys
//   [SECTION] Page state in the URL                                (all)
//   [SECTION] The trainings                                        -
//   [SECTION] PyTorch code                                         -
//   [SECTION] Drawing helpers                                      -
//   [SECTION] 1. The 8-3-8 code                                    loss, seed, lr, steps, train
//   [SECTION] 2. The bottleneck                                    code, img, nseed, bseed, blr, bsteps
//   [SECTION] 3. Deep, shallow, asymmetric                         dcode, dseed, dlr, dsteps
//   [SECTION] 4. Stacked, trained greedily                         sseed, slr, ssteps
//   [SECTION] 5. Reusing the encoder (transfer)                    -
//   [SECTION] The lesson                                           open
#include "autoencoder.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <tuple>

#include <imgui.h>
#include <xtensor/xview.hpp>

#include "aelab/loss.hpp"
#include "kit/palette.hpp"
#include "kit/platform.hpp"
#include "kit/pytorch.hpp"
#include "kit/widgets.hpp"
#include "lesson.hpp"
#include "kit/image_input.hpp"

namespace aelab::lessons {
namespace autoencoder {

//-----------------------------------------------------------------------------
// [SECTION] Page state in the URL
//-----------------------------------------------------------------------------

Trainings::Trainings() {
    toy.controls().lr_min = 0.01f;
    toy.controls().lr_max = 50.0f;
    toy.controls().learning_rate = Toy838Options{}.learning_rate;
    toy.controls().seed = int(Toy838Options{}.seed);
    // A toy step takes microseconds (about 100 fit in 1 ms in Chromium): paced at 10 steps a
    // frame, the table fills in over a second or two (1000 steps), not in a dozen frames.
    toy.controls().budget_ms = 1.0f;
    toy.controls().max_steps_per_frame = 10;
    // That pacing needs the steps on this page's thread (a worker or a thread would finish the
    // run in a few milliseconds); ten steps of microseconds a frame never make the page wait.
    toy.set_trainer(TrainerKind::inline_page);
    for (LiveTraining* t : {&bottleneck, &depth, &stacked}) {
        t->controls().lr_min = 1e-5f;
        t->controls().lr_max = 0.1f;
        t->controls().learning_rate = 1e-3f;
    }
}

kit::UrlState url_state(Settings& s, kit::Sections& sections, Trainings& t) {
    kit::UrlState url;
    url.custom("loss",
               [&s](const std::string& v) {
                   for (ToyLoss l : {ToyLoss::cross_entropy, ToyLoss::squared_error})
                       if (v == toy_loss_name(l)) {
                           s.toy_loss = l;
                           return true;
                       }
                   return false;
               },
               [&s] { return std::string(toy_loss_name(s.toy_loss)); });
    t.toy.bind(url, 1, kToyMaxSteps);
    url.add("code", s.code, kMinCode, kMaxCode).add("img", s.image, 0, 1 << 30).add("nseed", s.noise_seed, 0, 1 << 30);
    t.bottleneck.bind_prefixed(url, "b", kFashionMinSteps, kFashionMaxSteps);
    url.add("dcode", s.depth_code, kMinCode, kMaxDepthCode);
    t.depth.bind_prefixed(url, "d", kFashionMinSteps, kFashionMaxSteps);
    t.stacked.bind_prefixed(url, "s", kFashionMinSteps, kFashionMaxSteps);
    sections.bind(url, kSections);
    return url;
}

Toy838Options toy_options(const Settings& s, const LiveTraining& toy) {
    Toy838Options o;
    o.loss = s.toy_loss;
    o.learning_rate = toy.controls().learning_rate;
    o.seed = std::uint64_t(toy.controls().seed);
    o.steps = toy.max_steps();
    return o;
}

SideBySideOptions side_by_side_options(const LiveTraining& training) {
    SideBySideOptions o;
    o.eval_count = 200;  // a held-out pass of the 1024-wide network every kEvalEvery steps must not stall a frame
    o.learning_rate = training.controls().learning_rate;
    o.seed = std::uint64_t(training.controls().seed);
    o.steps = training.max_steps();
    return o;
}

StackedOptions stacked_options(const LiveTraining& stacked) {
    StackedOptions o = stacked_schedule(stacked.max_steps());
    o.learning_rate = stacked.controls().learning_rate;
    o.seed = std::uint64_t(stacked.controls().seed);
    return o;
}

std::vector<MlpAeSpec> bottleneck_specs(const Settings& s) {
    return {bottleneck_spec(kNarrowCode), bottleneck_spec(s.code)};
}

//-----------------------------------------------------------------------------
// [SECTION] The trainings
//-----------------------------------------------------------------------------

StackedJobOptions stacked_run_options(const LiveTraining& stacked) {
    StackedJobOptions j;
    j.o = stacked_options(stacked);
    j.every = kEvalEvery;  // the plot's grid; the end of a run off the grid is fitted, not plotted
    j.probes = true;
    return j;
}

// Every run trains as a core job (aelab/jobs/autoencoder.hpp) on the kit's trainer (a Web
// Worker, a second thread or this thread); the states point into the page's view copy.
void attach_toy(LiveTraining& t, ToyState& st, const Settings& s) {
    LiveTraining::JobHooks h;
    h.spec = [&st, &s, &t] {
        st.toy = nullptr;
        return toy838_job_spec(toy_options(s, t));
    };
    h.built = [&st](TrainJob& job) { st.toy = &static_cast<Toy838Job&>(job).toy(); };
    t.set_job(std::move(h));
}

void attach_side_by_side(LiveTraining& t, SideBySideState& st, const Dataset& data,
                         std::function<std::vector<MlpAeSpec>()> specs) {
    st.losses.resize(4);  // room for every network but the first; track() keeps the pointers
    for (auto& curve : st.losses) t.track(curve);
    LiveTraining::JobHooks h;
    h.data = &data;
    h.spec = [&st, &t, specs] {
        st.recipe = nullptr;
        st.job = nullptr;
        st.held_out.clear();
        const std::vector<MlpAeSpec> s = specs();
        if (s.size() > st.losses.size() + 1) throw Error("side by side: at most 5 networks");
        return side_by_side_job_spec(s, side_by_side_options(t));
    };
    h.built = [&st](TrainJob& job) {
        auto& j = static_cast<SideBySideJob&>(job);
        st.recipe = &j.recipe();
        st.job = &j;
    };
    h.evaluated = [&st](int step, const std::vector<float>& f) { st.held_out.push_back({step, side_by_side_eval_from(f)}); };
    t.set_job(std::move(h));
}

void fit_probes(StackedState& st, const Dataset& data) {
    ProbeResult p;
    p.fitted = true;
    p.step = st.job->step();
    StackedProbes q = stacked_probes(*st.recipe, data);
    p.greedy = std::move(q.greedy);
    p.end_to_end = std::move(q.end_to_end);
    st.probes = std::move(p);
}

void attach_stacked(LiveTraining& t, StackedState& st, const Dataset& data) {
    t.track(st.end_to_end);
    LiveTraining::JobHooks h;
    h.data = &data;
    h.spec = [&st, &t] {
        st.recipe = nullptr;
        st.job = nullptr;
        st.held_out_greedy.clear();
        st.held_out_end_to_end.clear();
        st.probes = {};
        return stacked_job_spec(stacked_run_options(t));
    };
    h.built = [&st](TrainJob& job) {
        auto& j = static_cast<StackedJob&>(job);
        st.recipe = &j.recipe();
        st.job = &j;
    };
    h.evaluated = [&st](int step, const std::vector<float>& f) {
        StackedEval e = stacked_eval_from(f);
        if (e.held_out) {  // a grid point for the plot; the end is fitted below
            st.held_out_greedy.push_back(e.mse_greedy);
            st.held_out_end_to_end.push_back(e.mse_end_to_end);
        }
        if (e.probed) {  // fitted by the job when the schedule was done
            st.probes.fitted = true;
            st.probes.step = step;
            st.probes.greedy = std::move(e.probes.greedy);
            st.probes.end_to_end = std::move(e.probes.end_to_end);
        }
    };
    t.set_job(std::move(h));
}

SeedSurvey survey_seeds(const Toy838Options& o, int first_seed) {
    SeedSurvey s;
    s.first_seed = first_seed;
    s.steps = o.steps;
    s.learning_rate = o.learning_rate;
    Toy838Options run = o;
    run.loss = ToyLoss::cross_entropy;
    s.cross_entropy = toy838_seeds_all_correct(run, std::uint64_t(first_seed), 10);
    run.loss = ToyLoss::squared_error;
    s.squared_error = toy838_seeds_all_correct(run, std::uint64_t(first_seed), 10);
    return s;
}

//-----------------------------------------------------------------------------
// [SECTION] PyTorch code
//-----------------------------------------------------------------------------

std::string pytorch_toy(const Toy838Options& o) {
    const bool ce = o.loss == ToyLoss::cross_entropy;
    std::ostringstream s;
    s << "import torch, torch.nn as nn, torch.nn.functional as F\n"
      << "torch.manual_seed(" << o.seed << ")  # (torch's random stream differs from the page's)\n"
      << "x = torch.eye(8)  # row k is e_k, the one-hot input\n"
      << "net = nn.Sequential(nn.Linear(8, 3), nn.Sigmoid(), nn.Linear(3, 8))  # outputs logits\n"
      << "opt = torch.optim.SGD(net.parameters(), lr=" << kit::py_float(o.learning_rate)
      << ", momentum=" << kit::py_float(o.momentum) << ")\n"
      << "for step in range(" << o.steps << "):  # all eight inputs in every step\n"
      << "    logits = net(x)\n"
      << (ce ? "    loss = F.binary_cross_entropy_with_logits(logits, x)  # cross-entropy of the bits\n"
             : "    loss = F.mse_loss(torch.sigmoid(logits), x)  # squared error\n")
      << "    opt.zero_grad(); loss.backward(); opt.step()\n"
      << "with torch.no_grad():\n"
      << "    z = net[1](net[0](x))           # (8, 3): the codes\n"
      << "    x_hat = torch.sigmoid(net(x))   # (8, 8): the reconstructions\n"
      << "print(z.round(), x_hat.round(), torch.equal(x_hat.round(), x))  # all right?";
    return s.str();
}

std::string pytorch_mlp(const MlpAeSpec& spec) {
    std::string s = "nn.Sequential(nn.Flatten()";
    int width = 784;
    auto linear = [&](int to, const char* act) {
        s += ", nn.Linear(" + std::to_string(width) + ", " + std::to_string(to) + ")" + act;
        width = to;
    };
    for (int w : spec.encoder_hidden) linear(w, ", nn.ReLU()");
    linear(spec.code, "");
    for (int w : spec.decoder_hidden) linear(w, ", nn.ReLU()");
    linear(784, ", nn.Sigmoid()");
    return s + ", nn.Unflatten(1, (1, 28, 28)))";
}

std::string pytorch_side_by_side(const std::vector<MlpAeSpec>& specs, const SideBySideOptions& o) {
    std::ostringstream s;
    s << "import torch, torch.nn as nn, torch.nn.functional as F\n"
      << "# train_x: (6000, 1, 28, 28), test_x: (1000, 1, 28, 28), Fashion-MNIST in [0, 1]\n"
      << "torch.manual_seed(" << o.seed << ")\n"
      << "nets = {\n";
    for (const MlpAeSpec& spec : specs) s << "    '" << spec.name << "': " << pytorch_mlp(spec) << ",\n";
    s << "}\n"
      << "opts = {k: torch.optim.Adam(n.parameters(), lr=" << kit::py_float(o.learning_rate) << ") for k, n in nets.items()}\n"
      << "for step in range(" << o.steps << "):\n"
      << "    x = train_x[torch.randint(len(train_x), (" << o.batch_size << ",))]  # one batch for every net\n"
      << "    for k, net in nets.items():\n"
      << "        loss = F.mse_loss(net(x), x)\n"
      << "        opts[k].zero_grad(); loss.backward(); opts[k].step()\n"
      << "with torch.no_grad():\n"
      << "    x = test_x[:" << o.eval_count << "]\n"
      << "    print({k: F.mse_loss(net(x), x).item() for k, net in nets.items()})  # held-out MSE\n"
      << "    noise = torch.rand(1, 1, 28, 28)\n"
      << "    print({k: F.mse_loss(net(noise), noise).item() for k, net in nets.items()})  # off the data";
    return s.str();
}

std::string pytorch_stacked(const StackedOptions& o) {
    const std::string h1 = std::to_string(o.hidden1), h2 = std::to_string(o.hidden2);
    std::ostringstream s;
    s << "import torch, torch.nn as nn, torch.nn.functional as F\n"
      << "torch.manual_seed(" << o.seed << ")\n"
      << "net = nn.Sequential(nn.Flatten(), nn.Linear(784, " << h1 << "), nn.Sigmoid(),   # encoder 1\n"
      << "                    nn.Linear(" << h1 << ", " << h2 << "), nn.Sigmoid(),          # encoder 2\n"
      << "                    nn.Linear(" << h2 << ", " << h1 << "), nn.Sigmoid(),          # decoder 2\n"
      << "                    nn.Linear(" << h1 << ", 784), nn.Sigmoid(), nn.Unflatten(1, (1, 28, 28)))  # decoder 1\n"
      << "enc1, enc2, dec2, dec1 = net[:3], net[3:5], net[5:7], net[7:]\n"
      << "def train(modules, loss_of, steps):  # a fresh Adam per stage, on that stage's layers only\n"
      << "    opt = torch.optim.Adam([p for m in modules for p in m.parameters()], lr=" << kit::py_float(o.learning_rate)
      << ")\n"
      << "    for step in range(steps):\n"
      << "        x = train_x[torch.randint(len(train_x), (" << o.batch_size << ",))]\n"
      << "        loss = loss_of(x)\n"
      << "        opt.zero_grad(); loss.backward(); opt.step()\n"
      << "train([enc1, dec1], lambda x: F.mse_loss(dec1(enc1(x)), x), " << o.stage1_steps << ")  # stage 1: pixels\n"
      << "def codes_loss(x):\n"
      << "    h1 = enc1(x).detach()  # stage 1's codes, frozen\n"
      << "    return F.mse_loss(dec2(enc2(h1)), h1)\n"
      << "train([enc2, dec2], codes_loss, " << o.stage2_steps << ")  # stage 2: reproduce H1\n"
      << "train([net], lambda x: F.mse_loss(net(x), x), " << o.finetune_steps << ")  # stage 3: fine-tune it all\n"
      << "# end to end: a copy of the untrained net, train([copy], ..., " << o.total_steps() << ") on the same batches";
    return s.str();
}

std::string pytorch_probe() {
    ProbeOptions p;
    std::ostringstream s;
    s << "encoder = net[:5]  # the trained stack's encoder, frozen: codes (N, 32)\n"
      << "def accuracy(features, n):  # a linear softmax classifier on n labelled images\n"
      << "    with torch.no_grad():\n"
      << "        train_f, test_f = features(train_x[:n]), features(test_x[:" << kProbeTestCount << "])\n"
      << "    probe = nn.Linear(train_f.shape[1], 10)\n"
      << "    opt = torch.optim.Adam(probe.parameters(), lr=" << kit::py_float(p.learning_rate)
      << ", weight_decay=" << kit::py_float(p.weight_decay) << ")\n"
      << "    for step in range(" << p.steps << "):  # full batch\n"
      << "        loss = F.cross_entropy(probe(train_f), train_y[:n])\n"
      << "        opt.zero_grad(); loss.backward(); opt.step()\n"
      << "    return (probe(test_f).argmax(1) == test_y[:" << kProbeTestCount << "]).float().mean().item()\n"
      << "for n in (10, 100, 1000):\n"
      << "    print(n, accuracy(encoder, n), accuracy(lambda x: x.flatten(1), n))  # codes, pixels";
    return s.str();
}

}  // namespace autoencoder

//-----------------------------------------------------------------------------
// [SECTION] Drawing helpers
//-----------------------------------------------------------------------------
namespace {
using namespace autoencoder;

constexpr int kSide = 28;

// A 28 x 28 image of a batch (N, 1, 28, 28), with `note` below it.
void image(const char* id, const Tensor& batch, std::size_t i, float zoom, const std::string& note = "") {
    ui::HeatmapStyle hs;
    hs.zoom = zoom;
    ui::heatmap(id, batch.data() + i * kSide * kSide, kSide, kSide, hs);
    if (!note.empty()) ImGui::TextUnformatted(note.c_str());
}

std::string mse_text(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "MSE %.4f", v);
    return buf;
}

// A row of held-out MSE points (every kEvalEvery steps) as one plot series per network.
std::vector<std::vector<float>> mse_series(const std::vector<MsePoint>& points, std::size_t nets) {
    std::vector<std::vector<float>> out(nets);
    for (const MsePoint& p : points)
        if (p.step % kEvalEvery == 0)
            for (std::size_t i = 0; i < nets && i < p.mse.size(); ++i) out[i].push_back(float(p.mse[i]));
    return out;
}

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

// Steps of a Fashion-MNIST training, edited in place.
void steps_input(LiveTraining& t) {
    int steps = t.max_steps();
    ImGui::SetNextItemWidth(110);
    if (ImGui::InputInt("steps", &steps, 500, 1000)) t.set_max_steps(std::clamp(steps, kFashionMinSteps, kFashionMaxSteps));
}

//-----------------------------------------------------------------------------
// The page
//-----------------------------------------------------------------------------
class AutoencoderLesson final : public Lesson {
public:
    AutoencoderLesson() { url_.read(); }
    void draw() override;

private:
    Settings st_;
    kit::Sections sections_{0b11111};
    Trainings tr_;
    kit::UrlState url_ = url_state(st_, sections_, tr_);
    bool attached_[4] = {};  // toy, bottleneck, depth, stacked: hooks given (once: track() keeps pointers)
    bool built_this_frame_ = false;  // a Fashion-MNIST training was built (and evaluated) this frame

    // Builds a training the first time a section needs it.
    template <class Attach>
    bool ensure(int index, LiveTraining& t, Attach attach) {
        if (!attached_[index]) {
            attach();
            attached_[index] = true;
            t.rebuild();
        }
        return t.built();
    }
    // Whether a Fashion-MNIST training must wait for the next frame: building one evaluates its
    // networks on held-out images (tens of milliseconds in a browser), so with every section open
    // the page builds one a frame instead of all three in its first frame.
    bool deferred(int index) {
        if (attached_[index]) return false;
        if (built_this_frame_) {
            ImGui::TextDisabled("Building the networks...");
            return true;
        }
        built_this_frame_ = true;
        return false;
    }

    void report_status() {
        const TrainingRun& run = tr_.toy.run();
        platform::set_status("step", std::to_string(run.step()));
        platform::set_status("examples_per_s", std::to_string(std::lround(run.examples_per_second())));
        if (!run.losses().empty()) {
            platform::set_status("loss", ui::fmt_num(run.losses().back()));
            platform::set_status("first_loss", ui::fmt_num(run.losses().front()));
        }
        if (toy_.toy) platform::set_status("toy_all_correct", toy_.toy->all_correct() ? "1" : "0");
        if (survey_.cross_entropy >= 0) platform::set_status("seeds_all_correct", std::to_string(survey_.cross_entropy));
        if (bottleneck_.recipe) {
            platform::set_status("bottleneck_step", std::to_string(bottleneck_.job->step()));
            platform::set_status("bottleneck_examples_per_s",
                                 std::to_string(std::lround(tr_.bottleneck.run().examples_per_second())));
        }
        if (depth_.recipe) platform::set_status("depth_step", std::to_string(depth_.job->step()));
        if (stacked_.recipe) {
            platform::set_status("stacked_step", std::to_string(stacked_.job->step()));
            if (!stacked_.held_out_greedy.empty()) {
                platform::set_status("mse_greedy", ui::fmt_num(stacked_.held_out_greedy.back()));
                platform::set_status("mse_end_to_end", ui::fmt_num(stacked_.held_out_end_to_end.back()));
            }
        }
    }

    //-------------------------------------------------------------------------
    // [SECTION] 1. The 8-3-8 code
    //-------------------------------------------------------------------------
    ToyState toy_;
    SeedSurvey survey_;
    Tensor toy_codes_, toy_recon_;  // (8, 3), (8, 8): the table, for export

    void draw_toy() {
        ImGui::TextWrapped(
            "The course's toy: eight inputs, each a one-hot 8-bit vector e_k, must pass through a code of only three "
            "units and come back. Three bits are exactly enough for eight patterns (00000001 -> 000, 00000010 -> 001, "
            "..., 10000000 -> 111), but the network is never told this: it finds a code by gradient descent on all "
            "eight inputs at once.");
        ui::code_block("toy-model",
                       "z = f(x) = sigmoid(W1 x + b1)       (3 code units)\n"
                       "x_hat = g(z) = sigmoid(W2 z + b2)   (8 outputs)\n"
                       "squared error:  L = mean (x_hat - x)^2\n"
                       "cross-entropy:  L = -mean [x log x_hat + (1 - x) log(1 - x_hat)]   (for bits)");
        ensure(0, tr_.toy, [this] { attach_toy(tr_.toy, toy_, st_); });
        {
            LockedWhileRunning lock(tr_.toy);
            bool changed = false;
            ImGui::TextUnformatted("Loss:");
            for (ToyLoss l : {ToyLoss::cross_entropy, ToyLoss::squared_error}) {
                ui::same_line_if_fits(ui::check_width(toy_loss_name(l)));
                if (ui::radio_button(toy_loss_name(l), st_.toy_loss == l) && st_.toy_loss != l) {
                    st_.toy_loss = l;
                    changed = true;
                }
            }
            ImGui::SameLine();
            int steps = tr_.toy.max_steps();
            ImGui::SetNextItemWidth(110);
            if (ImGui::InputInt("steps", &steps, 500, 1000)) tr_.toy.set_max_steps(std::clamp(steps, 1, kToyMaxSteps));
            if (changed) tr_.toy.rebuild();
        }
        tr_.toy.panel("toy");
        if (!tr_.toy.built()) return;
        Toy838& toy = *toy_.toy;
        const auto rows = toy.table();
        toy_codes_ = zeros({8, 3});
        toy_recon_ = zeros({8, 8});
        if (ImGui::BeginTable("toy-table", 5, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit)) {
            for (const char* h : {"input x", "code z = f(x)", "rounded", "reconstruction x_hat", "right?"})
                ImGui::TableSetupColumn(h);
            ImGui::TableHeadersRow();
            for (const Toy838Row& r : rows) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                std::string bits(8, '0');
                bits[std::size_t(7 - r.input)] = '1';
                ImGui::TextUnformatted(bits.c_str());
                ImGui::TableNextColumn();
                ImGui::Text("%.2f  %.2f  %.2f", r.code[0], r.code[1], r.code[2]);
                ImGui::TableNextColumn();
                ImGui::Text("%d%d%d", r.bits[0], r.bits[1], r.bits[2]);
                ImGui::TableNextColumn();
                for (int i = 7; i >= 0; --i) {
                    const float v = r.reconstruction[i];
                    if (i != 7) ImGui::SameLine(0, 4);
                    const bool on = (i == r.input);
                    const bool wrong = (v > 0.5f) != on;
                    ImGui::TextColored(wrong ? kit::palette::text(kit::palette::text_error)
                                       : on  ? kit::palette::text(kit::palette::text_good)
                                             : ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled),
                                       "%.2f", v);
                }
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(r.correct ? "yes" : "no");
                for (int j = 0; j < 3; ++j) toy_codes_(r.input, j) = r.code[j];
                for (int i = 0; i < 8; ++i) toy_recon_(r.input, i) = r.reconstruction[i];
            }
            ImGui::EndTable();
        }
        ImGui::Text("All eight right: %s.   Eight different rounded codes: %s.", toy.all_correct() ? "yes" : "not yet",
                    toy.distinct_codes() ? "yes" : "no");
        ui::help_marker("Reconstructions are shown with the most significant bit first, like the inputs: green is the "
                        "bit that should be 1, red a bit on the wrong side of 0.5. A code needs not be binary to work: "
                        "the decoder can tell apart code values like 0.5 from 0 and 1, so many runs get every input "
                        "right with rounded codes that repeat.");
        const TrainingRun& run = tr_.toy.run();
        ui::line_plot("toy-loss", {{toy_loss_name(st_.toy_loss), run.losses().data(), int(run.losses().size()),
                                    kit::palette::series[0]}},
                      ui::PlotStyle{ImVec2(0, 150), true});

        ImGui::Spacing();
        ImGui::TextWrapped(
            "Across seeds: does every run find a code? Each seed starts from other random weights; the button trains "
            "ten runs (seeds %d to %d, this learning rate and number of steps) with each loss.",
            tr_.toy.controls().seed, tr_.toy.controls().seed + 9);
        if (ImGui::Button("Train ten seeds with each loss")) survey_ = survey_seeds(toy_options(st_, tr_.toy), tr_.toy.controls().seed);
        if (survey_.cross_entropy >= 0) {
            ImGui::Text("Seeds %d to %d, %d steps, lr %s: all eight right with cross-entropy in %d of 10 runs, with "
                        "squared error in %d of 10.",
                        survey_.first_seed, survey_.first_seed + 9, survey_.steps, ui::fmt_num(survey_.learning_rate).c_str(),
                        survey_.cross_entropy, survey_.squared_error);
            ImGui::TextWrapped(
                "Why runs get stuck: with squared error the gradient at an output is (x_hat - x) * x_hat (1 - x_hat). "
                "Early on every output learns to say \"mostly 0\" (seven of the eight targets in each column are 0), "
                "so the outputs saturate near 0 and the factor x_hat (1 - x_hat) makes the push towards the one "
                "missing 1 tiny: the run sits on a plateau for hundreds of steps, and with an unlucky start two inputs "
                "share a code corner for longer still. Cross-entropy cancels that factor (its gradient is x_hat - x "
                "at the logits), so the 1s are pulled up at full strength: the course's advice to use cross-entropy "
                "when the inputs are bits.");
        }
        ui::pytorch_panel("torch-toy", pytorch_toy(toy_options(st_, tr_.toy)));
        ui::export_buttons("export-toy", {{"codes.npy", &toy_codes_}, {"reconstructions.npy", &toy_recon_}});
    }

    //-------------------------------------------------------------------------
    // [SECTION] 2. The bottleneck
    //-------------------------------------------------------------------------
    SideBySideState bottleneck_;
    std::tuple<int, int, int> off_for_{-1, -1, -1};  // (training version, image, noise seed) shown below
    std::vector<NamedImage> off_inputs_;
    Tensor off_batch_, off_narrow_, off_wide_;  // (4, 1, 28, 28): test image, noise, inverted, scribble
    std::vector<double> off_mse_narrow_, off_mse_wide_;
    kit::ThroughModel mine_;  // your own image as a fifth column (kit/image_input.hpp); not in the link
    long off_mine_ = -1;

    void draw_bottleneck(const Dataset& d) {
        ImGui::TextWrapped(
            "An autoencoder is only interesting because it cannot simply copy its input. Here two MLP autoencoders "
            "784 -> K -> 784 (a linear code, a Sigmoid output) train on the same Fashion-MNIST batches: one with a "
            "narrow code of K = %d numbers, one with the K you choose, up to 1024, more numbers than the 784 pixels. "
            "With K >= 784 and nothing else to stop it, the network can learn something close to the identity.",
            kNarrowCode);
        LiveTraining& t = tr_.bottleneck;
        {
            LockedWhileRunning lock(t);
            ImGui::SetNextItemWidth(260);
            int code = st_.code;
            if (ImGui::SliderInt("code size K", &code, kMinCode, kMaxCode, "%d", ImGuiSliderFlags_Logarithmic) &&
                code != st_.code) {
                st_.code = code;
                t.rebuild();
            }
            ImGui::SameLine();
            steps_input(t);
        }
        t.panel("bottleneck");
        if (!t.built()) return;
        SideBySideRecipe& r = *bottleneck_.recipe;
        const MsePoint& latest = bottleneck_.held_out.back();
        ImGui::Text("Held-out MSE at step %d: K = %d: %.4f,  K = %d: %.4f", latest.step, kNarrowCode, latest.mse[0],
                    st_.code, latest.mse[1]);
        const TrainingRun& run = t.run();
        const std::string wide = "K = " + std::to_string(st_.code), narrow = "K = " + std::to_string(kNarrowCode);
        ui::line_plot("bottleneck-loss",
                      {{narrow.c_str(), run.losses().data(), int(run.losses().size()), kit::palette::series[0]},
                       {wide.c_str(), bottleneck_.losses[0].data(), int(bottleneck_.losses[0].size()), kit::palette::series[1]}},
                      ui::PlotStyle{ImVec2(0, 150), true});

        const int n = int(d.size(Split::test));
        st_.image = std::clamp(st_.image, 0, n - 1);
        ImGui::SetNextItemWidth(220);
        ImGui::SliderInt("test image", &st_.image, 0, n - 1);
        ImGui::SameLine();
        if (ImGui::Button("New noise")) ++st_.noise_seed;
        if (ImGui::TreeNode("Your own image as a fifth input")) {
            kit::image_input("mine", mine_.seen);
            kit::fashion_input("prep", mine_.input);
            ImGui::TreePop();
        }
        if (kit::user_image() && mine_.input.serial != kit::user_image()->serial) kit::update_fashion_input(mine_.input);
        const long mine = kit::user_image() ? mine_.input.serial * 8 + long(mine_.input.options.square) * 4 +
                                                  long(mine_.input.options.invert) : -1;
        const std::tuple<int, int, int> key{t.version(), st_.image, st_.noise_seed};
        if (key != off_for_ || mine != off_mine_) {
            off_mine_ = mine;
            off_inputs_ = off_distribution_inputs(d, std::size_t(st_.image), std::uint64_t(st_.noise_seed));
            off_inputs_.insert(off_inputs_.begin(), NamedImage{"test image", d.batch(Split::test, std::size_t(st_.image), 1)});
            if (mine >= 0) {
                Tensor x = mine_.input.steps.final;
                x.reshape({1, 1, kSide, kSide});
                off_inputs_.push_back(NamedImage{"your image", x});
            }
            off_batch_ = zeros({off_inputs_.size(), 1, kSide, kSide});
            for (std::size_t i = 0; i < off_inputs_.size(); ++i)
                xt::view(off_batch_, i) = xt::view(off_inputs_[i].image, 0);
            off_narrow_ = r.net(0).reconstruct(off_batch_);
            off_wide_ = r.net(1).reconstruct(off_batch_);
            off_mse_narrow_ = reconstruction_errors(r.net(0), off_inputs_);
            off_mse_wide_ = reconstruction_errors(r.net(1), off_inputs_);
            off_for_ = key;
        }
        if (mine >= 0) platform::set_status("bottleneck_input", "your image");
        if (ImGui::BeginTable("off", int(off_inputs_.size()), ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_BordersInnerV)) {
            for (const NamedImage& in : off_inputs_) ImGui::TableSetupColumn(in.name.c_str());
            ImGui::TableHeadersRow();
            const char* rows[3] = {"input", "K = narrow", "K = yours"};
            for (int row = 0; row < 3; ++row) {
                ImGui::TableNextRow();
                for (std::size_t i = 0; i < off_inputs_.size(); ++i) {
                    ImGui::TableNextColumn();
                    ImGui::PushID(row * 10 + int(i));
                    if (row == 0) image(rows[row], off_batch_, i, 3.0f);
                    if (row == 1) image(rows[row], off_narrow_, i, 3.0f, narrow + ": " + mse_text(off_mse_narrow_[i]));
                    if (row == 2) image(rows[row], off_wide_, i, 3.0f, wide + ": " + mse_text(off_mse_wide_[i]));
                    ImGui::PopID();
                }
            }
            ImGui::EndTable();
        }
        ImGui::TextWrapped(
            "Train for a while (a thousand steps or more) and compare the columns. The narrow code can only keep "
            "what garments have in common, so it turns anything into a garment-like blur: the inverted image and "
            "the scribble come back badly. The wide code keeps far more of any input, including inputs that are "
            "nothing like the data: its errors on them drop to a fraction of the narrow code's. Uniform noise is the "
            "exception in a short run: it lies mostly in directions the training images barely vary in, which the "
            "network has had no reason to learn, so both return something close to flat grey (0.5 everywhere "
            "scores MSE 1/12 = 0.083). A low reconstruction error alone therefore does not mean a useful code: a "
            "network that copies everything has learned little about what clothes look like.");
        ui::pytorch_panel("torch-bottleneck", pytorch_side_by_side(bottleneck_specs(st_), side_by_side_options(t)));
        ui::export_buttons("export-bottleneck", {{"inputs.npy", &off_batch_},
                                                 {"reconstructions_narrow.npy", &off_narrow_},
                                                 {"reconstructions_wide.npy", &off_wide_}});
    }

    //-------------------------------------------------------------------------
    // [SECTION] 3. Deep, shallow, asymmetric
    //-------------------------------------------------------------------------
    SideBySideState depth_;
    int depth_shown_for_ = -1;
    Tensor depth_inputs_;
    std::vector<Tensor> depth_recons_;

    void draw_depth() {
        ImGui::TextWrapped(
            "Deep autoencoders (Hinton & Salakhutdinov, Science 2006) put several layers on each side of the code, "
            "and the two sides need not mirror each other. Three networks with the same code size train on the same "
            "batches: deep (784-256-64-K-64-256-784), shallow (784-K-784) and asymmetric (the deep encoder with a "
            "one-layer decoder K -> 784). ReLUs between hidden layers, a linear code, a Sigmoid output.");
        LiveTraining& t = tr_.depth;
        {
            LockedWhileRunning lock(t);
            ImGui::SetNextItemWidth(220);
            int code = st_.depth_code;
            if (ImGui::SliderInt("code size K##depth", &code, kMinCode, kMaxDepthCode, "%d", ImGuiSliderFlags_Logarithmic) &&
                code != st_.depth_code) {
                st_.depth_code = code;
                t.rebuild();
            }
            ImGui::SameLine();
            steps_input(t);
        }
        t.panel("depth");
        if (!t.built()) return;
        SideBySideRecipe& r = *depth_.recipe;
        const TrainingRun& run = t.run();
        const float half = std::max(200.0f, ImGui::GetContentRegionAvail().x * 0.5f - 8.0f);
        std::vector<ui::Series> losses;
        for (std::size_t i = 0; i < r.size(); ++i) {
            const std::vector<float>& l = i == 0 ? run.losses() : depth_.losses[i - 1];
            losses.push_back({r.net(i).spec.name.c_str(), l.data(), int(l.size()), kit::palette::series[i % 3]});
        }
        ImGui::BeginGroup();
        ImGui::TextUnformatted("Training loss (MSE)");
        ui::line_plot("depth-loss", losses, ui::PlotStyle{ImVec2(half, 160), true});
        ImGui::EndGroup();
        ImGui::SameLine(0, 16);
        ImGui::BeginGroup();
        ImGui::TextUnformatted("Held-out MSE");
        const auto series = mse_series(depth_.held_out, r.size());
        std::vector<ui::Series> held;
        for (std::size_t i = 0; i < r.size(); ++i)
            held.push_back({r.net(i).spec.name.c_str(), series[i].data(), int(series[i].size()), kit::palette::series[i % 3],
                            0.0f, float(kEvalEvery)});
        ui::line_plot("depth-mse", held, ui::PlotStyle{ImVec2(half, 160), true});
        ImGui::EndGroup();

        const MsePoint& latest = depth_.held_out.back();
        if (ImGui::BeginTable("depth-table", 4, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit)) {
            for (const char* h : {"network", "layers", "parameters", "held-out MSE"}) ImGui::TableSetupColumn(h);
            ImGui::TableHeadersRow();
            for (std::size_t i = 0; i < r.size(); ++i) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(r.net(i).spec.name.c_str());
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(spec_text(r.net(i).spec).c_str());
                ImGui::TableNextColumn();
                ImGui::Text("%zu", r.net(i).net.param_count());
                ImGui::TableNextColumn();
                ImGui::Text("%.4f (step %d)", latest.mse[i], latest.step);
            }
            ImGui::EndTable();
        }
        if (depth_shown_for_ != t.version()) {
            depth_inputs_ = xt::view(r.eval_images(), xt::range(0, 6));
            depth_recons_.clear();
            for (std::size_t i = 0; i < r.size(); ++i) depth_recons_.push_back(r.net(i).reconstruct(depth_inputs_));
            depth_shown_for_ = t.version();
        }
        for (std::size_t k = 0; k <= r.size(); ++k) {
            ImGui::TextUnformatted(k == 0 ? "test images" : r.net(k - 1).spec.name.c_str());
            for (std::size_t i = 0; i < 6; ++i) {
                ImGui::SameLine(i == 0 ? 110.0f : 0.0f);
                ImGui::PushID(int(k * 10 + i));
                image("img", k == 0 ? depth_inputs_ : depth_recons_[k - 1], i, 2.0f);
                ImGui::PopID();
            }
        }
        ImGui::TextWrapped(
            "At the same code size the deep network usually reconstructs best: its layers can bend the data onto a "
            "curved low-dimensional surface, where the shallow one is close to PCA (a linear code, one layer each "
            "way). The asymmetric one shows that the decoder need not mirror the encoder; how much a shallow decoder "
            "costs depends on K.");
        ui::pytorch_panel("torch-depth", pytorch_side_by_side(depth_specs(st_.depth_code), side_by_side_options(t)));
        ui::export_buttons("export-depth", {{"test_images.npy", &depth_inputs_}});
    }

    //-------------------------------------------------------------------------
    // [SECTION] 4. Stacked, trained greedily
    //-------------------------------------------------------------------------
    StackedState stacked_;
    int stacked_shown_for_ = -1;
    Tensor st_input_, st_layer1_, st_codes_, st_codes_hat_, st_stack_, st_end_to_end_;

    void draw_stacked() {
        const StackedOptions o = stacked_options(tr_.stacked);
        ImGui::TextWrapped(
            "A stacked autoencoder is trained one hidden layer at a time (the course's incremental recipe). Stage 1 "
            "trains an autoencoder 784 -> %d -> 784 on the pixels. Stage 2 freezes it and trains a second autoencoder "
            "%d -> %d -> %d to reproduce stage 1's codes H1. Inserting the second into the middle of the first gives "
            "the deep network 784-%d-%d-%d-784, which stage 3 fine-tunes end to end. Beside it the same network, "
            "from the same initial weights, trains end to end on the same batches from the start. Sigmoid units "
            "throughout; a fresh Adam at each stage.",
            o.hidden1, o.hidden1, o.hidden2, o.hidden1, o.hidden1, o.hidden2, o.hidden1);
        LiveTraining& t = tr_.stacked;
        {
            LockedWhileRunning lock(t);
            steps_input(t);
        }
        ImGui::SameLine();
        ImGui::TextDisabled("stage 1: %d steps, stage 2: %d, fine-tuning: %d", o.stage1_steps, o.stage2_steps, o.finetune_steps);
        t.panel("stacked");
        if (!t.built()) return;
        StackedRecipe& r = *stacked_.recipe;
        ImGui::Text("Now: %s", stacked_stage_name(stacked_.job->stage()));
        const float half = std::max(200.0f, ImGui::GetContentRegionAvail().x * 0.5f - 8.0f);
        const TrainingRun& run = t.run();
        ImGui::BeginGroup();
        ImGui::TextUnformatted("Training loss per step");
        ui::line_plot("stacked-loss",
                      {{"greedy (stage 2: on H1 codes)", run.losses().data(), int(run.losses().size()), kit::palette::series[0]},
                       {"end to end", stacked_.end_to_end.data(), int(stacked_.end_to_end.size()), kit::palette::series[1]}},
                      ui::PlotStyle{ImVec2(half, 170), true});
        ImGui::EndGroup();
        ImGui::SameLine(0, 16);
        ImGui::BeginGroup();
        ImGui::TextUnformatted("Held-out MSE of the whole stack (pixels)");
        ui::line_plot("stacked-mse",
                      {{"greedy stack", stacked_.held_out_greedy.data(), int(stacked_.held_out_greedy.size()),
                        kit::palette::series[0], 0.0f, float(kEvalEvery)},
                       {"end to end", stacked_.held_out_end_to_end.data(), int(stacked_.held_out_end_to_end.size()),
                        kit::palette::series[1], 0.0f, float(kEvalEvery)}},
                      ui::PlotStyle{ImVec2(half, 170), true});
        ImGui::EndGroup();
        if (!stacked_.held_out_greedy.empty())
            ImGui::Text("Held-out MSE now: greedy stack %.4f, end to end %.4f", stacked_.held_out_greedy.back(),
                        stacked_.held_out_end_to_end.back());
        ui::help_marker("Before stage 3 the stack's middle is untrained (stage 1) or trained only on codes (stage 2), "
                        "so its pixel MSE is high until fine-tuning starts; stage 1's own autoencoder is shown below.");

        if (stacked_shown_for_ != t.version()) {
            st_input_ = xt::view(r.eval_images(), xt::range(0, 1));
            st_layer1_ = r.reconstruct_layer1(st_input_);
            st_codes_ = r.codes_layer1(st_input_);
            st_codes_hat_ = r.reconstruct_codes_layer1(st_codes_);
            st_stack_ = r.reconstruct_stacked(st_input_);
            st_end_to_end_ = r.reconstruct_end_to_end(st_input_);
            stacked_shown_for_ = t.version();
        }
        auto column = [&](const char* title, const Tensor& img, bool first = false) {
            if (!first) ImGui::SameLine(0, 16);
            ImGui::BeginGroup();
            ImGui::TextUnformatted(title);
            image(title, img, 0, 3.0f, first ? "" : mse_text(mse_loss(img, st_input_)));
            ImGui::EndGroup();
        };
        column("test image", st_input_, true);
        column("stage 1 alone", st_layer1_);
        const int side = int(std::lround(std::sqrt(double(o.hidden1))));
        if (side * side == o.hidden1) {  // the H1 codes as a square
            for (const auto& [title, codes] : {std::pair<const char*, const Tensor*>{"H1 code", &st_codes_},
                                               {"stage 2's H1 code", &st_codes_hat_}}) {
                ImGui::SameLine(0, 16);
                ImGui::BeginGroup();
                ImGui::TextUnformatted(title);
                ui::HeatmapStyle hs;
                hs.zoom = 84.0f / float(side);
                ui::heatmap(title, codes->data(), side, side, hs);
                ImGui::EndGroup();
            }
        }
        column("greedy stack", st_stack_);
        column("end to end", st_end_to_end_);
        ImGui::TextWrapped(
            "Why greedy? Each stage is a shallow problem that trains quickly, and the stack starts fine-tuning from "
            "weights that already reconstruct: historically (Hinton & Salakhutdinov 2006, with RBMs) this was what "
            "made deep autoencoders trainable at all with sigmoid units. With Adam, end-to-end training from random "
            "weights also works; compare the held-out MSE at the end of the run.");
        ui::pytorch_panel("torch-stacked", pytorch_stacked(o));
        ui::export_buttons("export-stacked", {{"image.npy", &st_input_},
                                              {"stage1.npy", &st_layer1_},
                                              {"h1_code.npy", &st_codes_},
                                              {"stacked.npy", &st_stack_},
                                              {"end_to_end.npy", &st_end_to_end_}});
    }

    //-------------------------------------------------------------------------
    // [SECTION] 5. Reusing the encoder (transfer)
    //-------------------------------------------------------------------------
    Tensor probe_table_;  // (3, 4): labels, greedy codes, end-to-end codes, pixels

    void draw_transfer(const Dataset& d) {
        ImGui::TextWrapped(
            "The stack's encoder (784 -> %d -> %d) was trained without a single label. Freeze it and fit a linear "
            "softmax classifier (softmax cross-entropy, Adam) on its codes of the first 10, 100 or 1000 labelled "
            "training images; the same classifier on the raw 784 pixels is the baseline. Accuracy on %zu test images.",
            stacked_options(tr_.stacked).hidden1, stacked_options(tr_.stacked).hidden2, kProbeTestCount);
        LiveTraining& t = tr_.stacked;
        if (!t.built()) return;
        ProbeResult& p = stacked_.probes;
        if (ImGui::Button("Fit the probes on the encoders as they are now"))
            fit_probes(stacked_, d);
        ui::help_marker("The probes are fitted by themselves when the stacked training of section 4 finishes.");
        if (!p.fitted) {
            ImGui::TextDisabled("No probes yet: finish the training of section 4 or press the button.");
        } else {
            ImGui::Text("Fitted at step %d%s.", p.step,
                        p.step == stacked_.job->step() ? "" : " (the encoders have trained since: press the button)");
            probe_table_ = zeros({p.greedy.size(), 4});
            std::vector<float> codes, e2e, pixels;
            if (ImGui::BeginTable("probe", 4, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit)) {
                for (const char* h : {"labels", "codes, greedy stack", "codes, end to end", "pixels"}) ImGui::TableSetupColumn(h);
                ImGui::TableHeadersRow();
                for (std::size_t i = 0; i < p.greedy.size(); ++i) {
                    const ProbePoint& q = p.greedy[i];
                    ImGui::TableNextRow();
                    ImGui::TableNextColumn();
                    ImGui::Text("%d", q.labels);
                    ImGui::TableNextColumn();
                    ImGui::Text("%.1f%%", 100 * q.accuracy_codes);
                    ImGui::TableNextColumn();
                    ImGui::Text("%.1f%%", 100 * p.end_to_end[i]);
                    ImGui::TableNextColumn();
                    ImGui::Text("%.1f%%", 100 * q.accuracy_pixels);
                    const float row[4] = {float(q.labels), float(q.accuracy_codes), float(p.end_to_end[i]), float(q.accuracy_pixels)};
                    for (int k = 0; k < 4; ++k) probe_table_(i, std::size_t(k)) = row[k];
                    codes.push_back(float(q.accuracy_codes));
                    e2e.push_back(float(p.end_to_end[i]));
                    pixels.push_back(float(q.accuracy_pixels));
                }
                ImGui::EndTable();
            }
            ui::PlotStyle ps{ImVec2(0, 160), false, "log10(labels)", "%.2f"};
            ui::line_plot("probe-plot",
                          {{"codes, greedy stack", codes.data(), int(codes.size()), kit::palette::series[0], 1.0f, 1.0f},
                           {"codes, end to end", e2e.data(), int(e2e.size()), kit::palette::series[1], 1.0f, 1.0f},
                           {"pixels", pixels.data(), int(pixels.size()), kit::palette::series[2], 1.0f, 1.0f}},
                          ps);
            ImGui::TextWrapped(
                "The code has %d numbers instead of 784, learned without labels, and a linear classifier on it does "
                "about as well as one on all the pixels (on Fashion-MNIST the pixels are already a strong linear "
                "baseline). Features learned from unlabelled data are what makes few-label problems workable: with 10 "
                "labels either classifier has seen about one example per class.",
                StackedOptions{}.hidden2);
            ui::export_buttons("export-probe", {{"probe_accuracy.npy", &probe_table_}});
        }
        ui::pytorch_panel("torch-probe", pytorch_probe());
    }
};

//-----------------------------------------------------------------------------
// [SECTION] The lesson
//-----------------------------------------------------------------------------
void AutoencoderLesson::draw() {
    ImGui::TextWrapped(
        "An autoencoder learns a code: an encoder maps the input x to a code z = f(x), a decoder maps it back to "
        "x_hat = g(z), and training makes x_hat close to x. What makes the code useful is what stops the network "
        "from copying: a bottleneck (fewer code units than inputs) or a sparse code.");
    const char* titles[kSections] = {"1. The 8-3-8 code", "2. The bottleneck: K from 2 to 1024",
                                     "3. Deep, shallow and asymmetric", "4. Stacked autoencoders, trained greedily",
                                     "5. Reusing the encoder (transfer)"};
    for (LiveTraining* t : {&tr_.toy, &tr_.bottleneck, &tr_.depth, &tr_.stacked}) t->advance();
    built_this_frame_ = false;
    for (int s = 0; s < kSections; ++s) {
        if (!sections_.header(s, titles[s])) continue;
        ImGui::PushID(s);
        try {
            if (s == 0) {
                draw_toy();
            } else if (ui::dataset_ready()) {
                const Dataset& d = *platform::fashion_mnist().dataset;
                auto side_by_side = [&](int index, LiveTraining& t, SideBySideState& state, auto specs) {
                    return ensure(index, t, [&t, &state, &d, specs] { attach_side_by_side(t, state, d, specs); });
                };
                const int training = s == 1 ? 1 : s == 2 ? 2 : 3;  // sections 4, 5: the stacked one
                if (!deferred(training)) switch (s) {
                    case 1:
                        side_by_side(1, tr_.bottleneck, bottleneck_, [this] { return bottleneck_specs(st_); });
                        draw_bottleneck(d);
                        break;
                    case 2:
                        side_by_side(2, tr_.depth, depth_, [this] { return depth_specs(st_.depth_code); });
                        draw_depth();
                        break;
                    case 3:
                        ensure(3, tr_.stacked, [this, &d] { attach_stacked(tr_.stacked, stacked_, d); });
                        draw_stacked();
                        break;
                    case 4:
                        ensure(3, tr_.stacked, [this, &d] { attach_stacked(tr_.stacked, stacked_, d); });
                        draw_transfer(d);
                        break;
                }
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

std::unique_ptr<Lesson> make_autoencoder_lesson() { return std::make_unique<AutoencoderLesson>(); }

}  // namespace aelab::lessons
