// aelab core: errors.
// Every failure the core can detect (bad shapes, bad parameters, malformed files) is reported
// by throwing aelab::Error with a message that names the op or file, what was expected and
// what was found. Nothing in the core aborts the process.
#pragma once
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace aelab {

struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// "(2, 3, 28, 28)": the way PyTorch prints a shape, so messages read like torch's.
std::string shape_str(const std::vector<std::size_t>& shape);

template <class Shape>
std::string shape_str(const Shape& shape) {
    return shape_str(std::vector<std::size_t>(shape.begin(), shape.end()));
}

}  // namespace aelab
