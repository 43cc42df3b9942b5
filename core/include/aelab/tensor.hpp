// aelab core: the tensor type.
// A Tensor is an xtensor row-major array of float with a dynamic rank. Layout is NCHW
// throughout, as in PyTorch: (N batch, C channels, H height, W width); 1D signals are
// (N, C, L) and volumes (N, C, D, H, W). Kernels work on raw row-major buffers (data()).
#pragma once
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include <xtensor/xarray.hpp>

#include "aelab/error.hpp"

namespace aelab {

using Tensor = xt::xarray<float, xt::layout_type::row_major>;
using Shape = std::vector<std::size_t>;

// The shape helpers every op and layer uses (one copy here, none local):
// the size of axis `axis` as an int, the type the raw layer's sizes take;
inline int dim(const Tensor& t, int axis) { return static_cast<int>(t.shape()[std::size_t(axis)]); }
// the number of elements a shape holds (1 for the empty shape, a scalar);
inline std::size_t numel(const Shape& shape) {
    std::size_t n = 1;
    for (std::size_t d : shape) n *= d;
    return n;
}
// a Tensor's (or IndexTensor's) shape as a Shape, for comparing and building shapes;
template <class T>
Shape shape_of(const T& t) {
    return Shape(t.shape().begin(), t.shape().end());
}
// "(2, 3, 28, 28)": the way PyTorch prints a shape, so messages read like torch's.
std::string shape_str(const Shape& shape);
template <class S>
std::string shape_str(const S& shape) {
    return shape_str(Shape(shape.begin(), shape.end()));
}

// The elements a shape holds, saturating at INT64_MAX (no overflow for any sizes).
std::int64_t shape_elements(const Shape& shape);
// Throws aelab::Error when a tensor of this shape would hold more than kMaxElements
// (limits.hpp); zeros() and uninitialized() check, so no tensor the core makes is larger.
void check_tensor_size(const Shape& shape);
inline Tensor zeros(const Shape& shape) {
    check_tensor_size(shape);
    return Tensor(shape, 0.0f);
}
// A tensor whose values are left unset: only for outputs an op writes in full (it saves the
// zero fill, a pass over memory, in every layer of every training step).
inline Tensor uninitialized(const Shape& shape) {
    check_tensor_size(shape);
    return Tensor(shape);
}

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
