// aelab-cli train vae: trains the "VAE sampling" lesson's model (core recipe_vae.hpp) natively
// on the Fashion-MNIST asset and reports its test ELBO.
//   aelab-cli train vae [--steps N] [--seed S] [--beta B] [--data FILE] [--save FILE.aelabm] [--json]
// With --json the last line is one JSON object:
//   {"command": "train vae", "steps", "seed", "beta", "hidden", "latent", "batch_size",
//    "learning_rate", "test_images",
//    "elbo":  test-set ELBO = -(recon + kl), nats per image, NEGATIVE (higher is better),
//    "recon": test-set -log p(x|z), Bernoulli NLL summed over the 784 pixels (nats per image, >= 0),
//    "kl":    test-set KL(q(z|x) || N(0, I)) (nats per image, >= 0),
//    "train_loss": the last batch's recon + beta * kl, "seconds": training wall time,
//    "saved": the model file written, or null}
#pragma once
#include <ostream>

#include "commands.hpp"

namespace aelab::cli {

int train_vae(const Args& args, std::ostream& out);

}  // namespace aelab::cli
