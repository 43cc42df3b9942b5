// Losses and their gradients (see loss.hpp for the formulas and reductions).
#include "aelab/loss.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace aelab {

float mse_loss(const float* pred, const float* target, std::size_t n) {
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double e = double(pred[i]) - target[i];
        sum += e * e;
    }
    return float(sum / double(n));
}

void mse_loss_backward(float* d_pred, const float* pred, const float* target, std::size_t n,
                       float d_loss) {
    const float scale = 2.0f * d_loss / float(n);
    for (std::size_t i = 0; i < n; ++i) d_pred[i] += scale * (pred[i] - target[i]);
}

float bce_with_logits_loss(const float* logits, const float* target, std::size_t n) {
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double z = logits[i], t = target[i];
        sum += std::max(z, 0.0) - z * t + std::log1p(std::exp(-std::fabs(z)));
    }
    return float(sum / double(n));
}

void bce_with_logits_loss_backward(float* d_logits, const float* logits, const float* target,
                                   std::size_t n, float d_loss) {
    const float scale = d_loss / float(n);
    for (std::size_t i = 0; i < n; ++i) {
        const float z = logits[i];
        const float s =
            z >= 0.0f ? 1.0f / (1.0f + std::exp(-z)) : std::exp(z) / (1.0f + std::exp(z));
        d_logits[i] += scale * (s - target[i]);
    }
}

float kl_normal_loss(const float* mu, const float* logvar, int N, int L) {
    double sum = 0;
    for (long i = 0; i < long(N) * L; ++i)
        sum += 1.0 + logvar[i] - double(mu[i]) * mu[i] - std::exp(double(logvar[i]));
    return float(-0.5 * sum / N);
}

void kl_normal_loss_backward(float* d_mu, float* d_logvar, const float* mu, const float* logvar,
                             int N, int L, float d_loss) {
    const float scale = d_loss / float(N);
    for (long i = 0; i < long(N) * L; ++i) {
        if (d_mu) d_mu[i] += scale * mu[i];
        if (d_logvar) d_logvar[i] += scale * 0.5f * (std::exp(logvar[i]) - 1.0f);
    }
}

namespace {
// log sum_k e^(z_k) of one row, shifted by its max.
double log_sum_exp(const float* z, int K) {
    const double top = *std::max_element(z, z + K);
    double sum = 0;
    for (int k = 0; k < K; ++k) sum += std::exp(double(z[k]) - top);
    return top + std::log(sum);
}
}  // namespace

float softmax_cross_entropy_loss(const float* logits, const int* labels, int N, int K) {
    double sum = 0;
    for (long n = 0; n < N; ++n) {
        const float* z = logits + n * K;
        sum += log_sum_exp(z, K) - z[labels[n]];
    }
    return float(sum / N);
}

void softmax_cross_entropy_loss_backward(float* d_logits, const float* logits, const int* labels, int N,
                                         int K, float d_loss) {
    const double scale = double(d_loss) / N;
    for (long n = 0; n < N; ++n) {
        const float* z = logits + n * K;
        float* dz = d_logits + n * K;
        const double lse = log_sum_exp(z, K);
        for (int k = 0; k < K; ++k) {
            const double p = std::exp(double(z[k]) - lse);  // softmax(z)_k
            dz[k] += float(scale * (p - (k == labels[n] ? 1.0 : 0.0)));
        }
    }
}

// ---- Tensor layer --------------------------------------------------------------------------
namespace {

void check_pair(const char* op, const char* a_name, const Tensor& a, const Tensor& target) {
    if (a.size() == 0)
        throw Error(std::string(op) + ": " + a_name + " must not be empty, got shape " +
                    shape_str(a.shape()));
    check_shape(op, "target", target, shape_of(a));
}

void check_latent(const char* op, const Tensor& mu, const Tensor& logvar) {
    check_rank(op, "mu", mu, 2, "N, latent");
    if (mu.size() == 0)
        throw Error(std::string(op) + ": mu must not be empty, got shape " + shape_str(mu.shape()));
    check_shape(op, "logvar", logvar, shape_of(mu));
}

void check_logits(const char* op, const Tensor& logits, const std::vector<int>& labels) {
    check_rank(op, "logits", logits, 2, "N, classes");
    if (logits.size() == 0)
        throw Error(std::string(op) + ": logits must not be empty, got shape " + shape_str(logits.shape()));
    const std::size_t N = logits.shape()[0], K = logits.shape()[1];
    if (labels.size() != N)
        throw Error(std::string(op) + ": expected " + std::to_string(N) + " labels for logits of shape " +
                    shape_str(logits.shape()) + ", got " + std::to_string(labels.size()));
    for (std::size_t n = 0; n < N; ++n)
        if (labels[n] < 0 || std::size_t(labels[n]) >= K)
            throw Error(std::string(op) + ": label " + std::to_string(n) + " is " + std::to_string(labels[n]) +
                        ", outside [0, " + std::to_string(K) + ")");
}

}  // namespace

