// The "Denoising autoencoders" lesson's state and maths, apart from its drawing so tests can run
// them without a window: the page's URL keys, the training (the core's DenoisingRecipe driven by
// the kit's LiveTraining, with PSNR evaluated every so often), the corruption examples and the
// drawing canvas.
//
// Legend: x a clean image (1, 28, 28) in [0, 1]; x_tilde ~ C(x_tilde | x) its corrupted copy;
//   f the encoder, g the decoder, g(f(x_tilde)) the reconstruction; PSNR = 10 log10(1 / MSE).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "aelab/dataset.hpp"
#include "aelab/jobs/denoising.hpp"
#include "aelab/recipe_denoising.hpp"
#include "aelab/tensor.hpp"
#include "kit/sections.hpp"
#include "kit/training.hpp"
#include "kit/url_state.hpp"

namespace aelab::lessons::denoising {

// --- Corruptions ---------------------------------------------------------------------------------
// The three noise processes of the lesson, in the order of its radio buttons.
constexpr Corruption kNoiseKinds[3] = {Corruption::gaussian, Corruption::masking, Corruption::salt_and_pepper};
const char* noise_key(Corruption c);          // "gaussian", "masking", "salt-and-pepper" (URL, CLI)
Corruption noise_from_key(const std::string& key, Corruption fallback);
const char* level_symbol(Corruption c);       // "sigma" or "p"
float max_level(Corruption c);                // slider and URL range: sigma <= 1.5, p <= 1

// One corrupted copy of an image with its PSNR against the clean one.
struct NoiseExample {
    Corruption kind;
    float level;
    Tensor noisy;    // like the clean image
    double psnr_db;  // +inf when nothing changed
};
// The clean image corrupted by each kind at its level; every kind draws from Rng(seed).
std::vector<NoiseExample> noise_examples(const Tensor& clean, const float levels[3], std::uint64_t seed);

// --- The drawing canvas --------------------------------------------------------------------------
constexpr int kSide = 28;

struct Canvas {
    std::vector<float> pixels = std::vector<float>(kSide * kSide, 0.0f);  // (28, 28) row-major, [0, 1]
    int version = 0;  // changes whenever the pixels do; 0: never loaded or drawn on
    // Holds (or was drawn over) the student's own image: never written into the link.
    bool from_user_image = false;

    void clear();
    // A 784-element image (any shape), clamped to [0, 1].
    void load(const Tensor& image);
    Tensor tensor() const;  // (1, 1, 28, 28)
    // A round brush of `radius` pixels centred at (y, x), in pixel units with pixel (r, c)
    // covering [r, r + 1) x [c, c + 1): each pixel moves towards `ink` (1 paints, 0 erases) by
    // its coverage clamp(radius + 0.5 - distance to its centre, 0, 1), so edges are soft.
    void dab(float y, float x, float radius, float ink);
    // The same brush swept along the segment (distance to the segment instead of the centre),
    // each pixel changed once, so a fast mouse leaves no gaps.
    void stroke(float y0, float x0, float y1, float x1, float radius, float ink);
};
// The canvas in a URL: 16 grey levels as hex digits, a run of n > 3 equal digits written as
// "<digit>.<n>." ("0.784." is a blank canvas). from_text returns false on malformed text.
std::string canvas_to_text(const Canvas& c);
bool canvas_from_text(const std::string& text, Canvas& c);

// --- Page settings (all of it in the URL) ---------------------------------------------------------
struct Settings {
    Corruption noise = Corruption::gaussian;  // the training corruption and its level
    float level = 0.5f;
    int image = 0;                                 // first shown test image
    float example_levels[3] = {0.5f, 0.5f, 0.2f};  // sigma, masking p, salt-and-pepper p
    float brush = 1.2f;                            // radius in pixels
    int ink = 1;                                   // 1 paint, 0 erase
    int passes = 1;                                // denoiser applications on the canvas
    bool canvas_noise = true;                      // corrupt the canvas before denoising
    int canvas_seed = 1;                           // its noise
};
constexpr int kMinSteps = 10, kMaxSteps = 50000, kMaxPasses = 5, kSections = 4, kEvalEvery = 100;
// The page's URL keys, read and written by the returned state: noise, level, img, sig, pm, psp
// (levels of the corruption examples), brush, ink, passes, cnoise, cseed over `s`; canvas (its
// canvas_to_text, empty while it has never been loaded: version 0); open (the mask of open
// sections); seed, lr, steps and train over the training (LiveTraining::bind). Missing or
// malformed values leave the defaults; a level must fit its noise (max_level).
kit::UrlState url_state(Settings& s, Canvas& canvas, kit::Sections& sections, LiveTraining& training);
// The recipe for these settings and the training's seed, learning rate and steps (everything
// else: the recipe's defaults).
DenoisingRecipeOptions recipe_options(const Settings& s, const LiveTraining& training);

// --- Training both networks ------------------------------------------------------------------------
struct PsnrPoint {
    int step;
    DenoisingEval eval;
};
// The two networks (the core's recipe) and what their training records.
struct Networks {
    DenoisingRecipe* recipe = nullptr;  // the training's view copy (LiveTraining::view)
    std::vector<float> plain_losses;  // the plain AE's loss per step, as long as run().losses()
    std::vector<PsnrPoint> psnr;      // held-out PSNRs: step 0, every kEvalEvery steps, the end
    const DenoisingEval& latest() const { return psnr.back().eval; }
};
// Gives `training` (made with eval_every = kEvalEvery) the hooks that build `nets` from
// options() at every rebuild, step both networks in one step and evaluate the held-out PSNRs.
// A run whose outputs collapse (recipe.collapsed(), from a too-high learning rate) stops with
// kCollapseMessage like a diverged one.
void attach_training(LiveTraining& training, Networks& nets, const Dataset& data,
                     std::function<DenoisingRecipeOptions()> options);
// The message of a collapsed run (also what TrainingRun shows after "Training stopped: ").
extern const char* const kCollapseMessage;

// --- Showing the networks' work -------------------------------------------------------------------
// For images x (N, 1, 28, 28) and their corrupted copies x_tilde: both reconstructions, the
// denoiser's "vector field" g(f(x_tilde)) - x_tilde, the true way back x - x_tilde, and PSNRs.
struct Comparison {
    Tensor clean, noisy, denoised, plain;  // (N, 1, 28, 28)
    Tensor field, true_field;              // (N, 1, 28, 28)
    std::vector<double> psnr_noisy, psnr_denoised, psnr_plain;  // per image, dB
    std::vector<double> field_cosine;  // cosine between field and true_field, per image
};
Comparison compare(DenoisingRecipe& r, const Tensor& clean, const Tensor& noisy);
// PSNR of the noisy images clipped to [0, 1]: the trivial denoiser, for scale.
double psnr_clipped_db(const Tensor& noisy, const Tensor& clean);
// The denoiser applied `passes` times: x_{k+1} = g(f(x_k)).
Tensor denoise_repeatedly(DenoisingRecipe& r, const Tensor& x, int passes);

// --- PyTorch ---------------------------------------------------------------------------------------
std::string pytorch_code(const DenoisingRecipeOptions& o);
// torch that corrupts x as the core does (salt and pepper takes two lines, the second indented).
std::string pytorch_corruption(Corruption c, float level, const std::string& indent = "");

}  // namespace aelab::lessons::denoising
