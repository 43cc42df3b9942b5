// Lesson "What autoencoders are for" (id: ae-applications)
// What it teaches: a trained autoencoder's code is useful beyond reconstruction. Five uses, each
// trained live on Fashion-MNIST and measured honestly against the obvious baseline:
//   1. retrieval: the nearest training images by pixels, by code (Euclidean) and by binary code
//      (Hamming), and precision@k over every test image (Krizhevsky & Hinton 2011 found 256-bit
//      codes beat pixels on their data; here the page measures what happens on ours);
//   2. visualisation: a deep autoencoder's 2-D codes beside PCA's two components, with the k-NN
//      accuracy in 2-D as a number for how well classes separate;
//   3. anomalies: a network trained on nine classes reconstructs the tenth worse; the ROC curve
//      and AUC of that score, next to PCA's;
//   4. inpainting: a denoising autoencoder trained with masking noise fills an erased rectangle;
//   5. compression: the code quantised to b bits per value, bits per image against PSNR, next
//      to PCA at the same bit budgets.
// Models, training and evaluation are the core's recipes (aelab/recipe_applications.hpp), the
// same ones `aelab-cli train retrieval` and `aelab-cli train anomaly --holdout C` run, trained
// as jobs off the page's thread (aelab/jobs/ae_applications.hpp, aelab/jobs/denoising.hpp).
//
// Index of this file:
//   [SECTION] Page state in the URL
//   [SECTION] The runs and what they evaluate
//   [SECTION] PCA, the linear baseline
//   [SECTION] PyTorch code
//   [SECTION] Drawing helpers
//   [SECTION] 1. Retrieval
//   [SECTION] 2. Visualisation in 2-D
//   [SECTION] 3. Anomalies
//   [SECTION] 4. Inpainting
//   [SECTION] 5. Compression
//   [SECTION] The lesson
#include "ae_applications.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <tuple>

#include <imgui.h>

#include "lesson.hpp"
#include "kit/image_input.hpp"
#include "kit/palette.hpp"
#include "kit/platform.hpp"
#include "kit/a11y.hpp"
#include "kit/widgets.hpp"