float mse_loss(const Tensor& pred, const Tensor& target) {
    check_pair("mse_loss", "pred", pred, target);
    return mse_loss(pred.data(), target.data(), pred.size());
}
void mse_loss_backward(Tensor& d_pred, const Tensor& pred, const Tensor& target, float d_loss) {
    check_pair("mse_loss_backward", "pred", pred, target);
    check_shape("mse_loss_backward", "d_pred", d_pred, shape_of(pred));
    mse_loss_backward(d_pred.data(), pred.data(), target.data(), pred.size(), d_loss);
}
Tensor mse_loss_grad(const Tensor& pred, const Tensor& target) {
    Tensor d = zeros(shape_of(pred));
    mse_loss_backward(d, pred, target);
    return d;
}

float bce_with_logits_loss(const Tensor& logits, const Tensor& target) {
    check_pair("bce_with_logits_loss", "logits", logits, target);
    return bce_with_logits_loss(logits.data(), target.data(), logits.size());
}
void bce_with_logits_loss_backward(Tensor& d_logits, const Tensor& logits, const Tensor& target,
                                   float d_loss) {
    check_pair("bce_with_logits_loss_backward", "logits", logits, target);
    check_shape("bce_with_logits_loss_backward", "d_logits", d_logits, shape_of(logits));
    bce_with_logits_loss_backward(d_logits.data(), logits.data(), target.data(), logits.size(),
                                  d_loss);
}

float kl_normal_loss(const Tensor& mu, const Tensor& logvar) {
    check_latent("kl_normal_loss", mu, logvar);
    return kl_normal_loss(mu.data(), logvar.data(), int(mu.shape()[0]), int(mu.shape()[1]));
}
void kl_normal_loss_backward(Tensor* d_mu, Tensor* d_logvar, const Tensor& mu, const Tensor& logvar,
                             float d_loss) {
    const char* op = "kl_normal_loss_backward";
    check_latent(op, mu, logvar);
    if (d_mu) check_shape(op, "d_mu", *d_mu, shape_of(mu));
    if (d_logvar) check_shape(op, "d_logvar", *d_logvar, shape_of(mu));
    kl_normal_loss_backward(d_mu ? d_mu->data() : nullptr, d_logvar ? d_logvar->data() : nullptr,
                            mu.data(), logvar.data(), int(mu.shape()[0]), int(mu.shape()[1]),
                            d_loss);
}

float softmax_cross_entropy_loss(const Tensor& logits, const std::vector<int>& labels) {
    check_logits("softmax_cross_entropy_loss", logits, labels);
    return softmax_cross_entropy_loss(logits.data(), labels.data(), dim(logits, 0), dim(logits, 1));
}
void softmax_cross_entropy_loss_backward(Tensor& d_logits, const Tensor& logits, const std::vector<int>& labels,
                                         float d_loss) {
    const char* op = "softmax_cross_entropy_loss_backward";
    check_logits(op, logits, labels);
    check_shape(op, "d_logits", d_logits, shape_of(logits));
    softmax_cross_entropy_loss_backward(d_logits.data(), logits.data(), labels.data(), dim(logits, 0),
                                        dim(logits, 1), d_loss);
}

double psnr_from_mse(double mse) {
    if (!(mse >= 0)) throw Error("psnr: the MSE must be >= 0, got " + std::to_string(mse));
    if (mse == 0) return std::numeric_limits<double>::infinity();
    return 10.0 * std::log10(1.0 / mse);
}

double psnr_db(const Tensor& a, const Tensor& b) {
    if (a.shape() != b.shape())
        throw Error("psnr: the images must have the same shape, got " + shape_str(a.shape()) + " and " +
                    shape_str(b.shape()));
    if (a.size() == 0) throw Error("psnr: empty images");
    double sum = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const double d = double(a.data()[i]) - double(b.data()[i]);
        sum += d * d;
    }
    return psnr_from_mse(sum / double(a.size()));
}

}  // namespace aelab
