// Every --json line of aelab-cli is valid JSON: a few commands run in-process with small
// --steps, each line that starts with '{' parsed by nlohmann::json::parse, keys and types
// checked. The helpers in core/cli/json_line.hpp are tested directly for what no cheap
// command produces: a NaN or infinity (null in JSON) and strings needing escapes.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "json_line.hpp"

using namespace aelab;

namespace {
// The JSON lines of one command's output, each parsed (a parse error fails the test).
std::vector<nlohmann::ordered_json> json_lines(const std::vector<std::string>& args) {
    std::ostringstream out, err;
    const int code = cli::run_cli(args, out, err);
    REQUIRE_MESSAGE(code == 0, err.str());
    std::vector<nlohmann::ordered_json> lines;
    std::istringstream in(out.str());
    for (std::string l; std::getline(in, l);) {
        if (l.empty() || l[0] != '{') continue;
        CAPTURE(l);
        nlohmann::ordered_json j;  // parsed keeping key order
        REQUIRE_NOTHROW(j = nlohmann::ordered_json::parse(l));
        lines.push_back(j);
    }
    REQUIRE(lines.size() == 1);
    return lines;
}
}  // namespace

TEST_CASE("cli json: the helpers give null for NaN and infinity, and escape every string") {
    const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
    cli::Json j;
    j["nan"] = cli::json_decimals(nan, 4);
    j["inf"] = cli::json_g(inf);
    j["minus_inf"] = cli::json_decimals(-inf, 2);
    j["zero"] = cli::json_g(0.0);
    j["small"] = cli::json_g(0.01);
    j["rounded"] = cli::json_decimals(0.1234567, 6);
    j["text"] = std::string("a \"quoted\" \\ tab\t newline\n bell\x07 bad utf-8 \xff end");
    j["list"] = cli::Json::array({1, 2.5});
    const std::string line = cli::json_line(j);
    CAPTURE(line);
    CHECK(line.rfind("{\"nan\": null, \"inf\": null, \"minus_inf\": null, \"zero\": 0, \"small\": 0.01, "
                     "\"rounded\": 0.123457, ",
                     0) == 0);
    CHECK(line.find("\"list\": [1, 2.5]") != std::string::npos);
    const auto p = nlohmann::json::parse(line);
    CHECK(p["nan"].is_null());
    CHECK(p["inf"].is_null());
    CHECK(p["zero"].is_number_integer());
    CHECK(p["text"].get<std::string>().find("tab\t newline\n bell\x07") != std::string::npos);
    CHECK(p["list"].size() == 2);
}

TEST_CASE("cli json: train gan --json is one valid JSON line with the documented keys") {
    const auto j = json_lines({"train", "gan", "--steps", "20", "--seed", "2", "--json"})[0];
    CHECK(j["command"] == "train gan");
    CHECK(j["steps"] == 20);
    CHECK(j["seed"] == 2);
    for (const char* k : {"target", "loss"}) CHECK(j[k].is_string());
    for (const char* k : {"kd", "kg", "batch_size", "hidden", "latent", "modes", "modes_covered"})
        CHECK_MESSAGE(j[k].is_number_integer(), k);
    for (const char* k : {"learning_rate", "noise", "high_quality_fraction", "d_loss", "g_loss", "d_real", "d_fake",
                          "seconds"})
        CHECK_MESSAGE((j[k].is_number() || j[k].is_null()), k);
    // Key order kept (ordered_json): command first, seconds last.
    CHECK(j.begin().key() == "command");
}

TEST_CASE("cli json: train autoencoder-838, sparse-ae sweep and bench lines parse") {
    SUBCASE("autoencoder-838") {
        const auto j = json_lines({"train", "autoencoder-838", "--steps", "50", "--json"})[0];
        CHECK(j["command"] == "train autoencoder-838");
        CHECK(j["seeds"] == 10);
        CHECK(j["seeds_all_correct"].is_number_integer());
        CHECK(j["seconds"].is_number());
    }
    SUBCASE("sparse-ae with a sweep: an array of objects") {
        const auto j = json_lines({"train", "sparse-ae", "--steps", "3", "--sweep", "0,0.01", "--json", "--data",
                                   AELAB_TEST_DATASET})[0];
        CHECK(j["command"] == "train sparse-ae");
        REQUIRE(j["sweep"].is_array());
        REQUIRE(j["sweep"].size() == 2);
        CHECK(j["sweep"][0]["lambda"] == 0);
        CHECK(j["sweep"][1]["lambda"] == doctest::Approx(0.01));
        for (const auto& p : j["sweep"])
            for (const char* k : {"mse", "fraction_active", "l1", "dead_fraction", "atom_spread_px"})
                CHECK_MESSAGE((p[k].is_number() || p[k].is_null()), k);
    }
    SUBCASE("bench") {
        const auto j = json_lines({"bench", "--json", "--only", "g", "--repeats", "1", "--warmup", "0"})[0];
        CHECK(j["simd"].is_string());
        REQUIRE(j["cases"].is_array());
        CHECK(j["cases"][0]["name"] == "g");
        CHECK((j["cases"][0]["ms"].is_number() || j["cases"][0]["ms"].is_null()));
    }
}

TEST_CASE("cli json: train vae --save with quotes and a tab in the path gives a valid, exact \"saved\"") {
    const std::string model = std::string(AELAB_TEST_TMP) + "/cli json \"q\"\ttab.aelabm";
    const auto j =
        json_lines({"train", "vae", "--steps", "2", "--seed", "3", "--json", "--data", AELAB_TEST_DATASET, "--save", model})[0];
    CHECK(j["saved"] == model);
    CHECK(j["elbo"].is_number());
}
