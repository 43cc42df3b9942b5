// Tests for lessons/conv_autoencoder.cpp: the URL state (round trip, fallbacks), the editor's
// token operations, the side-by-side training through LiveTraining (losses fall, PSNR evaluated
// on schedule, a bad spec becomes the training's error), the first conv's filters, the PyTorch
// text and headless drawing with train=1 (the status keys the browser test watches).
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "aelab/dataset.hpp"
#include "conv_autoencoder.hpp"
#include "headless.hpp"
#include "kit/platform.hpp"
#include "lesson.hpp"
#include "core/test_util.hpp"

using namespace aelab;
using namespace aelab::lessons::conv_autoencoder;

namespace {

using testutil::dataset;

struct UrlPage {
    Settings s;
    kit::Sections sections{7};
    lessons::LiveTraining t{3000, 32, 60000, kEvalEvery};
    kit::UrlState url = url_state(s, sections, t);
    UrlPage() { url.read(); }
};

const char* const kSmall = "conv4s2p1-relu-tconv1s2p1o1-sigmoid";

}  // namespace

TEST_CASE("conv-autoencoder lesson: the URL state round trip and fallbacks") {
    platform::set_params({{"arch", "conv8s2p1-relu-code-tconv1s2p1o1-sigmoid"}, {"arch2", "none"}, {"aug", "1"},
                          {"seed", "4"}, {"lr", "0.002"}, {"steps", "700"}, {"train", "1"}, {"net", "1"},
                          {"img", "12"}, {"layer", "2"}, {"ch", "3"}, {"open", "5"}});
    {
        UrlPage p;
        CHECK(p.s.arch == "conv8s2p1-relu-code-tconv1s2p1o1-sigmoid");
        CHECK(p.s.arch2.empty());
        CHECK(training_specs(p.s).size() == 1);
        CHECK(p.s.augment);
        CHECK(p.t.controls().seed == 4);
        CHECK(p.t.max_steps() == 700);
        CHECK(p.t.wants_training());
        CHECK(p.s.net == 1);
        CHECK(p.s.image == 12);
        CHECK(p.s.layer == 2);
        CHECK(p.s.channel == 3);
        CHECK(p.sections.open == 5);
        const ConvAeOptions o = conv_ae_options(p.s, p.t);
        CHECK(o.seed == 4);
        CHECK(o.augment);
        CHECK(o.batch_size == 32);
        CHECK(o.learning_rate == doctest::Approx(0.002f));
        CHECK(o.eval_count == kEvalImages);
        p.url.write();
        CHECK(platform::param("arch") == "conv8s2p1-relu-code-tconv1s2p1o1-sigmoid");
        CHECK(platform::param("aug") == "1");
        CHECK(platform::param("arch2") == "none");
    }
    // Text outside the spec alphabet is refused; a spec that parses but does not check is kept.
    platform::set_params({{"arch", "conv8<script>"}, {"arch2", "conv4-lin3"}, {"net", "7"}, {"steps", "1"}});
    UrlPage p;
    CHECK(p.s.arch == architecture_preset(kConvAeFirstPreset));
    CHECK(p.s.arch2 == "conv4-lin3");
    CHECK(p.s.net == 0);
    CHECK(p.t.max_steps() == 3000);
    CHECK_FALSE(p.t.wants_training());
    platform::set_params({});
}

TEST_CASE("conv-autoencoder lesson: the editor's token operations") {
    std::vector<std::string> t = spec_tokens("conv4s2p1-relu--code-tconv1s2p1o1-sigmoid");
    REQUIRE(t.size() == 5);
    CHECK(t[2] == "code");
    CHECK(token_rows(t) == std::vector<int>{0, 1, -1, 2, 3});
    move_token(t, 1, -1);
    CHECK(join_tokens(t) == "relu-conv4s2p1-code-tconv1s2p1o1-sigmoid");
    move_token(t, 0, -1);  // nothing above the first
    move_token(t, 4, +1);  // nothing below the last
    CHECK(join_tokens(t) == "relu-conv4s2p1-code-tconv1s2p1o1-sigmoid");
    // Every token the "add layer" menu offers parses as exactly one layer (or is the code marker).
    for (const std::string& tok : new_layer_tokens()) {
        CAPTURE(tok);
        if (tok == "code") continue;
        CHECK(parse_architecture(tok).layers.size() == 1);
        CHECK(parse_architecture(tok).layers[0].text() == tok);
    }
    CHECK(spec_text_allowed("conv4-drop0.5"));
    CHECK_FALSE(spec_text_allowed("conv4 relu"));
    CHECK_FALSE(spec_text_allowed("Conv4"));
}

