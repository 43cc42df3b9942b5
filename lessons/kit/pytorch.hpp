// aelab lesson kit: Python literals for the "In PyTorch" panels.
// One way to write numbers and tensors as Python, so every panel prints the same text and what
// a student pastes into Python is exactly the tensor the page computed with.
#pragma once
#include <string>

#include "aelab/tensor.hpp"

namespace aelab::kit {

// A float32 as the shortest Python float literal that reads back as the same float32: whole
// numbers with a trailing dot ("29.", "-1."), others as written ("0.5", "36.5", "0.1"),
// non-finite values as float('nan') / float('inf') / -float('inf').
std::string py_float(float v);

// A tensor as nested Python lists of py_float numbers: "[[1., 2.], [3., 4.]]". With
// `row_per_line` every innermost list after the first starts a new line, aligned under the
// first one when the literal begins at column `column` of its line.
std::string py_list(const Tensor& t, bool row_per_line = false, std::size_t column = 0);

// "torch.tensor(<py_list>)", a float32 tensor in torch; `column` is where the call starts on its
// line (for the row-per-line layout).
std::string torch_tensor(const Tensor& t, bool row_per_line = false, std::size_t column = 0);

}  // namespace aelab::kit
