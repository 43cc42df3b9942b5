// The "Generative adversarial networks" lesson's maths and state, separate from its drawing so
// tests can check every number the page shows. The models, their training and the mode
// coverage come from the core's recipe (aelab/recipe_gan.hpp), the same one
// `aelab-cli train gan` runs; the VAE beside the image GAN is the core's VAE recipe
// (aelab/recipe_vae.hpp) with the "VAE sampling" lesson's settings.
//
// Legend: real and fake points (N, 2); z (N, L); the heat map is D(x) on a kGridSide x kGridSide
// grid over [-kExtent, kExtent]^2, row 0 at the top; images (N, 1, 28, 28).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "aelab/dataset.hpp"
#include "aelab/jobs/gan.hpp"
#include "aelab/recipe_gan.hpp"
#include "aelab/recipe_vae.hpp"
#include "aelab/tensor.hpp"
#include "kit/sections.hpp"
#include "kit/training.hpp"
#include "kit/url_state.hpp"

namespace aelab::lessons::gan {

// --- 1. On the plane --------------------------------------------------------------------------------
constexpr float kExtent = 3.0f;         // the plane shows [-3, 3]^2
constexpr int kGridSide = 40;           // heat-map cells per side
constexpr int kRealShown = 500;         // real points drawn (fixed: Rng(kRealSeed))
constexpr int kFakeShown = 500;         // fakes drawn, G(z) for fixed z ~ Rng(kFakeSeed)
constexpr int kArrowsShown = 150;       // the first fakes get an arrow
constexpr std::uint64_t kRealSeed = kGanPlaneRealSeed, kFakeSeed = kGanPlaneFakeSeed;
constexpr int kMaxDrawn = 64;           // vertices of a drawn target
constexpr int kPlaneEvalEvery = 50;     // mode coverage every 50 steps

// Settings that show a behaviour for seed 1 on the ring (steps are periods of kd D + kg G updates).
struct PlanePreset {
    const char* name;
    int d_steps, g_steps;
    float learning_rate;
    GanLoss loss;
    const char* what_to_see;
};
constexpr int kPresetCount = 4;
const PlanePreset& plane_preset(int index);  // 0 balanced, 1 mode collapse, 2 oscillation, 3 saturating
enum PresetIndex { kBalanced = 0, kModeCollapse = 1, kOscillation = 2, kSaturating = 3 };

// What the plane shows for a model: the fixed real points, the fakes, D(x) on the grid and
// -dl/dx (the direction the generator's update pushes each of the first kArrowsShown fakes).
struct PlaneView {
    Tensor real;      // (kRealShown, 2)
    Tensor fake;      // (kFakeShown, 2)
    Tensor prob;      // (kGridSide * kGridSide) D(x) at toy2d::grid_points(kGridSide, kGridSide, -3, 3, -3, 3)
    Tensor push;      // (kArrowsShown, 2) = -dl/dx at fake[0 .. kArrowsShown)
    float spread = 0;  // root mean squared distance of the fakes from their mean
};
PlaneView plane_view(PlaneGan& g);
// Root mean squared distance of (N, 2) points from their mean.
float point_spread(const Tensor& xy);

// --- 2. Why the non-saturating loss ---------------------------------------------------------------------
// For D(G(z)) = p: the generator's loss and |dL / dlogit| under each loss, at p = 0.01 .. 0.99.
struct LossCurves {
    std::vector<float> p, saturating, non_saturating, grad_saturating, grad_non_saturating;
};
LossCurves loss_curves();

// --- 3. On images ---------------------------------------------------------------------------------------------
constexpr int kImageSamples = 16;  // a 4 x 4 grid of fixed latents for each model
constexpr std::uint64_t kImageZSeed = 777, kVaeZSeed = 778;
ImageGanOptions image_options(const TrainingControls& c, int class_index);
VaeRecipeOptions image_vae_options(const TrainingControls& c);
// The n images (n, 1, 28, 28) as one (rows * 28, cols * 28) picture, row-major.
Tensor tile_images(const Tensor& images, int cols);

// --- PyTorch ------------------------------------------------------------------------------------------------------
std::string pytorch_code(const PlaneGanOptions& o);

// --- The page without its drawing ------------------------------------------------------------------------------------
// Keys: target (0 ring, 1 line, 2 two clusters, 3 drawn), npts and draw (the drawn polyline:
// npts vertices as x,y,...), kd, kg (updates per step for D and G), nonsat (1: non-saturating
// generator loss), arrows (1: draw the generator's gradients), seed, lr, steps, train (the
// plane's run); icls (-1 all classes, or 0-9), iseed, ilr, isteps (the image run); open.
constexpr float kMaxLearningRate = 0.05f;
struct Page {
    Page();  // declares the keys and the training hooks, then reads the URL
    Page(const Page&) = delete;

    GanTarget target = GanTarget::ring;
    int drawn_points = 0;
    std::vector<float> drawn;  // x,y per vertex (2 * drawn_points)
    int d_steps = 1, g_steps = 1;
    bool non_saturating = true;
    bool arrows = true;
    int image_class = 0;
    kit::Sections sections{0b111};

    // The plane's run, the core's gan-plane job (aelab/jobs/gan.hpp) on the kit's trainer. Each
    // step is one period, or one update of one network when a "1 D step" / "1 G step" button asks.
    // Curves per step: d_loss and g_loss, the loss of each network's most recent update (L_D
    // before any D update: the untrained pair's, on the step's batch); modes_covered every
    // kPlaneEvalEvery steps. live is the training's view copy (weights of the latest snapshot).
    LiveTraining training{20000, PlaneGanOptions{}.batch_size, PlaneGanOptions{}.batch_size, kPlaneEvalEvery};
    PlaneGan* live = nullptr;
    std::vector<float> d_loss, g_loss, modes_covered, high_quality;
    GanModeStats stats;
    enum class Single { none, d, g };
    // k_d, k_g and the loss changed during the run reach the trainer's job between two steps
    // (LiveTraining::adjust; from the next step on, the history stays). A single step is
    // adjust(once=d|g) and a run to one step further that pauses there (stepping() until
    // the trainer's snapshot of that step has arrived; then stats are the view copy's, and
    // once=none cancels an update the trainer did not take). Only from a settled() page.
    void single_step(Single which);
    bool stepping() const { return single_to_ > 0; }
    void period_changed();
    void loss_changed();
    // One frame of the plane's training (a single step's end is noticed here).
    void advance_plane();
    PlaneGanOptions plane_options() const;
    // A preset's settings (and seed 1); the model is rebuilt.
    void apply_preset(int index);

    // The image run, the core's gan-image job: an MLP GAN and the VAE recipe on the same class,
    // one GAN period and one VAE step per step. The pointers are into the view copy.
    LiveTraining image_training{20000, ImageGanOptions{}.batch_size, 6000, 0};
    const Dataset* data = nullptr;  // set_data() once loaded, before the first image_training.rebuild()
    void set_data(const Dataset* d);
    const Dataset* subset = nullptr;
    ImageGan* image_gan = nullptr;
    VaeRecipe* vae = nullptr;
    std::vector<float> image_d_loss, image_g_loss, vae_loss;
    kit::UrlState url;

private:
    int single_to_ = 0;  // the step a single step ends at, while it runs
    void change(const JobSpec& c);
};

}  // namespace aelab::lessons::gan