TEST_CASE("conv-autoencoder lesson: two networks trained live on the same batches, PSNR on schedule") {
    Settings s;
    s.arch = kSmall;
    s.arch2 = "conv4s2p1-relu-up2-conv1p1-sigmoid";
    lessons::LiveTraining t{120, 32, 60000, kEvalEvery};
    t.controls().learning_rate = 3e-3f;
    TrainState st;
    attach_training(t, st, dataset(), s);
    t.rebuild();
    REQUIRE(t.built());
    REQUIRE(st.held_out.size() == 1);
    CHECK(st.held_out[0].step == 0);
    CHECK(st.builds == 1);
    t.run().start();
    t.controls().budget_ms = 1e9f;
    t.advance();
    CHECK(t.run().step() == 120);
    CHECK(st.losses2.size() == 120);
    CHECK(t.run().losses().back() < 0.6f * t.run().losses().front());
    CHECK(st.losses2.back() < 0.6f * st.losses2.front());
    REQUIRE(st.held_out.size() >= 2);
    CHECK(st.held_out[1].step == 100);
    CHECK(st.held_out.back().psnr_db[0] > st.held_out[0].psnr_db[0]);
    CHECK(st.held_out.back().psnr_db[1] > st.held_out[0].psnr_db[1]);

    // A spec that does not check: the rebuild keeps the error, naming the layer.
    s.arch2 = "conv4s2p1-relu-lin16";
    t.rebuild();
    CHECK_FALSE(t.built());
    CHECK(t.error().find("network 2") != std::string::npos);
    CHECK(t.error().find("'lin16'") != std::string::npos);
}

TEST_CASE("conv-autoencoder lesson: augmentation is part of the run; switching it rebuilds") {
    Settings s;
    s.arch = kSmall;
    s.arch2.clear();
    lessons::LiveTraining t{20, 32, 60000, kEvalEvery};
    TrainState st;
    attach_training(t, st, dataset(), s);
    t.rebuild();
    REQUIRE(t.built());
    CHECK_FALSE(st.recipe->options().augment);
    t.run().start();
    t.controls().budget_ms = 1e9f;
    t.advance();
    REQUIRE(t.run().step() == 20);
    s.augment = true;  // what the checkbox does: a new run with augmentation
    t.rebuild();
    CHECK(st.builds == 2);
    CHECK(t.run().step() == 0);
    CHECK(st.recipe->options().augment);
    CHECK(st.losses2.empty());
}

