// The "Restricted Boltzmann machines and deep belief networks" lesson's maths and state, apart
// from its drawing so tests can run them without a window: the conditionals written out term by
// term for one image, one CD-k step replayed Gibbs step by Gibbs step, the page's URL keys and
// the Python the "In PyTorch" panels print.
//
// Legend: v in {0,1}^784 the visible units (a binarised Fashion-MNIST image), h in {0,1}^H the
//   hidden units, W (784, H), b (784), c (H) (aelab/rbm.hpp); sigmoid(x) = 1 / (1 + exp(-x)).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "aelab/dataset.hpp"
#include "aelab/jobs/rbm.hpp"
#include "aelab/rbm.hpp"
#include "aelab/recipe_rbm.hpp"
#include "aelab/tensor.hpp"
#include "kit/sections.hpp"
#include "kit/training.hpp"
#include "kit/url_state.hpp"

namespace aelab::lessons::rbm {

// --- 1. The energy and the conditionals for one image ----------------------------------------------
// Test image `image` of the dataset binarised as `mode` (sampled: with Rng(seed)): (1, 784).
Tensor binarized_test_image(const Dataset& data, int image, Binarize mode, std::uint64_t seed);

// E(v, h) = -b^T v - c^T h - v^T W h, its three terms for one v (1, V) and h (1, H).
struct EnergyTerms {
    double bias_v = 0;  // -b^T v
    double bias_h = 0;  // -c^T h
    double vwh = 0;     // -v^T W h
    double total() const { return bias_v + bias_h + vwh; }
};
EnergyTerms energy_terms(const Rbm& rbm, const Tensor& v, const Tensor& h);

// p(h_j = 1 | v) written out: c_j plus W_ij of every active pixel i (v_i = 1; a pixel in (0, 1)
// counts v_i * W_ij), in pixel order; the sum and its sigmoid (double).
struct HiddenTerms {
    int j = 0;
    float c = 0;
    std::vector<int> pixels;      // the active pixels i
    std::vector<float> weights;   // W_ij * v_i for each of them
    double pre = 0;               // c_j + sum
    double p = 0;                 // sigmoid(pre)
};
HiddenTerms hidden_terms(const Rbm& rbm, const Tensor& v, int j);
// "p(h_3 = 1 | v) = sigmoid(c_3 + W[150,3] + W[151,3] + ...)\n = sigmoid(-0.1 + 0.02 + ...)\n = sigmoid(x) = p"
// with at most `max_terms` terms written (then "+ ... (n more)" and the sum of those left out).
std::string hidden_terms_text(const HiddenTerms& t, int max_terms);

// p(v_i = 1 | h) = sigmoid(b_i + sum over active hidden units j of W_ij).
struct VisibleTerms {
    int i = 0;
    float b = 0;
    std::vector<int> units;       // the active hidden units j
    std::vector<float> weights;   // W_ij * h_j
    double pre = 0, p = 0;
};
VisibleTerms visible_terms(const Rbm& rbm, const Tensor& h, int i);
std::string visible_terms_text(const VisibleTerms& t, int max_terms);

// The energy's three terms as one line with their numbers.
std::string energy_text(const EnergyTerms& e);

// --- 2. One CD-k step, Gibbs step by Gibbs step -----------------------------------------------------
// The chain the core's rbm_cd_gradient runs with the same Rng draws in the same order:
// h0 ~ p(h | v0); for t = 1..k: v_t ~ p(v | h_{t-1}), ph_t = p(h | v_t), h_t ~ ph_t (t < k).
struct CdReplay {
    int k = 1;
    Tensor v0, ph0, h0;           // (N, V), (N, H), (N, H)
    std::vector<Tensor> pv, v;    // t = 1..k (index t - 1): p(v | h_{t-1}) and v_t, (N, V)
    std::vector<Tensor> ph, h;    // t = 1..k: p(h | v_t) (N, H); h has k - 1 entries (h_k is not drawn)
    CdTrace trace;                // rbm_cd_gradient with Rng(seed): the same chain, the gradient
};
CdReplay replay_cd(const Rbm& rbm, const Tensor& v0, int k, std::uint64_t seed);
// The first `count` training images binarised as `mode` (sampled: Rng(seed)), (count, 784).
Tensor cd_batch(const Dataset& data, int count, Binarize mode, std::uint64_t seed);

// dW_ij written out over the batch: (1/N) sum_n (v0_ni ph0_nj - vk_ni phk_nj), and the first
// update of a fresh trainer (zero velocity): delta = lr * (dW_ij - weight_decay * W_ij).
std::string weight_gradient_text(const CdReplay& r, const Rbm& rbm, int i, int j, const CdOptions& o);

// --- 3. The exact likelihood, a few thousand states per frame -----------------------------------------
// log Z of a snapshot of an RBM taken at training step `step` (H <= kRbmExactMaxHidden), summed by
// the core's resumable enumeration (rbm.hpp RbmLogPartition) a slice per frame, so the page trains
// and draws on in between instead of freezing while 2^16 x 784 softplus terms are summed.
class LogPartitionJob {
public:
    // Throws aelab::Error when the RBM has more than kRbmExactMaxHidden hidden units.
    LogPartitionJob(const Rbm& snapshot, int step) : sum_(snapshot), step_(step) {}
    // Sums up to `max_states` more states; returns done().
    bool advance(std::uint64_t max_states) { return sum_.advance(max_states); }
    // Sums states until done or `budget_ms` of wall time has passed (at least a few states).
    bool advance_for(double budget_ms);
    bool done() const { return sum_.done(); }
    double progress() const { return sum_.progress(); }
    double log_z() const { return sum_.log_z(); }  // valid once done()
    const Rbm& rbm() const { return sum_.rbm(); }
    int step() const { return step_; }
    std::uint64_t states() const { return sum_.states(); }

private:
    RbmLogPartition sum_;
    int step_;
};
// How often (in steps) the page sums log Z for an RBM with `hidden` units: every evaluation
// (kEvalEvery steps) up to 12 hidden units, every 500 steps above (2^16 states take seconds).
int likelihood_every(int hidden);

// --- Page settings (all of it in the URL) -----------------------------------------------------------
constexpr int kHiddenChoices[] = {4, 8, 12, 16, 20, 64, 256};
constexpr int kMaxK = 10, kCdBatch = 8, kEvalEvery = 100, kSections = 6, kChains = 16;
constexpr int kMinSteps = 10, kMaxSteps = 50000, kDbnMinSteps = 30, kDbnMaxSteps = 30000;
constexpr std::uint64_t kSampleSeed = 17;  // section 1's draws: Rng(kSampleSeed + draw)
struct Settings {
    // section 1
    Binarize image_binarize = Binarize::threshold;  // "vbin"
    int image = 0;                                  // "img": test image
    int draw = 0;                                   // "draw": the h sample (and a sampled binarisation)
    int hidden_unit = 0;                            // "j"
    int pixel = 14 * 28 + 14;                       // "pix"
    // section 2
    int k = 1;                                      // "cdk"
    int phase = 0;                                  // "phase": 0 .. k + 2
    int cd_image = 0;                               // "cdimg": the batch image shown
    // section 3 (the recipe's; seed and learning rate in LiveTraining)
    int train_k = 1;                                // "k"
    int hidden = 16;                                // "hid": one of kHiddenChoices
    Binarize binarize = Binarize::threshold;        // "bin"
    // section 4
    bool chain_from_image = false;                  // "gstart": 0 noise, 1 test images
    int chain_seed = 1;                             // "gseed"
};
// The page's URL keys over `s`: vbin, img, draw, j, pix, cdk, phase, cdimg, k, hid, bin, gstart,
// gseed; open (sections); seed, lr, steps, train (the RBM's LiveTraining) and dseed, dlr, dsteps
// (the DBN's). Missing, malformed or out-of-range values leave the defaults.
kit::UrlState url_state(Settings& s, kit::Sections& sections, LiveTraining& rbm_training, LiveTraining& dbn_training);
RbmRecipeOptions recipe_options(const Settings& s, const LiveTraining& training, int test_images);
DbnAeOptions dbn_options(const Settings& s, const LiveTraining& training, int test_images);

// --- PyTorch ----------------------------------------------------------------------------------------
std::string pytorch_conditionals(int image, Binarize mode, int j, int i);
std::string pytorch_cd_step(int k, const CdOptions& o);
std::string pytorch_training(const RbmRecipeOptions& o);
std::string pytorch_dbn(const DbnAeOptions& o);

}  // namespace aelab::lessons::rbm
