// The "Tensors & images" lesson's maths, separate from its drawing so tests can check it.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "aelab/tensor.hpp"

namespace aelab::lessons::tensors {

// Offset of element `index` in the row-major buffer of `t`, from the tensor's own strides:
// for NCHW, ((n * C + c) * H + h) * W + w.
std::size_t flat_offset(const Tensor& t, const std::vector<std::size_t>& index);

// The top-left corner of a size x size crop centred on (row, col) that stays inside a
// rows x cols image.
struct Crop {
    int row0, col0, size;
};
Crop crop_around(int row, int col, int rows, int cols, int size);

// Indexing a batch step by step: each line is an expression, the shape it yields (from the
// tensor library) and what it means.
struct View {
    std::string expression, shape, meaning;
};
std::vector<View> nchw_views(const Tensor& batch);

// The "In PyTorch" panels: Python that loads the exported .npy files and checks the page's
// numbers. `image` is (1, H, W) in [0, 1], its grid shown as levels 0..255 or as is;
// `picture` is (3, H, W); `batch` is (N, C, H, W) and `index` one of its elements.
std::string pytorch_image(const Tensor& image, const Crop& crop, bool levels);
std::string pytorch_channels(const Tensor& picture, int row, int col);
std::string pytorch_nchw(const Tensor& batch, const std::vector<std::size_t>& index);

}  // namespace aelab::lessons::tensors
