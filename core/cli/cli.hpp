// aelab-cli: the core from the command line (natively and as wasm under node). Commands:
//   op NAME     one op (conv, pool, unpool, upsample, linear) on .npy files
//   pca         principal components of a .npy matrix
//   train       linear-ae, denoising-ae, vae or stacked-ae on Fashion-MNIST; the 8-3-8 toy
//               (autoencoder-838)
//   bench       the kernel benchmark (core/bench)
//   version
// Their options are in kUsage (cli.cpp), printed by --help and on a usage error.
// run_cli is the whole program; main() only forwards argv, so tests call it in-process.
#pragma once
#include <ostream>
#include <string>
#include <vector>

namespace aelab::cli {

// args excludes the program name. Returns the exit code: 0 ok, 1 failure, 2 usage error.
int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace aelab::cli
