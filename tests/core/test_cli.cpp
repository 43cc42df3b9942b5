// Tests for core/cli: `aelab-cli op` against torch.nn.functional (tests/golden/make_cli_golden.py),
// `aelab-cli pca`, and bad input (clear message, non-zero exit, nothing aborts). Runs the
// commands in-process, natively and in wasm under node (real files through NODERAWFS).
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "aelab/dataset.hpp"
#include "aelab/architecture.hpp"
#include "aelab/npy.hpp"
#include "aelab/recipe_autoencoder.hpp"
#include "aelab/recipe_gan.hpp"
#include "cli.hpp"

using namespace aelab;

namespace {
struct Result {
    int code;
    std::string out, err;
};
Result run(const std::vector<std::string>& args) {
    std::ostringstream out, err;
    int code = cli::run_cli(args, out, err);
    return {code, out.str(), err.str()};
}
std::vector<std::string> split_args(const std::string& s) {
    std::vector<std::string> v;
    std::istringstream ss(s);
    std::string w;
    while (ss >> w) v.push_back(w);
    return v;
}
std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
    return s;
}
const std::string kGolden = std::string(AELAB_GOLDEN_DIR) + "/cli/";
const std::string kTmp = std::string(AELAB_TEST_TMP) + "/";
}  // namespace

TEST_CASE("cli op: every case equals torch.nn.functional") {
    std::ifstream cases(kGolden + "cases.txt");
    REQUIRE(cases);
    std::string line;
    int n = 0;
    while (std::getline(cases, line)) {
        if (line.empty()) continue;
        const std::string name = line.substr(0, line.find('|'));
        std::string cmd = line.substr(line.find('|') + 1);
        CAPTURE(name);
        const std::string dir = kGolden + name + "/";
        for (const char* f : {"x", "w", "b", "i"}) cmd = replace_all(cmd, std::string("{") + f + "}", dir + f + ".npy");
        cmd = replace_all(cmd, "{out}", kTmp + "cli_out.npy");
        cmd = replace_all(cmd, "{iout}", kTmp + "cli_iout.npy");
        Result r = run(split_args(cmd));
        REQUIRE_MESSAGE(r.code == 0, r.err);
        Tensor got = load_npy(kTmp + "cli_out.npy"), want = load_npy(dir + "expected.npy");
        REQUIRE(got.shape() == want.shape());
        for (std::size_t k = 0; k < got.size(); ++k)
            REQUIRE(got.data()[k] == doctest::Approx(want.data()[k]).epsilon(1e-4).scale(1.0));
        if (cmd.find("--indices-out") != std::string::npos) {
            IndexTensor gi = load_npy_index(kTmp + "cli_iout.npy"), wi = load_npy_index(dir + "expected_indices.npy");
            CHECK(gi == wi);
        }
        ++n;
    }
    CHECK(n == 20);
}

TEST_CASE("cli op: the course's 2D example, read back exactly") {
    Result r = run({"op", "conv2d", "--input", kGolden + "conv2d_course/x.npy", "--weight", kGolden + "conv2d_course/w.npy",
                    "--out", kTmp + "course.npy"});
    REQUIRE(r.code == 0);
    CHECK(r.out.find("(1, 1, 5, 5) -> (1, 1, 3, 3)") != std::string::npos);
    Tensor y = load_npy(kTmp + "course.npy");
    const float want[9] = {12, 12, 17, 10, 17, 19, 9, 6, 14};
    for (int k = 0; k < 9; ++k) CHECK(y.data()[k] == want[k]);
}

