// aelab-cli: the core from the command line (natively and as wasm under node).
//   aelab-cli op NAME --input x.npy [--weight w.npy] [--bias b.npy] [--indices i.npy] --out y.npy
//             [--stride S] [--padding P] [--output-padding OP] [--dilation D] [--kernel K]
//             [--scale F] [--output-size H,W] [--indices-out i.npy]
//   aelab-cli pca --input X.npy -k K --out components.npy [--explained ev.npy]
// run_cli is the whole program; main() only forwards argv, so tests call it in-process.
#pragma once
#include <ostream>
#include <string>
#include <vector>

namespace aelab::cli {

// args excludes the program name. Returns the exit code: 0 ok, 1 failure, 2 usage error.
int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace aelab::cli
