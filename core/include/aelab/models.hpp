// aelab core: the models of the lessons, built from layers.hpp into one Sequential each and
// initialised with PyTorch's default init from a seed. All take images (N, 1, 28, 28) in [0, 1]
// (Fashion-MNIST) unless a sample shape says otherwise.
//
//   conv_autoencoder      benchmark case h: conv(1->16, 3x3, s2, p1) + ReLU,
//                         conv(16->32, 3x3, s2, p1) + ReLU, flatten, Linear(1568, 16),
//                         Linear(16, 1568) + ReLU, unflatten (32, 7, 7),
//                         conv-transpose(32->16, 3x3, s2, p1, op1) + ReLU,
//                         conv-transpose(16->1, 3x3, s2, p1, op1) + Sigmoid; trained with MSE.
//   linear_autoencoder    PCA as an autoencoder: x (D) -> z = W1 x (k) -> W2 z (D), no biases,
//                         no non-linearity unless asked; tied: W2 = W1^T (TiedLinear).
//   denoising_autoencoder an MLP D -> hidden -> code -> hidden -> D with ReLUs and a Sigmoid
//                         output, trained on corrupted inputs (train.hpp) against the clean ones.
//   Vae                   a variational autoencoder with an MLP encoder D -> hidden -> 2*latent
//                         (mu, logvar), z = mu + exp(logvar/2) * eps, eps ~ N(0, I) from
//                         aelab::Rng, an MLP decoder latent -> hidden -> D giving logits.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "aelab/model.hpp"
#include "aelab/rng.hpp"

namespace aelab {

// latent: the code size (16 in case h).
Sequential conv_autoencoder(std::uint64_t seed = 0, int latent = 16);

enum class Activation { none, relu, leaky_relu, sigmoid, tanh, softplus };
// The layer for an activation (nullptr for none).
std::unique_ptr<Layer> make_activation(Activation a);

struct LinearAutoencoderOptions {
    int latent = 16;
    bool tied = false;                       // decoder weight W2 = W1^T
    Activation activation = Activation::none;  // on the code; none makes it PCA-like
    Shape sample_shape{1, 28, 28};
};
// Flatten, Linear(D, k, no bias), [activation], Linear(k, D, no bias) or TiedLinear, Unflatten.
Sequential linear_autoencoder(const LinearAutoencoderOptions& o = {}, std::uint64_t seed = 0);

struct DenoisingAutoencoderOptions {
    int hidden = 128, code = 32;
    Shape sample_shape{1, 28, 28};
};
Sequential denoising_autoencoder(const DenoisingAutoencoderOptions& o = {}, std::uint64_t seed = 0);

struct VaeOptions {
    int hidden = 256, latent = 2;
    float beta = 1.0f;  // weight of the KL term (beta-VAE; 1 is the plain VAE)
    Shape sample_shape{1, 28, 28};
};

// What a VAE forward computes, step by step, for a lesson to show.
struct VaeOutput {
    Tensor mu, logvar;  // (N, latent): the encoder's two halves
    Tensor eps;         // (N, latent) ~ N(0, I)
    Tensor z;           // (N, latent) = mu + exp(0.5 * logvar) * eps
    Tensor logits;      // (N, sample...): the decoder's output
    Tensor recon;       // (N, sample...) = sigmoid(logits), the reconstruction in [0, 1]
};

// recon: binary cross-entropy of the logits against x, SUMMED over an example's pixels and
// averaged over the batch (the negative log-likelihood of a Bernoulli decoder), so it is on
// the same per-example scale as kl (aelab::kl_normal_loss); total = recon + beta * kl.
struct VaeLoss {
    float recon = 0, kl = 0, total = 0;
};

class Vae {
public:
    explicit Vae(const VaeOptions& o = {}, std::uint64_t seed = 0);
    // Around a network already built (model files): layers [0, encoder_layers) map
    // (N, sample...) to (N, 2*latent), the rest map (N, latent) to (N, sample...).
    Vae(Sequential net, std::size_t encoder_layers, int latent, float beta);

    // Draws eps (N x latent normals, row by row) from rng, then runs the whole model.
    const VaeOutput& forward(const Tensor& x, Rng& rng);
    // With a given eps (N, latent): deterministic, for tests and for showing one sample.
    const VaeOutput& forward(const Tensor& x, const Tensor& eps);
    const VaeOutput& output() const { return out_; }
    // The loss of the last forward against x (the same x).
    VaeLoss loss(const Tensor& x) const;
    // Adds the gradients of loss(x).total into net().grads(), through the decoder, the
    // reparameterisation (dz/dmu = 1, dz/dlogvar = 0.5 * exp(0.5 * logvar) * eps) and the
    // encoder; the KL term adds its own gradients at mu and logvar.
    void backward(const Tensor& x);

    // Encoder only: mu (N, latent), e.g. to plot the 2-D latent space.
    Tensor encode_mean(const Tensor& x);
    // Decoder only: sigmoid(decoder(z)) for z (N, latent), e.g. images from the prior.
    // Both overwrite the layers' caches: call forward again before backward.
    Tensor decode(const Tensor& z);

    Sequential& net() { return net_; }
    const Sequential& net() const { return net_; }
    std::size_t encoder_layers() const { return encoder_layers_; }
    int latent() const { return latent_; }
    float beta() const { return beta_; }
    void set_beta(float beta) { beta_ = beta; }
    std::string summary() const;

private:
    Sequential net_;  // encoder layers, then decoder layers: one parameter buffer
    std::size_t encoder_layers_;
    int latent_;
    float beta_;
    VaeOutput out_;
};

}  // namespace aelab
