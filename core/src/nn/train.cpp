// Training loops (see train.hpp).
#include "aelab/train.hpp"

#include <numeric>
#include <string>
#include <utility>

#include "aelab/loss.hpp"
#include "aelab/noise.hpp"

namespace aelab {

BatchSampler::BatchSampler(std::size_t dataset_size, std::size_t batch_size, std::uint64_t seed)
    : batch_(batch_size), order_(dataset_size), rng_(seed) {
    if (batch_size < 1 || batch_size > dataset_size)
        throw Error("BatchSampler: batch size must be in [1, " + std::to_string(dataset_size) +
                    "], got " + std::to_string(batch_size));
    if (dataset_size > 0xFFFFFFFFu) throw Error("BatchSampler: dataset too large");
    pos_ = dataset_size;  // the first next() shuffles
}

std::vector<std::size_t> BatchSampler::next() {
    if (pos_ + batch_ > order_.size()) {
        std::iota(order_.begin(), order_.end(), std::size_t(0));
        for (std::size_t i = order_.size(); i > 1; --i)
            std::swap(order_[i - 1], order_[rng_.below(std::uint32_t(i))]);
        pos_ = 0;
        ++epoch_;
    }
    std::vector<std::size_t> batch(order_.begin() + long(pos_), order_.begin() + long(pos_ + batch_));
    pos_ += batch_;
    return batch;
}

const char* corruption_name(Corruption c) {
    switch (c) {
        case Corruption::none: return "none";
        case Corruption::gaussian: return "Gaussian";
        case Corruption::masking: return "masking";
        case Corruption::salt_and_pepper: return "salt and pepper";
    }
    return "?";
}

AutoencoderTrainer::AutoencoderTrainer(Sequential& model, Optimizer& optimizer, const TrainerOptions& o)
    : model_(model), opt_(optimizer), o_(o), rng_(o.seed) {}

Tensor AutoencoderTrainer::corrupt(const Tensor& batch) {
    switch (o_.corruption) {
        case Corruption::none: return batch;
        case Corruption::gaussian: return gaussian_noise(batch, o_.level, rng_);
        case Corruption::masking: return masking_noise(batch, o_.level, rng_);
        case Corruption::salt_and_pepper: return salt_and_pepper_noise(batch, o_.level, rng_);
    }
    return batch;
}

float AutoencoderTrainer::train_step(const Tensor& batch) {
    model_.zero_grad();
    input_ = corrupt(batch);
    output_ = model_.forward(input_);
    const float loss = mse_loss(output_, batch);
    Tensor d_out = zeros(Shape(output_.shape().begin(), output_.shape().end()));
    mse_loss_backward(d_out, output_, batch);
    model_.backward_params(d_out);
    opt_.step(model_);
    return loss;
}

float AutoencoderTrainer::evaluate(const Tensor& batch) {
    EvalScope eval(model_);
    return mse_loss(model_.forward(batch), batch);
}

VaeTrainer::VaeTrainer(Vae& vae, Optimizer& optimizer, std::uint64_t seed)
    : vae_(vae), opt_(optimizer), rng_(seed) {}

VaeLoss VaeTrainer::train_step(const Tensor& batch) {
    vae_.net().zero_grad();
    vae_.forward(batch, rng_);
    const VaeLoss loss = vae_.loss(batch);
    vae_.backward(batch);
    opt_.step(vae_.net());
    return loss;
}

}  // namespace aelab
