// aelab core: errors.
// Every failure the core can detect (bad shapes, bad parameters, malformed files) is reported
// by throwing aelab::Error with a message that names the op or file, what was expected and
// what was found. Nothing in the core aborts the process.
#pragma once
#include <stdexcept>
#include <string>

namespace aelab {

struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace aelab
