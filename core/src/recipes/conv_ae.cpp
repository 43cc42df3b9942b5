// The recipe of the "Convolutional autoencoders" lesson (see recipe_conv_ae.hpp).
#include "aelab/recipe_conv_ae.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include <xtensor/xview.hpp>

#include "aelab/loss.hpp"
#include "aelab/recipe_denoising.hpp"

namespace aelab {
namespace {

// Independent streams from one seed: the initial weights use `seed` itself.
constexpr std::uint64_t kBatchStream = 0x9e3779b97f4a7c15ULL, kAugmentStream = 0xd1b54a32d192ed03ULL;
constexpr std::size_t kChunk = 100;  // images per forward pass when evaluating

void check_options(const Dataset& data, const ConvAeOptions& o) {
    const std::string r = "conv-ae recipe";
    if (o.batch_size < 1 || std::size_t(o.batch_size) > data.size(Split::train))
        throw Error(r + ": batch size must be in [1, " + std::to_string(data.size(Split::train)) + "], got " +
                    std::to_string(o.batch_size));
    if (o.eval_count < 1 || std::size_t(o.eval_count) > data.size(Split::test))
        throw Error(r + ": eval_count must be in [1, " + std::to_string(data.size(Split::test)) + "], got " +
                    std::to_string(o.eval_count));
    if (data.rows != 28 || data.cols != 28)
        throw Error(r + ": expects 28 x 28 images, the dataset has " + std::to_string(data.rows) + " x " +
                    std::to_string(data.cols));
    if (!(o.learning_rate > 0) || !std::isfinite(o.learning_rate))
        throw Error(r + ": the learning rate must be positive, got " + std::to_string(o.learning_rate));
}

}  // namespace

ConvAeNet::ConvAeNet(const std::string& spec_text, std::uint64_t seed, float learning_rate)
    : spec(architecture_text(parse_architecture(spec_text))),
      check(check_architecture(spec)),
      net(build_architecture(spec, seed)),
      optimizer(AdamOptions{learning_rate}) {}

ConvAeRecipe::ConvAeRecipe(const Dataset& data, const std::vector<std::string>& specs, const ConvAeOptions& o)
    : data_(data),
      o_(o),
      sampler_(data.size(Split::train), std::size_t(std::max(o.batch_size, 1)), o.seed ^ kBatchStream),
      augment_rng_(o.seed ^ kAugmentStream) {
    check_options(data, o);
    if (specs.empty()) throw Error("conv-ae recipe: no networks to train");
    for (std::size_t i = 0; i < specs.size(); ++i) {
        try {
            nets_.push_back(std::make_unique<ConvAeNet>(specs[i], o.seed, o.learning_rate));
        } catch (const Error& e) {
            throw Error("network " + std::to_string(i + 1) + ": " + e.what());
        }
    }
    eval_ = data.batch(Split::test, 0, std::size_t(o.eval_count));
}

std::vector<float> ConvAeRecipe::train_step() {
    batch_ = data_.gather(Split::train, sampler_.next());  // (B, 1, 28, 28)
    if (o_.augment) batch_ = augment_batch(batch_, augment_rng_, o_.augment_options);
    std::vector<float> losses;
    for (auto& n : nets_) {
        n->net.zero_grad();
        const Tensor out = n->net.forward(batch_);
        const float loss = mse_loss(out, batch_);
        Tensor d_out = zeros(shape_of(out));
        mse_loss_backward(d_out, out, batch_);
        n->net.backward_params(d_out);
        n->optimizer.step(n->net);
        n->losses.push_back(loss);
        losses.push_back(loss);
    }
    ++step_;
    return losses;
}

Tensor ConvAeRecipe::reconstruct(std::size_t i, const Tensor& x) {
    Sequential& net = nets_.at(i)->net;
    EvalScope eval(net);
    return net.forward(x);
}

std::vector<double> ConvAeRecipe::evaluate_mse(std::size_t count) {
    if (count == 0 || count > std::size_t(o_.eval_count)) count = std::size_t(o_.eval_count);
    std::vector<double> mse;
    for (auto& n : nets_) {
        EvalScope eval(n->net);
        double sum = 0;
        for (std::size_t first = 0; first < count; first += kChunk) {
            const std::size_t m = std::min(kChunk, count - first);
            const Tensor x = xt::view(eval_, xt::range(first, first + m));
            sum += double(mse_loss(n->net.forward(x), x)) * double(m);
        }
        mse.push_back(sum / double(count));
    }
    return mse;
}

std::vector<double> ConvAeRecipe::evaluate_psnr_db(std::size_t count) {
    std::vector<double> psnr;
    for (double m : evaluate_mse(count)) psnr.push_back(psnr_from_mse(m));
    return psnr;
}

std::vector<Activating> top_activating(Sequential& model, std::size_t layer, int channel, const Tensor& images,
                                       std::size_t count) {
    if (layer >= model.size())
        throw Error("top activating: layer " + std::to_string(layer) + " out of range [0, " +
                    std::to_string(model.size()) + ")");
    if (images.dimension() < 2) throw Error("top activating: images must have a batch axis, got shape " + shape_str(images.shape()));
    EvalScope eval(model);
    const std::size_t N = images.shape()[0];
    std::vector<Activating> all;
    for (std::size_t first = 0; first < N; first += kChunk) {
        const std::size_t m = std::min(kChunk, N - first);
        const Tensor x = xt::view(images, xt::range(first, first + m));
        const Tensor h = model.forward(x, 0, layer + 1);  // (m, C, ...)
        const std::size_t C = h.dimension() > 1 ? h.shape()[1] : 1;
        if (channel < 0 || std::size_t(channel) >= C)
            throw Error("top activating: channel " + std::to_string(channel) + " out of range [0, " +
                        std::to_string(C) + ") for layer " + std::to_string(layer) + "'s output " +
                        shape_str(h.shape()));
        const std::size_t per_example = h.size() / m, per_channel = per_example / C;
        for (std::size_t i = 0; i < m; ++i) {
            const float* p = h.data() + i * per_example + std::size_t(channel) * per_channel;
            double sum = 0;
            for (std::size_t k = 0; k < per_channel; ++k) sum += p[k];
            all.push_back({first + i, float(sum / double(per_channel))});
        }
    }
    count = std::min(count, all.size());
    std::partial_sort(all.begin(), all.begin() + std::ptrdiff_t(count), all.end(),
                      [](const Activating& a, const Activating& b) {
                          return a.activation > b.activation || (a.activation == b.activation && a.index < b.index);
                      });
    all.resize(count);
    return all;
}

}  // namespace aelab
