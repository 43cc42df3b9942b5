// aelab-train: the training worker's module (issue 16). The core and its training jobs compiled
// to WebAssembly with no UI, driven by aelab-train-worker.js inside a Web Worker through these
// functions. One JobRunner per worker; the dataset is parsed once (aelab_train_load) and every
// configure() of the page reuses it.
#include <emscripten.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "aelab/dataset.hpp"
#include "aelab/train_job.hpp"

namespace {

struct Worker {
    std::unique_ptr<aelab::Dataset> data;
    std::unique_ptr<aelab::JobRunner> runner;
    std::vector<std::uint8_t> taken;
    std::string error;
};
Worker& worker() {
    static Worker w;
    return w;
}

aelab::JobRunner& runner() {
    Worker& w = worker();
    if (!w.runner) w.runner = std::make_unique<aelab::JobRunner>(w.data.get());
    return *w.runner;
}

}  // namespace

extern "C" {

// The dataset's bytes (a fashion-mnist.aelab file); 0 on success, else 1 and the message in
// aelab_train_error(). Jobs that need no dataset run without it.
EMSCRIPTEN_KEEPALIVE int aelab_train_load(const std::uint8_t* bytes, int size) {
    Worker& w = worker();
    try {
        w.data = std::make_unique<aelab::Dataset>(aelab::parse_dataset(bytes, std::size_t(size), "fashion-mnist.aelab"));
        w.runner = std::make_unique<aelab::JobRunner>(w.data.get());
        return 0;
    } catch (const std::exception& e) {
        w.error = e.what();
        return 1;
    }
}

// A new generation: 0 on success, else 1 (the message in aelab_train_error()).
EMSCRIPTEN_KEEPALIVE int aelab_train_configure(int generation, const char* spec, int max_steps, int eval_every,
                                               int eval_at_start, float explode_factor) {
    try {
        runner().configure({std::uint32_t(generation), spec, max_steps, eval_every, eval_at_start != 0, explode_factor});
        return 0;
    } catch (const std::exception& e) {
        worker().error = e.what();
        return 1;
    }
}

EMSCRIPTEN_KEEPALIVE void aelab_train_start() { runner().start(); }
EMSCRIPTEN_KEEPALIVE void aelab_train_pause() { runner().pause(); }
EMSCRIPTEN_KEEPALIVE void aelab_train_set_max_steps(int n) { runner().set_max_steps(n); }

// A mid-run change (JobRunner::adjust) and "run until step, then pause" (JobRunner::pause_at),
// dropped when `generation` is not the runner's (sent before a configure that came first here).
// A change that does not apply stops the run with its message (the next snapshot carries it);
// text that is not a spec returns 1 with the message in aelab_train_error().
EMSCRIPTEN_KEEPALIVE int aelab_train_adjust(int generation, const char* spec) {
    aelab::JobRunner& r = runner();
    if (!r.has_job() || r.generation() != std::uint32_t(generation)) return 0;
    try {
        r.adjust(aelab::JobSpec::parse(spec));
        return 0;
    } catch (const std::exception& e) {
        worker().error = e.what();
        return 1;
    }
}
EMSCRIPTEN_KEEPALIVE void aelab_train_pause_at(int generation, int step) {
    aelab::JobRunner& r = runner();
    if (r.has_job() && r.generation() == std::uint32_t(generation)) r.pause_at(step);
}
EMSCRIPTEN_KEEPALIVE int aelab_train_running() { return runner().running() ? 1 : 0; }
EMSCRIPTEN_KEEPALIVE int aelab_train_has_job() { return runner().has_job() ? 1 : 0; }

// Runs steps for about budget_ms; returns the steps taken.
EMSCRIPTEN_KEEPALIVE int aelab_train_run(double budget_ms) { return runner().run(budget_ms); }

// What happened since the last take, encoded (JobSnapshot::encode); the bytes stay valid until
// the next call. Returns their address; the size is aelab_train_taken_size().
EMSCRIPTEN_KEEPALIVE const std::uint8_t* aelab_train_take(int with_view) {
    Worker& w = worker();
    w.taken = runner().take(with_view != 0).encode();
    return w.taken.data();
}
EMSCRIPTEN_KEEPALIVE int aelab_train_taken_size() { return int(worker().taken.size()); }

EMSCRIPTEN_KEEPALIVE const char* aelab_train_error() { return worker().error.c_str(); }

}  // extern "C"

int main() { return 0; }
