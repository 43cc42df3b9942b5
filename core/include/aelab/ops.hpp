// aelab core: every op, in one include. Each topic has its own header:
//   gemm.hpp        matrix multiply (the engine under conv and linear)
//   conv.hpp        conv1d/2d/3d, conv_transpose1d/2d
//   pool.hpp        max/avg pooling, max unpooling, nearest and bed-of-nails upsampling
//   linear.hpp      fully connected layer
//   activation.hpp  relu, leaky_relu, sigmoid, tanh, softplus
//   loss.hpp        MSE, binary cross-entropy from logits, KL of a diagonal Gaussian to N(0, I)
//   noise.hpp       Gaussian, salt-and-pepper and masking corruption
#pragma once
#include "aelab/activation.hpp"
#include "aelab/conv.hpp"
#include "aelab/gemm.hpp"
#include "aelab/linear.hpp"
#include "aelab/loss.hpp"
#include "aelab/noise.hpp"
#include "aelab/pool.hpp"
