// The "VAE sampling" lesson's maths and state, separate from its drawing so tests can check
// every number the page shows. The model, its training and its test ELBO come from the core's
// recipe (aelab/recipe_vae.hpp), the same one `aelab-cli train vae` runs.
//
// Legend: x a test image (1, 1, 28, 28); mu, logvar, sigma, eps, z (1, 2) for one image or
//   (N, 2) for many; the latent plane is (z1, z2), z1 across and z2 up.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "aelab/dataset.hpp"
#include "aelab/jobs/vae.hpp"
#include "aelab/models.hpp"
#include "aelab/recipe_vae.hpp"
#include "aelab/tensor.hpp"
#include "kit/palette.hpp"
#include "kit/sections.hpp"
#include "kit/training.hpp"
#include "kit/url_state.hpp"

namespace aelab::lessons::vae {

// --- The pretrained model -------------------------------------------------------------------------
// Served from data/models/ (copied there from assets/models/ by the build).
constexpr const char* kPretrainedFile = "models/vae-2d.aelabm";
// The model a file holds, checked for what this page needs: a VAE over (1, 28, 28) images
// with a 2-D latent. Throws aelab::Error naming `source` and the defect.
Vae load_pretrained(const std::vector<std::uint8_t>& bytes, const std::string& source);

// --- 1. The reparameterisation trick, one image ------------------------------------------------------
// eps (1, 2) for the page's n-th "draw new eps": Rng(kEpsSeed + n).
constexpr std::uint64_t kEpsSeed = 5000;
Tensor draw_eps(int draw);
struct ReparamStep {
    float mu[2], logvar[2], sigma[2], eps[2], z[2];  // sigma = exp(logvar / 2), z = mu + sigma * eps
    Tensor x;           // (28, 28) the test image (or the student's own)
    Tensor recon;       // (28, 28) decoder(z): one sample of the reconstruction
    Tensor mean_recon;  // (28, 28) decoder(mu): the reconstruction without noise
};
// `x` (optional, (1, 1, 28, 28)): an image of the student's own instead of test image `image`.
ReparamStep reparameterize(VaeRecipe& recipe, int image, int draw, const Tensor* x = nullptr);
// "z_1 = mu_1 + sigma_1 * eps_1 = 0.512 + 0.231 * (-1.2) = 0.235" for latent dimension j (0 or 1),
// and "sigma_1 = exp(logvar_1 / 2) = exp(-2.93 / 2) = 0.231".
std::string z_text(const ReparamStep& s, int j);
std::string sigma_text(const ReparamStep& s, int j);

// --- 2. The latent plane -------------------------------------------------------------------------------
constexpr int kGridSide = 12;         // decoded images per side of the grid
constexpr float kGridExtent = 3.0f;   // the grid covers [-3, 3]^2: 3 prior standard deviations
constexpr float kPlaneExtent = 4.0f;  // the scatter plot covers [-4, 4]^2
constexpr int kScatterImages = 1000;  // test images whose means are plotted (all of them)
// The decoded grid as one (kGridSide * 28, kGridSide * 28) image: tile (r, c) is the decoder's
// image of aelab::latent_grid(kGridSide, kGridExtent)'s latent r * kGridSide + c.
Tensor grid_image(VaeRecipe& recipe);
// Where a point of the drawn grid lies in the plane: (u, v) in [0, 1]^2 are the fractions
// across and down the grid image, whose tile centres are the grid's latents; and back.
void grid_to_latent(float u, float v, float& z1, float& z2);
void latent_to_grid(float z1, float z2, float& u, float& v);
// One decoded image (28, 28) for a point of the plane.
Tensor decode_point(VaeRecipe& recipe, float z1, float z2);
// Test-image means (count, 2), and as points with their labels.
struct LatentScatter {
    Tensor means;  // (count, 2)
    std::vector<kit::ClassPoint> points;
};
LatentScatter latent_scatter(VaeRecipe& recipe, int count);

// --- 3. Samples from the prior ---------------------------------------------------------------------------
constexpr int kPriorSamples = 16;
constexpr std::uint64_t kPriorSeed = 9000;
// z (16, 2) ~ N(0, I) for the page's n-th "draw 16 samples": Rng(kPriorSeed + n).
Tensor prior_latents(int draw);

// --- 4. Interpolation ----------------------------------------------------------------------------------------
constexpr int kInterpSteps = 10;  // images on the line, endpoints included

// --- Live training ("train it yourself") ------------------------------------------------------------------
// Per step the batch's recon, KL and ELBO = -(recon + KL); every kEvalEvery steps the ELBO on
// the first kEvalImages test images (a cheap estimate; the CLI reports all 1000).
constexpr int kEvalEvery = 250;
constexpr int kEvalImages = 500;
// The recipe options for the run: the controls' seed and learning rate, and beta.
VaeRecipeOptions recipe_options(const TrainingControls& c, float beta);

// --- PyTorch ---------------------------------------------------------------------------------------------
// The model, its loss and training for the options, a loader for .aelabm files, and the
// page's pictures (interpolating between test images ia and ib).
std::string pytorch_code(const VaeRecipeOptions& o, int ia, int ib);

// --- The page without its drawing: what the URL holds, the live training and its model -----------
// Keys: mode (0 pretrained, 1 train it yourself; train=1 implies 1), beta, img (test image of
// section 1), eps (its eps draw), z1, z2 (the point decoded in section 2), prior (the
// prior-sample draw), ia, ib (interpolation endpoints), open (bit mask of the open sections
// 0-4), and the training's seed, lr and train (1: start training once the data is ready).
enum class Mode { pretrained = 0, train = 1 };
constexpr float kMaxLearningRate = 5.0f, kMaxBeta = 8.0f;
struct Page {
    Page();  // declares the keys and the training hooks, then reads the URL
    Page(const Page&) = delete;  // the keys and the hooks point into it

    Mode mode = Mode::pretrained;
    float beta = 1.0f;
    int image = 0, eps_draw = 0;
    float z1 = 0.0f, z2 = 0.0f;
    int prior_draw = 0;
    int ia = 0, ib = 1;
    kit::Sections sections{0b11111};
    // "Train it yourself": the kit's driver trains the core's vae job (aelab/jobs/vae.hpp) from
    // `data`, its controls and beta and records the curves (recon, kl, elbo per step; test_elbo
    // at steps 0, kEvalEvery, ...).
    LiveTraining training{VaeRecipeOptions{}.steps, VaeRecipeOptions{}.batch_size, 6000, kEvalEvery};
    const Dataset* data = nullptr;  // set by use_data once loaded, before the first training.rebuild()
    VaeRecipe* live = nullptr;      // the training's view copy (LiveTraining::view), null until built
    std::vector<float> recon, kl, elbo, test_elbo;
    kit::UrlState url;

    // The dataset the job trains on (the training keeps a pointer to it).
    void use_data(const Dataset* d);

private:
    void attach_job();
};

}  // namespace aelab::lessons::vae
