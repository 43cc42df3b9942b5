// The "PCA as a linear autoencoder" lesson's maths and state, separate from its drawing so
// tests can check what the page shows without a window. PCA comes from the core (aelab/pca.hpp),
// the autoencoder's training from the core's recipe (aelab/recipe_linear_ae.hpp), the one
// `aelab-cli train linear-ae` runs too.
//
// Legend: N training images, M test images, D = 784 pixels, K PCA components kept for the page
// (kPcaComponents), k the number used (reconstruction slider, latent size).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "aelab/dataset.hpp"
#include "aelab/models.hpp"
#include "aelab/pca.hpp"
#include "aelab/recipe_linear_ae.hpp"
#include "aelab/tensor.hpp"
#include "kit/training.hpp"

namespace aelab::lessons::pca_linear_ae {

constexpr int kPcaComponents = 100;  // section 1's components (and section 2's reference)
constexpr int kMinLatent = 2, kMaxLatent = LinearAeConfig::kMaxLatent;
constexpr int kMinSteps = 200, kMaxSteps = 20000;

// The code non-linearities the page offers (index in the URL key "act").
constexpr int kActivationCount = 4;
Activation activation_at(int index);  // 0 none, 1 ReLU, 2 tanh, 3 sigmoid
const char* activation_label(int index);

// --- 1. PCA of Fashion-MNIST -----------------------------------------------------------------------
// The PCA of the training images of one class (cls 0..9) or of all of them (cls -1), with what
// the page draws from it.
struct PcaView {
    int cls = -1;
    std::size_t train_images = 0;       // images the PCA was computed on
    PcaResult pca;                      // K components
    Tensor test_codes;                  // (M, K): every test image in the principal basis
    std::vector<std::size_t> selected;  // test images of the class (all of them for cls -1)
    // Test MSE (per pixel) of the reconstruction with the first k components, k = 0 .. K, on
    // the selected test images and on the others (empty for cls -1). From the codes: with
    // orthonormal components ||x_c - P_k^T P_k x_c||^2 = ||x_c||^2 - sum_(j<k) z_j^2.
    std::vector<float> mse_selected, mse_others;
    double seconds = 0;  // time the PCA took
};
// `all` (optional): an already computed PCA of all training images with K components.
PcaView compute_pca_view(const Dataset& d, int cls, const PcaResult* all = nullptr);
// Reconstructions (n, 1, rows, cols) of test images `indices` with the first k components:
// pca_decode of their first k codes.
Tensor reconstruct_test(const PcaView& v, const Dataset& d, const std::vector<std::size_t>& indices, int k);
// MSE (per pixel) between the test images `indices` and their reconstructions `rec`.
float mse_of(const Dataset& d, const std::vector<std::size_t>& indices, const Tensor& rec);

// --- 2. The linear autoencoder -------------------------------------------------------------------------
// Scatter data for k = 2: one point per test image with its class.
struct ScatterPoint {
    float x, y;
    int label;
};
std::vector<ScatterPoint> scatter_points(const Tensor& codes, const std::vector<std::uint8_t>& labels);

// --- Page state (all of it in the URL) ---------------------------------------------------------------
// Keys: open (bit mask of open sections), cls (-1 all, 0..9 a class), kr (reconstruction k),
// img (first test image shown), k (latent size), tied (0/1), act (activation index), lr, seed,
// steps, train (1: start training as soon as the data is ready).
struct State {
    int open = 3;
    int cls = -1;
    int recon_k = 16;
    int image = 0;
    int latent = 8;
    bool tied = false;
    int activation = 0;
    float learning_rate = 3e-3f;
    int seed = 1;
    int steps = 4000;
    bool train = false;
};
State state_from_params();  // missing or out-of-range values fall back to the defaults
void write_params(const State& s);
LinearAeConfig config_of(const State& s);

// Section 2 without the drawing: the recipe, the time-sliced run and its controls.
class TrainingSession {
public:
    explicit TrainingSession(const State& s);
    // The data (PCA reference) shared by every run; builds the recipe. Starts the run when
    // the state asked for train=1.
    void set_data(std::shared_ptr<const LinearAeData> data);
    bool has_data() const { return data_ != nullptr; }
    // A new model from the settings (after Reset or a changed setting); the run goes idle.
    void rebuild();
    // Copies the settings that need a new model (k, tied, activation, steps, seed, lr) from s;
    // rebuilds when one changed. Returns true if it did.
    bool apply(const State& s);
    // Trains for up to budget_ms (does nothing unless running).
    int advance(double budget_ms);
    void write_into(State& s) const;  // the settings and whether it is training

    TrainingRun& run() { return run_; }
    TrainingControls& controls() { return controls_; }
    LinearAeRecipe* recipe() { return recipe_.get(); }
    const std::string& error() const { return error_; }  // why the recipe could not be built

private:
    State settings_;
    TrainingRun run_;
    TrainingControls controls_;
    std::shared_ptr<const LinearAeData> data_;
    std::unique_ptr<LinearAeRecipe> recipe_;
    std::string error_;
    bool autostart_;
};

// --- PyTorch ---------------------------------------------------------------------------------------------
std::string pytorch_pca_code(const State& s);
std::string pytorch_ae_code(const State& s);

}  // namespace aelab::lessons::pca_linear_ae