namespace aelab::lessons {
namespace ae_applications {

//-----------------------------------------------------------------------------
// [SECTION] Page state in the URL
//-----------------------------------------------------------------------------

Trainings::Trainings() {
    for (LiveTraining* t : all()) {
        t->controls().learning_rate = 1e-3f;
        t->controls().lr_max = 0.1f;
        t->controls().budget_ms = 5.0f;  // four runs may train at once: 20 ms a frame at most
    }
}

kit::UrlState url_state(Settings& s, kit::Sections& sections, Trainings& t) {
    kit::UrlState url;
    url.add("q", s.query, 0, int(kRetrievalQueries) - 1)
        .add("hold", s.holdout, 0, 9)
        .add("p", s.mask_p, 0.05f, 0.95f)
        .add("iimg", s.inpaint_image, 0, 999);
    url.custom("hole",
               [&s](const std::string& v) {
                   int r[4];
                   if (!kit::UrlState::parse_ints(v, 0, 28, r, 4)) return false;
                   s.hole = {r[0], r[1], r[2], r[3]};
                   return true;
               },
               [&s] {
                   const int r[4] = {s.hole.row0, s.hole.col0, s.hole.row1, s.hole.col1};
                   return kit::UrlState::ints_text(r, 4);
               });
    t.retrieval.bind(url, kMinSteps, kMaxSteps);
    t.visual.bind_prefixed(url, "v", kMinSteps, kMaxSteps);
    t.anomaly.bind_prefixed(url, "a", kMinSteps, kMaxSteps);
    t.inpaint.bind_prefixed(url, "i", kMinSteps, kMaxSteps);
    sections.bind(url, kSections);
    return url;
}

namespace {
CodeAeOptions options_of(const LiveTraining& t, const MlpAeSpec& spec) {
    CodeAeOptions o;
    o.spec = spec;
    o.learning_rate = t.controls().learning_rate;
    o.seed = std::uint64_t(t.controls().seed);
    o.steps = t.max_steps();
    return o;
}
}  // namespace

CodeAeOptions retrieval_options(const LiveTraining& t) { return options_of(t, retrieval_spec()); }
CodeAeOptions visual_options(const LiveTraining& t) { return options_of(t, visualisation_spec()); }
CodeAeOptions anomaly_options(const Settings& s, const LiveTraining& t) {
    CodeAeOptions o = options_of(t, anomaly_spec());
    o.holdout = s.holdout;
    return o;
}
DenoisingRecipeOptions inpaint_options(const Settings& s, const LiveTraining& t) {
    DenoisingRecipeOptions o = inpainting_options(s.mask_p);
    o.learning_rate = t.controls().learning_rate;
    o.seed = std::uint64_t(t.controls().seed);
    o.steps = t.max_steps();
    o.eval_count = 50;
    return o;
}

//-----------------------------------------------------------------------------
// [SECTION] The runs and what they evaluate
//-----------------------------------------------------------------------------

std::vector<double> RetrievalState::pixels() const {
    std::vector<double> p = pixel_sum;
    for (double& v : p) v /= double(std::max<std::size_t>(pixel_queries, 1));
    return p;
}

bool advance_pixels(RetrievalState& r, std::size_t queries) {
    if (r.pixels_done()) return true;
    const std::size_t n = std::min(queries, kRetrievalQueries - r.pixel_queries);
    const std::vector<double> p = retrieval_precision(RetrievalSpace::pixels, r.features, r.pixel_queries, n);
    if (r.pixel_sum.empty()) r.pixel_sum.assign(p.size(), 0.0);
    for (std::size_t k = 0; k < p.size(); ++k) r.pixel_sum[k] += p[k] * double(n);
    r.pixel_queries += n;
    return r.pixels_done();
}

JobSpec retrieval_job_spec(const LiveTraining& t) { return code_ae_job_spec({retrieval_options(t), CodeAeEval::retrieval}); }
JobSpec visual_job_spec(const LiveTraining& t) { return code_ae_job_spec({visual_options(t), CodeAeEval::visual}); }
JobSpec anomaly_job_spec(const Settings& s, const LiveTraining& t) {
    return code_ae_job_spec({anomaly_options(s, t), CodeAeEval::anomaly});
}
JobSpec inpaint_job_spec(const Settings& s, const LiveTraining& t) { return denoising_job_spec(inpaint_options(s, t), true); }

// The runs train as the core's jobs on the kit's trainer (a Web Worker, a second thread or this
// thread); each state's recipe points into its LiveTraining's view copy, and the figures the
// sections show arrive through `evaluated`.
void attach(Trainings& t, RetrievalState& r, VisualState& v, AnomalyState& a, InpaintState& i, const Dataset& data,
            const Settings& settings) {
    const Dataset* d = &data;
    const Settings* s = &settings;
    r.features = retrieval_pixels(data, kRetrievalQueries);
    auto code_ae = [](LiveTraining::JobHooks& h, CodeAeRecipe** recipe) {
        h.built = [recipe](TrainJob& job) { *recipe = &static_cast<CodeAeJob&>(job).recipe(); };
    };

    LiveTraining::JobHooks hr;
    hr.data = d;
    hr.spec = [&t, &r] {
        r.recipe = nullptr;
        return retrieval_job_spec(t.retrieval);
    };
    code_ae(hr, &r.recipe);
    hr.evaluated = [&r](int step, const std::vector<float>& f) {
        const RetrievalFigures e = retrieval_figures_from(f);
        set_codes(r.features, e);
        r.codes = e.codes;
        r.bits = e.bits;
        r.ae_rate = e.rate;
        r.evaluated_step = step;
    };
    t.retrieval.set_job(std::move(hr));

    LiveTraining::JobHooks hv;
    hv.data = d;
    hv.spec = [&t, &v] {
        v.recipe = nullptr;
        return visual_job_spec(t.visual);
    };
    code_ae(hv, &v.recipe);
    hv.evaluated = [&v](int step, const std::vector<float>& f) {
        VisualFigures e = visual_figures_from(f);
        v.codes = std::move(e.codes);
        v.knn_ae = e.knn;
        v.evaluated_step = step;
    };
    t.visual.set_job(std::move(hv));

    LiveTraining::JobHooks ha;
    ha.data = d;
    ha.spec = [&t, &a, s] {
        a.recipe = nullptr;
        a.auc_curve.clear();
        return anomaly_job_spec(*s, t.anomaly);
    };
    code_ae(ha, &a.recipe);  // the run's epoch is the nine classes' images (the job's epoch_size)
    ha.evaluated = [&a](int, const std::vector<float>& f) {
        a.eval = anomaly_figures_from(f);
        a.auc_curve.push_back(float(a.eval.roc.auc));
    };
    t.anomaly.set_job(std::move(ha));

    t.inpaint.track(i.plain_losses);
    LiveTraining::JobHooks hi;
    hi.data = d;
    hi.spec = [&t, &i, s] {
        i.recipe = nullptr;
        return inpaint_job_spec(*s, t.inpaint);
    };
    hi.built = [&i](TrainJob& job) { i.recipe = &static_cast<DenoisingJob&>(job).recipe(); };
    t.inpaint.set_job(std::move(hi));
}

//-----------------------------------------------------------------------------
// [SECTION] PCA, the linear baseline
//-----------------------------------------------------------------------------

void compute_pca(PcaState& p, const Dataset& data, const std::vector<int>& budgets) {
    p.pca = training_pca(data, kPcaComponents);
    p.points = pca_2d(*p.pca, data, kVisualisationPoints);
    p.knn = knn_accuracy_loo(p.points, split_labels(data, Split::test, kVisualisationPoints), kVisualisationK);
    p.rate = pca_rate_curve(*p.pca, data, budgets);
}

//-----------------------------------------------------------------------------
// [SECTION] PyTorch code
//-----------------------------------------------------------------------------

std::string pytorch_retrieval() {
    return "import torch, torch.nn as nn\n"
           "enc = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 32))\n"
           "dec = nn.Sequential(nn.Linear(32, 256), nn.ReLU(), nn.Linear(256, 784), nn.Sigmoid())\n"
           "# ... train dec(enc(x)) against x.flatten(1) with Adam(lr=1e-3), MSE, batches of 64 ...\n"
           "with torch.no_grad():\n"
           "    z_db, z_q = enc(x_train), enc(x_test)          # (6000, 32), (1000, 32)\n"
           "    median = z_db.median(dim=0).values            # numpy's median: mean of the two middle values\n"
           "    b_db, b_q = (z_db > median).float(), (z_q > median).float()\n"
           "def precision_at(k, q, db):                       # ties at the k-th distance: see the core\n"
           "    nn_idx = torch.cdist(q, db).topk(k, largest=False).indices\n"
           "    return (y_train[nn_idx] == y_test[:, None]).float().mean()\n"
           "print(precision_at(10, x_test.flatten(1), x_train.flatten(1)),\n"
           "      precision_at(10, z_q, z_db),\n"
           "      precision_at(10, b_q, b_db))                # Euclidean on bits = sqrt(Hamming)";
}

std::string pytorch_anomaly(int holdout) {
    std::ostringstream s;
    s << "from sklearn.metrics import roc_auc_score\n"
      << "keep = y_train != " << holdout << "                      # train on the other nine classes\n"
      << "ae = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 16),\n"
      << "                   nn.Linear(16, 128), nn.ReLU(), nn.Linear(128, 784), nn.Sigmoid())\n"
      << "# ... train on x_train[keep] ...\n"
      << "with torch.no_grad():\n"
      << "    score = ((ae(x_test) - x_test.flatten(1)) ** 2).mean(dim=1)\n"
      << "print(roc_auc_score((y_test == " << holdout << ").numpy(), score.numpy()))";
    return s.str();
}

std::string pytorch_compression() {
    return "lo, hi = z_db.min(dim=0).values, z_db.max(dim=0).values   # ranges from the training codes\n"
           "def quantize(z, bits):\n"
           "    levels = 2 ** bits - 1\n"
           "    t = ((z - lo) / (hi - lo)).clamp(0, 1)\n"
           "    return lo + torch.round(t * levels) / levels * (hi - lo)\n"
           "for bits in range(1, 9):                                 # 32 * bits bits per image\n"
           "    x_hat = dec(quantize(enc(x), bits))\n"
           "    print(32 * bits, 10 * torch.log10(1 / F.mse_loss(x_hat, x.flatten(1))))";
}

//-----------------------------------------------------------------------------
// [SECTION] Drawing helpers
//-----------------------------------------------------------------------------
namespace {

void image(const char* id, const float* plane, float zoom) {
    ui::HeatmapStyle hs;
    hs.zoom = zoom;
    ui::heatmap(id, plane, 28, 28, hs);
}

std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::vector<float> as_floats(const std::vector<double>& v) { return std::vector<float>(v.begin(), v.end()); }

// A square plot of curves y(x) over [0, 1] x [0, 1] (the ROC), with the diagonal for reference.
void unit_curve_plot(const char* id, float side, const std::vector<std::pair<const std::vector<double>*, const std::vector<double>*>>& curves,
                     const std::vector<ImU32>& colors) {
    ImGui::InvisibleButton(id, ImVec2(side, side));
    const ImVec2 o = ImGui::GetItemRectMin();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(o, ImVec2(o.x + side, o.y + side), ImGui::GetColorU32(ImGuiCol_FrameBg));
    auto at = [&](double x, double y) { return ImVec2(o.x + float(x) * side, o.y + (1.0f - float(y)) * side); };
    dl->AddLine(at(0, 0), at(1, 1), kit::palette::reference);
    for (std::size_t c = 0; c < curves.size(); ++c) {
        const auto& xs = *curves[c].first;
        const auto& ys = *curves[c].second;
        for (std::size_t i = 1; i < xs.size() && i < ys.size(); ++i)
            dl->AddLine(at(xs[i - 1], ys[i - 1]), at(xs[i], ys[i]), colors[c], 2.0f);
    }
    dl->AddText(ImVec2(o.x + 4, o.y + side - 18), ImGui::GetColorU32(ImGuiCol_Text), "false positive rate ->");
    dl->AddText(ImVec2(o.x + 4, o.y + 2), ImGui::GetColorU32(ImGuiCol_Text), "true positive rate");
}

// Two overlaid histograms (normalised to their own counts) of scores over a shared range.
void score_histograms(const char* id, ImVec2 size, const std::vector<double>& scores, const std::vector<int>& anomaly) {
    constexpr int kBins = 40;
    double hi = 0;
    for (double s : scores) hi = std::max(hi, s);
    hi = hi > 0 ? hi : 1;
    std::vector<float> h[2] = {std::vector<float>(kBins, 0), std::vector<float>(kBins, 0)};
    float n[2] = {0, 0};
    for (std::size_t i = 0; i < scores.size(); ++i) {
        const int b = std::min(kBins - 1, int(scores[i] / hi * kBins));
        h[anomaly[i] ? 1 : 0][std::size_t(b)] += 1;
        n[anomaly[i] ? 1 : 0] += 1;
    }
    float top = 0;
    for (int g = 0; g < 2; ++g)
        for (float& v : h[g]) top = std::max(top, v /= std::max(n[g], 1.0f));
    ImGui::InvisibleButton(id, size);
    const ImVec2 o = ImGui::GetItemRectMin();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(o, ImVec2(o.x + size.x, o.y + size.y), ImGui::GetColorU32(ImGuiCol_FrameBg));
    const float w = size.x / kBins;
    const ImU32 colors[2] = {(kit::palette::series[1] & 0x00FFFFFF) | 0xA0000000, (kit::palette::series[0] & 0x00FFFFFF) | 0xA0000000};
    for (int g = 0; g < 2; ++g)
        for (int b = 0; b < kBins; ++b) {
            const float bar = h[g][std::size_t(b)] / std::max(top, 1e-9f) * (size.y - 16);
            dl->AddRectFilled(ImVec2(o.x + b * w, o.y + size.y - bar), ImVec2(o.x + (b + 1) * w - 1, o.y + size.y), colors[g]);
        }
    dl->AddText(ImVec2(o.x + size.x - 150, o.y + 2), ImGui::GetColorU32(ImGuiCol_Text),
                ("MSE 0 .. " + fixed(hi, 4)).c_str());
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Blue: the nine trained classes, orange: the held-out class; each normalised to its own count.");
    a11y::resume();
}

//-----------------------------------------------------------------------------
// The page
//-----------------------------------------------------------------------------

class AeApplicationsLesson : public Lesson {
public:
    AeApplicationsLesson() {
        url_.read();
        start_all_ = tr_.retrieval.wants_training();
    }
    void draw() override;

private:
    Settings st_;
    kit::Sections sections_{0b00001};
    Trainings tr_;
    kit::UrlState url_ = url_state(st_, sections_, tr_);
    RetrievalState ret_;
    VisualState vis_;
    AnomalyState ano_;
    InpaintState inp_;
    PcaState pca_;
    bool attached_ = false, start_all_ = false;
    bool built_[4] = {false, false, false, false};
    bool built_this_frame_ = false;

