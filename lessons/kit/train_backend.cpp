#include "train_backend.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "aelab/error.hpp"
#include "platform.hpp"

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#endif
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace aelab::lessons {

namespace {
TrainerKind g_default = TrainerKind::inline_page;
std::atomic<int> g_live{0};

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }
}  // namespace

const char* trainer_name(TrainerKind k) {
    switch (k) {
        case TrainerKind::worker: return "a Web Worker";
        case TrainerKind::thread: return "a second thread";
        case TrainerKind::inline_page: break;
    }
    return "this page's thread";
}

void set_default_trainer(TrainerKind k) { g_default = k; }
TrainerKind default_trainer() { return g_default; }
int live_trainers() { return g_live.load(); }

//-----------------------------------------------------------------------------
// [SECTION] Inline: the runner on the page's thread, a time budget per frame
//-----------------------------------------------------------------------------
namespace {

class InlineBackend : public TrainBackend {
public:
    explicit InlineBackend(const Dataset* data) : runner_(data) {}
    TrainerKind kind() const override { return TrainerKind::inline_page; }
    void configure(const JobRunner::Plan& plan) override {
        runner_.configure(plan);
        changed_ = true;
    }
    void start() override { runner_.start(), changed_ = true; }
    void pause() override { runner_.pause(), changed_ = true; }
    void set_max_steps(int n) override { runner_.set_max_steps(n); }
    void adjust(const JobSpec& change) override { runner_.adjust(change), changed_ = true; }
    void pause_at(int step) override { runner_.pause_at(step), changed_ = true; }
    bool poll(double budget_ms, int max_steps_per_frame, JobSnapshot& out) override {
        if (!runner_.has_job()) return false;
        const JobState before = runner_.state();
        const int taken = runner_.run(budget_ms, max_steps_per_frame);
        if (taken == 0 && !changed_ && runner_.state() == before) return false;
        changed_ = false;
        const bool view = !runner_.running() || ms_since(last_view_) >= kViewIntervalMs;
        out = runner_.take(view);
        if (out.has_view) last_view_ = Clock::now();
        return true;
    }

private:
    JobRunner runner_;
    bool changed_ = false;
    Clock::time_point last_view_ = Clock::now();
};

//-----------------------------------------------------------------------------
// [SECTION] Thread: the runner on a std::thread; commands in, one merged snapshot out
// (native builds; the web build has no threads and uses the worker)
//-----------------------------------------------------------------------------
#ifndef __EMSCRIPTEN__

class ThreadBackend : public TrainBackend {
public:
    explicit ThreadBackend(const Dataset* data) : runner_(data) {
        ++g_live;
        thread_ = std::thread([this] { loop(); });
    }
    ~ThreadBackend() override {
        {
            std::lock_guard<std::mutex> lock(m_);
            quit_ = true;
        }
        cv_.notify_one();
        thread_.join();
        --g_live;
    }
    TrainerKind kind() const override { return TrainerKind::thread; }
    void configure(const JobRunner::Plan& plan) override {
        generation_ = plan.generation;
        Command c(Command::configure);
        c.plan = plan;
        post(std::move(c));
    }
    void start() override { post(Command(Command::start)); }
    void pause() override { post(Command(Command::pause)); }
    void set_max_steps(int n) override {
        Command c(Command::max_steps);
        c.n = n;
        post(std::move(c));
    }
    void adjust(const JobSpec& change) override {
        Command c(Command::adjust);
        c.change = change;
        c.generation = generation_;
        post(std::move(c));
    }
    void pause_at(int step) override {
        Command c(Command::pause_at);
        c.n = step;
        c.generation = generation_;
        post(std::move(c));
    }
    bool poll(double, int, JobSnapshot& out) override {
        std::lock_guard<std::mutex> lock(m_);
        if (!has_mail_) return false;
        out = std::move(mail_);
        mail_ = JobSnapshot{};
        has_mail_ = false;
        return true;
    }

private:
    struct Command {
        enum Kind { configure, start, pause, max_steps, adjust, pause_at } kind;
        explicit Command(Kind k) : kind(k) {}
        JobRunner::Plan plan;
        int n = 0;
        JobSpec change;
        std::uint32_t generation = 0;  // adjust and pause_at: the page's generation when sent
    };
    void post(Command c) {
        {
            std::lock_guard<std::mutex> lock(m_);
            commands_.push_back(std::move(c));
        }
        cv_.notify_one();
    }
    void deliver(bool view) {
        JobSnapshot s = runner_.take(view);
        if (s.has_view) last_view_ = Clock::now();
        std::lock_guard<std::mutex> lock(m_);
        if (has_mail_) mail_.merge(std::move(s));
        else mail_ = std::move(s), has_mail_ = true;
    }
    void loop() {
#ifdef __linux__
        // Below the app's own threads (nice 10): a frame that needs a core gets it at once and the
        // training takes the rest, so the window stays smooth while a run trains (with software
        // GL, llvmpipe draws on the same cores). Failing (no permission) changes nothing.
        setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);
#endif
        for (;;) {
            std::deque<Command> todo;
            {
                std::unique_lock<std::mutex> lock(m_);
                cv_.wait(lock, [this] { return quit_ || !commands_.empty() || runner_.running(); });
                if (quit_) return;
                todo.swap(commands_);
            }
            for (Command& c : todo) {
                switch (c.kind) {
                    case Command::configure:
                        try {
                            runner_.configure(c.plan);
                        } catch (const std::exception& e) {
                            // The page built the same spec before sending it, so this is unexpected;
                            // the page shows it as a stopped run.
                            JobSnapshot s;
                            s.generation = c.plan.generation;
                            s.state = JobState::diverged;
                            s.message = std::string("Training stopped: ") + e.what();
                            std::lock_guard<std::mutex> lock(m_);
                            mail_ = std::move(s), has_mail_ = true;
                            continue;
                        }
                        break;
                    case Command::start: runner_.start(); break;
                    case Command::pause: runner_.pause(); break;
                    case Command::max_steps: runner_.set_max_steps(c.n); break;
                    case Command::adjust:
                        if (runner_.generation() == c.generation) runner_.adjust(c.change);
                        break;
                    case Command::pause_at:
                        if (runner_.generation() == c.generation) runner_.pause_at(c.n);
                        break;
                }
                if (runner_.has_job()) deliver(!runner_.running());
            }
            if (runner_.running()) {
                runner_.run(20.0);
                deliver(!runner_.running() || ms_since(last_view_) >= kViewIntervalMs);
            }
        }
    }