TEST_CASE("cli pca: components and explained variance") {
    Dataset d = load_dataset(AELAB_TEST_DATASET);
    save_npy(kTmp + "pca_x.npy", d.batch(Split::test, 0, 300));  // (300, 1, 28, 28): flattened by the CLI
    Result r = run({"pca", "--input", kTmp + "pca_x.npy", "-k", "5", "--out", kTmp + "pca_c.npy", "--explained",
                    kTmp + "pca_ev.npy"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    Tensor c = load_npy(kTmp + "pca_c.npy"), ev = load_npy(kTmp + "pca_ev.npy");
    CHECK(c.shape() == Shape{5, 784});
    CHECK(ev.shape() == Shape{5});
    for (int i = 0; i + 1 < 5; ++i) CHECK(ev(i) >= ev(i + 1));
    double norm = 0;
    for (int j = 0; j < 784; ++j) norm += c(2, j) * c(2, j);
    CHECK(norm == doctest::Approx(1.0).epsilon(1e-5));
}

TEST_CASE("cli: bad input gives a clear error and a non-zero exit") {
    const std::string x = kGolden + "conv2d_course/x.npy", w = kGolden + "conv2d_course/w.npy";
    const std::string w3 = kGolden + "conv3d/w.npy", out = kTmp + "bad.npy";
    auto expect = [](const Result& r, int code, const char* text) {
        CAPTURE(r.err);
        CHECK(r.code == code);
        CHECK(r.err.find(text) != std::string::npos);
    };
    expect(run({}), 2, "usage");
    expect(run({"frobnicate"}), 2, "unknown command");
    expect(run({"op", "conv9d", "--input", x, "--out", out}), 2, "unknown op 'conv9d'");
    expect(run({"op", "conv2d", "--input", x, "--weight", w}), 2, "missing --out");
    expect(run({"op", "conv2d", "--input", x, "--weight", w, "--out", out, "--strid", "2"}), 2, "--strid");
    expect(run({"op", "conv2d", "--input", x, "--weight", w, "--out", out, "--stride", "1,2,3"}), 2, "1 or 2 integers");
    expect(run({"op", "conv2d", "--input", x, "--weight", w, "--out", out, "--stride", "two"}), 2, "expects integers");
    expect(run({"op", "conv2d", "--input", x, "--weight", w, "--out", out, "--stride", "0"}), 1, "stride must be in [1, 65536], got 0");
    expect(run({"op", "conv2d", "--input", x, "--weight", w3, "--out", out}), 1, "conv2d");
    expect(run({"op", "conv2d", "--input", x, "--weight", w, "--out", out, "--dilation", "3"}), 1, "conv2d");
    expect(run({"op", "conv2d", "--input", kTmp + "missing.npy", "--weight", w, "--out", out}), 1, "cannot open");
    expect(run({"op", "max_pool2d", "--input", x, "--out", out}), 2, "missing --kernel");
    expect(run({"op", "upsample_nearest", "--input", x, "--scale", "1.5", "--out", out}), 1, "whole number in [1, 65536]");
    expect(run({"op", "max_unpool2d", "--input", kGolden + "max_unpool2d_course/x.npy", "--indices", x, "--kernel", "2",
                "--out", out}),
           1, "integer");
    expect(run({"pca", "--input", x, "-k", "0", "--out", out}), 1, "-k");
    {
        std::ofstream f(kTmp + "garbage.npy", std::ios::binary);
        f << "this is not numpy";
    }
    expect(run({"op", "linear", "--input", kTmp + "garbage.npy", "--weight", w, "--out", out}), 1, "garbage.npy");
    // Shape mismatch names the op, the expected and the actual shape.
    Result r = run({"op", "linear", "--input", kGolden + "linear/x.npy", "--weight", kGolden + "linear_3d_no_bias/x.npy",
                    "--out", out});
    CHECK(r.code == 1);
    CHECK(r.err.find("linear") != std::string::npos);
}

TEST_CASE("cli bench: options read only through has() are not rejected as unused") {
    Result r = run({"bench", "--json", "--only", "g,h", "--repeats", "2", "--warmup", "0"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    std::string out = r.out;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    const std::string last = out.substr(out.rfind('\n') + 1);  // the JSON is the last line
    CHECK(last.rfind("{\"peak_gflops\": ", 0) == 0);
    CHECK(last.find("\"name\": \"g\"") != std::string::npos);
    CHECK(last.find("\"name\": \"h\"") != std::string::npos);  // --only selects h too
    CHECK(last.find("\"name\": \"b\"") == std::string::npos);
}

TEST_CASE("cli train: an unknown or missing model is a usage error") {
    Result r = run({"train", "gan-3d"});
    CHECK(r.code == 2);
    CHECK(r.err.find("unknown model 'gan-3d'") != std::string::npos);
    CHECK(run({"train"}).code == 2);
}

namespace {
// The last line of a command's output (its JSON line with --json).
std::string last_line(const std::string& text) {
    const std::size_t end = text.find_last_not_of('\n');
    const std::size_t start = text.rfind('\n', end);
    return text.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1) + 1);
}
// The value of "key": in a flat JSON line, as text.
std::string json_value(const std::string& line, const std::string& key) {
    const std::size_t at = line.find("\"" + key + "\": ");
    if (at == std::string::npos) return "";
    const std::size_t from = at + key.size() + 4, to = line.find_first_of(",}", from);
    return line.substr(from, to - from);
}
}  // namespace

TEST_CASE("cli train autoencoder-838: the table, one line per seed and seeds_all_correct") {
    Result r = run({"train", "autoencoder-838", "--json"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(r.out.find("seeds 1 .. 10") != std::string::npos);
    CHECK(r.out.find("  00000001  ") != std::string::npos);  // e_0 as the slide writes it
    CHECK(r.out.find("  10000000  ") != std::string::npos);
    CHECK(r.out.find("seed 10: loss") != std::string::npos);
    const std::string j = last_line(r.out);
    CHECK(json_value(j, "loss") == "\"cross-entropy\"");
    CHECK(json_value(j, "steps") == "1000");
    CHECK(json_value(j, "seeds") == "10");
    const int ce = std::stoi(json_value(j, "seeds_all_correct"));
    CHECK(ce >= 9);  // 10 natively
    // The same count as the recipe gives directly.
    CHECK(ce == toy838_seeds_all_correct(Toy838Options{}, 1, 10));

    Result se = run({"train", "autoencoder-838", "--loss", "squared-error", "--steps", "300", "--seed", "5", "--json"});
    REQUIRE_MESSAGE(se.code == 0, se.err);
    const std::string js = last_line(se.out);
    CHECK(json_value(js, "first_seed") == "5");
    CHECK(std::stoi(json_value(js, "seeds_all_correct")) <= 2);  // 300 steps: squared error is still on its plateau

    CHECK(run({"train", "autoencoder-838", "--loss", "hinge"}).code == 2);
    CHECK(run({"train", "autoencoder-838", "--steps", "0"}).code == 2);
    CHECK(run({"train", "autoencoder-838", "--data", "x"}).code == 2);
    CHECK(run({"train", "autoencoder-838", "--lossy", "1"}).code == 2);
}

TEST_CASE("cli train stacked-ae: greedy and end-to-end MSE, probe accuracies on codes and pixels") {
    Result r = run({"train", "stacked-ae", "--steps", "60", "--seed", "3", "--data", AELAB_TEST_DATASET, "--json"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(r.out.find("20 steps 784-256-784, 10 steps 256-32-256") != std::string::npos);
    CHECK(r.out.find("step 60/60") != std::string::npos);
    CHECK(r.out.find("linear probe, 100 labels") != std::string::npos);
    const std::string j = last_line(r.out);
    CHECK(json_value(j, "steps") == "60");
    CHECK(json_value(j, "seed") == "3");
    for (const char* key : {"mse_greedy_finetuned", "mse_end_to_end"}) {
        CAPTURE(key);
        const double mse = std::stod(json_value(j, key));
        CHECK(mse > 0.0);
        CHECK(mse < 0.12);  // below a constant 0.5 image's ~0.17 after 60 steps
    }
    for (const char* key : {"probe_accuracy_codes_100", "probe_accuracy_pixels_100", "probe_accuracy_codes_10",
                            "probe_accuracy_pixels_1000"}) {
        CAPTURE(key);
        const double acc = std::stod(json_value(j, key));
        CHECK(acc > 0.1);  // better than chance
        CHECK(acc <= 1.0);
    }
    CHECK(std::stod(json_value(j, "probe_accuracy_pixels_100")) > 0.6);

    CHECK(run({"train", "stacked-ae", "--steps", "2", "--data", AELAB_TEST_DATASET}).code == 2);
    CHECK(run({"train", "stacked-ae", "--seed", "-1", "--data", AELAB_TEST_DATASET}).code == 2);
    Result missing = run({"train", "stacked-ae", "--steps", "5", "--data", "/nonexistent.aelab"});
    CHECK(missing.code == 1);
    CHECK(missing.err.find("/nonexistent.aelab") != std::string::npos);
}

TEST_CASE("cli train conv-ae: one or two architectures, held-out PSNR and parameter counts") {
    Result r = run({"train", "conv-ae", "--arch", "conv4s2p1-relu-tconv1s2p1o1-sigmoid", "--arch2", "resize-conv",
                    "--steps", "30", "--seed", "2", "--data", AELAB_TEST_DATASET, "--json"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(r.out.find("network 1: conv4s2p1-relu-tconv1s2p1o1-sigmoid") != std::string::npos);
    CHECK(r.out.find("<- code") != std::string::npos);
    CHECK(r.out.find("step 30/30") != std::string::npos);
    const std::string j = last_line(r.out);
    CHECK(json_value(j, "steps") == "30");
    CHECK(json_value(j, "batch") == "32");
    CHECK(json_value(j, "augment") == "false");
    // conv 1->4 (3x3): 36 + 4; tconv 4->1 (3x3): 36 + 1.
    CHECK(json_value(j, "params") == "77");
    CHECK(json_value(j, "dense_params") == std::to_string(dense_autoencoder_params(784, 4 * 14 * 14)));
    CHECK(json_value(j, "params_2") == std::to_string(check_architecture(architecture_preset("resize-conv")).params));
    // 30 steps from random weights: the one-filter network is still near its start (8.4 dB at
    // seed 2), the preset already beats the best constant image (the mean pixel: 8.9 dB on the
    // first 500 test images).
    const double psnr = std::stod(json_value(j, "psnr_db")), psnr_2 = std::stod(json_value(j, "psnr_db_2"));
    CHECK(psnr > 6.0);
    CHECK(psnr < 40.0);
    CHECK(psnr_2 > 9.8);
    CHECK(psnr_2 < 40.0);

    Result one = run({"train", "conv-ae", "--steps", "3", "--augment", "1", "--data", AELAB_TEST_DATASET, "--json"});
    REQUIRE_MESSAGE(one.code == 0, one.err);
    const std::string j1 = last_line(one.out);
    CHECK(json_value(j1, "arch") == std::string("\"") + architecture_preset("strided") + "\"");
    CHECK(json_value(j1, "augment") == "true");
    CHECK(j1.find("psnr_db_2") == std::string::npos);

    Result bad = run({"train", "conv-ae", "--arch", "conv16s2p1-relu-lin16-sigmoid", "--data", AELAB_TEST_DATASET});
    CHECK(bad.code == 2);
    CHECK(bad.err.find("layer 2 'lin16': needs a flat input") != std::string::npos);
    Result bad2 = run({"train", "conv-ae", "--arch2", "conv4-unpool1", "--data", AELAB_TEST_DATASET});
    CHECK(bad2.code == 2);
    CHECK(bad2.err.find("--arch2") != std::string::npos);
    CHECK(bad2.err.find("'unpool1'") != std::string::npos);
    CHECK(run({"train", "conv-ae", "--arch", "zz9", "--data", AELAB_TEST_DATASET}).code == 2);
    CHECK(run({"train", "conv-ae", "--augment", "2", "--data", AELAB_TEST_DATASET}).code == 2);
    CHECK(run({"train", "conv-ae", "--archs", "strided", "--data", AELAB_TEST_DATASET}).code == 2);
}

TEST_CASE("cli train retrieval: precision at 10 for pixels, codes and bits; rate points") {
    Result r = run({"train", "retrieval", "--steps", "30", "--seed", "2", "--data", AELAB_TEST_DATASET, "--json"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(r.out.find("784-256-[32]-256-784") != std::string::npos);
    CHECK(r.out.find("step 30/30") != std::string::npos);
    const std::string j = last_line(r.out);
    CHECK(json_value(j, "steps") == "30");
    CHECK(json_value(j, "queries") == "1000");
    // Pixels do not depend on the network: 0.7481 over the 1000 test images (as the lesson shows).
    CHECK(std::stod(json_value(j, "precision_at_10_pixels")) == doctest::Approx(0.7481).epsilon(0.001));
    for (const char* key : {"precision_at_10_codes", "precision_at_10_bits", "precision_at_1_codes"}) {
        CAPTURE(key);
        const double p = std::stod(json_value(j, key));
        CHECK(p > 0.3);  // far above chance (0.1) even after 30 steps
        CHECK(p <= 1.0);
    }
    CHECK(std::stod(json_value(j, "psnr_ae_256_bits")) > std::stod(json_value(j, "psnr_ae_32_bits")));
    CHECK(std::stod(json_value(j, "psnr_pca_256_bits")) > 15.0);
    CHECK(run({"train", "retrieval", "--steps", "0", "--data", AELAB_TEST_DATASET}).code == 2);
    CHECK(run({"train", "retrieval", "--code", "8", "--data", AELAB_TEST_DATASET}).code == 2);
}

TEST_CASE("cli train anomaly: AUC of the held-out class, with PCA's for comparison") {
    Result r = run({"train", "anomaly", "--holdout", "8", "--steps", "60", "--data", AELAB_TEST_DATASET, "--json"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    const std::string j = last_line(r.out);
    CHECK(json_value(j, "holdout") == "8");
    CHECK(json_value(j, "class") == "\"" + load_dataset(AELAB_TEST_DATASET).class_names[8] + "\"");
    const double auc = std::stod(json_value(j, "auc")), pca = std::stod(json_value(j, "auc_pca"));
    CHECK(auc > 0.6);  // bags reconstruct worse than the nine trained classes already
    CHECK(auc <= 1.0);
    CHECK(pca > 0.6);
    CHECK(std::stod(json_value(j, "mean_error_anomaly")) > std::stod(json_value(j, "mean_error_normal")));
    CHECK(run({"train", "anomaly", "--steps", "5", "--data", AELAB_TEST_DATASET}).code == 2);  // --holdout required
    CHECK(run({"train", "anomaly", "--holdout", "10", "--data", AELAB_TEST_DATASET}).code == 2);
    CHECK(run({"train", "anomaly", "--holdout", "x", "--data", AELAB_TEST_DATASET}).code == 2);
}

TEST_CASE("cli train gan: modes covered and sample quality on the ring, as the recipe gives them") {
    Result r = run({"train", "gan", "--steps", "300", "--seed", "2", "--json"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(r.out.find("target ring (noise 0.05)") != std::string::npos);
    CHECK(r.out.find("step    300/300") != std::string::npos);
    CHECK(r.out.find("per mode:") != std::string::npos);
    const std::string j = last_line(r.out);
    CHECK(json_value(j, "command") == "\"train gan\"");
    CHECK(json_value(j, "steps") == "300");
    CHECK(json_value(j, "seed") == "2");
    CHECK(json_value(j, "modes") == "8");
    CHECK(json_value(j, "loss") == "\"non-saturating\"");
    PlaneGanOptions o;
    o.seed = 2;
    PlaneGan g(o);
    for (int i = 0; i < 300; ++i) g.train_period();
    const GanModeStats s = g.evaluate();
    CHECK(json_value(j, "modes_covered") == std::to_string(s.modes_covered));
    CHECK(std::stod(json_value(j, "high_quality_fraction")) == doctest::Approx(s.high_quality_fraction).epsilon(1e-3));
    CHECK(std::stod(json_value(j, "d_loss")) == doctest::Approx(g.last_d().loss).epsilon(1e-3));
    CHECK(std::isfinite(std::stod(json_value(j, "g_loss"))));

    Result sat = run({"train", "gan", "--steps", "5", "--loss", "saturating", "--kd", "2", "--kg", "3", "--json"});
    REQUIRE_MESSAGE(sat.code == 0, sat.err);
    const std::string js = last_line(sat.out);
    CHECK(json_value(js, "kd") == "2");
    CHECK(json_value(js, "kg") == "3");
    CHECK(json_value(js, "loss") == "\"saturating\"");
    CHECK(run({"train", "gan", "--loss", "hinge"}).code == 2);
    CHECK(run({"train", "gan", "--kd", "0", "--kg", "0"}).code == 2);
    CHECK(run({"train", "gan", "--target", "spiral"}).code == 2);
    CHECK(run({"train", "gan", "--data", "x"}).code == 2);
    CHECK(run({"train", "gan", "--steps", "0"}).code == 2);
}

TEST_CASE("cli train sparse-ae and contractive-ae: the JSON figures") {
    Result r = run({"train", "sparse-ae", "--steps", "5", "--lambda", "0.001", "--seed", "2", "--data", AELAB_TEST_DATASET,
                    "--json"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(r.out.find("784-1024-784") != std::string::npos);
    std::string j = last_line(r.out);
    CHECK(json_value(j, "steps") == "5");
    CHECK(json_value(j, "lambda") == "0.001");
    CHECK(json_value(j, "code") == "1024");
    const double active = std::stod(json_value(j, "fraction_active")), mse = std::stod(json_value(j, "mse"));
    CHECK(active > 0.0);
    CHECK(active <= 1.0);
    CHECK(mse > 0.0);
    CHECK(mse < 0.2);

    Result sweep = run({"train", "sparse-ae", "--steps", "3", "--sweep", "0,0.01", "--data", AELAB_TEST_DATASET, "--json"});
    REQUIRE_MESSAGE(sweep.code == 0, sweep.err);
    j = last_line(sweep.out);
    CHECK(j.find("\"sweep\": [{\"lambda\": 0, \"mse\": ") != std::string::npos);
    CHECK(j.find("{\"lambda\": 0.01, \"mse\": ") != std::string::npos);

    Result c = run({"train", "contractive-ae", "--steps", "5", "--data", AELAB_TEST_DATASET, "--json"});
    REQUIRE_MESSAGE(c.code == 0, c.err);
    j = last_line(c.out);
    CHECK(json_value(j, "lambda") == "0.01");
    const double plain = std::stod(json_value(j, "jacobian_fro_plain"));
    const double contractive = std::stod(json_value(j, "jacobian_fro_contractive"));
    CHECK(plain > 0.0);
    CHECK(contractive > 0.0);
    CHECK(std::stod(json_value(j, "mse_plain")) > 0.0);
    CHECK(std::stod(json_value(j, "mse_contractive")) > 0.0);
    CHECK(j.find("\"singular_values_contractive\": [") != std::string::npos);
    const int above_plain = std::stoi(json_value(j, "above_tenth_plain"));
    CHECK(above_plain >= 1);
    CHECK(above_plain <= 128);

    CHECK(run({"train", "sparse-ae", "--lambda", "-1", "--data", AELAB_TEST_DATASET}).code == 2);
    CHECK(run({"train", "sparse-ae", "--sweep", "0,x", "--data", AELAB_TEST_DATASET}).code == 2);
    CHECK(run({"train", "contractive-ae", "--lambda", "abc", "--data", AELAB_TEST_DATASET}).code == 2);
    CHECK(run({"train", "contractive-ae", "--sweep", "0", "--data", AELAB_TEST_DATASET}).code == 2);
}