    // Builds run `index` the first time its section needs it, one run a frame (each build
    // evaluates its network on held-out images). A train=1 link starts every run it builds.
    bool ensure(int index, LiveTraining& t) {
        if (built_[index]) return t.built();
        if (built_this_frame_) {
            ImGui::TextDisabled("Building the network...");
            return false;
        }
        built_this_frame_ = true;
        built_[index] = true;
        t.rebuild();
        if (start_all_ && t.built() && !t.run().running()) t.run().start();
        return t.built();
    }

    bool pca_ready(const Dataset& d) {
        if (pca_.pca) return true;
        if (built_this_frame_) {
            ImGui::TextDisabled("Computing PCA of the training images...");
            return false;
        }
        built_this_frame_ = true;
        std::vector<int> budgets;
        for (int b = 1; b <= kMaxQuantBits; ++b) budgets.push_back(retrieval_spec().code * b);
        compute_pca(pca_, d, budgets);
        return true;
    }

    // A run's controls, or its build error with a way back to the defaults.
    bool controls(const char* id, LiveTraining& t) {
        if (!t.error().empty() && !t.built()) {
            ui::error_panel("The training could not start", t.error());
            if (ImGui::Button("Back to the defaults")) {
                t.controls().seed = 1;
                t.controls().learning_rate = 1e-3f;
                st_ = Settings();
                t.rebuild();
            }
            return false;
        }
        t.panel(id);
        return t.built();
    }

