// Hostile input (issue 14): printable() for input quoted in messages, aelab-cli's integer
// options at and past the int range, and the regressions the fuzzers (tests/fuzz) found in the
// parsers, each reproduced from the input that found it.
#include <doctest/doctest.h>

#include <climits>
#include <functional>
#include <sstream>
#include <string>

#include "aelab/architecture.hpp"
#include "aelab/dataset.hpp"
#include "aelab/model_io.hpp"
#include "aelab/error.hpp"
#include "aelab/npy.hpp"
#include "cli.hpp"
#include "commands.hpp"

using aelab::printable;

namespace {

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// Every byte of the text is printable ASCII (what an escaped message must be when the input was
// all control bytes).
bool all_printable_ascii(const std::string& s) {
    for (unsigned char c : s)
        if (c < 0x20 || c >= 0x7F) return false;
    return true;
}

}  // namespace

// ---- printable() --------------------------------------------------------------------------------

TEST_CASE("printable: control characters become escapes, \\n and \\t as such") {
    CHECK(printable("plain text, 1-2 (ok)") == "plain text, 1-2 (ok)");
    CHECK(printable("a\nb\tc") == "a\\nb\\tc");
    CHECK(printable(std::string("nul\0here", 8)) == "nul\\x00here");
    CHECK(printable("\x1b[31mred\x1b[0m") == "\\x1B[31mred\\x1B[0m");  // a terminal escape sequence
    CHECK(printable("bell\x07 del\x7f cr\r") == "bell\\x07 del\\x7F cr\\x0D");
    CHECK(printable("back\\slash") == "back\\slash");
    CHECK(printable("") == "");
}

TEST_CASE("printable: invalid UTF-8 byte by byte, valid multi-byte UTF-8 kept") {
    CHECK(printable("caf\xc3\xa9") == "caf\xc3\xa9");                    // é, 2 bytes
    CHECK(printable("\xe2\x82\xac 5") == "\xe2\x82\xac 5");              // €, 3 bytes
    CHECK(printable("\xf0\x9f\x98\x80!") == "\xf0\x9f\x98\x80!");        // U+1F600, 4 bytes
    CHECK(printable("\xe5\x8d\xb7\xe7\xa7\xaf") == "\xe5\x8d\xb7\xe7\xa7\xaf");  // 卷积
    CHECK(printable("\xff\xfe") == "\\xFF\\xFE");                        // never valid
    CHECK(printable("a\x80z") == "a\\x80z");                             // stray continuation byte
    CHECK(printable("\xc3") == "\\xC3");                                 // truncated sequence
    CHECK(printable("\xc3(") == "\\xC3(");                               // lead byte, no continuation
    CHECK(printable("\xe2\x82") == "\\xE2\\x82");                        // truncated 3-byte sequence
    CHECK(printable("\xc0\xaf") == "\\xC0\\xAF");                        // overlong '/'
    CHECK(printable("\xe0\x80\xaf") == "\\xE0\\x80\\xAF");               // overlong, 3 bytes
    CHECK(printable("\xed\xa0\x80") == "\\xED\\xA0\\x80");               // a UTF-16 surrogate
    CHECK(printable("\xf4\x90\x80\x80") == "\\xF4\\x90\\x80\\x80");      // above U+10FFFF
    // Valid UTF-8 that must not reach a terminal or page as it is: a C1 control, a bidi override.
    CHECK(printable("\xc2\x9b") == "\\xC2\\x9B");
    CHECK(printable("x\xe2\x80\xaey") == "x\\xE2\\x80\\xAEy");
    CHECK(printable("\xef\xbb\xbfhi") == "\\xEF\\xBB\\xBFhi");
}

TEST_CASE("printable: long text is cut at whole characters and escapes, with ...") {
    const std::string long_text(200, 'a');
    CHECK(printable(long_text) == std::string(80, 'a') + "...");
    CHECK(printable(long_text, 10) == std::string(10, 'a') + "...");
    CHECK(printable(std::string(80, 'a')) == std::string(80, 'a'));  // exactly the limit: not cut
    CHECK(printable(long_text, 0) == long_text);                     // 0: no limit
    // An escape or a multi-byte character that would pass the limit is left out whole.
    CHECK(printable("abcdefgh\x01", 10) == "abcdefgh...");
    CHECK(printable("abcdefghi\xc3\xa9", 10) == "abcdefghi...");
    CHECK(printable("abcdefgh\xc3\xa9", 10) == "abcdefgh\xc3\xa9");
    // Only control bytes in, only printable ASCII out.
    std::string controls;
    for (int c = 0; c < 32; ++c) controls += char(c);
    CHECK(all_printable_ascii(printable(controls, 0)));
}

