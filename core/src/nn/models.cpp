// The lessons' model builders (see models.hpp). The VAE lives in vae.cpp.
#include "aelab/models.hpp"

#include <string>

namespace aelab {
namespace {

std::size_t features(const Shape& sample) {
    const std::size_t n = numel(sample);
    if (sample.empty() || n == 0) throw Error("models: sample shape must be non-empty, got " + shape_str(sample));
    return n;
}

void check_positive(const char* model, const char* what, int v) {
    if (v < 1) throw Error(std::string(model) + ": " + what + " must be >= 1, got " + std::to_string(v));
}

}  // namespace

std::unique_ptr<Layer> make_activation(Activation a) {
    switch (a) {
        case Activation::none: return nullptr;
        case Activation::relu: return std::make_unique<ReLU>();
        case Activation::leaky_relu: return std::make_unique<LeakyReLU>();
        case Activation::sigmoid: return std::make_unique<Sigmoid>();
        case Activation::tanh: return std::make_unique<Tanh>();
        case Activation::softplus: return std::make_unique<Softplus>();
    }
    return nullptr;
}

Sequential conv_autoencoder(std::uint64_t seed, int latent) {
    check_positive("conv_autoencoder", "latent", latent);
    Sequential m({1, 28, 28});
    m.add<Conv2d>(1, 16, 3, 2, 1);  // -> (N, 16, 14, 14)
    m.add<ReLU>();
    m.add<Conv2d>(16, 32, 3, 2, 1);  // -> (N, 32, 7, 7)
    m.add<ReLU>();
    m.add<Flatten>();                  // -> (N, 1568)
    m.add<Linear>(32 * 7 * 7, latent);  // -> (N, latent): the code
    m.add<Linear>(latent, 32 * 7 * 7);
    m.add<ReLU>();
    m.add<Unflatten>(Shape{32, 7, 7});
    m.add<ConvTranspose2d>(32, 16, 3, 2, 1, 1);  // -> (N, 16, 14, 14)
    m.add<ReLU>();
    m.add<ConvTranspose2d>(16, 1, 3, 2, 1, 1);  // -> (N, 1, 28, 28)
    m.add<Sigmoid>();
    m.init(seed);
    return m;
}

Sequential linear_autoencoder(const LinearAutoencoderOptions& o, std::uint64_t seed) {
    check_positive("linear_autoencoder", "latent", o.latent);
    const int D = int(features(o.sample_shape));
    Sequential m(o.sample_shape);
    m.add<Flatten>();                                   // -> (N, D)
    auto& encoder = m.add<Linear>(D, o.latent, false);  // W1 (k, D): z = W1 x
    const std::size_t encoder_index = m.size() - 1;
    if (auto act = make_activation(o.activation)) m.add(std::move(act));
    if (o.tied)
        m.add<TiedLinear>(encoder, encoder_index, false);  // x_hat = W1^T z
    else
        m.add<Linear>(o.latent, D, false);  // W2 (D, k)
    m.add<Unflatten>(o.sample_shape);
    m.init(seed);
    return m;
}

Sequential denoising_autoencoder(const DenoisingAutoencoderOptions& o, std::uint64_t seed) {
    check_positive("denoising_autoencoder", "hidden", o.hidden);
    check_positive("denoising_autoencoder", "code", o.code);
    const int D = int(features(o.sample_shape));
    Sequential m(o.sample_shape);
    m.add<Flatten>();
    m.add<Linear>(D, o.hidden);
    m.add<ReLU>();
    m.add<Linear>(o.hidden, o.code);
    m.add<ReLU>();
    m.add<Linear>(o.code, o.hidden);
    m.add<ReLU>();
    m.add<Linear>(o.hidden, D);
    m.add<Sigmoid>();
    m.add<Unflatten>(o.sample_shape);
    m.init(seed);
    return m;
}

}  // namespace aelab
