// aelab core: the image dataset asset.
// The build packs Debian's Fashion-MNIST IDX files into one small file (tools/pack_dataset.py)
// that the native app reads from disk and the browser fetches when a lesson first needs it.
//
// File layout (all integers little-endian):
//   0   char[8]  magic "AELABDS\0"
//   8   u32      format version (1)
//   12  u32      n_train, u32 n_test, u32 rows, u32 cols, u32 n_classes
//   32  char[n_classes][16]  class names, NUL-padded
//   ..  u8[n_train] train labels, u8[n_test] test labels
//   ..  u8[n_train*rows*cols] train pixels, u8[n_test*rows*cols] test pixels (row-major)
//   end u32      CRC-32 (IEEE) of every byte before it
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "aelab/tensor.hpp"

namespace aelab {

enum class Split { train, test };

struct Dataset {
    std::uint32_t rows = 0, cols = 0;
    std::vector<std::string> class_names;
    std::vector<std::uint8_t> train_labels, test_labels;
    std::vector<std::uint8_t> train_pixels, test_pixels;  // (N, rows, cols), 0..255

    std::size_t size(Split s) const { return labels(s).size(); }
    const std::vector<std::uint8_t>& labels(Split s) const { return s == Split::train ? train_labels : test_labels; }
    const std::uint8_t* pixels(Split s, std::size_t i) const;
    // Image i as a (1, rows, cols) tensor scaled to [0, 1], as torchvision's ToTensor does.
    Tensor image(Split s, std::size_t i) const;
    // Images [first, first + count) as a (count, 1, rows, cols) batch in [0, 1].
    Tensor batch(Split s, std::size_t first, std::size_t count) const;
    // Images at the given indices as a (indices.size(), 1, rows, cols) batch in [0, 1].
    Tensor gather(Split s, const std::vector<std::size_t>& indices) const;
};

// Parses an asset held in memory; throws aelab::Error naming `source` on any defect
// (wrong magic or version, sizes that do not add up, truncation, checksum mismatch).
Dataset parse_dataset(const std::uint8_t* data, std::size_t size, const std::string& source);
Dataset load_dataset(const std::string& path);

// CRC-32 (IEEE 802.3, as zlib's crc32), for file checksums.
std::uint32_t crc32(const std::uint8_t* data, std::size_t size, std::uint32_t crc = 0);

// Reads a whole file; throws aelab::Error naming the path if it cannot.
std::vector<std::uint8_t> read_file(const std::string& path);

// The folders the desktop app and the CLI search, in order, for their data files (the dataset,
// models/) next to the program in `program_dir`: the build tree's data/ beside the binary
// (build/native/aelab, build/native/data/), then the installed layout (<prefix>/bin/aelab,
// <prefix>/share/aelab/data/: `cmake --install`, the Debian package). No trailing slash.
std::vector<std::string> data_dirs_beside(const std::string& program_dir);
// The first of those that holds `file` (e.g. "fashion-mnist.aelab"); "" if none does.
std::string find_data_dir_beside(const std::string& program_dir, const std::string& file);

}  // namespace aelab