    void report_status() {
        const TrainingRun& run = tr_.retrieval.run();
        platform::set_status("step", std::to_string(run.step()));
        if (!run.losses().empty()) {
            platform::set_status("loss", ui::fmt_num(run.losses().back()));
            platform::set_status("first_loss", ui::fmt_num(run.losses().front()));
        }
        if (ret_.codes.size() >= 10) {
            platform::set_status("precision_at_10_codes", fixed(ret_.codes[9], 4));
            platform::set_status("precision_at_10_bits", fixed(ret_.bits[9], 4));
            platform::set_status("retrieval_eval_step", std::to_string(ret_.evaluated_step));
        }
        if (ret_.pixels_done()) platform::set_status("precision_at_10_pixels", fixed(ret_.pixels()[9], 4));
        const std::pair<const char*, LiveTraining*> runs[] = {{"visual", &tr_.visual}, {"anomaly", &tr_.anomaly}, {"inpaint", &tr_.inpaint}};
        for (const auto& [name, t] : runs) {
            if (!t->built()) continue;
            platform::set_status(std::string(name) + "_step", std::to_string(t->run().step()));
            if (!t->run().losses().empty()) platform::set_status(std::string(name) + "_loss", ui::fmt_num(t->run().losses().back()));
        }
        if (vis_.codes.size()) platform::set_status("knn_2d_ae", fixed(vis_.knn_ae, 4));
        if (pca_.pca) platform::set_status("knn_2d_pca", fixed(pca_.knn, 4));
        if (ano_.recipe && !ano_.auc_curve.empty()) platform::set_status("auc", fixed(ano_.eval.roc.auc, 4));
        if (!ret_.ae_rate.empty()) platform::set_status("psnr_ae_128_bits", fixed(ret_.ae_rate[3].psnr_db, 3));
        if (!pca_.rate.empty()) platform::set_status("psnr_pca_128_bits", fixed(pca_.rate[3].psnr_db, 3));
    }

    //-------------------------------------------------------------------------
    // [SECTION] 1. Retrieval
    //-------------------------------------------------------------------------
    std::pair<int, int> neighbours_for_{-1, -1};  // (training version, query)
    std::vector<std::size_t> neighbours_[3];
    Tensor query_image_, neighbour_images_[3];
    static constexpr int kShown = 8;

