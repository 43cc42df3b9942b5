// Penalties on an autoencoder's code and their gradients (see loss.hpp for the formulas).
// Legend: N batch rows, K code units, D input features; h (N, K) the code, W (K, D) the
// encoder's weight (torch's Linear layout: row j is unit j's filter).
#include <cmath>
#include <string>
#include <vector>

#include "aelab/loss.hpp"

namespace aelab {

float l1_activation_penalty(const float* h, int N, int K) {
    double sum = 0;
    for (long i = 0; i < long(N) * K; ++i) sum += std::fabs(double(h[i]));
    return float(sum / N);
}

void l1_activation_penalty_backward(float* d_h, const float* h, int N, int K, float d_loss) {
    const float scale = d_loss / float(N);
    for (long i = 0; i < long(N) * K; ++i) d_h[i] += h[i] > 0 ? scale : h[i] < 0 ? -scale : 0.0f;
}

namespace {
// ||W_j||^2 for every unit j: (K)
std::vector<double> row_norms2(const float* W, int K, int D) {
    std::vector<double> out(std::size_t(K), 0.0);
    for (long j = 0; j < K; ++j)
        for (long i = 0; i < D; ++i) out[std::size_t(j)] += double(W[j * D + i]) * W[j * D + i];
    return out;
}
}  // namespace

float contractive_penalty(const float* h, const float* W, int N, int K, int D) {
    const std::vector<double> w2 = row_norms2(W, K, D);
    double sum = 0;
    for (long n = 0; n < N; ++n)
        for (long j = 0; j < K; ++j) {
            const double v = h[n * K + j], s = v * (1.0 - v);  // sigmoid'(a_j) = h_j (1 - h_j)
            sum += s * s * w2[std::size_t(j)];
        }
    return float(sum / N);
}

void contractive_penalty_backward(float* d_h, float* d_W, const float* h, const float* W, int N, int K, int D,
                                  float d_loss) {
    const std::vector<double> w2 = row_norms2(W, K, D);
    const double scale = double(d_loss) / N;
    std::vector<double> s2(std::size_t(K), 0.0);  // sum over the batch of (h_j (1 - h_j))^2
    for (long n = 0; n < N; ++n)
        for (long j = 0; j < K; ++j) {
            const double v = h[n * K + j], s = v * (1.0 - v);
            if (d_h) d_h[n * K + j] += float(scale * 2.0 * s * (1.0 - 2.0 * v) * w2[std::size_t(j)]);
            s2[std::size_t(j)] += s * s;
        }
    if (!d_W) return;
    for (long j = 0; j < K; ++j) {
        const double c = scale * 2.0 * s2[std::size_t(j)];
        for (long i = 0; i < D; ++i) d_W[j * D + i] += float(c * W[j * D + i]);
    }
}

// ---- Tensor layer --------------------------------------------------------------------------
namespace {

void check_code(const char* op, const Tensor& h) {
    check_rank(op, "h", h, 2, "N, K");
    if (h.size() == 0) throw Error(std::string(op) + ": h must not be empty, got shape " + shape_str(h.shape()));
}

void check_encoder(const char* op, const Tensor& h, const Tensor& W) {
    check_code(op, h);
    check_rank(op, "W", W, 2, "K, D");
    if (W.shape()[0] != h.shape()[1])
        throw Error(std::string(op) + ": W must have " + std::to_string(h.shape()[1]) +
                    " rows (one per code unit of h " + shape_str(h.shape()) + "), got shape " + shape_str(W.shape()));
}

}  // namespace

float l1_activation_penalty(const Tensor& h) {
    check_code("l1_activation_penalty", h);
    return l1_activation_penalty(h.data(), dim(h, 0), dim(h, 1));
}
void l1_activation_penalty_backward(Tensor& d_h, const Tensor& h, float d_loss) {
    const char* op = "l1_activation_penalty_backward";
    check_code(op, h);
    check_shape(op, "d_h", d_h, shape_of(h));
    l1_activation_penalty_backward(d_h.data(), h.data(), dim(h, 0), dim(h, 1), d_loss);
}

float contractive_penalty(const Tensor& h, const Tensor& W) {
    check_encoder("contractive_penalty", h, W);
    return contractive_penalty(h.data(), W.data(), dim(h, 0), dim(h, 1), dim(W, 1));
}
void contractive_penalty_backward(Tensor& d_h, Tensor* d_W, const Tensor& h, const Tensor& W, float d_loss) {
    const char* op = "contractive_penalty_backward";
    check_encoder(op, h, W);
    check_shape(op, "d_h", d_h, shape_of(h));
    if (d_W) check_shape(op, "d_W", *d_W, shape_of(W));
    contractive_penalty_backward(d_h.data(), d_W ? d_W->data() : nullptr, h.data(), W.data(), dim(h, 0), dim(h, 1),
                                 dim(W, 1), d_loss);
}

Tensor sigmoid_encoder_jacobian(const Tensor& h, const Tensor& W) {
    const char* op = "sigmoid_encoder_jacobian";
    check_rank(op, "W", W, 2, "K, D");
    if (h.size() != W.shape()[0])
        throw Error(std::string(op) + ": h must hold one value per row of W " + shape_str(W.shape()) + ", got shape " +
                    shape_str(h.shape()));
    const std::size_t K = W.shape()[0], D = W.shape()[1];
    Tensor J = uninitialized({K, D});
    for (std::size_t j = 0; j < K; ++j) {
        const float s = h.data()[j] * (1.0f - h.data()[j]);
        for (std::size_t i = 0; i < D; ++i) J.data()[j * D + i] = s * W.data()[j * D + i];
    }
    return J;
}

}  // namespace aelab
