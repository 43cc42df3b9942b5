#include "training.hpp"

#include <map>

#include "a11y.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include <imgui.h>

#include "aelab/error.hpp"
#include "platform.hpp"
#include "widgets.hpp"

namespace aelab::lessons {

TrainingRun::TrainingRun(int max_steps, int batch_size, int epoch_size)
    : max_steps_(max_steps), batch_size_(std::max(1, batch_size)), epoch_size_(std::max(1, epoch_size)) {}

void TrainingRun::start() {
    if (state_ == State::idle || state_ == State::paused) state_ = State::running;
}

void TrainingRun::pause() {
    if (state_ == State::running) state_ = State::paused;
}

void TrainingRun::reset() {
    state_ = State::idle;
    step_ = 0;
    losses_.clear();
    message_.clear();
    examples_per_second_ = 0;
}

void TrainingRun::mirror(const std::vector<float>& new_losses, int step, double examples_per_second) {
    losses_.insert(losses_.end(), new_losses.begin(), new_losses.end());
    step_ = step;
    if (examples_per_second > 0) examples_per_second_ = examples_per_second;
}

void TrainingRun::stop(State s, const std::string& message) {
    state_ = s;
    message_ = message;
}

namespace {
// What a screen reader hears of a run (aria-live): it started, paused, finished or diverged,
// and the loss at every tenth of the run. Divergence is announced by the error panel.
void announce_progress(const TrainingRun& run) {
    struct Seen {
        TrainingRun::State state;
        int step;
    };
    static std::map<const TrainingRun*, Seen> seen;
    using S = TrainingRun::State;
    auto it = seen.find(&run);
    if (it == seen.end()) it = seen.emplace(&run, Seen{run.state(), run.step()}).first;
    Seen& was = it->second;
    const std::string loss = run.losses().empty() ? "" : ", loss " + ui::fmt_num(run.losses().back());
    if (run.state() != was.state) {
        if (run.state() == S::running) a11y::announce(was.state == S::paused ? "Training resumed" : "Training started");
        if (run.state() == S::paused) a11y::announce(ui::format("Training paused at step %d", run.step()) + loss);
        if (run.state() == S::finished) a11y::announce(ui::format("Training finished: %d steps", run.step()) + loss);
        if (run.state() == S::idle && was.state != S::idle) a11y::announce("Training reset");
    } else if (run.state() == S::running) {
        const int every = std::max(1, run.max_steps() / 10);
        if (run.step() / every != was.step / every) a11y::announce(ui::format("Step %d of %d", run.step(), run.max_steps()) + loss);
    }
    was = Seen{run.state(), run.step()};
}
}  // namespace

bool training_panel(const char* id, TrainingRun& run, TrainingControls& c) {
    ImGui::PushID(id);
    bool rebuild = false;
    using S = TrainingRun::State;
    const S s = run.state();
    // The text view names them "... training" (a course page presses them by these names).
    if (s == S::running) {
        a11y::next_item(a11y::Role::button, false, "Pause training");
        if (ImGui::Button("Pause")) run.pause();
    } else {
        const bool can_start = s == S::idle || s == S::paused;
        if (!can_start) ImGui::BeginDisabled();
        a11y::next_item(a11y::Role::button, false, s == S::paused ? "Resume training" : "Start training");
        if (ImGui::Button(s == S::paused ? "Resume" : "Train")) run.start();
        if (!can_start) ImGui::EndDisabled();
    }
    ImGui::SameLine();
    a11y::next_item(a11y::Role::button, false, "Reset training");
    if (ImGui::Button("Reset")) {
        run.reset();
        rebuild = true;
    }
    // On a phone the row wraps where it does not fit.
    ui::same_line_if_fits(ui::labeled_width(90, "seed"));
    const bool locked = s == S::running;
    if (locked) ImGui::BeginDisabled();
    ImGui::SetNextItemWidth(90);
    if (ImGui::InputInt("seed", &c.seed)) {
        c.seed = std::max(0, c.seed);
        run.reset();
        rebuild = true;
    }
    ui::same_line_if_fits(ui::labeled_width(160, "learning rate"));
    ImGui::SetNextItemWidth(160);
    if (ImGui::SliderFloat("learning rate", &c.learning_rate, c.lr_min, c.lr_max, "%.5f", ImGuiSliderFlags_Logarithmic)) {
        run.reset();
        rebuild = true;
    }
    if (locked) ImGui::EndDisabled();
    ui::help_marker("Changing the seed or the learning rate starts a new run (Reset). Pause first.");
    if (c.budget_applies) {
        ui::same_line_if_fits(ui::labeled_width(100, "ms/frame"));
        ImGui::SetNextItemWidth(100);
        ImGui::SliderFloat("ms/frame", &c.budget_ms, 1.0f, 14.0f, "%.0f ms");
        ui::help_marker("How much of each frame goes to training. More trains faster; the page stays responsive "
                        "as long as this leaves time to draw (a frame is 16.7 ms at 60 fps).");
    }

    const char* state_names[] = {"ready", "training", "paused", "diverged", "finished"};
    ImGui::Text("%s: step %d / %d, epoch %.2f, %.0f examples/s", state_names[static_cast<int>(s)], run.step(),
                run.max_steps(), run.epoch(), run.examples_per_second());
    if (!run.losses().empty()) {
        ImGui::SameLine();
        ImGui::Text(", loss %s", ui::fmt_num(run.losses().back()).c_str());
    }
    if (s == S::diverged) ui::error_panel("Training stopped", run.message());
    announce_progress(run);
    ImGui::PopID();
    return rebuild;
}

namespace {
// Every LiveTraining alive, for end_frame(); the page's thread only.
std::vector<LiveTraining*>& all_live() {
    static std::vector<LiveTraining*> v;
    return v;
}
long long g_frame = 0;
int g_max_parallel = 0;      // runs on threads or workers at once (0: no limit)
long long g_last_ticket = 0;  // the queue for a core: first come, first served
}  // namespace

void LiveTraining::set_max_parallel(int n) { g_max_parallel = std::max(0, n); }
int LiveTraining::max_parallel() { return g_max_parallel; }

LiveTraining::LiveTraining(int max_steps, int batch_size, int epoch_size, int eval_every)
    : run_(max_steps, batch_size, epoch_size), steps_(max_steps), eval_every_(eval_every) {
    all_live().push_back(this);
}

LiveTraining::~LiveTraining() {
    auto& v = all_live();
    v.erase(std::remove(v.begin(), v.end(), this), v.end());
    backend_.reset();  // joins the thread / terminates the worker
}

void LiveTraining::end_frame() {
    for (LiveTraining* t : all_live())
        if ((t->backend_ || t->waiting_) && t->run_.running() && t->advanced_frame_ != g_frame) {
            t->run_.pause();
            t->sync_backend();
        }
    ++g_frame;
}

void LiveTraining::set_job(JobHooks hooks) {
    job_hooks_ = std::move(hooks);
}

void LiveTraining::bind(kit::UrlState& url) {
    url.add("seed", controls_.seed, 0, 1 << 30);
    url.add("lr", controls_.learning_rate, controls_.lr_min, controls_.lr_max);
    url.custom(
        "train",
        [this](const std::string& t) {
            int v = 0;
            if (!kit::UrlState::parse_int(t, 0, 1, v)) return false;
            train_on_open_ = v == 1;
            return true;
        },
        [this] { return std::string(wants_training() ? "1" : "0"); });
}

void LiveTraining::bind(kit::UrlState& url, int min_steps, int max_steps) {
    bind(url);
    url.custom(
        "steps",
        [this, min_steps, max_steps](const std::string& t) {
            int v = 0;
            if (!kit::UrlState::parse_int(t, min_steps, max_steps, v)) return false;
            set_max_steps(v);
            return true;
        },
        [this] { return std::to_string(steps_); });
}

void LiveTraining::bind_prefixed(kit::UrlState& url, const std::string& prefix, int min_steps, int max_steps) {
    TrainingControls& c = controls_;
    url.custom((prefix + "seed").c_str(),
               [&c](const std::string& v) { return kit::UrlState::parse_int(v, 0, 1 << 30, c.seed); },
               [&c] { return std::to_string(c.seed); });
    url.custom((prefix + "lr").c_str(),
               [&c](const std::string& v) { return kit::UrlState::parse_float(v, c.lr_min, c.lr_max, c.learning_rate); },
               [&c] { return platform::floats_text({c.learning_rate}); });
    url.custom((prefix + "steps").c_str(),
               [this, min_steps, max_steps](const std::string& v) {
                   int n = 0;
                   if (!kit::UrlState::parse_int(v, min_steps, max_steps, n)) return false;
                   set_max_steps(n);
                   return true;
               },
               [this] { return std::to_string(steps_); });
}

void LiveTraining::set_max_steps(int steps) {
    steps_ = steps;
    run_.set_max_steps(steps);
    plan_.max_steps = steps;
    if (backend_) backend_->set_max_steps(steps);
}

void LiveTraining::rebuild() {
    if (!job_hooks_.spec) return;
    run_.reset();
    digest_ = LossDigest{};
    run_.set_max_steps(steps_);
    for (auto* c : curves_) c->clear();
    error_.clear();
    built_ = false;
    ++version_;
    ++generation_;
    sent_running_ = false;
    commands_.clear();
    sent_ = 0;
    pause_target_ = -1;
    trainer_state_ = JobState::idle;
    view_.reset();
    try {
        const JobSpec spec = job_hooks_.spec();
        view_ = make_job(spec, job_hooks_.data);
        run_.set_epoch_size(view_->epoch_size());
        plan_ = JobRunner::Plan{generation_, spec.text(), steps_, eval_every_, false, run_.explode_factor};
        if (job_hooks_.built) job_hooks_.built(*view_);
        if (view_->evaluates() && job_hooks_.evaluated) job_hooks_.evaluated(0, view_->evaluate());
    } catch (const std::exception& e) {
        error_ = e.what();
        view_.reset();
        return;
    }
    built_ = true;
    platform::set_status("loss_digest", digest_.hex());
    platform::set_status("loss_steps", "0");
    if (backend_) backend_->configure(plan_);
    if (train_on_open_) run_.start();
    train_on_open_ = false;
}

// Whether this run, asking to train elsewhere, may start now: fewer than max_parallel() others
// train on threads or workers, counting the runs that asked before it and still wait.
bool LiveTraining::slot_free() {
    if (g_max_parallel <= 0) return true;
    if (!waiting_) waiting_ = ++g_last_ticket;
    int taken = 0;
    for (const LiveTraining* t : all_live()) {
        if (t == this) continue;
        const bool elsewhere = t->sent_running_ && t->run_.running() && t->backend_ &&
                               t->backend_->kind() != TrainerKind::inline_page;
        const bool ahead = t->waiting_ && t->waiting_ < waiting_ && t->run_.running();
        taken += (elsewhere || ahead) ? 1 : 0;
    }
    return taken < g_max_parallel;
}

void LiveTraining::sync_backend() {
    if (!built_) return;
    if (!run_.running()) waiting_ = 0;
    const TrainerKind where = backend_ ? backend_->kind() : kind_;
    if (run_.running() && !sent_running_ && where != TrainerKind::inline_page && !slot_free()) return;  // its turn comes
    waiting_ = 0;
    if (run_.running() && !backend_) {
        backend_ = make_train_backend(kind_, job_hooks_.data);
        backend_->configure(plan_);
        sent_ = 0;
        sent_running_ = false;
    }
    if (!backend_) return;
    send_commands();
    if (run_.running() != sent_running_) {
        if (run_.running()) {
            trainer_state_ = JobState::running;
            backend_->start();
            // For scripts (tests/browser/train.test.mjs, fps.mjs): what trains, and where.
            static const char* const keys[] = {"inline", "thread", "worker"};
            platform::set_status("training_job", plan_.spec);
            platform::set_status("training_eval_every", std::to_string(plan_.eval_every));
            platform::set_status("trainer", keys[int(backend_->kind())]);
            platform::set_status("trainer_notice", notice_);
        }
        else backend_->pause();
        sent_running_ = run_.running();
    }
}

void LiveTraining::fall_back(const std::string& why) {
    notice_ = "Training runs on this page's own thread, more slowly: " + why + ".";
    const bool wanted = run_.running();
    backend_ = make_train_backend(TrainerKind::inline_page, job_hooks_.data);
    kind_ = TrainerKind::inline_page;
    if (run_.step() > 0) {
        rebuild();  // the failed trainer's steps are gone: start this generation again here
    } else {
        backend_->configure(plan_);
        sent_ = 0;  // this generation's changes again, on the new trainer
        sent_running_ = false;
    }
    if (wanted) run_.start();
    sync_backend();
}

void LiveTraining::send_commands() {
    for (; backend_ && sent_ < commands_.size(); ++sent_) {
        const Command& c = commands_[sent_];
        if (c.change.kind.empty()) backend_->pause_at(c.step);
        else backend_->adjust(c.change);
    }
    // Past step 0 a fallback trainer starts the run again from the spec (rebuild): the log
    // is needed no more.
    if (backend_ && run_.step() > 0) commands_.clear(), sent_ = 0;
}

void LiveTraining::adjust(const JobSpec& change) {
    if (!built_ || !view_) throw Error("training: no model to change");
    JobSpec c = change;
    c.kind = JobSpec::parse(plan_.spec).kind;
    view_->adjust(c);  // throws for what the job cannot change: nothing is sent then
    ++version_;
    commands_.push_back({c, 0});
    send_commands();
}

bool LiveTraining::run_until(int step) {
    if (!built_ || !settled() || step <= run_.step()) return false;
    using S = TrainingRun::State;
    if (run_.state() != S::idle && run_.state() != S::paused) return false;
    commands_.push_back({JobSpec{}, step});
    pause_target_ = step;
    run_.start();
    sync_backend();  // creates the trainer if this is the first step, sends the target, then start
    return true;
}

bool LiveTraining::settled() const {
    return built_ && !run_.running() && trainer_state_ != JobState::running && pause_target_ < 0;
}

void LiveTraining::apply(JobSnapshot& s) {
    if (s.generation != generation_ || !view_) return;  // made before the last reset: stale
    const std::size_t n = s.losses.size(), cc = std::size_t(std::max(0, s.curve_count));
    run_.mirror(s.losses, s.step, s.steps_per_second * run_.examples_per_step());
    for (std::size_t k = 0; k < n; ++k)
        for (std::size_t i = 0; i < cc && i < curves_.size(); ++i) curves_[i]->push_back(s.curves[k * cc + i]);
    if (s.has_view) {
        view_->load_view(s.view);
        ++version_;
    }
    if (job_hooks_.evaluated)
        for (const JobEval& e : s.evals) job_hooks_.evaluated(e.step, e.figures);
    digest_.add(s.losses);
    platform::set_status("loss_digest", digest_.hex());
    platform::set_status("loss_steps", std::to_string(run_.losses().size()));
    trainer_state_ = s.state;
    if (s.state == JobState::finished || s.state == JobState::diverged) {
        run_.stop(s.state == JobState::finished ? TrainingRun::State::finished : TrainingRun::State::diverged, s.message);
        sent_running_ = false;
        pause_target_ = -1;
    }
    if (pause_target_ >= 0 && s.step >= pause_target_) {  // the trainer reached run_until's step
        pause_target_ = -1;
        if (s.state == JobState::paused && run_.running()) {
            run_.pause();
            sent_running_ = false;
        }
    }
}

LiveTraining::Redraw LiveTraining::redraw_need() {
    Redraw need = Redraw::none;
    for (const LiveTraining* t : all_live()) {
        if (t->run_.running() && t->backend_ && t->backend_->kind() == TrainerKind::inline_page) return Redraw::every_frame;
        if (t->run_.running() || t->train_on_open_) need = Redraw::periodic;
    }
    return need;
}

int LiveTraining::advance() {
    advanced_frame_ = g_frame;
    if (!built_) return 0;
    sync_backend();
    if (!backend_) return 0;
    const std::string failure = backend_->failure();
    if (!failure.empty() && backend_->kind() != TrainerKind::inline_page) {
        fall_back(failure);
        if (!backend_) return 0;
    }
    const int before = run_.step();
    JobSnapshot s;
    if (backend_->poll(controls_.budget_ms, controls_.max_steps_per_frame, s)) {
        try {
            apply(s);
        } catch (const std::exception& e) {
            run_.stop(TrainingRun::State::diverged, std::string("Training stopped: ") + e.what());
            if (backend_) backend_->pause();
            sent_running_ = false;
        }
    }
    return run_.step() - before;
}

bool LiveTraining::panel(const char* id) {
    controls_.budget_applies = trainer() == TrainerKind::inline_page;
    const bool rebuild_asked = training_panel(id, run_, controls_);
    if (trainer() != TrainerKind::inline_page || !notice_.empty()) {
        ImGui::PushID(id);
        if (waiting() && run_.running())
            ImGui::TextWrapped("Waiting for a free core: on this machine %d run%s train%s beside the page at a time; this one "
                               "starts when one of them ends or is paused.",
                               g_max_parallel, g_max_parallel == 1 ? "" : "s", g_max_parallel == 1 ? "s" : "");
        else if (notice_.empty()) ImGui::TextDisabled("Training on %s; the page only draws.", trainer_name(trainer()));
        else ui::error_panel("No training worker", notice_);
        ImGui::PopID();
    }
    if (rebuild_asked) rebuild();
    if (!error_.empty()) ui::error_panel("Cannot build the model", error_);
    return rebuild_asked;
}

}  // namespace aelab::lessons
