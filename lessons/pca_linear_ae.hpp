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
#include "aelab/jobs/pca_linear_ae.hpp"
#include "aelab/models.hpp"
#include "aelab/pca.hpp"
#include "aelab/recipe_linear_ae.hpp"
#include "aelab/tensor.hpp"
#include "kit/palette.hpp"
#include "kit/sections.hpp"
#include "kit/training.hpp"
#include "kit/url_state.hpp"

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

// --- 2. The linear autoencoder -------------------------------------------------------------------------
// Scatter data for k = 2: one point per test image with its class.
std::vector<kit::ClassPoint> scatter_points(const Tensor& codes, const std::vector<std::uint8_t>& labels);

// --- The page without its drawing: what the URL holds, the live training and its model -----------
// Keys: open (bit mask of open sections), cls (-1 all, 0..9 a class), kr (reconstruction k),
// img (first test image shown), k (latent size), tied (0/1), act (activation index), and the
// training's seed, lr, steps and train (1: start training as soon as the data is ready).
struct Page {
    Page();  // declares the keys and the training hooks, then reads the URL
    Page(const Page&) = delete;  // the keys and the hooks point into it

    kit::Sections sections{0b11};
    int cls = -1;
    int recon_k = 16;
    int image = 0;
    int latent = LinearAeConfig{}.latent;
    bool tied = false;
    int activation = 0;
    // Section 2: the kit's driver trains the core's linear_ae job (aelab/jobs/pca_linear_ae.hpp)
    // from the settings above on the dataset (the PCA reference); the build is refused
    // (training.error()) for impossible settings.
    LiveTraining training{LinearAeConfig{}.steps, LinearAeConfig{}.batch_size, 6000};
    std::shared_ptr<const LinearAeData> data;  // set by use_data; then training.rebuild()
    const Dataset* dataset = nullptr;          // the one `data` was prepared from
    LinearAeJob* job = nullptr;                // the training's view copy (LiveTraining::view), null until built
    LinearAeRecipe* recipe = nullptr;          // its recipe
    kit::UrlState url;

    // Prepares the data of a dataset (the PCA, kept across pages: linear_ae_job_data) for the
    // page and its training.
    void use_data(const Dataset& d);

private:
    void attach_job();
};
// The recipe's settings: the page's k, tied and activation, the training's seed, lr and steps.
LinearAeConfig config_of(const Page& p);

// --- PyTorch ---------------------------------------------------------------------------------------------
std::string pytorch_pca_code(const Page& p);
std::string pytorch_ae_code(const Page& p);

}  // namespace aelab::lessons::pca_linear_ae