    void draw_retrieval(const Dataset& d) {
        ImGui::TextWrapped(
            "Search by content: for a test image, find the training images most like it. Like what? Three answers: "
            "Euclidean distance between the 784 pixels; between the autoencoder's 32 code numbers z = f(x); and "
            "Hamming distance between 32-bit binary codes, each code number thresholded at its median over the "
            "training set (so each bit splits the data in half). Binary codes are what semantic hashing uses: a "
            "32-bit word per image, compared with XOR and a bit count.");
        ImGui::TextWrapped("Network: %s (ReLU, linear code, Sigmoid output), MSE, Adam, batches of 64.",
                           spec_text(retrieval_spec()).c_str());
        if (!controls("train-retrieval", tr_.retrieval)) return;
        ImGui::SetNextItemWidth(std::min(260.0f, ImGui::GetContentRegionAvail().x * 0.5f));
        ImGui::SliderInt("query: test image", &st_.query, 0, int(kRetrievalQueries) - 1);
        ImGui::SameLine();
        ImGui::Text("(%s)", d.class_names[d.test_labels[std::size_t(st_.query)]].c_str());

        if (neighbours_for_ != std::make_pair(ret_.evaluated_step, st_.query) && ret_.evaluated_step >= 0) {
            const RetrievalSpace spaces[3] = {RetrievalSpace::pixels, RetrievalSpace::codes, RetrievalSpace::bits};
            for (int s = 0; s < 3; ++s) {
                neighbours_[s] = nearest(retrieval_distances(spaces[s], ret_.features, std::size_t(st_.query), 1), 0, kShown);
                neighbour_images_[s] = d.gather(Split::train, neighbours_[s]);
            }
            query_image_ = d.image(Split::test, std::size_t(st_.query));
            neighbours_for_ = {ret_.evaluated_step, st_.query};
        }
        if (query_image_.size()) {
            ImGui::TextUnformatted("query");
            image("query", query_image_.data(), 3.0f);
            const char* rows[3] = {"pixels (Euclidean):", "codes (Euclidean):", "bits (Hamming):"};
            for (int s = 0; s < 3; ++s) {
                ImGui::PushID(s);
                int same = 0;
                for (std::size_t j : neighbours_[s]) same += d.train_labels[j] == d.test_labels[std::size_t(st_.query)];
                ImGui::Text("%s %d of %d of the same class", rows[s], same, kShown);
                const float avail = ImGui::GetContentRegionAvail().x;
                const float zoom = std::clamp((avail - kShown * 8.0f) / (kShown * 28.0f), 1.5f, 3.0f);
                for (int k = 0; k < kShown; ++k) {
                    if (k) ImGui::SameLine();
                    ImGui::PushID(k);
                    image("nn", neighbour_images_[s].data() + std::size_t(k) * 784, zoom);
                    if (ImGui::IsItemHovered())
                        ImGui::SetTooltip("training image %d: %s", int(neighbours_[s][std::size_t(k)]),
                                          d.class_names[d.train_labels[neighbours_[s][std::size_t(k)]]].c_str());
                    a11y::resume();
                    ImGui::PopID();
                }
                ImGui::PopID();
            }
        }

        ImGui::Separator();
        if (!ret_.pixels_done())
            ImGui::TextDisabled("Measuring precision in pixels: %d of %d test images...", int(ret_.pixel_queries),
                                int(kRetrievalQueries));
        const std::vector<float> pix = as_floats(ret_.pixels()), codes = as_floats(ret_.codes), bits = as_floats(ret_.bits);
        ImGui::Text("precision@10 over the %d test images at step %d:  pixels %s,  codes %s,  bits %s",
                    int(kRetrievalQueries), ret_.evaluated_step,
                    ret_.pixels_done() ? fixed(pix[9], 3).c_str() : "...", codes.size() > 9 ? fixed(codes[9], 3).c_str() : "-",
                    bits.size() > 9 ? fixed(bits[9], 3).c_str() : "-");
        ui::help_marker("precision@k: of the k training images nearest a test image, the fraction of its class; the mean "
                        "over all 1000 test images. Chance is 0.1 (ten balanced classes). Images at exactly the k-th "
                        "distance (common with Hamming distances, whole numbers 0..32) count in proportion, as if "
                        "ties were broken at random. Codes are re-measured every 500 steps and at the end.");
        ui::PlotStyle ps;
        ps.size = ImVec2(0, 170);
        ps.x_label = "k";
        ps.y_format = "%.2f";
        ui::line_plot("precision", {{"pixels", pix.data(), ret_.pixels_done() ? int(pix.size()) : 0, kit::palette::series[2], 1, 1},
                                    {"codes", codes.data(), int(codes.size()), kit::palette::series[0], 1, 1},
                                    {"bits", bits.data(), int(bits.size()), kit::palette::series[1], 1, 1}},
                      ps);
        if (ret_.pixels_done() && codes.size() > 9) {
            const double gain = codes[9] - pix[9];
            ImGui::TextWrapped(
                "%s On this small data set (6000 training images, a 32-number code trained for reconstruction, not "
                "for retrieval) the gap is small: Krizhevsky & Hinton's codes were deeper, longer (256 bits), trained "
                "on far more images and pushed towards binary values during training. The 32 bits cost 4 bytes an "
                "image against 784 pixels, and lose %s of precision@10 against the real-valued code.",
                gain > 0.005 ? ui::format("Here the codes beat pixels at k = 10 by %.3f.", gain).c_str()
                : gain < -0.005 ? ui::format("Here the codes do NOT beat pixels at k = 10: %.3f below.", -gain).c_str()
                                : "Here codes and pixels are level at k = 10.",
                fixed(codes[9] - bits[9], 3).c_str());
        }
        ui::pytorch_panel("torch-retrieval", pytorch_retrieval());
        ui::export_buttons("export-retrieval", {{"test_codes.npy", &ret_.features.test_codes},
                                                {"test_bits.npy", &ret_.features.test_bits},
                                                {"train_codes.npy", &ret_.features.train_codes}});
    }