    JobRunner runner_;  // the thread's alone
    std::uint32_t generation_ = 0;  // the page's side: the last configure()'s
    std::mutex m_;
    std::condition_variable cv_;
    std::deque<Command> commands_;
    JobSnapshot mail_;
    bool has_mail_ = false, quit_ = false;
    Clock::time_point last_view_ = Clock::now();
    std::thread thread_;
};
#endif

//-----------------------------------------------------------------------------
// [SECTION] Worker: aelab-train-worker.js runs aelab-train.wasm (web/train_worker.cpp). The
// page side keeps each worker's messages in a queue; the worker sends its next snapshot only
// after the page took the last one (an ack), so at most one is on its way and a hidden tab
// (no frames) makes the worker hold its steps, not pile up views.
//-----------------------------------------------------------------------------
#ifdef __EMSCRIPTEN__

EM_JS(int, aelab_js_worker_create, (const char* data_url), {
    const all = Module.aelabWorkers || (Module.aelabWorkers = {next : 1, live : {}});
    const id = all.next++;
    const entry = {queue : [], failure : ""};
    try {
        if (typeof Worker === "undefined") throw new Error("this browser has no Web Workers");
        const base = (typeof document !== "undefined" && document.baseURI) || self.location.href;
        const w = new Worker(new URL("aelab-train-worker.js", base).href);
        entry.worker = w;
        w.onmessage = function(e) {
            const m = e.data;
            if (m && m.type === "error") entry.failure = entry.failure || String(m.message);
            else if (m && m.type === "snapshot") entry.queue.push(m.bytes);
            Module.aelabWake = 1;  // news for the page: the host draws a frame soon
        };
        w.onerror = function(e) {
            e.preventDefault();
            entry.failure = entry.failure || ("the training worker could not start (" + (e.message || "aelab-train-worker.js missing or failed") + ")");
            Module.aelabWake = 1;
        };
        w.postMessage({cmd : "init", dataUrl : new URL(UTF8ToString(data_url), base).href});
    } catch (err) {
        entry.failure = "the training worker could not start (" + err.message + ")";
    }
    all.live[id] = entry;
    return id;
});

