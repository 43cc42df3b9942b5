// The "Sparse and contractive autoencoders" lesson's state and maths, apart from its drawing so
// tests can run them without a window: the page's URL keys, the three trainings (the core's
// SparseAe, SparseSweep and ContractiveRecipe, aelab/recipe_regularized.hpp, each a training job,
// aelab/jobs/regularized.hpp, driven by the kit's LiveTraining) and what the page reads out of them (code histograms, atoms ranked by use,
// Jacobian spectra). The manifold section is its own class (regularized_ae_manifold.hpp).
//
// Legend: x a test image (1, 1, 28, 28); h = f(x) its code (K); d_j the decoder's atom j
// (784, unit length); J = dh/dx the encoder's Jacobian (K, 784); lambda a penalty's weight.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "aelab/dataset.hpp"
#include "aelab/jobs/regularized.hpp"
#include "aelab/recipe_regularized.hpp"
#include "aelab/tensor.hpp"
#include "kit/sections.hpp"
#include "kit/training.hpp"
#include "kit/url_state.hpp"

namespace aelab::lessons::regularized_ae {

constexpr int kSections = 3, kEvalEvery = 100;
constexpr int kEvalImages = 200;  // held-out figures while training: a pass that does not stall a frame
constexpr int kMinSteps = 10, kMaxSteps = 50000;
constexpr int kHistogramBins = 40;
constexpr int kShownAtoms = 48;  // the most used atoms in section 1's grid
constexpr int kSweepAtoms = 8;   // per lambda in the sweep's table

// The sweep's lambdas (the CLI's `--sweep default` is the same list).
const std::vector<float>& sweep_lambdas();

struct Settings {
    float lambda = SparseAeOptions{}.lambda;               // the sparse run's penalty weight
    float contractive_lambda = ContractiveOptions{}.lambda;  // the contractive network's
    int image = 0;                                          // the test image the page looks at
};

// The three runs of the page: the sparse autoencoder (the main run: seed, lr, steps, train),
// the lambda sweep (sseed, slr, ssteps: steps IN ALL, shared out between its networks) and the
// contractive pair (cseed, clr, csteps).
struct Trainings {
    LiveTraining sparse{SparseAeOptions{}.steps, SparseAeOptions{}.batch_size, 6000, kEvalEvery};
    LiveTraining sweep{int(sweep_lambdas().size()) * 400, SparseAeOptions{}.batch_size, 6000, 0};
    LiveTraining contractive{ContractiveOptions{}.steps, ContractiveOptions{}.batch_size, 6000, kEvalEvery};
    Trainings();
};

// The URL keys: lam, clam, img, open; the runs' keys above. Missing, malformed or out-of-range
// values leave the defaults.
kit::UrlState url_state(Settings& s, kit::Sections& sections, Trainings& t);
SparseAeOptions sparse_options(const Settings& s, const LiveTraining& sparse);
// The sweep's per-network options: its seed and learning rate, ssteps / (number of lambdas) steps.
SparseAeOptions sweep_options(const LiveTraining& sweep);
ContractiveOptions contractive_options(const Settings& s, const LiveTraining& contractive);

// --- What the page reads out of a sparse code -----------------------------------------------------
struct Histogram {
    float lo = 0, hi = 1;         // the bins cover [lo, hi]
    std::vector<float> counts;    // of the values that are > 0
    std::size_t zeros = 0, total = 0;  // exact zeros (units off) and all values
};
// The positive values of h (any shape) in `bins` equal bins over [0, max], and the zeros apart.
Histogram code_histogram(const Tensor& h, int bins);
// The units of the `count` largest values of one image's code (K values), largest first: the
// atoms that weigh most in its reconstruction m + b + sum_j h_j d_j.
std::vector<int> top_units(const Tensor& code, int count);

struct SparseEvalPoint {
    int step;
    SparseEval eval;
};
// Each run trains as a core job (aelab/jobs/regularized.hpp) on the kit's trainer; the pointers
// below go into the page's view copy (the weights of the latest snapshot), null until built.
struct SparseState {
    SparseAe* ae = nullptr;
    std::vector<float> mse, active;    // per step: the batch's MSE and fraction of active code entries
    std::vector<SparseEvalPoint> held_out;  // step 0, every kEvalEvery steps, the end
    Tensor codes;                      // (kEvalImages, K) at the last evaluation (computed by the job)
    std::vector<int> ranked;           // units_by_use(codes)
    int builds = 0;                    // counts rebuilds: views holding a network check it
};
void attach_sparse(LiveTraining& t, SparseState& st, const Dataset& data, const Settings& s);

struct SweepState {
    const SparseSweepJob* job = nullptr;     // the view copy: the evaluations so far, no weights
    std::vector<float> stepped;              // per step of the run: the network it stepped (a job curve)
    std::size_t sorted = 0;                  // steps of `stepped` already in `losses`
    std::vector<std::vector<float>> losses;  // per network, its loss at each of its steps
    std::vector<SweepPoint> results;         // filled in as networks finish (lambda order)
    std::vector<Tensor> top_atoms;           // per finished network: its kSweepAtoms most used atoms (n, 1, 28, 28)
    bool done() const { return job && results.size() == job->size(); }
};
// The job steps the network furthest behind and evaluates each network in the step that
// finishes it (the run's loss is that network's, so its divergence rule only looks for NaN or
// Inf). update_sweep() brings the state up to the latest snapshot (call it after advance()):
// each step's loss to its network's curve, the evaluations of the view copy.
void attach_sweep(LiveTraining& t, SweepState& st, const Dataset& data);
void update_sweep(const LiveTraining& t, SweepState& st);

struct ContractiveEvalPoint {
    int step;
    ContractiveEval eval;
};
struct ContractiveState {
    ContractiveRecipe* recipe = nullptr;
    std::vector<float> plain_losses, penalties;  // per step: the plain network's MSE, the CAE's ||J||_F^2
    std::vector<ContractiveEvalPoint> held_out;
    int builds = 0;
};
void attach_contractive(LiveTraining& t, ContractiveState& st, const Dataset& data, const Settings& s);

// Singular values of dh/dx at one image for both networks (plain first), and how many of each
// exceed a tenth of the plain network's largest.
struct Spectra {
    std::vector<double> plain, contractive;
    int plain_large = 0, contractive_large = 0;
};
Spectra jacobian_spectra(ContractiveRecipe& r, const Tensor& image);

// --- PyTorch ----------------------------------------------------------------------------------------
std::string pytorch_sparse(const SparseAeOptions& o);
std::string pytorch_contractive(const ContractiveOptions& o);

}  // namespace aelab::lessons::regularized_ae
