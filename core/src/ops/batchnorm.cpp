// Batch normalisation over NCHW (see norm.hpp for the formulas).
// Legend: N batch, C channels, H/W spatial, M = N*H*W values per channel; a channel's values
// are N runs of H*W contiguous floats, one per example.
#include <cmath>
#include <cstddef>

#include "aelab/norm.hpp"

namespace aelab {
namespace {

// y = (x - mean) * invstd * gamma + beta over one channel's N planes of HW values.
void normalise_channel(float* out, const float* in, int N, std::size_t channel_stride,
                       std::size_t HW, float mean, float invstd, float gamma, float beta) {
    const float scale = invstd * gamma, shift = beta - mean * scale;
    for (int n = 0; n < N; ++n) {
        const float* x = in + std::size_t(n) * channel_stride;
        float* y = out + std::size_t(n) * channel_stride;
        for (std::size_t i = 0; i < HW; ++i) y[i] = x[i] * scale + shift;
    }
}

}  // namespace

void batchnorm2d_forward_train(float* out, float* batch_mean, float* batch_invstd,
                               float* running_mean, float* running_var, const float* in,
                               const float* gamma, const float* beta, int N, int C, int H, int W,
                               float eps, float momentum) {
    const std::size_t HW = std::size_t(H) * W, channel_stride = std::size_t(C) * HW;
    const double M = double(N) * double(HW);
    for (int c = 0; c < C; ++c) {
        const float* x = in + std::size_t(c) * HW;  // channel c of example 0
        double sum = 0;
        for (int n = 0; n < N; ++n)
            for (std::size_t i = 0; i < HW; ++i) sum += x[std::size_t(n) * channel_stride + i];
        const double mean = sum / M;
        double squares = 0;  // two passes: no cancellation for values far from zero
        for (int n = 0; n < N; ++n)
            for (std::size_t i = 0; i < HW; ++i) {
                const double d = x[std::size_t(n) * channel_stride + i] - mean;
                squares += d * d;
            }
        const double var = squares / M;  // (C) biased: what the batch is normalised with
        const float invstd = float(1.0 / std::sqrt(var + double(eps)));
        batch_mean[c] = float(mean);
        batch_invstd[c] = invstd;
        if (running_mean && running_var) {
            const double unbiased = squares / (M - 1);
            running_mean[c] = float((1.0 - momentum) * running_mean[c] + momentum * mean);
            running_var[c] = float((1.0 - momentum) * running_var[c] + momentum * unbiased);
        }
        normalise_channel(out + std::size_t(c) * HW, x, N, channel_stride, HW, float(mean), invstd,
                          gamma ? gamma[c] : 1.0f, beta ? beta[c] : 0.0f);
    }
}

void batchnorm2d_forward_eval(float* out, const float* in, const float* running_mean,
                              const float* running_var, const float* gamma, const float* beta,
                              int N, int C, int H, int W, float eps) {
    const std::size_t HW = std::size_t(H) * W, channel_stride = std::size_t(C) * HW;
    for (int c = 0; c < C; ++c) {
        const float invstd = float(1.0 / std::sqrt(double(running_var[c]) + double(eps)));
        normalise_channel(out + std::size_t(c) * HW, in + std::size_t(c) * HW, N, channel_stride,
                          HW, running_mean[c], invstd, gamma ? gamma[c] : 1.0f,
                          beta ? beta[c] : 0.0f);
    }
}

// With xhat = (x - mean) * invstd and g = gamma:
//   d_beta  = sum(dy),  d_gamma = sum(dy * xhat);
//   training:   d_x = g * invstd * (dy - sum(dy) / M - xhat * sum(dy * xhat) / M)
//               (the last two terms are the paths through the batch mean and variance);
//   evaluation: d_x = g * invstd * dy.
void batchnorm2d_backward(float* d_in, float* d_gamma, float* d_beta, const float* d_out,
                          const float* in, const float* gamma, const float* mean,
                          const float* invstd, int N, int C, int H, int W, bool batch_stats) {
    const std::size_t HW = std::size_t(H) * W, channel_stride = std::size_t(C) * HW;
    const double M = double(N) * double(HW);
    for (int c = 0; c < C; ++c) {
        const std::size_t first = std::size_t(c) * HW;  // channel c of example 0
        const double mu = mean[c], is = invstd[c];
        double sum_dy = 0, sum_dy_xhat = 0;
        for (int n = 0; n < N; ++n)
            for (std::size_t i = 0; i < HW; ++i) {
                const std::size_t at = first + std::size_t(n) * channel_stride + i;
                sum_dy += d_out[at];
                sum_dy_xhat += d_out[at] * (in[at] - mu) * is;
            }
        if (d_beta) d_beta[c] += float(sum_dy);
        if (d_gamma) d_gamma[c] += float(sum_dy_xhat);
        if (!d_in) continue;
        const double scale = (gamma ? gamma[c] : 1.0) * is;
        const double mean_dy = batch_stats ? sum_dy / M : 0.0;
        const double mean_dy_xhat = batch_stats ? sum_dy_xhat / M : 0.0;
        for (int n = 0; n < N; ++n)
            for (std::size_t i = 0; i < HW; ++i) {
                const std::size_t at = first + std::size_t(n) * channel_stride + i;
                const double xhat = (in[at] - mu) * is;
                d_in[at] += float(scale * (d_out[at] - mean_dy - xhat * mean_dy_xhat));
            }
    }
}

}  // namespace aelab
