// aelab core: the tensor type.
// A Tensor is an xtensor row-major array of float with a dynamic rank. Layout is NCHW
// throughout, as in PyTorch: (N batch, C channels, H height, W width); 1D signals are
// (N, C, L) and volumes (N, C, D, H, W). Kernels work on raw row-major buffers (data()).
#pragma once
#include <cstddef>
#include <initializer_list>
#include <string>
#include <vector>

#include <xtensor/xarray.hpp>

#include "aelab/error.hpp"

namespace aelab {

using Tensor = xt::xarray<float, xt::layout_type::row_major>;
using Shape = std::vector<std::size_t>;

inline Tensor zeros(const Shape& shape) { return Tensor(shape, 0.0f); }
// A tensor whose values are left unset: only for outputs an op writes in full (it saves the
// zero fill, a pass over memory, in every layer of every training step).
inline Tensor uninitialized(const Shape& shape) { return Tensor(shape); }

// A tensor of the given shape holding `values` in row-major order (sizes must agree).
Tensor from_values(const Shape& shape, std::initializer_list<float> values);
Tensor from_values(const Shape& shape, const std::vector<float>& values);

// Throws aelab::Error "<op>: <what> must have shape <expected>, got <actual>" when the
// shapes differ. A 0 in `expected` means "any size" on that axis.
void check_shape(const char* op, const char* what, const Tensor& t, const Shape& expected);

// Throws "<op>: <what> must have <rank> dimensions (<layout>), got shape <actual>".
void check_rank(const char* op, const char* what, const Tensor& t, std::size_t rank,
                const char* layout);

}  // namespace aelab
