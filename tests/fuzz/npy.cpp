// libFuzzer target: the .npy reader (aelab/npy.hpp), on the bytes as float and as index arrays.
// An array that parses must survive a round trip through the writer unchanged.
#include <cstring>

#include "aelab/npy.hpp"
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::attempt([&] {
        const aelab::Tensor t = aelab::parse_npy_float(data, size, "fuzz.npy");
        const std::vector<std::uint8_t> again = aelab::npy_bytes(t);
        const aelab::Tensor back = aelab::parse_npy_float(again.data(), again.size(), "round trip");
        if (back.shape() != t.shape() || (t.size() && std::memcmp(back.data(), t.data(), t.size() * sizeof(float))))
            fuzz::finding("float array changed in a write/read round trip");
    });
    fuzz::attempt([&] {
        const aelab::IndexTensor t = aelab::parse_npy_index(data, size, "fuzz.npy");
        const std::vector<std::uint8_t> again = aelab::npy_bytes(t);
        const aelab::IndexTensor back = aelab::parse_npy_index(again.data(), again.size(), "round trip");
        if (back.shape() != t.shape() || !std::equal(back.begin(), back.end(), t.begin()))
            fuzz::finding("index array changed in a write/read round trip");
    });
    return 0;
}
