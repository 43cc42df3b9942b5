// Tests for core/src/dataset.cpp: the packed Fashion-MNIST asset loads, and malformed files
// are rejected with an error naming the file and the defect.
#include <doctest/doctest.h>

#include <cstring>

#include "aelab/dataset.hpp"

TEST_CASE("dataset: crc32 matches zlib's") {
    const char* s = "123456789";
    CHECK(aelab::crc32(reinterpret_cast<const std::uint8_t*>(s), 9) == 0xCBF43926u);
}

TEST_CASE("dataset: the packed Fashion-MNIST asset") {
    aelab::Dataset d = aelab::load_dataset(AELAB_TEST_DATASET);
    CHECK(d.rows == 28);
    CHECK(d.cols == 28);
    CHECK(d.size(aelab::Split::train) == 6000);
    CHECK(d.size(aelab::Split::test) == 1000);
    REQUIRE(d.class_names.size() == 10);
    CHECK(d.class_names[0] == "T-shirt/top");
    CHECK(d.class_names[9] == "Ankle boot");
    int per_class[10] = {};
    for (auto l : d.test_labels) per_class[l]++;
    for (int c : per_class) CHECK(c == 100);
    // The first training image of Fashion-MNIST is an ankle boot.
    CHECK(d.train_labels[0] == 9);
    aelab::Tensor img = d.image(aelab::Split::train, 0);
    CHECK(img.shape() == aelab::Shape{1, 28, 28});
    float lo = 1, hi = 0;
    for (float v : img) lo = std::min(lo, v), hi = std::max(hi, v);
    CHECK(lo == 0.0f);
    CHECK(hi == 1.0f);
    aelab::Tensor b = d.batch(aelab::Split::test, 10, 4);
    CHECK(b.shape() == aelab::Shape{4, 1, 28, 28});
    CHECK_THROWS_WITH_AS(d.image(aelab::Split::test, 1000), doctest::Contains("out of range"), aelab::Error);
}

TEST_CASE("dataset: malformed files are rejected") {
    auto bytes = aelab::read_file(AELAB_TEST_DATASET);
    auto parse = [](std::vector<std::uint8_t> b) { return aelab::parse_dataset(b.data(), b.size(), "x.aelab"); };
    SUBCASE("bad magic") {
        auto b = bytes;
        b[0] = 'X';
        CHECK_THROWS_WITH_AS(parse(b), doctest::Contains("bad magic"), aelab::Error);
    }
    SUBCASE("truncated") {
        auto b = bytes;
        b.resize(b.size() / 2);
        CHECK_THROWS_WITH_AS(parse(b), doctest::Contains("x.aelab"), aelab::Error);
    }
    SUBCASE("one flipped pixel") {
        auto b = bytes;
        b[b.size() / 2] ^= 0x40;
        CHECK_THROWS_WITH_AS(parse(b), doctest::Contains("checksum"), aelab::Error);
    }
    SUBCASE("tiny") {
        CHECK_THROWS_AS(parse({'A', 'E'}), aelab::Error);
    }
    CHECK_THROWS_WITH_AS(aelab::load_dataset("/nonexistent/file.aelab"), doctest::Contains("cannot open"), aelab::Error);
}
