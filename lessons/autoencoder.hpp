// The "Autoencoders: encoder, code, decoder" lesson's state and maths, apart from its drawing so
// tests can run them without a window: the page's URL keys, the four live trainings (the core's
// recipes in aelab/recipe_autoencoder.hpp driven by the kit's LiveTraining) and the PyTorch text
// of each section.
//
// Legend: x an input (8 bits, or a 28 x 28 image in [0, 1]); z = f(x) its code (K numbers);
// x_hat = g(z) the reconstruction; MSE per pixel.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "aelab/dataset.hpp"
#include "aelab/jobs/autoencoder.hpp"
#include "aelab/recipe_autoencoder.hpp"
#include "kit/sections.hpp"
#include "kit/training.hpp"
#include "kit/url_state.hpp"

namespace aelab::lessons::autoencoder {

// --- Page settings (all of them in the URL) -------------------------------------------------------
constexpr int kNarrowCode = 8;      // section 2's reference bottleneck, beside the K the student picks
constexpr int kMaxDepthCode = 128;  // section 3's code sizes: [kMinCode, kMaxDepthCode]
constexpr int kSections = 5, kEvalEvery = 100;
constexpr int kToyMaxSteps = 20000, kFashionMinSteps = 10, kFashionMaxSteps = 20000;

struct Settings {
    ToyLoss toy_loss = ToyLoss::cross_entropy;
    int code = 1024;       // section 2: the wide network's K (2 .. 1024; 1024 > 784 pixels)
    int image = 0;         // the test image shown (and inverted) in section 2 and 3
    int noise_seed = 1;    // section 2's noise input
    int depth_code = 16;   // section 3: the code size of all three networks
};

// The four trainings of the page, each one LiveTraining with its recipe.
struct Trainings {
    LiveTraining toy{Toy838Options{}.steps, 8, 8};
    LiveTraining bottleneck{2000, 64, 6000, kEvalEvery};
    LiveTraining depth{2000, 64, 6000, kEvalEvery};
    LiveTraining stacked{StackedOptions{}.total_steps(), 64, 6000, kEvalEvery};
    Trainings();  // sets each one's learning-rate range and default rate
};

// The URL keys: loss, code, img, nseed, dcode over `s`; open (the sections); the toy's training
// as seed, lr, steps and train (LiveTraining::bind: train=1 starts the 8-3-8 toy at once); the
// others' seed, learning rate and steps as bseed, blr, bsteps (bottleneck), dseed, dlr, dsteps
// (depth), sseed, slr, ssteps (stacked). Missing or malformed values leave the defaults.
kit::UrlState url_state(Settings& s, kit::Sections& sections, Trainings& t);

// The recipes' options for these settings and trainings.
Toy838Options toy_options(const Settings& s, const LiveTraining& toy);
SideBySideOptions side_by_side_options(const LiveTraining& training);
StackedOptions stacked_options(const LiveTraining& stacked);
std::vector<MlpAeSpec> bottleneck_specs(const Settings& s);  // K = kNarrowCode and K = s.code

// --- The trainings' state ---------------------------------------------------------------------------
// Each run trains as a core job (aelab/jobs/autoencoder.hpp) on the kit's trainer; the pointers
// below go into the page's view copy (the weights of the latest snapshot), null until built.
struct ToyState {
    Toy838* toy = nullptr;
};
struct MsePoint {
    int step;
    std::vector<double> mse;  // held-out MSE per network
};
struct SideBySideState {
    SideBySideRecipe* recipe = nullptr;
    const SideBySideJob* job = nullptr;      // job->step(): the steps behind the view's weights
    std::vector<std::vector<float>> losses;  // per network but the first (whose losses are run().losses())
    std::vector<MsePoint> held_out;          // step 0, every kEvalEvery steps, the end
};
struct ProbeResult {
    bool fitted = false;
    int step = 0;                 // the stacked training's step they were fitted at
    std::vector<ProbePoint> greedy;      // codes of the greedy + fine-tuned encoder, and pixels
    std::vector<double> end_to_end;      // codes of the end-to-end encoder, per label count
};
struct StackedState {
    StackedRecipe* recipe = nullptr;
    const StackedJob* job = nullptr;  // job->step(), job->stage(): those of the view's weights
    std::vector<float> end_to_end;  // the end-to-end network's loss per step
    std::vector<float> held_out_greedy, held_out_end_to_end;  // every kEvalEvery steps
    ProbeResult probes;
};

// Each run's job from the settings at every rebuild; (Fashion-MNIST) its held-out MSE arrives
// through the evaluations; the stacked job fits the transfer probes when it finishes (in the
// trainer: they take a while).
void attach_toy(LiveTraining& t, ToyState& st, const Settings& s);
void attach_side_by_side(LiveTraining& t, SideBySideState& st, const Dataset& data,
                         std::function<std::vector<MlpAeSpec>()> specs);
void attach_stacked(LiveTraining& t, StackedState& st, const Dataset& data);
// The stacked job's options: the run's schedule, the plot's grid (kEvalEvery) and the probes.
StackedJobOptions stacked_run_options(const LiveTraining& stacked);
// Fits the probes (10, 100, 1000 labels) on the view copy's two encoders and on pixels (the
// button of section 5; the same numbers as the job's own at the end).
void fit_probes(StackedState& st, const Dataset& data);

// How often, across ten seeds from `first_seed`, each loss gets all eight inputs right.
struct SeedSurvey {
    int first_seed = 0, steps = 0;
    float learning_rate = 0;
    int cross_entropy = -1, squared_error = -1;  // -1: not run
};
SeedSurvey survey_seeds(const Toy838Options& o, int first_seed);

// --- PyTorch -----------------------------------------------------------------------------------------
std::string pytorch_toy(const Toy838Options& o);
std::string pytorch_mlp(const MlpAeSpec& spec);  // the nn.Sequential of one spec
std::string pytorch_side_by_side(const std::vector<MlpAeSpec>& specs, const SideBySideOptions& o);
std::string pytorch_stacked(const StackedOptions& o);
std::string pytorch_probe();

}  // namespace aelab::lessons::autoencoder