    //-------------------------------------------------------------------------
    // [SECTION] 2. Visualisation in 2-D
    //-------------------------------------------------------------------------
    void draw_visual(const Dataset& d) {
        ImGui::TextWrapped(
            "Squeeze every image into two numbers and plot them. PCA keeps the two directions of largest variance "
            "(linear); a deep autoencoder %s can bend: Hinton & Salakhutdinov (2006) showed its 2-D codes separate "
            "classes far better than PCA's. How well classes separate is measured by leave-one-out k-NN accuracy "
            "in 2-D (k = %d): each test image gets the majority class of its %d nearest others.",
            spec_text(visualisation_spec()).c_str(), kVisualisationK, kVisualisationK);
        if (!pca_ready(d) || !ensure(1, tr_.visual)) return;
        if (!controls("train-visual", tr_.visual)) return;
        const float side = std::clamp(ImGui::GetContentRegionAvail().x * 0.5f - 12.0f, 150.0f, 340.0f);
        auto scatter = [&](const char* id, const Tensor& pts, const char* title, double knn, const char* xl, const char* yl) {
            ImGui::BeginGroup();
            ImGui::Text("%s: k-NN accuracy %.3f", title, knn);
            std::vector<kit::ClassPoint> p;
            for (std::size_t i = 0; i < pts.shape()[0]; ++i)
                p.push_back({pts.data()[2 * i], pts.data()[2 * i + 1], int(d.test_labels[i])});
            kit::ScatterStyle style;
            style.size = side;
            style.x_label = xl;
            style.y_label = yl;
            kit::class_scatter(id, p, d.class_names, style);
            ImGui::EndGroup();
        };
        scatter("pca", pca_.points, "PCA", pca_.knn, "pc1", "pc2");
        if (ImGui::GetContentRegionAvail().x > 2 * side) ImGui::SameLine(0, 16);
        if (vis_.codes.size()) scatter("ae", vis_.codes, ui::format("autoencoder, step %d", vis_.evaluated_step).c_str(), vis_.knn_ae, "z1", "z2");
        kit::class_legend(d.class_names);
        ImGui::TextWrapped("Both plots show the first %d test images; PCA is fitted on the 6000 training images, the "
                           "autoencoder trained on them. The autoencoder's plot is redrawn every %d steps.",
                           int(kVisualisationPoints), kVisualEvalEvery);
        ui::export_buttons("export-visual", {{"codes_2d.npy", &vis_.codes}, {"pca_2d.npy", &pca_.points}});
    }

    //-------------------------------------------------------------------------
    // [SECTION] 3. Anomalies
    //-------------------------------------------------------------------------
    void draw_anomaly(const Dataset& d) {
        ImGui::TextWrapped(
            "An autoencoder reconstructs well what it was trained on. Train it on nine classes and images of the "
            "tenth reconstruct worse: the reconstruction error ||g(f(x)) - x||^2 / 784 is an anomaly score. The ROC "
            "curve shows, for every threshold on that score, the fraction of held-out images flagged (true "
            "positives) against the fraction of normal ones flagged (false positives); its area (AUC) is the "
            "probability that a random held-out image scores above a random normal one (0.5: no better than chance).");
        ImGui::TextWrapped("Network: %s, trained on every class but the held-out one.", spec_text(anomaly_spec()).c_str());
        const bool locked = tr_.anomaly.run().running();
        if (locked) ImGui::BeginDisabled();
        ImGui::SetNextItemWidth(std::min(220.0f, ImGui::GetContentRegionAvail().x * 0.5f));
        int holdout = st_.holdout;
        if (ImGui::SliderInt("held-out class", &holdout, 0, 9)) {
            st_.holdout = holdout;
            if (built_[2]) tr_.anomaly.rebuild();
        }
        ImGui::SameLine();
        ImGui::Text("(%s)", d.class_names[std::size_t(st_.holdout)].c_str());
        if (locked) ImGui::EndDisabled();
        if (!ensure(2, tr_.anomaly)) return;
        if (!controls("train-anomaly", tr_.anomaly)) return;
        const AnomalyEval& e = ano_.eval;
        if (e.scores.empty()) return;
        ImGui::Text("AUC %.4f at step %d;  mean error: nine classes %.5f, %s %.5f", e.roc.auc, tr_.anomaly.run().step(),
                    e.mean_normal, d.class_names[std::size_t(st_.holdout)].c_str(), e.mean_anomaly);
        ui::help_marker("Scored: all 1000 test images (100 of the held-out class). CLI: aelab-cli train anomaly "
                        "--holdout C, which also reports PCA with 16 components on the same nine classes as a linear "
                        "baseline. Classes close to trained ones (shirt vs T-shirt, pullover vs coat) are hard to "
                        "tell apart by reconstruction.");
        const float w = ImGui::GetContentRegionAvail().x;
        const float side = std::clamp(w * 0.4f, 140.0f, 260.0f);
        ImGui::BeginGroup();
        ImGui::TextUnformatted("ROC curve");
        unit_curve_plot("roc", side, {{&e.roc.fpr, &e.roc.tpr}}, {kit::palette::series[0]});
        ImGui::EndGroup();
        if (w > side + 200) ImGui::SameLine(0, 16);
        ImGui::BeginGroup();
        ImGui::TextUnformatted("Reconstruction error (blue: nine classes, orange: held out)");
        score_histograms("hist", ImVec2(std::max(160.0f, std::min(w - side - 24, 420.0f)), side * 0.6f), e.scores, e.anomaly);
        ui::PlotStyle ps;
        ps.size = ImVec2(std::max(160.0f, std::min(w - side - 24, 420.0f)), side * 0.4f - 8);
        ps.y_format = "%.2f";
        ui::line_plot("auc", {{"AUC", ano_.auc_curve.data(), int(ano_.auc_curve.size()), kit::palette::series[0], 0, float(kAnomalyEvalEvery)}}, ps);
        ImGui::EndGroup();
        ui::pytorch_panel("torch-anomaly", pytorch_anomaly(st_.holdout));
    }

