// libFuzzer target: the dataset loader (aelab/dataset.hpp: parse_dataset, the packed
// fashion-mnist.aelab file the app reads from disk and the page fetches). Each input is also
// tried with its last 4 bytes replaced by the right CRC-32, so mutations get past the checksum.
// A dataset that parses must hand out its images without reading outside its buffers.
#include "aelab/dataset.hpp"
#include "fuzz_util.hpp"

namespace {

void parse(const std::uint8_t* data, std::size_t size) {
    fuzz::attempt([&] {
        const aelab::Dataset d = aelab::parse_dataset(data, size, "fuzz.aelab");
        for (aelab::Split s : {aelab::Split::train, aelab::Split::test}) {
            if (d.size(s) == 0) continue;
            const aelab::Tensor first = d.image(s, 0), last = d.image(s, d.size(s) - 1);
            if (first.size() != std::size_t(d.rows) * d.cols) fuzz::finding("image size differs from rows x cols");
            fuzz::attempt([&] { d.image(s, d.size(s)); });  // one past the end: an Error
        }
    });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > (1u << 22)) return 0;
    parse(data, size);
    if (size >= 16) {
        std::vector<std::uint8_t> fixed(data, data + size);
        const std::uint32_t crc = aelab::crc32(fixed.data(), size - 4);
        for (int i = 0; i < 4; ++i) fixed[size - 4 + std::size_t(i)] = std::uint8_t(crc >> (8 * i));
        parse(fixed.data(), fixed.size());
    }
    return 0;
}
