// aelab core: every op, in one include. Each topic has its own header:
//   gemm.hpp        matrix multiply (the engine under conv and linear)
//   conv.hpp        conv1d/2d/3d, conv_transpose1d/2d
//   pool.hpp        max/avg pooling, max unpooling, nearest and bed-of-nails upsampling
//   linear.hpp      fully connected layer
//   activation.hpp  relu, leaky_relu, sigmoid, tanh, softplus
//   loss.hpp        MSE, binary cross-entropy from logits, KL of a diagonal Gaussian to N(0, I),
//                   softmax cross-entropy of logits against class labels
//   noise.hpp       Gaussian, salt-and-pepper and masking corruption
//   norm.hpp        batch normalisation and dropout (the training tricks)
// One argument order for every op's backward, raw buffers and Tensors alike:
//   <op>_backward(gradients it writes..., d_out, what the forward read..., sizes, params)
// The gradients come first, in the order of the forward's inputs (d_in, d_weight, d_bias; on
// Tensors d_x, d_w, d_bias), then the upstream gradient d_out, then the forward's inputs (in,
// weight, indices), then sizes and parameters. Backward ADDS into its gradients. A loss's
// upstream gradient d_loss is a scalar scale that defaults to 1, so it comes last.
#pragma once
#include "aelab/activation.hpp"
#include "aelab/conv.hpp"
#include "aelab/gemm.hpp"
#include "aelab/linear.hpp"
#include "aelab/loss.hpp"
#include "aelab/noise.hpp"
#include "aelab/norm.hpp"
#include "aelab/pool.hpp"
