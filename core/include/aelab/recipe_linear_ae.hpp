// aelab core: the training recipe of the "PCA as a linear autoencoder" lesson, shared by the
// lesson page and `aelab-cli train linear-ae` so both report the same numbers.
//
// The model is models.hpp's linear_autoencoder: x (D) -> z = W1 x (k) -> x_hat = W2 z (D), no
// biases, no non-linearity unless asked, W2 = W1^T when tied. It is trained with MSE on the
// training images CENTRED by their mean (the PCA mean): PCA centres its data too, and an
// autoencoder without biases cannot learn the mean itself, so on raw images it would spend a
// direction on the mean and find a different subspace. Minimising ||x_c - W2 W1 x_c||^2 then has
// the top-k principal subspace as its optimum (Baldi & Hornik 1989): the column space of W2
// (and the row space of W1) converges to span of the first k PCA components, though the
// columns themselves are neither orthonormal nor ordered by variance.
//
// Optimiser: Adam (lr 3e-3, batch 64), the learning rate constant for the first half of the run
// and then decayed linearly to 2% of it at the last step. Adam finds the strong directions in a
// few hundred steps; the last one (the k-th component, separated from the (k+1)-th by the
// eigengap lambda_k - lambda_(k+1)) takes longest, and minibatch noise leaves the span wobbling
// by a few degrees at a constant rate: the decay removes that wobble. With k = 8 on
// Fashion-MNIST the largest principal angle to the PCA subspace ends well below 1 degree.
//
// Every random draw (initialisation, batch order) comes from aelab::Rng seeded by `seed`.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "aelab/dataset.hpp"
#include "aelab/model.hpp"
#include "aelab/models.hpp"
#include "aelab/optim.hpp"
#include "aelab/pca.hpp"
#include "aelab/tensor.hpp"
#include "aelab/train.hpp"

namespace aelab {

// The lesson's defaults, in one place.
struct LinearAeConfig {
    static constexpr int kMinLatent = 1, kMaxLatent = 32;
    int latent = 8;                            // k
    bool tied = false;                         // W2 = W1^T
    Activation activation = Activation::none;  // on the code; anything but none breaks the PCA equivalence
    float learning_rate = 3e-3f;               // Adam
    int batch_size = 64;
    int steps = 4000;                          // the run's length (the decay schedule depends on it)
    float decay_start = 0.5f;                  // fraction of `steps` after which lr decays linearly...
    float final_lr_fraction = 0.02f;           // ...to this fraction of learning_rate at the last step
    int probe_every = 50;                      // steps between two recorded probes
    std::uint64_t seed = 1;
};

// What the recipe trains on, prepared once (the PCA is the costly part, ~0.3-0.5 s natively)
// and shared by every run.
struct LinearAeData {
    Tensor train_centered;  // (N, 1, rows, cols): training images minus pca.mean
    Tensor test_images;     // (M, 1, rows, cols): test images in [0, 1]
    Tensor test_centered;   // (M, 1, rows, cols): test images minus pca.mean
    std::vector<std::uint8_t> test_labels;  // (M)
    PcaResult pca;          // of all training images, `components` components
};
// components >= LinearAeConfig::kMaxLatent so any latent size has its reference subspace.
std::shared_ptr<const LinearAeData> prepare_linear_ae_data(const Dataset& d,
                                                           std::size_t components = LinearAeConfig::kMaxLatent);

// MSE (per pixel) of the PCA reconstruction of the test images with the first k components.
float pca_test_mse(const LinearAeData& data, int k);

// One measurement of the model against the PCA reference.
struct LinearAeProbe {
    int step = 0;
    double max_angle_deg = 0, mean_angle_deg = 0;  // principal angles, decoder span vs PCA top-k
    float test_mse = 0;                            // per pixel, on the centred test images
};

class LinearAeRecipe {
public:
    // Throws aelab::Error for a latent size outside [kMinLatent, kMaxLatent] or above the data's
    // PCA components, a batch larger than the training set, a non-positive rate or step count.
    LinearAeRecipe(std::shared_ptr<const LinearAeData> data, const LinearAeConfig& config = {});

    // One Adam step on one batch of centred training images; returns its MSE (before the
    // update). Records a probe every probe_every steps (and at step 0, on construction).
    float train_step();
    int step() const { return step_; }
    // The learning rate of the next step (the schedule at step()).
    float current_learning_rate() const;

    // Measures now (does not record).
    LinearAeProbe probe();
    const std::vector<LinearAeProbe>& probes() const { return probes_; }

    // Principal angles (degrees, ascending, k of them) between the span of the decoder's
    // directions (W2's columns) or of the encoder's (W1's rows) and the first k PCA components.
    // NaN angles when the weights are not finite (a diverged run).
    std::vector<double> decoder_angles() const;
    std::vector<double> encoder_angles() const;

    float test_mse();                        // the autoencoder on the test images
    float pca_test_mse() const { return pca_mse_; }  // PCA with k components on the same images

    // (k, D): the decoder's k directions (the columns of W2, i.e. W1's rows when tied), as images.
    Tensor decoder_directions() const;
    // (k, D): the encoder's rows (what each code unit takes the dot product with).
    Tensor encoder_directions() const;
    // (k, D): the reference, the first k PCA components.
    Tensor pca_directions() const;
    // (k, k) Gram matrix of the decoder directions, G = W2^T W2: identity for PCA's components.
    Tensor decoder_gram() const;
    // (k, k) coordinates of each decoder direction in the PCA basis: M[i][j] = <pca_i, w2_j>.
    // Where the spans agree, each column of M has the norm of its direction.
    Tensor pca_coordinates() const;

    // Codes z (M, k) of the test images (after the activation, if any): what the decoder sees.
    Tensor test_codes();
    // PCA codes (M, k) of the test images with the first k components.
    Tensor pca_test_codes() const;
    // Reconstructions of images (n, 1, rows, cols) in [0, 1]: mean + f(x - mean).
    Tensor reconstruct(const Tensor& images);

    const LinearAeConfig& config() const { return config_; }
    const LinearAeData& data() const { return *data_; }
    Sequential& model() { return model_; }
    // The encoder's (k, D) and decoder's (D, k) weights as PyTorch's state_dict holds them
    // (tied: the decoder's is the encoder's transposed).
    Tensor encoder_weight() const;
    Tensor decoder_weight() const;

private:
    std::shared_ptr<const LinearAeData> data_;
    LinearAeConfig config_;
    Sequential model_;
    std::size_t encoder_layer_, decoder_layer_, code_end_;  // layer indices
    Adam adam_;
    AutoencoderTrainer trainer_;
    BatchSampler sampler_;
    Tensor batch_;  // (batch, 1, rows, cols)
    int step_ = 0;
    float pca_mse_ = 0;
    std::vector<LinearAeProbe> probes_;
};

}  // namespace aelab
