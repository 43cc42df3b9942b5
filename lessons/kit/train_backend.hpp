// aelab lessons: where a LiveTraining's steps run (issue 16).
//   worker  in the browser: a Web Worker running aelab-train.wasm (the core and the training
//           jobs, no UI), with plain postMessage; no SharedArrayBuffer, so a page needs no
//           cross-origin-isolation headers and embeds anywhere
//   thread  natively: a std::thread
//   inline  on the page's own thread, a time budget per frame (the fallback: no workers, the
//           worker failed to start, or the page asked for it with worker=0)
// Each backend drives one aelab::JobRunner (aelab/train_job.hpp) and hands the page
// JobSnapshots: what happened since the last one, at most one waiting at a time (merged), with
// the view state at most every kViewIntervalMs while running. The same spec gives the same
// numbers on every backend.
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "aelab/train_job.hpp"

namespace aelab::lessons {

enum class TrainerKind { inline_page, thread, worker };
const char* trainer_name(TrainerKind k);  // "this page's thread", "a second thread", "a Web Worker"

// The kind new LiveTrainings use: the host sets it (the browser: worker, natively: thread;
// worker=0 in the URL or --worker 0: inline). Tests keep the default, inline.
void set_default_trainer(TrainerKind k);
TrainerKind default_trainer();
// Training threads and workers alive now (tests and the page's state count them).
int live_trainers();

constexpr double kViewIntervalMs = 100;

class TrainBackend {
public:
    virtual ~TrainBackend() = default;
    virtual TrainerKind kind() const = 0;
    // A new generation: the runner builds the spec's job (snapshots of older generations that
    // are still on their way are dropped by the page).
    virtual void configure(const JobRunner::Plan& plan) = 0;
    virtual void start() = 0;
    virtual void pause() = 0;
    virtual void set_max_steps(int n) = 0;
    // A mid-run change for the job (JobRunner::adjust) and "run until step S, then pause"
    // (JobRunner::pause_at), applied between steps in the order sent. Both belong to the
    // generation configured last when they were sent: a later configure() drops them (the
    // thread and the worker check the generation; the inline runner applies them at once).
    virtual void adjust(const JobSpec& change) = 0;
    virtual void pause_at(int step) = 0;
    // The snapshot waiting, if any (inline: runs this frame's steps first, within budget_ms and
    // max_steps_per_frame). Returns false when there is none.
    virtual bool poll(double budget_ms, int max_steps_per_frame, JobSnapshot& out) = 0;
    // Set when the backend cannot work (the worker did not start); the page falls back.
    virtual std::string failure() const { return {}; }
};

// A backend of that kind; `data` (may be null) must outlive it. A worker is asked to fetch
// the dataset from the page's data folder.
std::unique_ptr<TrainBackend> make_train_backend(TrainerKind kind, const Dataset* data);

}  // namespace aelab::lessons
