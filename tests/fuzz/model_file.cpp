// libFuzzer target: the model-file loader (aelab/model_io.hpp), as the lessons and the CLI load
// files: decode_model_file, then load_sequential / load_vae (build the architecture the text
// describes, check the parameter count, restore the values) and load_weights into a small model.
// The checksum would hide everything behind it from the fuzzer, so each input is also tried
//   - with its last 4 bytes replaced by the right CRC-32, and
//   - as "architecture text, NUL, parameter bytes", encoded into a valid file first,
// which lets mutations of the architecture text reach the model builder.
#include <cstring>

#include "aelab/dataset.hpp"  // crc32
#include "aelab/model_io.hpp"
#include "fuzz_util.hpp"

namespace {

void load_all(const std::uint8_t* data, std::size_t size) {
    fuzz::attempt([&] { aelab::decode_model_file(data, size, "fuzz.aelabm"); });
    fuzz::attempt([&] {
        aelab::Sequential m = aelab::load_sequential(data, size, "fuzz.aelabm");
        if (m.param_count() + m.buffer_count() + 24 > size) fuzz::finding("a model larger than its file loaded");
    });
    fuzz::attempt([&] { aelab::load_vae(data, size, "fuzz.aelabm"); });
    fuzz::attempt([&] {
        static aelab::Sequential small = [] {
            aelab::Sequential m({4});
            m.add(aelab::make_layer(aelab::LayerConfig("Linear").set("in_features", 4).set("out_features", 2).set("bias", true), {}));
            return m;
        }();
        aelab::load_weights(small, data, size, "fuzz.aelabm");
    });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > (1u << 20)) return 0;
    load_all(data, size);
    if (size >= 24) {  // with the checksum made right
        std::vector<std::uint8_t> fixed(data, data + size);
        const std::uint32_t crc = aelab::crc32(fixed.data(), size - 4);
        for (int i = 0; i < 4; ++i) fixed[size - 4 + std::size_t(i)] = std::uint8_t(crc >> (8 * i));
        load_all(fixed.data(), fixed.size());
    }
    // As architecture text + NUL + parameters, wrapped in a valid file.
    const std::string all = fuzz::text(data, size);
    const std::size_t nul = all.find('\0');
    const std::string arch = all.substr(0, nul);
    std::vector<float> params;
    if (nul != std::string::npos)
        for (std::size_t i = nul + 1; i + 4 <= size; i += 4) {
            float v;
            std::memcpy(&v, data + i, 4);
            params.push_back(v);
        }
    const std::vector<std::uint8_t> file = aelab::encode_model_file(arch, params.data(), params.size());
    load_all(file.data(), file.size());
    return 0;
}
