// aelab-cli train autoencoder-838 | stacked-ae: the "Autoencoders: encoder, code, decoder"
// lesson's recipes (aelab/recipe_autoencoder.hpp).
//   aelab-cli train autoencoder-838 [--steps N] [--seed S] [--loss cross-entropy|squared-error] [--json]
//       ten runs of the 8-3-8 toy from seeds S .. S+9 (default 1 .. 10), N full-batch steps each;
//       the first seed's table, then one line per seed. --json last line:
//       {"command", "loss", "steps", "first_seed", "seeds", "seeds_all_correct", "seeds_distinct_codes",
//        "seconds"}
//   aelab-cli train stacked-ae [--steps N] [--seed S] [--data FILE] [--json]
//       the stacked autoencoder greedily (a third of N for stage 1, a sixth for stage 2, the rest
//       fine-tuning) next to the same network end to end, then linear probes on the greedy
//       encoder's codes and on pixels with 10, 100 and 1000 labels. --json last line:
//       {"command", "steps", "seed", "mse_greedy_finetuned", "mse_end_to_end",
//        "probe_accuracy_codes_10|100|1000", "probe_accuracy_pixels_10|100|1000", "seconds"}
#pragma once
#include <ostream>

#include "commands.hpp"

namespace aelab::cli {

int train_autoencoder_838(const Args& args, std::ostream& out);
int train_stacked_ae(const Args& args, std::ostream& out);

}  // namespace aelab::cli
