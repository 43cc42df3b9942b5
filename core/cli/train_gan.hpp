// aelab-cli train gan: trains the "Generative adversarial networks" lesson's plane GAN (core
// recipe_gan.hpp) on a 2-D target, by default the ring of eight Gaussians, and reports how many
// modes it covers and how many of its samples are near a mode.
//   aelab-cli train gan [--steps N] [--seed S] [--json] [--target ring|two-clusters|line]
//                       [--loss non-saturating|saturating] [--kd K] [--kg K] [--lr LR]
//                       [--noise SD] [--batch B] [--hidden H] [--latent L]
// A step is one period: kd discriminator updates, then kg generator updates (defaults 1 and 1).
// With --json the last line is one JSON object:
//   {"command": "train gan", "target", "steps", "seed", "loss", "kd", "kg", "learning_rate",
//    "batch_size", "hidden", "latent", "noise",
//    "modes": modes of the target (8 on the ring; 0 for a line),
//    "modes_covered": modes with at least 2% of the 2000 evaluation samples within 3 noise
//                     standard deviations of them,
//    "high_quality_fraction": fraction of the 2000 samples within 3 standard deviations of a mode,
//    "d_loss", "g_loss": the last update's discriminator and generator losses,
//    "d_real", "d_fake": mean D(x) on real and fake samples at the last discriminator update,
//    "seconds": training wall time}
#pragma once
#include <ostream>

#include "commands.hpp"

namespace aelab::cli {

int train_gan(const Args& args, std::ostream& out);

}  // namespace aelab::cli
