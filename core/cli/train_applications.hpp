// aelab-cli train retrieval|anomaly: the "What autoencoders are for" lesson's recipes
// (aelab/recipe_applications.hpp) trained natively on the Fashion-MNIST asset.
//   aelab-cli train retrieval [--steps N] [--seed S] [--data FILE] [--json]
//       trains the 784-256-[32]-256-784 autoencoder, then retrieves the 6000 training images
//       nearest each of the 1000 test images by pixels (Euclidean), codes (Euclidean) and bits
//       (the codes thresholded at their training medians, Hamming), and compresses the test
//       images by quantising the code, next to PCA at the same bit budgets.
//       --json last line: {"command", "steps", "seed", "queries", "code", "precision_at_1_pixels",
//       ..._codes, ..._bits, "precision_at_10_pixels", ..._codes, ..._bits, "precision_at_50_*",
//       "psnr_ae_<B>_bits", "psnr_pca_<B>_bits" for B = 32, 64, 128, 256, "final_loss", "seconds"}
//   aelab-cli train anomaly --holdout C [--steps N] [--seed S] [--data FILE] [--json]
//       trains the 784-128-[16]-128-784 autoencoder on the other nine classes and scores the 1000
//       test images by reconstruction error; PCA with 16 components on the same nine classes is
//       the linear baseline.
//       --json last line: {"command", "steps", "seed", "holdout", "class", "auc", "auc_pca",
//       "mean_error_normal", "mean_error_anomaly", "final_loss", "seconds"}
#pragma once
#include <ostream>

#include "commands.hpp"

namespace aelab::cli {

int train_retrieval(const Args& args, std::ostream& out);
int train_anomaly(const Args& args, std::ostream& out);

}  // namespace aelab::cli
