// aelab-cli train rbm | dbn-ae: the "Restricted Boltzmann machines and deep belief networks"
// lesson's recipes (aelab/recipe_rbm.hpp) trained natively on the Fashion-MNIST asset.
//   aelab-cli train rbm [--steps N] [--seed S] [--hidden H] [--k K] [--lr L]
//                       [--binarize threshold|sampled] [--data FILE] [--json]
//   aelab-cli train dbn-ae [--steps N] [--seed S] [--data FILE] [--json]
// Print progress lines; with --json the last line is one JSON object:
//   rbm     {"command": "train rbm", "steps", "seed", "hidden", "k", "lr", "binarize",
//            "eval_images", "recon_error", "log_likelihood", "log_z", "final_train_recon_error",
//            "seconds"}  (log_likelihood and log_z null when hidden > 20: no exact sum)
//   dbn-ae  {"command": "train dbn-ae", "steps", "seed", "hidden1", "hidden2", "stage1_steps",
//            "stage2_steps", "finetune_steps", "eval_images", "mse_pretrained_finetuned",
//            "mse_random_init", "mse_greedy_ae", "seconds"}
#pragma once
#include <ostream>

#include "commands.hpp"

namespace aelab::cli {

int train_rbm(const Args& args, std::ostream& out);
int train_dbn_ae(const Args& args, std::ostream& out);

}  // namespace aelab::cli