    //-------------------------------------------------------------------------
    // [SECTION] 4. Inpainting
    //-------------------------------------------------------------------------
    bool dragging_ = false;
    int drag_r0_ = 0, drag_c0_ = 0;
    Inpainting shown_;
    kit::OwnImageChoice mine_;  // your own image in place of the test image (kit/image_input.hpp); not in the link
    std::tuple<int, int, int, int, int, int> shown_for_{-1, -1, -1, -1, -1, -1};

    void draw_inpaint(const Dataset& d) {
        ImGui::TextWrapped(
            "A denoising autoencoder trained with masking noise (each pixel set to 0 with probability p) learns to "
            "guess missing pixels from the rest. Erase a rectangle (drag on the left image, or use the sliders) and "
            "it fills it in; beside it, the same network trained without noise (a plain autoencoder). PSNR is "
            "measured on the erased pixels only.");
        const bool locked = tr_.inpaint.run().running();
        if (locked) ImGui::BeginDisabled();
        ImGui::SetNextItemWidth(std::min(200.0f, ImGui::GetContentRegionAvail().x * 0.4f));
        if (ImGui::SliderFloat("masking p", &st_.mask_p, 0.05f, 0.95f, "%.2f") && built_[3]) tr_.inpaint.rebuild();
        if (locked) ImGui::EndDisabled();
        if (!ensure(3, tr_.inpaint)) return;
        if (!controls("train-inpaint", tr_.inpaint)) return;
        ImGui::SetNextItemWidth(std::min(220.0f, ImGui::GetContentRegionAvail().x * 0.5f));
        if (ImGui::SliderInt("test image", &st_.inpaint_image, 0, int(d.size(Split::test)) - 1)) mine_.use = false;
        kit::test_or_own_image(mine_);
        platform::set_status("inpaint_input", mine_.use ? "your image" : "test image");
        const int image_key =
            mine_.use ? -int(mine_.key()) - 1 : st_.inpaint_image;
        int rect[4] = {st_.hole.row0, st_.hole.col0, st_.hole.row1, st_.hole.col1};
        ImGui::SetNextItemWidth(std::min(320.0f, ImGui::GetContentRegionAvail().x));
        if (ImGui::SliderInt4("rows / cols", rect, 0, 28)) st_.hole = {rect[0], rect[1], rect[2], rect[3]};
        ui::help_marker("The erased rectangle: first row, first column, end row, end column (end excluded).");

        const std::tuple<int, int, int, int, int, int> key{tr_.inpaint.version(), image_key, st_.hole.row0,
                                                           st_.hole.col0, st_.hole.row1, st_.hole.col1};
        if (key != shown_for_) {
            Tensor x = mine_.use ? mine_.input.steps.final : d.image(Split::test, std::size_t(st_.inpaint_image));
            if (mine_.use) x.reshape({1, 28, 28});
            shown_ = inpaint(*inp_.recipe, x, st_.hole);
            shown_for_ = key;
        }
        const float zoom = std::clamp((ImGui::GetContentRegionAvail().x - 60) / (5 * 28.0f), 2.0f, 5.0f);
        auto column = [&](const char* title, const char* id, const Tensor& t, const std::string& note) {
            ImGui::BeginGroup();
            ImGui::TextUnformatted(title);
            image(id, t.data(), zoom);
            ImGui::TextUnformatted(note.c_str());
            ImGui::EndGroup();
        };
        column("erased (drag here)", "erased", shown_.erased, ui::format("hole %d px, %.1f dB", shown_.hole_pixels, shown_.psnr_erased_db));
        drag_rectangle(zoom);
        ImGui::SameLine(0, 10);
        column("denoiser fill", "filled", shown_.filled, ui::format("%.1f dB", shown_.psnr_denoiser_db));
        ImGui::SameLine(0, 10);
        column("plain AE fill", "plain", shown_.plain_filled, ui::format("%.1f dB", shown_.psnr_plain_db));
        ImGui::SameLine(0, 10);
        column("original", "clean", shown_.clean, "");
        ImGui::TextWrapped(
            "The fills use the network's output only inside the hole; outside it the pixels are kept. A hole far "
            "larger than what masking noise removes at once (scattered single pixels) is harder: the network "
            "learned to fill small gaps from their neighbours, and fills a large hole with a blurry average of "
            "what such images usually have there.");
        ui::export_buttons("export-inpaint", {{"erased.npy", &shown_.erased}, {"filled.npy", &shown_.filled}});
    }

    // A left-drag on the group just drawn (a title line, then the image) sets the rectangle: it
    // starts on the pixel pressed and follows the mouse while the button is down.
    void drag_rectangle(float zoom) {
        const ImVec2 o = ImGui::GetItemRectMin(), m = ImGui::GetIO().MousePos;
        const int r = int(std::floor((m.y - o.y - ImGui::GetTextLineHeightWithSpacing()) / zoom));
        const int c = int(std::floor((m.x - o.x) / zoom));
        if (!dragging_ && r >= 0 && r < 28 && c >= 0 && c < 28 && ImGui::IsMouseClicked(ImGuiMouseButton_Left) &&
            ImGui::IsMouseHoveringRect(o, ImGui::GetItemRectMax())) {
            dragging_ = true;
            drag_r0_ = r, drag_c0_ = c;
        }
        if (!dragging_) return;
        if (!ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
            dragging_ = false;
            return;
        }
        const Rect n = normalized({drag_r0_, drag_c0_, std::clamp(r, 0, 27), std::clamp(c, 0, 27)});
        st_.hole = {n.row0, n.col0, n.row1 + 1, n.col1 + 1};  // both corner pixels erased
    }

