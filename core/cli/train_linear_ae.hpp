// aelab-cli train linear-ae: trains the "PCA as a linear autoencoder" lesson's model (the
// recipe in aelab/recipe_linear_ae.hpp) on Fashion-MNIST and compares it with PCA.
#pragma once
#include <ostream>

#include "commands.hpp"

namespace aelab::cli {

// Options: --steps N, --seed S, --latent K, --tied 0|1, --data FILE, --json.
int train_linear_ae(const Args& args, std::ostream& out);

}  // namespace aelab::cli
