// Reader for tests/golden/ops.bin, PyTorch's answers written by tests/golden/make_golden.py
// (the format is documented there). Arrays are looked up by "<op>/<case>/<array>".
#pragma once
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "aelab/dataset.hpp"
#include "aelab/pool.hpp"
#include "aelab/tensor.hpp"


namespace golden {

struct Array {
    aelab::Shape shape;
    std::vector<float> f32;         // dtype 0
    std::vector<std::int64_t> i64;  // dtype 1
};

class File {
public:
    explicit File(const std::string& path) {
        const std::vector<std::uint8_t> bytes = aelab::read_file(path);
        std::size_t at = 0;
        auto take = [&](void* dst, std::size_t n) {
            if (at + n > bytes.size()) throw aelab::Error(path + ": truncated golden file");
            std::memcpy(dst, bytes.data() + at, n);
            at += n;
        };
        auto u32 = [&] {
            std::uint32_t v;
            take(&v, 4);  // little-endian, as every target we build for
            return v;
        };
        char magic[8];
        take(magic, 8);
        if (std::memcmp(magic, "AELABGLD", 8) != 0)
            throw aelab::Error(path + ": not a golden file");
        const std::uint32_t count = u32();
        for (std::uint32_t a = 0; a < count; ++a) {
            std::string name(u32(), '\0');
            take(&name[0], name.size());
            const std::uint32_t dtype = u32(), rank = u32();
            Array array;
            std::size_t n = 1;
            for (std::uint32_t r = 0; r < rank; ++r) {
                array.shape.push_back(u32());
                n *= array.shape.back();
            }
            if (dtype == 0) {
                array.f32.resize(n);
                take(array.f32.data(), n * 4);
            } else {
                array.i64.resize(n);
                take(array.i64.data(), n * 8);
            }
            arrays_[name] = std::move(array);
        }
    }

    bool has(const std::string& name) const { return arrays_.count(name) != 0; }

    const Array& array(const std::string& name) const {
        auto it = arrays_.find(name);
        if (it == arrays_.end()) throw aelab::Error("golden: no array " + name);
        return it->second;
    }

    aelab::Tensor tensor(const std::string& name) const {
        const Array& a = array(name);
        return aelab::from_values(a.shape, a.f32);
    }

    aelab::IndexTensor indices(const std::string& name) const {
        const Array& a = array(name);
        auto t = aelab::IndexTensor::from_shape(a.shape);
        std::copy(a.i64.begin(), a.i64.end(), t.begin());
        return t;
    }

    std::vector<int> params(const std::string& name) const {
        const Array& a = array(name);
        return std::vector<int>(a.i64.begin(), a.i64.end());
    }

    // Number of cases "<op>/0", "<op>/1", ... present for an op.
    int case_count(const std::string& op, const std::string& first_array = "x") const {
        int n = 0;
        while (has(op + "/" + std::to_string(n) + "/" + first_array)) ++n;
        return n;
    }

private:
    std::map<std::string, Array> arrays_;
};

inline const File& ops() {
    static const File file(AELAB_GOLDEN_DIR "/ops.bin");
    return file;
}

}  // namespace golden