    //-------------------------------------------------------------------------
    // [SECTION] 5. Compression
    //-------------------------------------------------------------------------
    void draw_compression(const Dataset& d) {
        ImGui::TextWrapped(
            "An encoder is a lossy compressor: send the code instead of the image. Each of the 32 code numbers is "
            "quantised uniformly to b bits over its range on the training set (2^b levels), so an image costs "
            "32 * b bits; the decoder turns the quantised code back into an image. PCA does the same with its "
            "components; at each budget it may trade components for bits (m components at b bits, m * b <= budget, "
            "the best split kept). The network is the retrieval section's: train it there.");
        if (!pca_ready(d)) return;
        if (ret_.ae_rate.empty()) return;
        std::vector<float> ae, pc;
        for (const RatePoint& p : ret_.ae_rate) ae.push_back(float(p.psnr_db));
        for (const RatePoint& p : pca_.rate) pc.push_back(float(p.psnr_db));
        ui::PlotStyle ps;
        ps.size = ImVec2(0, 180);
        ps.x_label = "bits per image";
        ps.y_format = "%.1f dB";
        const float dx = float(retrieval_spec().code);
        ui::line_plot("rate", {{"autoencoder", ae.data(), int(ae.size()), kit::palette::series[0], dx, dx},
                               {"PCA", pc.data(), int(pc.size()), kit::palette::series[1], dx, dx}},
                      ps);
        if (ImGui::BeginTable("rate-table", 3, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_BordersInnerV)) {
            ImGui::TableSetupColumn("bits / image");
            ImGui::TableSetupColumn("autoencoder (values x bits): PSNR");
            ImGui::TableSetupColumn("PCA (components x bits): PSNR");
            ImGui::TableHeadersRow();
            for (std::size_t i = 0; i < ret_.ae_rate.size() && i < pca_.rate.size(); ++i) {
                const RatePoint &a = ret_.ae_rate[i], &p = pca_.rate[i];
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::Text("%d (%d bytes)", a.bits, a.bits / 8);
                ImGui::TableNextColumn();
                ImGui::Text("%d x %d: %.2f dB", a.components, a.value_bits, a.psnr_db);
                ImGui::TableNextColumn();
                ImGui::Text("%d x %d: %.2f dB", p.components, p.value_bits, p.psnr_db);
            }
            ImGui::EndTable();
        }
        ImGui::TextWrapped(
            "Measured on the first %d test images at step %d of the retrieval network. What a default run (2000 "
            "steps) shows: with few bits per value the "
            "autoencoder's code suffers (its values were never trained to survive coarse rounding), and PCA, "
            "which can send fewer components more finely, wins; with more bits the non-linear decoder pulls ahead "
            "until its own reconstruction error (about 32 floats' worth) caps it, while PCA keeps adding components. "
            "A raw image is 784 * 8 = 6272 bits.",
            int(kCompressionImages), ret_.evaluated_step);
        ui::pytorch_panel("torch-compression", pytorch_compression());
    }
};

//-----------------------------------------------------------------------------
// [SECTION] The lesson
//-----------------------------------------------------------------------------
void AeApplicationsLesson::draw() {
    ImGui::TextWrapped(
        "What is a trained autoencoder good for, beyond giving back its input? Its code is a short description of "
        "an image that keeps what matters for reconstruction, and its reconstruction error says how typical an "
        "image is. Five uses, each trained here live on Fashion-MNIST and measured against the obvious baseline "
        "(raw pixels, or PCA). Open a section to build its network; each has its own Train button.");
    if (!ui::dataset_ready()) return;
    const Dataset& d = *platform::fashion_mnist().dataset;
    if (!attached_) {
        attach(tr_, ret_, vis_, ano_, inp_, d, st_);
        attached_ = true;
        built_[0] = true;
        tr_.retrieval.rebuild();  // the main run: train=1 starts it
    }
    built_this_frame_ = false;
    for (LiveTraining* t : tr_.all()) t->advance();
    if (tr_.retrieval.built()) advance_pixels(ret_, 20);  // about 20 ms a frame in a browser

    const char* titles[kSections] = {"1. Retrieval: pixels, codes and bits", "2. Visualisation: 2-D codes against PCA",
                                     "3. Anomalies: train on nine classes, score the tenth",
                                     "4. Inpainting: fill an erased region", "5. Compression: bits per image against PSNR"};
    for (int s = 0; s < kSections; ++s) {
        if (!sections_.header(s, titles[s])) continue;
        ImGui::PushID(s);
        try {
            switch (s) {
                case 0: draw_retrieval(d); break;
                case 1: draw_visual(d); break;
                case 2: draw_anomaly(d); break;
                case 3: draw_inpaint(d); break;
                case 4: draw_compression(d); break;
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
}  // namespace ae_applications

std::unique_ptr<Lesson> make_ae_applications_lesson() { return std::make_unique<ae_applications::AeApplicationsLesson>(); }

}  // namespace aelab::lessons
