// aelab core: the CNN lecture's training tricks as ops: batch normalisation over NCHW and
// dropout, with torch.nn.functional semantics.
//
// Legend: N batch, C channels (BatchNorm's num_features), H/W spatial, M = N*H*W values per
//   channel, gamma/beta the per-channel scale and shift (weight and bias in torch), p the
//   dropout probability.
//   batchnorm2d, training:   mean_c and var_c over the (N, H, W) values of channel c, var biased
//                            (divided by M) for normalising;
//                            y = (x - mean_c) / sqrt(var_c + eps) * gamma_c + beta_c;
//                            running_mean = (1 - momentum) * running_mean + momentum * mean_c,
//                            running_var  = (1 - momentum) * running_var  + momentum * var_c * M / (M - 1)
//                            (the unbiased variance there, as torch). Needs M > 1.
//   batchnorm2d, evaluation: the same with running_mean / running_var for the batch's; nothing
//                            is updated, and the gradient no longer flows through the statistics.
//   dropout:                 each value kept with probability 1 - p and scaled by 1 / (1 - p), or
//                            zeroed; p = 1 zeroes everything (as torch). The mask is drawn from the
//                            caller's aelab::Rng, one uniform() per value, so a seed fixes it.
// Raw buffers only: the layers (BatchNorm2d, Dropout in layers.hpp) validate shapes and name
// themselves in errors. Each op is one plain loop (statistics summed in double): it is its own
// scalar reference. Backward ADDS into its gradients.
#pragma once
#include <cstddef>

#include "aelab/rng.hpp"

namespace aelab {

// out (N, C, H, W) from in (N, C, H, W); batch_mean and batch_invstd (C) receive the batch's
// mean and 1 / sqrt(var + eps) for the backward; running_mean and running_var (C) are updated
// (both null: not tracked). gamma, beta (C), or null for affine=False (1 and 0).
void batchnorm2d_forward_train(float* out, float* batch_mean, float* batch_invstd,
                               float* running_mean, float* running_var, const float* in,
                               const float* gamma, const float* beta, int N, int C, int H, int W,
                               float eps, float momentum);
// out (N, C, H, W) normalised with running_mean, running_var (C).
void batchnorm2d_forward_eval(float* out, const float* in, const float* running_mean,
                              const float* running_var, const float* gamma, const float* beta,
                              int N, int C, int H, int W, float eps);
// d_in (N, C, H, W), d_gamma, d_beta (C) += the gradients of sum(y * d_out); any of the three
// may be null when not wanted.
// mean, invstd (C): what the forward normalised with; batch_stats: they were the batch's own
// (training), so d_in includes the paths through them; false for evaluation (running stats).
void batchnorm2d_backward(float* d_in, float* d_gamma, float* d_beta, const float* d_out,
                          const float* in, const float* gamma, const float* mean,
                          const float* invstd, int N, int C, int H, int W, bool batch_stats);

// mask (n) = 1 / (1 - p) where rng.uniform() >= p (kept), else 0; 0 <= p <= 1.
void dropout_mask(float* mask, std::size_t n, float p, Rng& rng);
// out (n) = in * mask
void dropout_forward(float* out, const float* in, const float* mask, std::size_t n);
// d_in (n) += d_out * mask
void dropout_backward(float* d_in, const float* d_out, const float* mask, std::size_t n);

}  // namespace aelab
