// aelab-cli train denoising-ae: the "Denoising autoencoders" lesson's recipe
// (aelab/recipe_denoising.hpp) trained natively on the Fashion-MNIST asset.
//   aelab-cli train denoising-ae [--steps N] [--seed S] [--noise gaussian|masking|salt-and-pepper]
//                                [--level L] [--data FILE] [--json]
// Prints progress lines; with --json the last line is one JSON object:
//   {"command": "train denoising-ae", "steps", "seed", "noise", "level", "eval_images",
//    "psnr_noisy_db", "psnr_denoised_db", "psnr_plain_ae_db", "final_loss", "final_plain_ae_loss",
//    "seconds"}
#pragma once
#include <ostream>

#include "commands.hpp"

namespace aelab::cli {

int train_denoising_ae(const Args& args, std::ostream& out);

}  // namespace aelab::cli
