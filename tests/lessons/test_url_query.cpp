// The page's URL query as parameters (kit/platform.hpp parse_query, factored out of the web host
// for the params fuzzer): decoded as URLSearchParams does.
#include <doctest/doctest.h>

#include "kit/platform.hpp"

using aelab::platform::parse_query;

TEST_CASE("parse_query: pairs, '+' and %XX decoded, the last repeated key wins") {
    const auto p = parse_query("?lesson=conv-autoencoder&arch=conv16p1-relu&v=1%2C2%2C3&s=a+b&k=1&k=2");
    CHECK(p.at("lesson") == "conv-autoencoder");
    CHECK(p.at("arch") == "conv16p1-relu");
    CHECK(p.at("v") == "1,2,3");
    CHECK(p.at("s") == "a b");
    CHECK(p.at("k") == "2");
    CHECK(p.size() == 5);
    CHECK(parse_query("").empty());
    CHECK(parse_query("?").empty());
}

TEST_CASE("parse_query: a '%' without two hex digits stays as it is; empty keys and values") {
    // The old decoder read "%zz" as strtol("zz") = 0, a NUL byte, and "%4z" as 4.
    const auto p = parse_query("a=%zz&b=%4z&c=100%&d=%41%42&e&=x&&f=");
    CHECK(p.at("a") == "%zz");
    CHECK(p.at("b") == "%4z");
    CHECK(p.at("c") == "100%");
    CHECK(p.at("d") == "AB");
    CHECK(p.at("e") == "");
    CHECK(p.at("") == "x");
    CHECK(p.at("f") == "");
    CHECK(parse_query("x=%00").at("x") == std::string(1, '\0'));  // a real escape of NUL is kept
}
