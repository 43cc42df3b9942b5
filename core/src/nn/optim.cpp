// SGD with momentum and Adam (see optim.hpp for the update rules, which are torch.optim's).
#include "aelab/optim.hpp"

#include <cmath>
#include <string>

#include "aelab/model.hpp"

namespace aelab {

void Optimizer::step(Sequential& model) { step(model.params(), model.grads(), model.param_count()); }

bool Optimizer::first_step(const char* name, std::size_t n) {
    if (steps_ == 0) {
        n_ = n;
        return true;
    }
    if (n != n_)
        throw Error(std::string(name) + ": step over " + std::to_string(n) +
                    " parameters, but the optimizer state is for " + std::to_string(n_) +
                    " (call reset() to reuse it for another model)");
    return false;
}

Sgd::Sgd(const SgdOptions& o) : o_(o) {
    if (o_.lr < 0 || o_.momentum < 0 || o_.weight_decay < 0)
        throw Error("SGD: lr, momentum and weight_decay must be >= 0");
    if (o_.nesterov && (o_.momentum <= 0 || o_.dampening != 0))
        throw Error("SGD: Nesterov momentum requires a momentum and zero dampening");
}

void Sgd::reset() {
    steps_ = 0;
    momentum_.clear();
}

void Sgd::step(float* params, const float* grads, std::size_t n) {
    const bool first = first_step("SGD", n);
    const bool use_momentum = o_.momentum != 0.0f;
    if (first && use_momentum) momentum_.assign(n, 0.0f);
    for (std::size_t i = 0; i < n; ++i) {
        float g = grads[i] + o_.weight_decay * params[i];
        if (use_momentum) {
            // torch starts the buffer at the first gradient itself, without dampening.
            float& buf = momentum_[i];
            buf = first ? g : o_.momentum * buf + (1.0f - o_.dampening) * g;
            g = o_.nesterov ? g + o_.momentum * buf : buf;
        }
        params[i] -= o_.lr * g;
    }
    ++steps_;
}

Adam::Adam(const AdamOptions& o) : o_(o) {
    if (o_.lr < 0 || o_.eps < 0 || o_.weight_decay < 0)
        throw Error("Adam: lr, eps and weight_decay must be >= 0");
    if (o_.beta1 < 0 || o_.beta1 >= 1 || o_.beta2 < 0 || o_.beta2 >= 1)
        throw Error("Adam: betas must lie in [0, 1)");
}

void Adam::reset() {
    steps_ = 0;
    m_.clear();
    v_.clear();
}

void Adam::step(float* params, const float* grads, std::size_t n) {
    if (first_step("Adam", n)) {
        m_.assign(n, 0.0f);
        v_.assign(n, 0.0f);
    }
    const std::int64_t t = steps_ + 1;
    // The bias corrections in double, as torch computes them (Python floats).
    const double correction1 = 1.0 - std::pow(double(o_.beta1), double(t));
    const double correction2 = 1.0 - std::pow(double(o_.beta2), double(t));
    const float step_size = float(double(o_.lr) / correction1);
    const float correction2_sqrt = float(std::sqrt(correction2));
    for (std::size_t i = 0; i < n; ++i) {
        const float g = grads[i] + o_.weight_decay * params[i];
        m_[i] = o_.beta1 * m_[i] + (1.0f - o_.beta1) * g;
        v_[i] = o_.beta2 * v_[i] + (1.0f - o_.beta2) * g * g;
        const float denom = std::sqrt(v_[i]) / correction2_sqrt + o_.eps;
        params[i] -= step_size * m_[i] / denom;
    }
    steps_ = t;
}

}  // namespace aelab
