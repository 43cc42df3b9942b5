// aelab-cli train conv-ae: the "Convolutional autoencoders" lesson's recipe
// (aelab/recipe_conv_ae.hpp).
//   aelab-cli train conv-ae [--arch SPEC] [--arch2 SPEC] [--steps N] [--seed S] [--augment 0|1]
//                           [--data FILE] [--json]
//       SPEC: architecture text (aelab/architecture.hpp) or a preset id (pool-unpool, strided,
//       resize-conv); --arch defaults to the strided preset (benchmark case h). With --arch2 both
//       networks train side by side on the same batches. Prints each network's layer table, the
//       loss every N/10 steps and the held-out PSNR (first 500 test images). A spec that does not
//       check is a usage error (exit 2) with the check's message. --json last line:
//       {"command", "steps", "seed", "batch", "augment", "arch", "params", "dense_params",
//        "mse", "psnr_db", ["arch_2", "params_2", "dense_params_2", "mse_2", "psnr_db_2",]
//        "seconds", "examples_per_second"}
#pragma once
#include <ostream>

#include "commands.hpp"

namespace aelab::cli {

int train_conv_ae(const Args& args, std::ostream& out);

}  // namespace aelab::cli