TEST_CASE("printable: messages that quote input escape it") {
    // An architecture token.
    std::string e = error_of([] { aelab::parse_architecture("conv16-re\x07lu"); });
    CHECK(contains(e, "layer 1 're\\x07lu': unexpected character '\\x07'"));
    e = error_of([] { aelab::parse_architecture("conv16-r\xc3\xa9lu"); });
    CHECK(contains(e, "unexpected character '\xc3\xa9'"));  // the whole character, kept (valid UTF-8)
    e = error_of([] { aelab::architecture_preset("strided\n"); });
    CHECK(contains(e, "unknown preset 'strided\\n'"));
    // A model file's layer line.
    e = error_of([] { aelab::LayerConfig::parse("Conv2d in_channels\x1b"); });
    CHECK(contains(e, "got 'in_channels\\x1B'"));
    CHECK(all_printable_ascii(e));
}

// ---- aelab-cli's integer options ----------------------------------------------------------------

namespace {

aelab::cli::Args args(std::initializer_list<std::string> a) { return aelab::cli::Args(a, 0); }

}  // namespace

TEST_CASE("cli Args::get_int: the int range, at and just past its limits") {
    CHECK(args({"--steps", "2147483647"}).get_int("steps", 0) == INT_MAX);
    CHECK(args({"--steps", "-2147483648"}).get_int("steps", 0) == INT_MIN);
    CHECK(args({"--steps", "+12"}).get_int("steps", 0) == 12);
    for (const char* past : {"2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
                             "-99999999999999999999999"}) {
        CAPTURE(past);
        const std::string e = error_of([&] { args({"--steps", past}).get_int("steps", 0); });
        CHECK(contains(e, std::string("--steps: ") + past + " is out of range"));
        CHECK(contains(e, "-2147483648 to 2147483647"));
    }
    CHECK(contains(error_of([] { args({"--steps", "12x"}).get_int("steps", 0); }),
                   "--steps expects an integer, got '12x'"));
    CHECK(contains(error_of([] { args({"--steps", ""}).get_int("steps", 0); }), "expects an integer, got ''"));
    CHECK(contains(error_of([] { args({"--steps", "1\x1b"}).get_int("steps", 0); }), "got '1\\x1B'"));
}

TEST_CASE("cli Args::get_ints: each value in the int range; stray commas and extra values rejected") {
    CHECK(args({"--stride", "2147483647,-2147483648"}).get_ints("stride", 2, 1) ==
          std::vector<long>{INT_MAX, INT_MIN});
    CHECK(args({"--stride", "3"}).get_ints("stride", 3, 1) == std::vector<long>{3, 3, 3});
    CHECK(args({}).get_ints("stride", 2, 1) == std::vector<long>{1, 1});
    std::string e = error_of([] { args({"--stride", "1,2147483648"}).get_ints("stride", 2, 1); });
    CHECK(contains(e, "--stride: 2147483648 is out of range"));
    e = error_of([] { args({"--padding", "-2147483649"}).get_ints("padding", 2, 0); });
    CHECK(contains(e, "--padding: -2147483649 is out of range"));
    for (const char* bad : {"2,", ",2", "1,,2", ""}) {
        CAPTURE(bad);
        CHECK(contains(error_of([&] { args({"--stride", bad}).get_ints("stride", 2, 1); }), "expects integers"));
    }
    e = error_of([] { args({"--stride", "1,2,3"}).get_ints("stride", 2, 1); });
    CHECK(contains(e, "--stride expects 1 or 2 integers, got '1,2,3'"));
}

TEST_CASE("cli: unknown options and arguments are quoted escaped") {
    CHECK(contains(error_of([] { args({"--\x1b]0;title\x07", "1"}).check_all_used("pca"); }),
                   "pca: unknown or unused option --\\x1B]0;title\\x07"));
    CHECK(contains(error_of([] { args({"\x1b[2J"}); }), "unexpected argument '\\x1B[2J'"));
    std::ostringstream out2, err2;
    CHECK(aelab::cli::run_cli({"op\xff"}, out2, err2) == 2);
    CHECK(contains(err2.str(), "unknown command 'op\\xFF'"));
    std::ostringstream out3, err3;
    CHECK(aelab::cli::run_cli({"train", "gan", "--steps", "4294967297"}, out3, err3) == 2);
    CHECK(contains(err3.str(), "--steps: 4294967297 is out of range"));
}

// ---- parser fixes (fuzzing and review, issue 14) ---------------------------------------------------

namespace {

std::vector<std::uint8_t> npy_with_header(const std::string& dict, std::size_t data_bytes) {
    std::string s = "\x93NUMPY";
    s += {'\x01', '\x00', char(dict.size() & 0xFF), char(dict.size() >> 8)};
    s += dict + std::string(data_bytes, '\0');
    return std::vector<std::uint8_t>(s.begin(), s.end());
}

std::vector<std::uint8_t> dataset_bytes(std::uint32_t n_train, std::uint32_t n_test, std::uint32_t rows,
                                        std::uint32_t cols, std::uint32_t classes, std::size_t data_bytes) {
    std::vector<std::uint8_t> b = {'A', 'E', 'L', 'A', 'B', 'D', 'S', 0};
    for (std::uint32_t v : {1u, n_train, n_test, rows, cols, classes})
        for (int i = 0; i < 4; ++i) b.push_back(std::uint8_t(v >> (8 * i)));
    b.resize(b.size() + data_bytes, 0);
    const std::uint32_t crc = aelab::crc32(b.data(), b.size());
    for (int i = 0; i < 4; ++i) b.push_back(std::uint8_t(crc >> (8 * i)));
    return b;
}

}  // namespace

