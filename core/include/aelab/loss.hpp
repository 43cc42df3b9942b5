// aelab core: losses with their gradients.
//   mse_loss            mean over all n elements of (pred - target)^2 (torch's reduction='mean')
//   bce_with_logits     mean over all n elements of
//                       -[t log sigmoid(z) + (1 - t) log(1 - sigmoid(z))], computed as
//                       max(z, 0) - z t + log(1 + e^-|z|) so it never overflows (as torch's
//                       binary_cross_entropy_with_logits, reduction='mean')
//   kl_normal           KL(N(mu, diag(exp(logvar))) || N(0, I)) for a VAE's encoder:
//                       -1/2 * sum over the L latent dims of (1 + logvar - mu^2 - exp(logvar)),
//                       then the MEAN over the N batch rows (a per-example KL, so its weight
//                       against a per-example reconstruction loss does not depend on N).
// Losses are accumulated in double. Backward ADDS d_loss * dLoss/d(input) into the gradient
// buffers, which come first as in every op (core/include/aelab/ops.hpp); d_loss, the upstream
// gradient of the scalar loss (1 for a final loss), comes last so that it can default to 1.
#pragma once
#include <cstddef>
#include <vector>

#include "aelab/tensor.hpp"

namespace aelab {

float mse_loss(const float* pred, const float* target, std::size_t n);
void mse_loss_backward(float* d_pred, const float* pred, const float* target, std::size_t n,
                       float d_loss = 1.0f);
float bce_with_logits_loss(const float* logits, const float* target, std::size_t n);
void bce_with_logits_loss_backward(float* d_logits, const float* logits, const float* target,
                                   std::size_t n, float d_loss = 1.0f);
// mu, logvar (N, L)
float kl_normal_loss(const float* mu, const float* logvar, int N, int L);
void kl_normal_loss_backward(float* d_mu, float* d_logvar, const float* mu, const float* logvar,
                             int N, int L, float d_loss = 1.0f);
// logits (N, K), labels (N) in [0, K) (unchecked here)
float softmax_cross_entropy_loss(const float* logits, const int* labels, int N, int K);
void softmax_cross_entropy_loss_backward(float* d_logits, const float* logits, const int* labels, int N,
                                         int K, float d_loss = 1.0f);

// Tensor layer: pred and target of the same (non-empty) shape; mu and logvar (N, L).
float mse_loss(const Tensor& pred, const Tensor& target);
void mse_loss_backward(Tensor& d_pred, const Tensor& pred, const Tensor& target,
                       float d_loss = 1.0f);
// The same gradient d(mse)/d(pred) as a new tensor shaped like pred.
Tensor mse_loss_grad(const Tensor& pred, const Tensor& target);
float bce_with_logits_loss(const Tensor& logits, const Tensor& target);
void bce_with_logits_loss_backward(Tensor& d_logits, const Tensor& logits, const Tensor& target,
                                   float d_loss = 1.0f);
float kl_normal_loss(const Tensor& mu, const Tensor& logvar);
void kl_normal_loss_backward(Tensor* d_mu, Tensor* d_logvar, const Tensor& mu, const Tensor& logvar,
                             float d_loss = 1.0f);
// logits (N, K) with N, K >= 1; labels: N class indices, each in [0, K).
float softmax_cross_entropy_loss(const Tensor& logits, const std::vector<int>& labels);
void softmax_cross_entropy_loss_backward(Tensor& d_logits, const Tensor& logits, const std::vector<int>& labels,
                                         float d_loss = 1.0f);

// Image quality, for pixels in [0, 1] (what the lessons and the CLI report for reconstructions).
// PSNR in dB: 10 log10(1 / mse). mse must be >= 0; 0 gives +infinity.
double psnr_from_mse(double mse);
// PSNR between two tensors of the same shape (MSE over all their elements, in double).
double psnr_db(const Tensor& a, const Tensor& b);

// Penalties on an autoencoder's code (the regularised autoencoders, core/src/ops/penalty.cpp).
//   l1_activation     the sparse autoencoder's Omega(h) = sum_j |h_j| per example, then the MEAN
//                     over the N batch rows; its gradient sign(h_j) / N with sign(0) = 0 (torch's
//                     abs at 0). As a negative log-prior: the Laplace density p(h_j) ~ exp(-lambda
//                     |h_j|), so lambda * Omega is MAP inference of the code with that prior.
//   contractive       the contractive autoencoder's Omega = ||d h / d x||_F^2 for a SIGMOID
//                     encoder h = sigmoid(W x + b), W (K, D): the Jacobian is diag(h (1 - h)) W,
//                     so ||J||_F^2 = sum_j (h_j (1 - h_j))^2 sum_i W_ji^2, no Jacobian formed;
//                     the MEAN over the N rows. It reads the encoder's output h (N, K) and W;
//                     backward adds dOmega/dh = 2 h (1 - h)(1 - 2 h) ||W_j||^2 / N into d_h (for
//                     the Sigmoid and Linear layers' backward to carry to W, b through W x + b)
//                     and the direct dOmega/dW_ji = 2 (h_j (1 - h_j))^2 W_ji / N into d_W.
// h (N, K); W (K, D).
float l1_activation_penalty(const float* h, int N, int K);
void l1_activation_penalty_backward(float* d_h, const float* h, int N, int K, float d_loss = 1.0f);
float contractive_penalty(const float* h, const float* W, int N, int K, int D);
void contractive_penalty_backward(float* d_h, float* d_W, const float* h, const float* W, int N, int K, int D,
                                  float d_loss = 1.0f);
// Tensor layer: h (N, K) non-empty; W (K, D). d_W may be null (only the path through h).
float l1_activation_penalty(const Tensor& h);
void l1_activation_penalty_backward(Tensor& d_h, const Tensor& h, float d_loss = 1.0f);
float contractive_penalty(const Tensor& h, const Tensor& W);
void contractive_penalty_backward(Tensor& d_h, Tensor* d_W, const Tensor& h, const Tensor& W, float d_loss = 1.0f);
// The Jacobian itself, for showing and testing: J = diag(h (1 - h)) W (K, D) of one example,
// from its sigmoid code h (K) and W (K, D).
Tensor sigmoid_encoder_jacobian(const Tensor& h, const Tensor& W);

}  // namespace aelab