namespace {
// A short run of two networks (BatchNorm and Dropout in one, augmentation on) on trainer k.
struct ConvRunResult {
    std::vector<float> losses, losses2, psnr, recon;
    int shown_step = 0;
};
ConvRunResult run_training(lessons::TrainerKind k, int steps) {
    Settings s;
    s.arch = kSmall;
    s.arch2 = "conv4s2p1-bn-relu-drop0.1-up2-conv1p1-sigmoid";
    s.augment = true;
    lessons::LiveTraining t{steps, 32, 60000, kEvalEvery};
    t.controls().learning_rate = 3e-3f;
    t.set_trainer(k);
    TrainState st;
    attach_training(t, st, dataset(), s);
    t.rebuild();
    t.run().start();
    for (int i = 0; i < 20000 && t.run().running(); ++i) {
        t.advance();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    CHECK(t.run().state() == lessons::TrainingRun::State::finished);
    CHECK(t.trainer() == test::trainer_for(k));
    ConvRunResult r{t.run().losses(), st.losses2, {}, {}, st.job->shown_step()};
    for (const PsnrPoint& p : st.held_out) {
        r.psnr.push_back(float(p.step));
        for (double v : p.psnr_db) r.psnr.push_back(float(v));
    }
    const Tensor x = dataset().batch(Split::test, 0, 3);
    for (std::size_t i = 0; i < 2; ++i) {
        const Tensor y = st.recipe->reconstruct(i, x);
        r.recon.insert(r.recon.end(), y.begin(), y.end());
    }
    return r;
}
}  // namespace

TEST_CASE("conv-autoencoder lesson: training on a second thread gives the same run as on the page's thread") {
    const ConvRunResult a = run_training(lessons::TrainerKind::inline_page, 110);
    const ConvRunResult b = run_training(lessons::TrainerKind::thread, 110);
    REQUIRE(a.losses.size() == 110);
    CHECK(a.losses == b.losses);
    CHECK(a.losses2.size() == 110);
    CHECK(a.losses2 == b.losses2);
    REQUIRE(a.psnr.size() == 3 * 3);  // steps 0, 100 and 110, two networks each
    CHECK(a.psnr[3] == 100.0f);
    CHECK(a.psnr == b.psnr);
    CHECK(a.shown_step == 110);
    CHECK(b.shown_step == 110);
    CHECK(a.recon == b.recon);  // the view copies hold the same weights and BatchNorm statistics
}

TEST_CASE("conv-autoencoder lesson: the first conv's filters come out of the parameter buffer") {
    Sequential m = build_architecture("up2-pool2-conv3k5p2-relu-conv1p1-sigmoid", 2);
    const Tensor w = first_conv_filters(m, "up2-pool2-conv3k5p2-relu-conv1p1-sigmoid");
    REQUIRE(shape_of(w) == Shape{3, 1, 5, 5});
    CHECK(w(0, 0, 0, 0) == m.params()[0]);
    CHECK(w(2, 0, 4, 4) == m.params()[74]);
    Sequential none = build_architecture("up2-pool2", 2);
    CHECK(first_conv_filters(none, "up2-pool2").size() <= 1);
    CHECK(channel_count(zeros({1, 5, 3, 3})) == 5);
    CHECK(channel_count(zeros({1, 12})) == 1);
}

TEST_CASE("conv-autoencoder lesson: the PyTorch training text") {
    Settings s;
    ConvAeOptions o;
    const std::string two = pytorch_training(s, o);
    CHECK(two.find("for m in (model, model2)") != std::string::npos);
    CHECK(two.find("lr=0.001") != std::string::npos);
    CHECK(two.find("augment") == std::string::npos);
    s.arch2.clear();
    s.augment = true;
    const std::string one = pytorch_training(s, o);
    CHECK(one.find("model2") == std::string::npos);
    CHECK(one.find("x = augment(x)") != std::string::npos);
}

TEST_CASE("conv-autoencoder lesson: train=1 trains both networks; status reports loss and PSNR") {
    platform::set_dataset_path(AELAB_TEST_DATASET);
    platform::clear_status();
    platform::set_params({{"lesson", "conv-autoencoder"}, {"train", "1"}, {"steps", "100"}, {"open", "7"},
                          {"arch", kSmall}, {"arch2", "conv4s2p1-bn-relu-drop0.1-up2-conv1p1-sigmoid"},
                          {"aug", "1"}, {"layer", "1"}, {"ch", "2"}});
    test::HeadlessImGui gui;
    auto lesson = lessons::find_lesson("conv-autoencoder")->make();
    auto step = [] {
        auto it = platform::status().find("step");
        return it == platform::status().end() ? 0 : std::stoi(it->second);
    };
    for (int i = 0; i < 2000 && step() < 100; ++i) gui.frame([&] { lesson->draw(); });
    CHECK(step() == 100);
    REQUIRE(platform::status().count("loss"));
    CHECK(std::stof(platform::status().at("loss")) < std::stof(platform::status().at("first_loss")));
    CHECK(platform::status().count("psnr_db"));
    CHECK(platform::status().count("psnr_db_2"));
    CHECK(platform::status().at("arch_ok") == "1");
    gui.frame([&] { lesson->draw(); });
    CHECK(platform::param("train") == "0");
    platform::set_params({});
}

TEST_CASE("conv-autoencoder lesson: draws every section headless, bad specs and URLs included") {
    platform::set_dataset_path(AELAB_TEST_DATASET);
    test::HeadlessImGui gui;
    for (const char* arch : {"pool-unpool", "conv4-lin8", "conv4q2", "", "conv2-pool2-conv2-unpool1-conv1p1-sigmoid",
                             "flat-lin8-relu-lin784-sigmoid-unflat1x28x28"}) {
        CAPTURE(arch);
        platform::set_params({{"open", "7"}, {"arch", arch}, {"img", "99999"}, {"layer", "200"}, {"ch", "900"},
                              {"train", "1"}, {"steps", "20"}});
        auto lesson = lessons::find_lesson("conv-autoencoder")->make();
        for (int i = 0; i < 4; ++i) CHECK_NOTHROW(gui.frame([&] { lesson->draw(); }));
    }
    platform::set_params({});
}