TEST_CASE("npy: a dtype with anything after its size is refused (atoi read '<f4junk' as '<f4')") {
    const auto b = npy_with_header("{'descr': '<f4junk', 'fortran_order': False, 'shape': (1,), }", 4);
    CHECK(contains(error_of([&] { aelab::parse_npy_float(b.data(), b.size(), "x.npy"); }),
                   "x.npy: not a usable .npy file: unsupported dtype '<f4junk'"));
    // The .npy header's dtype and keys come from the file: quoted escaped.
    const auto esc = npy_with_header("{'descr': '<f4\x1b[2J', 'fortran_order': False, 'shape': (1,), }", 4);
    const std::string e = error_of([&] { aelab::parse_npy_float(esc.data(), esc.size(), "x.npy"); });
    CHECK(contains(e, "unsupported dtype '<f4\\x1B[2J'"));
    CHECK(all_printable_ascii(e));
    const auto key = npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), '\xff\x01': 1}", 4);
    CHECK(contains(error_of([&] { aelab::parse_npy_float(key.data(), key.size(), "x.npy"); }),
                   "unexpected header key '\\xFF\\x01'"));
    const auto ok = npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", 4);
    CHECK(aelab::parse_npy_float(ok.data(), ok.size(), "x.npy").size() == 1);
}

TEST_CASE("npy: an empty array cannot carry absurd sizes (0 elements hid (0, 10**12, 10**12))") {
    const auto b = npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 999999999999, 999999999999), }", 0);
    CHECK(contains(error_of([&] { aelab::parse_npy_float(b.data(), b.size(), "x.npy"); }),
                   "absurd shape: an axis of size 999999999999"));
    const auto c = npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 65536, 65536), }", 0);
    CHECK(contains(error_of([&] { aelab::parse_npy_float(c.data(), c.size(), "x.npy"); }), "absurd shape (0, 65536, 65536)"));
    const auto fine = npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 5), }", 0);
    CHECK(aelab::parse_npy_float(fine.data(), fine.size(), "x.npy").shape()[1] == 5);
}

TEST_CASE("dataset: image counts are added in 64 bits (n_train + n_test wrapped in 32)") {
    // 0xFFFFFFFF + 1 images wrapped to 0: the header then "promised" only the class names.
    const auto b = dataset_bytes(0xFFFFFFFFu, 1, 1, 1, 1, 16);
    CHECK(contains(error_of([&] { aelab::parse_dataset(b.data(), b.size(), "d.aelab"); }),
                   "d.aelab: header promises 8589934608 bytes of data, file holds 16"));
    const auto ok = dataset_bytes(1, 1, 2, 2, 1, 16 + 2 + 8);
    CHECK(aelab::parse_dataset(ok.data(), ok.size(), "d.aelab").size(aelab::Split::test) == 1);
}

TEST_CASE("model file: the architecture cannot ask for more values than the file holds") {
    // A 110-byte file describing a 10**18-parameter Linear: the model was allocated (ASan:
    // allocation-size-too-big; natively bad_alloc, not aelab::Error) before the parameter count
    // was compared with the file's.
    const std::string arch = "Sequential sample_shape=1\nLinear in_features=1000000000 out_features=1000000000 bias=1\n";
    const auto file = aelab::encode_model_file(arch, nullptr, 0);
    const std::string e = error_of([&] { aelab::load_sequential(file.data(), file.size(), "m.aelabm"); });
    CHECK(e == "m.aelabm: the architecture needs 1000000001000000000 parameters, the file holds 0");
    // Shapes whose product overflows 64 bits.
    const std::string conv = "Sequential sample_shape=1,4,4\nConv2d in_channels=1000000000 out_channels=1000000000 "
                             "kernel_size=1000000000,1000000000 stride=1,1 padding=0,0 dilation=1,1 bias=1\n";
    const std::vector<float> some(8, 0.0f);
    const auto f2 = aelab::encode_model_file(conv, some.data(), some.size());
    // (the layer's own limits, limits.hpp, stop it first: its kernel is over kMaxWindow)
    CHECK(contains(error_of([&] { aelab::load_sequential(f2.data(), f2.size(), "m.aelabm"); }),
                   "m.aelabm: malformed architecture: architecture layer 0: Conv2d: kernel size must be at most 65536"));
    // At the limit: exactly the values the file holds (Linear(1, 1): weight + bias).
    const std::string small = "Sequential sample_shape=1\nLinear in_features=1 out_features=1 bias=1\n";
    const std::vector<float> two{0.5f, -1.0f};
    const auto f3 = aelab::encode_model_file(small, two.data(), two.size());
    CHECK(aelab::load_sequential(f3.data(), f3.size(), "m.aelabm").param_count() == 2);
    const auto f4 = aelab::encode_model_file(small, two.data(), 1);
    CHECK(contains(error_of([&] { aelab::load_sequential(f4.data(), f4.size(), "m.aelabm"); }), "m.aelabm: the architecture needs 2 parameters, the file holds 1"));
}