EM_JS(void, aelab_js_worker_post, (int id, const char* cmd, int generation, const char* spec, int max_steps, int eval_every, int eval_at_start, float explode_factor), {
    const entry = Module.aelabWorkers && Module.aelabWorkers.live[id];
    if (!entry || !entry.worker) return;
    entry.worker.postMessage({cmd : UTF8ToString(cmd), generation : generation, spec : UTF8ToString(spec),
                              maxSteps : max_steps, evalEvery : eval_every, evalAtStart : eval_at_start, explodeFactor : explode_factor});
});

// The oldest waiting snapshot copied into a malloc'd buffer (*out; the caller frees it);
// returns its size, or 0 when none waits. Taking one acks it.
EM_JS(int, aelab_js_worker_take, (int id, std::uint8_t** out), {
    const entry = Module.aelabWorkers && Module.aelabWorkers.live[id];
    if (!entry || !entry.queue.length) return 0;
    const bytes = new Uint8Array(entry.queue.shift());
    const p = _malloc(Math.max(1, bytes.length));
    HEAPU8.set(bytes, p);
    HEAPU32[out >> 2] = p;
    entry.worker.postMessage({cmd : "ack"});
    return bytes.length;
});

EM_JS(char*, aelab_js_worker_failure, (int id), {
    const entry = Module.aelabWorkers && Module.aelabWorkers.live[id];
    const text = entry ? entry.failure : "";
    if (!text) return 0;
    const n = lengthBytesUTF8(text) + 1;
    const p = _malloc(n);
    stringToUTF8(text, p, n);
    return p;
});

EM_JS(void, aelab_js_worker_terminate, (int id), {
    const all = Module.aelabWorkers;
    const entry = all && all.live[id];
    if (!entry) return;
    if (entry.worker) entry.worker.terminate();
    delete all.live[id];
});

class WorkerBackend : public TrainBackend {
public:
    WorkerBackend() : id_(aelab_js_worker_create(platform::dataset_location().c_str())) { ++g_live; }
    ~WorkerBackend() override {
        aelab_js_worker_terminate(id_);
        --g_live;
    }
    TrainerKind kind() const override { return TrainerKind::worker; }
    void configure(const JobRunner::Plan& p) override {
        generation_ = p.generation;
        aelab_js_worker_post(id_, "configure", int(p.generation), p.spec.c_str(), p.max_steps, p.eval_every,
                             p.eval_at_start ? 1 : 0, p.explode_factor);
    }
    void start() override { aelab_js_worker_post(id_, "start", 0, "", 0, 0, 0, 0); }
    void pause() override { aelab_js_worker_post(id_, "pause", 0, "", 0, 0, 0, 0); }
    void set_max_steps(int n) override { aelab_js_worker_post(id_, "steps", 0, "", n, 0, 0, 0); }
    void adjust(const JobSpec& change) override {
        aelab_js_worker_post(id_, "adjust", int(generation_), change.text().c_str(), 0, 0, 0, 0);
    }
    void pause_at(int step) override { aelab_js_worker_post(id_, "pauseAt", int(generation_), "", step, 0, 0, 0); }
    bool poll(double, int, JobSnapshot& out) override {
        bool any = false;
        for (;;) {
            std::uint8_t* p = nullptr;
            const int n = aelab_js_worker_take(id_, &p);
            if (n <= 0) break;
            std::unique_ptr<std::uint8_t, void (*)(void*)> hold(p, std::free);
            JobSnapshot s;
            try {
                s = JobSnapshot::decode(p, std::size_t(n));
            } catch (const std::exception& e) {
                failure_ = std::string("the training worker sent a bad snapshot: ") + e.what();
                return any;
            }
            if (any) out.merge(std::move(s));
            else out = std::move(s), any = true;
        }
        return any;
    }
    std::string failure() const override {
        if (!failure_.empty()) return failure_;
        char* f = aelab_js_worker_failure(id_);
        if (!f) return {};
        std::string s = f;
        std::free(f);
        return s;
    }

private:
    int id_;
    std::uint32_t generation_ = 0;  // the last configure()'s
    std::string failure_;
};
#endif

}  // namespace

std::unique_ptr<TrainBackend> make_train_backend(TrainerKind kind, const Dataset* data) {
#ifdef __EMSCRIPTEN__
    if (kind == TrainerKind::worker) return std::make_unique<WorkerBackend>();
#endif
#ifndef __EMSCRIPTEN__
    if (kind == TrainerKind::thread) return std::make_unique<ThreadBackend>(data);
#endif
    return std::make_unique<InlineBackend>(data);
}

}  // namespace aelab::lessons
