// aelab core: optimizers, as torch.optim, each one flat loop over a model's parameter and
// gradient buffers (model.hpp keeps each in one contiguous block).
//
//   SGD (torch.optim.SGD): g = grad + weight_decay * p
//       with momentum: buf = g on the first step, else buf = momentum * buf + (1 - dampening) * g;
//                      g = nesterov ? g + momentum * buf : buf
//       p -= lr * g
//   Adam (torch.optim.Adam, amsgrad off): g = grad + weight_decay * p
//       m = beta1 * m + (1 - beta1) * g;  v = beta2 * v + (1 - beta2) * g^2;  t += 1
//       p -= (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
// State (momentum buffers, moments) is sized on the first step; later steps must pass the
// same number of parameters (else aelab::Error). reset() forgets the state.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace aelab {

class Sequential;

class Optimizer {
public:
    virtual ~Optimizer() = default;
    // One update of params (n floats) from grads (n floats).
    virtual void step(float* params, const float* grads, std::size_t n) = 0;
    void step(Sequential& model);
    virtual void reset() = 0;
    std::int64_t steps() const { return steps_; }

protected:
    // True on the first step (which records n); afterwards throws unless n is the same.
    bool first_step(const char* name, std::size_t n);
    std::int64_t steps_ = 0;
    std::size_t n_ = 0;
};

struct SgdOptions {
    float lr = 0.01f, momentum = 0.0f, dampening = 0.0f, weight_decay = 0.0f;
    bool nesterov = false;
};

class Sgd : public Optimizer {
public:
    explicit Sgd(const SgdOptions& o = {});
    using Optimizer::step;
    void step(float* params, const float* grads, std::size_t n) override;
    void reset() override;
    const SgdOptions& options() const { return o_; }
    void set_lr(float lr) { o_.lr = lr; }

private:
    SgdOptions o_;
    std::vector<float> momentum_;  // (n), empty without momentum
};

struct AdamOptions {
    float lr = 1e-3f, beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f, weight_decay = 0.0f;
};

class Adam : public Optimizer {
public:
    explicit Adam(const AdamOptions& o = {});
    using Optimizer::step;
    void step(float* params, const float* grads, std::size_t n) override;
    void reset() override;
    const AdamOptions& options() const { return o_; }
    void set_lr(float lr) { o_.lr = lr; }

private:
    AdamOptions o_;
    std::vector<float> m_, v_;  // (n) first and second moments
};

}  // namespace aelab
