// aelab core: NumPy .npy files (format versions 1.0-3.0), for interop with NumPy and PyTorch.
// Reading accepts little-endian float32/float64 (converted to float) and int8..int64/uint8
// (for indices); C order only. Malformed files (bad magic, unsupported dtype or version,
// absurd or inconsistent header, truncated data) are rejected with aelab::Error naming the
// file and the defect. Writing produces version 1.0, little-endian, C order.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "aelab/pool.hpp"  // IndexTensor
#include "aelab/tensor.hpp"

namespace aelab {

Tensor parse_npy_float(const std::uint8_t* data, std::size_t size, const std::string& source);
IndexTensor parse_npy_index(const std::uint8_t* data, std::size_t size, const std::string& source);
Tensor load_npy(const std::string& path);
IndexTensor load_npy_index(const std::string& path);

std::vector<std::uint8_t> npy_bytes(const Tensor& t);          // '<f4'
std::vector<std::uint8_t> npy_bytes(const IndexTensor& t);     // '<i8'
void save_npy(const std::string& path, const Tensor& t);
void save_npy(const std::string& path, const IndexTensor& t);

}  // namespace aelab
