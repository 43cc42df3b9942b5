// The variational autoencoder (see models.hpp): encoder and decoder halves of one Sequential,
// the reparameterisation between them, and the loss recon + beta * KL with its gradient.
// Legend: N batch, L latent size, D pixels per example.
#include <cmath>
#include <cstdio>
#include <string>

#include "aelab/activation.hpp"
#include "aelab/loss.hpp"
#include "aelab/models.hpp"

namespace aelab {
namespace {

Sequential build_vae_net(const VaeOptions& o) {
    if (o.hidden < 1 || o.latent < 1)
        throw Error("Vae: hidden and latent must be >= 1, got " + std::to_string(o.hidden) + " and " +
                    std::to_string(o.latent));
    const std::size_t D = numel(o.sample_shape);
    Sequential m(o.sample_shape);
    m.add<Flatten>();                        // -> (N, D)
    m.add<Linear>(int(D), o.hidden);
    m.add<ReLU>();
    m.add<Linear>(o.hidden, 2 * o.latent);  // -> (N, 2L): [mu | logvar]
    m.add<Linear>(o.latent, o.hidden);      // decoder: z (N, L) ->
    m.add<ReLU>();
    m.add<Linear>(o.hidden, int(D));
    m.add<Unflatten>(o.sample_shape);  // -> logits (N, sample...)
    return m;
}

}  // namespace

Vae::Vae(const VaeOptions& o, std::uint64_t seed) : Vae(build_vae_net(o), 4, o.latent, o.beta) {
    net_.init(seed);
}

Vae::Vae(Sequential net, std::size_t encoder_layers, int latent, float beta)
    : net_(std::move(net)), encoder_layers_(encoder_layers), latent_(latent), beta_(beta) {
    if (encoder_layers_ < 1 || encoder_layers_ >= net_.size())
        throw Error("Vae: encoder_layers must split the " + std::to_string(net_.size()) +
                    " layers into two non-empty halves, got " + std::to_string(encoder_layers_));
    if (latent_ < 1) throw Error("Vae: latent must be >= 1, got " + std::to_string(latent_));
    // The halves must chain: encoder (1, sample...) -> (1, 2L); decoder (1, L) -> (1, sample...).
    Shape in{1};
    in.insert(in.end(), net_.sample_shape().begin(), net_.sample_shape().end());
    const Shape enc = net_.output_shape(in, 0, encoder_layers_);
    if (enc != Shape{1, std::size_t(2 * latent_)})
        throw Error("Vae: the encoder must output (N, " + std::to_string(2 * latent_) + ") = [mu | logvar], got " +
                    batch_shape_str(enc));
    const Shape dec = net_.output_shape({1, std::size_t(latent_)}, encoder_layers_, net_.size());
    if (dec != in)
        throw Error("Vae: the decoder must output the input's shape " + batch_shape_str(in) + ", got " +
                    batch_shape_str(dec));
}

const VaeOutput& Vae::forward(const Tensor& x, Rng& rng) {
    if (x.dimension() == 0) throw Error("Vae: input must have a batch axis, got a scalar");
    Tensor eps = zeros({x.shape()[0], std::size_t(latent_)});  // (N, L)
    for (auto& e : eps) e = rng.normal();
    return forward(x, eps);
}

const VaeOutput& Vae::forward(const Tensor& x, const Tensor& eps) {
    const Tensor h = net_.forward(x, 0, encoder_layers_);  // (N, 2L)
    const std::size_t N = h.shape()[0], L = std::size_t(latent_);
    check_shape("Vae", "eps", eps, {N, L});
    out_.mu = zeros({N, L});
    out_.logvar = zeros({N, L});
    out_.z = zeros({N, L});
    for (std::size_t n = 0; n < N; ++n)
        for (std::size_t j = 0; j < L; ++j) {
            const float mu = h.data()[n * 2 * L + j], logvar = h.data()[n * 2 * L + L + j];
            out_.mu.data()[n * L + j] = mu;
            out_.logvar.data()[n * L + j] = logvar;
            out_.z.data()[n * L + j] = mu + std::exp(0.5f * logvar) * eps.data()[n * L + j];
        }
    out_.eps = eps;
    out_.logits = net_.forward(out_.z, encoder_layers_, net_.size());  // (N, sample...)
    out_.recon = sigmoid(out_.logits);
    return out_;
}

VaeLoss Vae::loss(const Tensor& x) const {
    check_shape("Vae::loss", "x", x, shape_of(out_.logits));
    const std::size_t N = x.shape()[0], D = x.size() / N;
    VaeLoss l;
    l.recon = bce_with_logits_loss(out_.logits, x) * float(D);  // mean over N*D, times D
    l.kl = kl_normal_loss(out_.mu, out_.logvar);
    l.total = l.recon + beta_ * l.kl;
    return l;
}

void Vae::backward(const Tensor& x) {
    check_shape("Vae::backward", "x", x, shape_of(out_.logits));
    const std::size_t N = x.shape()[0], L = std::size_t(latent_), D = x.size() / N;
    Tensor d_logits = zeros(shape_of(out_.logits));
    bce_with_logits_loss_backward(d_logits, out_.logits, x, float(D));
    const Tensor d_z = net_.backward(d_logits, encoder_layers_, net_.size());  // (N, L)
    Tensor d_mu = zeros({N, L}), d_logvar = zeros({N, L});
    kl_normal_loss_backward(&d_mu, &d_logvar, out_.mu, out_.logvar, beta_);
    Tensor d_h = zeros({N, 2 * L});  // (N, 2L) = [d_mu | d_logvar]
    for (std::size_t n = 0; n < N; ++n)
        for (std::size_t j = 0; j < L; ++j) {
            const std::size_t i = n * L + j;
            const float dz = d_z.data()[i];
            d_h.data()[n * 2 * L + j] = d_mu.data()[i] + dz;
            d_h.data()[n * 2 * L + L + j] =
                d_logvar.data()[i] + dz * 0.5f * std::exp(0.5f * out_.logvar.data()[i]) * out_.eps.data()[i];
        }
    net_.backward_params(d_h, 0, encoder_layers_);
}

Tensor Vae::encode_mean(const Tensor& x) {
    const Tensor h = net_.forward(x, 0, encoder_layers_);  // (N, 2L)
    const std::size_t N = h.shape()[0], L = std::size_t(latent_);
    Tensor mu = zeros({N, L});
    for (std::size_t n = 0; n < N; ++n)
        for (std::size_t j = 0; j < L; ++j) mu.data()[n * L + j] = h.data()[n * 2 * L + j];
    return mu;
}

Tensor Vae::decode(const Tensor& z) { return sigmoid(net_.forward(z, encoder_layers_, net_.size())); }

std::string Vae::summary() const {
    char tail[160];
    std::snprintf(tail, sizeof tail, "Loss: BCE-with-logits summed over pixels + %g * KL\nTotal params: %zu\n",
                  double(beta_), net_.param_count());
    return "Encoder\n" + net_.summary(0, encoder_layers_, net_.sample_shape()) +
           "Reparameterisation: [mu | logvar] (N, " + std::to_string(2 * latent_) +
           ") -> z = mu + exp(0.5 * logvar) * eps, (N, " + std::to_string(latent_) + ")\nDecoder\n" +
           net_.summary(encoder_layers_, net_.size(), {std::size_t(latent_)}) + tail;
}

}  // namespace aelab
