// aelab-cli train sparse-ae|contractive-ae: the "Sparse and contractive autoencoders" lesson's
// recipes (aelab/recipe_regularized.hpp) trained natively on the Fashion-MNIST asset.
//   aelab-cli train sparse-ae [--steps N] [--seed S] [--lambda L] [--sweep L1,L2,...|default]
//                             [--atoms FILE.npy] [--data FILE] [--json]
//       One overcomplete sparse autoencoder (784-1024-784, ReLU code, unit-length linear atoms)
//       with the penalty lambda * sum_j |h_j|; held-out figures on the first 500 test images.
//       --json last line: {"command", "steps", "seed", "code", "lambda", "eval_images", "mse",
//       "fraction_active", "l1", "dead_fraction", "atom_spread_px", "final_loss", "seconds"}.
//       With --sweep (a list of lambdas, or "default" for 0,1e-4,3e-4,1e-3,3e-3,1e-2) one network per
//       lambda on the same batches, a table of the trade-off, and --json's last line
//       {"command", "steps", "seed", "code", "eval_images", "sweep": [{"lambda", "mse",
//       "fraction_active", "l1", "dead_fraction", "atom_spread_px"}, ...], "seconds"}.
//       --atoms saves each network's 16 most used atoms (by the test images they are active on)
//       as (networks, 16, 28, 28).
//   aelab-cli train contractive-ae [--steps N] [--seed S] [--lambda L] [--data FILE] [--json]
//       A plain and a contractive sigmoid-encoder autoencoder (784-128-784) from the same weights
//       on the same batches; the Frobenius norm of the encoder's Jacobian dh/dx (mean over the
//       first 500 test images) and its singular values at test image 0. --json last line:
//       {"command", "steps", "seed", "code", "lambda", "eval_images", "mse_plain",
//        "mse_contractive", "jacobian_fro_plain", "jacobian_fro_contractive",
//        "singular_values_plain", "singular_values_contractive" (the 10 largest),
//        "above_tenth_plain", "above_tenth_contractive" (how many exceed a tenth of the plain
//        network's largest), "seconds"}
#pragma once
#include <ostream>

#include "commands.hpp"

namespace aelab::cli {

int train_sparse_ae(const Args& args, std::ostream& out);
int train_contractive_ae(const Args& args, std::ostream& out);

}  // namespace aelab::cli
