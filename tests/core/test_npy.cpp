// Tests for core/src/io/npy.cpp: round trips, files NumPy wrote, and hostile inputs.
#include <doctest/doctest.h>

#include <cstring>
#include <string>

#include "aelab/npy.hpp"

using namespace aelab;

namespace {
std::vector<std::uint8_t> with_header(const std::string& dict, std::size_t data_bytes, int major = 1) {
    std::vector<std::uint8_t> b = {0x93, 'N', 'U', 'M', 'P', 'Y', std::uint8_t(major), 0};
    if (major == 1) {
        b.push_back(std::uint8_t(dict.size() & 0xFF));
        b.push_back(std::uint8_t(dict.size() >> 8));
    } else {
        for (int i = 0; i < 4; ++i) b.push_back(std::uint8_t(dict.size() >> (8 * i)));
    }
    b.insert(b.end(), dict.begin(), dict.end());
    b.resize(b.size() + data_bytes, 0);
    return b;
}
Tensor parse(const std::vector<std::uint8_t>& b) { return parse_npy_float(b.data(), b.size(), "x.npy"); }
}  // namespace

TEST_CASE("npy: float and index round trips, header layout as NumPy writes it") {
    Tensor t = from_values({2, 3}, {1, -2, 3.5f, 4, 5, 6});
    auto bytes = npy_bytes(t);
    CHECK((bytes.size() - 6 * 4) % 64 == 0);  // data 64-byte aligned
    std::string header(bytes.begin() + 10, bytes.end() - 24);
    CHECK(header.rfind("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 0) == 0);
    CHECK(header.back() == '\n');
    Tensor back = parse(bytes);
    CHECK(back.shape() == t.shape());
    CHECK(back == t);

    Tensor v = from_values({5}, {1, 2, 3, 4, 5});
    auto vb = npy_bytes(v);
    std::string h1(vb.begin() + 10, vb.begin() + 70);
    CHECK(h1.find("'shape': (5,)") != std::string::npos);
    Tensor s = zeros({});
    CHECK(parse(npy_bytes(s)).dimension() == 0);

    IndexTensor idx = IndexTensor::from_shape({1, 1, 2, 2});
    idx(0, 0, 0, 0) = 5;
    idx(0, 0, 1, 1) = 15;
    auto ib = npy_bytes(idx);
    IndexTensor idx2 = parse_npy_index(ib.data(), ib.size(), "i.npy");
    CHECK(idx2 == idx);
}

TEST_CASE("npy: dtype conversion and version 2/3 headers") {
    double d[3] = {0.5, -1.25, 3};
    auto b = with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }\n", 24, 2);
    std::memcpy(b.data() + b.size() - 24, d, 24);
    Tensor t = parse(b);
    CHECK(t(1) == -1.25f);
    auto u = with_header("{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }\n", 2);
    u[u.size() - 1] = 255;
    CHECK(parse(u)(1) == 255.0f);
    auto i4 = with_header("{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }\n", 4, 3);
    std::int32_t seven = 7;
    std::memcpy(i4.data() + i4.size() - 4, &seven, 4);
    CHECK(parse_npy_index(i4.data(), i4.size(), "i.npy")(0) == 7);
}

TEST_CASE("npy: malformed files are rejected with the file and the defect named") {
    auto ok = npy_bytes(from_values({2, 2}, {1, 2, 3, 4}));
    auto expect = [](const std::vector<std::uint8_t>& b, const char* what) {
        CAPTURE(what);
        CHECK_THROWS_WITH_AS(parse(b), doctest::Contains(what), Error);
    };
    auto bad = ok;
    bad[1] = 'X';
    expect(bad, "bad magic");
    expect({0x93, 'N'}, "bad magic");
    auto trunc = ok;
    trunc.resize(trunc.size() - 3);
    expect(trunc, "truncated data");
    auto extra = ok;
    extra.push_back(0);
    expect(extra, "unexpected bytes");
    expect(with_header("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }\n", 4), "unsupported dtype");
    expect(with_header("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }\n", 8), "unsupported dtype");
    expect(with_header("{'descr': '<U3', 'fortran_order': False, 'shape': (1,), }\n", 12), "unsupported dtype");
    expect(with_header("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }\n", 4), "Fortran");
    expect(with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, 99999999999), }\n", 4),
           "holds more than 67108864 elements (the limit)");
    expect(with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'evil': 1}\n", 4), "unexpected header key");
    expect(with_header("{'descr': '<f4', 'shape': (1,), }\n", 4), "lacks");
    expect(with_header("not a dict", 4), "not a dict");
    auto v9 = ok;
    v9[6] = 9;
    expect(v9, "unsupported format version");
    auto huge = ok;  // header length beyond the file
    huge[8] = 0xFF;
    huge[9] = 0x7F;
    expect(huge, "truncated header");
    auto fl = npy_bytes(from_values({1}, {1.5f}));
    CHECK_THROWS_WITH_AS(parse_npy_index(fl.data(), fl.size(), "i.npy"), doctest::Contains("integer"), Error);
    CHECK_THROWS_WITH_AS(load_npy("/nonexistent/x.npy"), doctest::Contains("cannot open"), Error);
}

TEST_CASE("npy: reads what NumPy wrote (golden files)") {
    Tensor m = load_npy(std::string(AELAB_GOLDEN_DIR) + "/pca/mean.npy");
    CHECK(m.shape() == Shape{784});
    Tensor ev = load_npy(std::string(AELAB_GOLDEN_DIR) + "/pca/explained_variance.npy");  // float64 on disk
    CHECK(ev.shape() == Shape{12});
    CHECK(ev(0) > ev(11));
}
