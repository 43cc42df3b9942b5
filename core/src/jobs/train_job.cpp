// aelab core: JobSpec, the view-state helpers, JobSnapshot's byte format and JobRunner.
#include "aelab/train_job.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

#include "aelab/error.hpp"
#include "aelab/model.hpp"

namespace aelab {

//-----------------------------------------------------------------------------
// [SECTION] JobSpec
//-----------------------------------------------------------------------------
namespace {

bool spec_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '+' || c == '-' || c == ',' || c == ':';
}

void check_word(const std::string& w, const char* what, const std::string& text) {
    if (w.empty() || w.size() > 1024 || !std::all_of(w.begin(), w.end(), spec_char))
        throw Error("job spec: bad " + std::string(what) + " \"" + printable(w) + "\" in \"" + printable(text) +
                    "\" (letters, digits and _.+-,: only)");
}

}  // namespace

std::string JobSpec::text() const {
    std::string s = kind;
    char sep = '?';
    for (const auto& [k, v] : values) {
        s += sep + k + '=' + v;
        sep = '&';
    }
    return s;
}

JobSpec JobSpec::parse(const std::string& text) {
    if (text.size() > 4096) throw Error("job spec: longer than 4096 characters (" + std::to_string(text.size()) + ")");
    JobSpec spec;
    const std::size_t q = text.find('?');
    spec.kind = text.substr(0, q);
    check_word(spec.kind, "kind", text);
    if (q == std::string::npos) return spec;
    std::size_t i = q + 1;
    while (i <= text.size()) {
        std::size_t amp = text.find('&', i);
        if (amp == std::string::npos) amp = text.size();
        const std::string pair = text.substr(i, amp - i);
        const std::size_t eq = pair.find('=');
        if (eq == std::string::npos) throw Error("job spec: \"" + printable(pair) + "\" is not key=value in \"" + printable(text) + "\"");
        const std::string key = pair.substr(0, eq), value = pair.substr(eq + 1);
        check_word(key, "key", text);
        if (!value.empty()) check_word(value, "value", text);
        spec.values[key] = value;
        if (spec.values.size() > 64) throw Error("job spec: more than 64 settings");
        i = amp + 1;
    }
    return spec;
}

JobSpec& JobSpec::set(const std::string& key, const std::string& value) {
    values[key] = value;
    return *this;
}
JobSpec& JobSpec::set(const std::string& key, int value) { return set(key, std::to_string(value)); }
JobSpec& JobSpec::set(const std::string& key, std::uint64_t value) { return set(key, std::to_string(value)); }
JobSpec& JobSpec::set(const std::string& key, bool value) { return set(key, std::string(value ? "1" : "0")); }
JobSpec& JobSpec::set(const std::string& key, float value) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", double(value));  // 9 digits: a float reads back exactly
    return set(key, std::string(buf));
}
JobSpec& JobSpec::set_ints(const std::string& key, const std::vector<int>& v) {
    std::string s;
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
    return set(key, s);
}

namespace {
[[noreturn]] void bad_value(const JobSpec& s, const std::string& key, const std::string& v, const std::string& want) {
    throw Error("job " + s.kind + ": " + key + "=" + printable(v) + " is not " + want);
}
}  // namespace

std::string JobSpec::get(const std::string& key, const std::string& fallback) const {
    const auto it = values.find(key);
    return it == values.end() ? fallback : it->second;
}

int JobSpec::get_int(const std::string& key, int fallback, int lo, int hi) const {
    const auto it = values.find(key);
    if (it == values.end()) return fallback;
    const std::string& v = it->second;
    char* end = nullptr;
    const long long x = v.empty() ? 0 : std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || x < lo || x > hi)
        bad_value(*this, key, v, "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    return int(x);
}

std::uint64_t JobSpec::get_u64(const std::string& key, std::uint64_t fallback) const {
    const auto it = values.find(key);
    if (it == values.end()) return fallback;
    const std::string& v = it->second;
    char* end = nullptr;
    const unsigned long long x = v.empty() || v[0] == '-' ? 0 : std::strtoull(v.c_str(), &end, 10);
    if (v.empty() || v[0] == '-' || *end != '\0') bad_value(*this, key, v, "a non-negative integer");
    return x;
}

float JobSpec::get_float(const std::string& key, float fallback, float lo, float hi) const {
    const auto it = values.find(key);
    if (it == values.end()) return fallback;
    const std::string& v = it->second;
    char* end = nullptr;
    const float x = v.empty() ? 0.0f : std::strtof(v.c_str(), &end);
    if (v.empty() || *end != '\0' || !std::isfinite(x) || x < lo || x > hi) {
        char want[96];
        std::snprintf(want, sizeof want, "a number in [%g, %g]", double(lo), double(hi));
        bad_value(*this, key, v, want);
    }
    return x;
}

bool JobSpec::get_bool(const std::string& key, bool fallback) const {
    return get_int(key, fallback ? 1 : 0, 0, 1) == 1;
}

std::vector<int> JobSpec::get_ints(const std::string& key, const std::vector<int>& fallback, int lo, int hi,
                                   std::size_t max_count) const {
    const auto it = values.find(key);
    if (it == values.end()) return fallback;
    std::vector<int> out;
    const std::string& v = it->second;
    std::size_t i = 0;
    while (i <= v.size()) {
        std::size_t comma = v.find(',', i);
        if (comma == std::string::npos) comma = v.size();
        const std::string item = v.substr(i, comma - i);
        char* end = nullptr;
        const long long x = item.empty() ? 0 : std::strtoll(item.c_str(), &end, 10);
        if (item.empty() || *end != '\0' || x < lo || x > hi || out.size() >= max_count)
            bad_value(*this, key, v,
                      "a list of at most " + std::to_string(max_count) + " integers in [" + std::to_string(lo) + ", " +
                          std::to_string(hi) + "]");
        out.push_back(int(x));
        i = comma + 1;
    }
    return out;
}

//-----------------------------------------------------------------------------
// [SECTION] TrainJob's default mid-run change: none
//-----------------------------------------------------------------------------

void TrainJob::adjust(const JobSpec& change) {
    if (change.values.empty()) return;
    std::string keys;
    for (const auto& kv : change.values) keys += (keys.empty() ? "" : ", ") + kv.first;
    throw Error("job " + (change.kind.empty() ? std::string("?") : change.kind) + ": cannot change " + keys +
                " during a run");
}

//-----------------------------------------------------------------------------
// [SECTION] View state
//-----------------------------------------------------------------------------

void ViewWriter::model(const Sequential& m) {
    values(m.params(), m.param_count());
    values(m.buffers(), m.buffer_count());
}

void ViewReader::values(float* p, std::size_t n) {
    if (n > in.size() || pos > in.size() - n)
        throw Error(std::string("job ") + job + ": the view state holds " + std::to_string(in.size()) +
                    " values, fewer than this job's model needs (" + std::to_string(pos + n) + " so far)");
    std::copy(in.begin() + std::ptrdiff_t(pos), in.begin() + std::ptrdiff_t(pos + n), p);
    pos += n;
}

void ViewReader::model(Sequential& m) {
    values(m.params(), m.param_count());
    values(m.buffers(), m.buffer_count());
}

float ViewReader::number() {
    float v = 0;
    values(&v, 1);
    return v;
}

void ViewReader::done() const {
    if (pos != in.size())
        throw Error(std::string("job ") + job + ": the view state holds " + std::to_string(in.size()) +
                    " values, this job's model " + std::to_string(pos));
}

void LossDigest::add(const std::vector<float>& losses) {
    for (float l : losses) {
        std::uint32_t u;
        std::memcpy(&u, &l, 4);
        for (int k = 0; k < 4; ++k) {
            h_ ^= (u >> (8 * k)) & 0xffu;
            h_ *= 0x100000001b3ULL;
        }
    }
}

std::string LossDigest::hex() const {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h_));
    return buf;
}

std::string loss_digest(const std::vector<float>& losses) {
    LossDigest d;
    d.add(losses);
    return d.hex();
}

//-----------------------------------------------------------------------------
// [SECTION] Snapshot bytes: "AJS1", then little-endian fields (the web build and x86-64 are
// both little-endian; the byte order is fixed all the same).
//-----------------------------------------------------------------------------
namespace {

constexpr std::uint32_t kMaxSnapshotValues = 1u << 26;  // 256 MiB of floats: far above any lesson model
// On a little-endian machine (x86-64, WebAssembly) the float arrays are copied as they are.
constexpr bool kLittleEndian = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;

struct Out {
    std::vector<std::uint8_t> b;
    void u32(std::uint32_t v) {
        for (int i = 0; i < 4; ++i) b.push_back(std::uint8_t(v >> (8 * i)));
    }
    void f64(double v) {
        std::uint64_t u;
        std::memcpy(&u, &v, 8);
        for (int i = 0; i < 8; ++i) b.push_back(std::uint8_t(u >> (8 * i)));
    }
    void floats(const std::vector<float>& v) {
        u32(std::uint32_t(v.size()));
        const std::size_t at = b.size();
        b.resize(at + 4 * v.size());
        if (kLittleEndian) {
            if (!v.empty()) std::memcpy(b.data() + at, v.data(), 4 * v.size());
            return;
        }
        for (std::size_t i = 0; i < v.size(); ++i) {
            std::uint32_t u;
            std::memcpy(&u, &v[i], 4);
            for (int k = 0; k < 4; ++k) b[at + 4 * i + std::size_t(k)] = std::uint8_t(u >> (8 * k));
        }
    }
};

struct In {
    const std::uint8_t* p;
    std::size_t n, i = 0;
    void need(std::size_t k) const {
        if (k > n - i) throw Error("training snapshot: truncated (" + std::to_string(n) + " bytes)");
    }
    std::uint32_t u32() {
        need(4);
        std::uint32_t v = 0;
        for (int k = 0; k < 4; ++k) v |= std::uint32_t(p[i++]) << (8 * k);
        return v;
    }
    double f64() {
        need(8);
        std::uint64_t u = 0;
        for (int k = 0; k < 8; ++k) u |= std::uint64_t(p[i++]) << (8 * k);
        double v;
        std::memcpy(&v, &u, 8);
        return v;
    }
    std::vector<float> floats() {
        const std::uint32_t count = u32();
        if (count > kMaxSnapshotValues) throw Error("training snapshot: " + std::to_string(count) + " values is too many");
        need(std::size_t(count) * 4);
        std::vector<float> v(count);
        if (kLittleEndian) {
            if (count) std::memcpy(v.data(), p + i, std::size_t(count) * 4);
            i += std::size_t(count) * 4;
            return v;
        }
        for (std::uint32_t k = 0; k < count; ++k) {
            std::uint32_t u = 0;
            for (int b = 0; b < 4; ++b) u |= std::uint32_t(p[i++]) << (8 * b);
            std::memcpy(&v[k], &u, 4);
        }
        return v;
    }
};

}  // namespace

std::vector<std::uint8_t> JobSnapshot::encode() const {
    Out o;
    o.b.reserve(64 + 4 * (losses.size() + curves.size() + view.size()) + message.size());
    for (char c : {'A', 'J', 'S', '1'}) o.b.push_back(std::uint8_t(c));
    o.u32(generation);
    o.u32(std::uint32_t(state));
    o.u32(std::uint32_t(step));
    o.u32(std::uint32_t(curve_count));
    o.f64(steps_per_second);
    o.u32(std::uint32_t(message.size()));
    o.b.insert(o.b.end(), message.begin(), message.end());
    o.floats(losses);
    o.floats(curves);
    o.u32(std::uint32_t(evals.size()));
    for (const JobEval& e : evals) {
        o.u32(std::uint32_t(e.step));
        o.floats(e.figures);
    }
    o.u32(has_view ? 1 : 0);
    o.floats(view);
    return o.b;
}

JobSnapshot JobSnapshot::decode(const std::uint8_t* bytes, std::size_t size) {
    In in{bytes, size};
    in.need(4);
    if (std::memcmp(bytes, "AJS1", 4) != 0) throw Error("training snapshot: not a snapshot (no AJS1 header)");
    in.i = 4;
    JobSnapshot s;
    s.generation = in.u32();
    const std::uint32_t state = in.u32();
    if (state > std::uint32_t(JobState::finished)) throw Error("training snapshot: bad state " + std::to_string(state));
    s.state = JobState(state);
    const std::uint32_t step = in.u32(), curves = in.u32();
    if (step > std::uint32_t(std::numeric_limits<int>::max()) || curves > 64)
        throw Error("training snapshot: bad step or curve count");
    s.step = int(step);
    s.curve_count = int(curves);
    s.steps_per_second = in.f64();
    const std::uint32_t len = in.u32();
    in.need(len);
    s.message.assign(reinterpret_cast<const char*>(bytes + in.i), len);
    in.i += len;
    s.losses = in.floats();
    s.curves = in.floats();
    if (s.curves.size() != s.losses.size() * std::size_t(s.curve_count))
        throw Error("training snapshot: " + std::to_string(s.curves.size()) + " curve values for " +
                    std::to_string(s.losses.size()) + " steps of " + std::to_string(s.curve_count) + " curves");
    const std::uint32_t evals = in.u32();
    if (evals > 1u << 20) throw Error("training snapshot: too many evaluations");
    for (std::uint32_t k = 0; k < evals; ++k) {
        JobEval e;
        e.step = int(in.u32());
        e.figures = in.floats();
        s.evals.push_back(std::move(e));
    }
    s.has_view = in.u32() != 0;
    s.view = in.floats();
    if (in.i != size) throw Error("training snapshot: " + std::to_string(size - in.i) + " bytes after the end");
    return s;
}

void JobSnapshot::merge(JobSnapshot&& later) {
    if (later.generation != generation) {
        *this = std::move(later);
        return;
    }
    losses.insert(losses.end(), later.losses.begin(), later.losses.end());
    curves.insert(curves.end(), later.curves.begin(), later.curves.end());
    for (JobEval& e : later.evals) evals.push_back(std::move(e));
    state = later.state;
    step = later.step;
    curve_count = later.curve_count;
    steps_per_second = later.steps_per_second;
    message = std::move(later.message);
    if (later.has_view) {
        has_view = true;
        view = std::move(later.view);
    }
}

//-----------------------------------------------------------------------------
// [SECTION] JobRunner
//-----------------------------------------------------------------------------

void JobRunner::configure(const Plan& plan) {
    job_.reset();
    configure(plan, make_job(JobSpec::parse(plan.spec), data_));
}

void JobRunner::configure(const Plan& plan, std::unique_ptr<TrainJob> job) {
    job_.reset();
    plan_ = plan;
    state_ = JobState::idle;
    step_ = 0;
    last_eval_step_ = -1;
    best_loss_ = 0;
    accepted_ = 0;
    pause_at_ = -1;
    view_due_ = false;
    steps_per_second_ = 0;
    message_.clear();
    pending_ = JobSnapshot{};
    if (!job) throw Error("training: no job to run");
    job_ = std::move(job);
    curve_buf_.assign(std::size_t(job_->curve_count()), 0.0f);
    if (plan.eval_at_start) evaluate();
    else last_eval_step_ = 0;
}

void JobRunner::start() {
    if (job_ && (state_ == JobState::idle || state_ == JobState::paused)) state_ = JobState::running;
    if (job_ && plan_.max_steps > 0 && step_ >= plan_.max_steps && state_ == JobState::running) state_ = JobState::finished;
}

void JobRunner::pause() {
    if (state_ == JobState::running) state_ = JobState::paused;
}

void JobRunner::set_max_steps(int n) { plan_.max_steps = n; }

void JobRunner::adjust(const JobSpec& change) {
    if (!job_) return;
    JobSpec c = change;
    if (c.kind.empty()) c.kind = plan_.spec.substr(0, plan_.spec.find('?'));
    try {
        job_->adjust(c);
    } catch (const std::exception& e) {
        if (state_ != JobState::diverged) {
            state_ = JobState::diverged;
            message_ = std::string("Training stopped: ") + e.what();
        }
        pause_at_ = -1;
    }
    view_due_ = true;
}

void JobRunner::pause_at(int step) {
    pause_at_ = step < 0 ? -1 : step;
    if (pause_at_ < 0) return;
    if (state_ == JobState::running && step_ >= pause_at_) {
        state_ = JobState::paused;
        pause_at_ = -1;
    }
}

bool JobRunner::diverged_at(float loss) const {
    if (!std::isfinite(loss)) return true;
    return accepted_ >= 5 && best_loss_ > 0 && loss > plan_.explode_factor * best_loss_;
}

void JobRunner::evaluate() {
    if (!job_ || !job_->evaluates() || last_eval_step_ == step_) return;
    last_eval_step_ = step_;
    pending_.evals.push_back({step_, job_->evaluate()});
}

int JobRunner::run(double budget_ms, int max_steps_per_call) {
    if (state_ != JobState::running || !job_) return 0;
    using clock = std::chrono::steady_clock;
    const auto t0 = clock::now();
    int taken = 0;
    double elapsed_ms = 0;
    while (plan_.max_steps <= 0 || step_ < plan_.max_steps) {
        if (pause_at_ >= 0 && step_ >= pause_at_) {  // a target reached (or passed) while paused
            state_ = JobState::paused;
            pause_at_ = -1;
            break;
        }
        float loss;
        try {
            loss = job_->step(curve_buf_.data());
        } catch (const std::exception& e) {
            state_ = JobState::diverged;
            message_ = std::string("Training stopped: ") + e.what();
            break;
        }
        ++taken;
        if (diverged_at(loss)) {
            char num[32];
            std::snprintf(num, sizeof num, "%.4g", double(loss));
            char buf[240];
            std::snprintf(buf, sizeof buf,
                          "Training diverged at step %d: the loss became %s (best so far %.4g). The learning rate "
                          "is probably too high. Lower it and press Reset.",
                          step_ + 1, std::isnan(loss) ? "NaN" : std::isinf(loss) ? "infinite" : num, double(best_loss_));
            message_ = buf;
            state_ = JobState::diverged;
            break;
        }
        pending_.losses.push_back(loss);
        pending_.curves.insert(pending_.curves.end(), curve_buf_.begin(), curve_buf_.end());
        best_loss_ = accepted_ == 0 ? loss : std::min(best_loss_, loss);
        ++accepted_;
        ++step_;
        if (plan_.eval_every > 0 && step_ % plan_.eval_every == 0) evaluate();
        elapsed_ms = std::chrono::duration<double, std::milli>(clock::now() - t0).count();
        const bool at_end = plan_.max_steps > 0 && step_ >= plan_.max_steps;  // the end wins over a pause there
        if (pause_at_ >= 0 && step_ >= pause_at_ && !at_end) {
            state_ = JobState::paused;
            pause_at_ = -1;
            break;
        }
        if (elapsed_ms + elapsed_ms / taken > budget_ms || taken == max_steps_per_call) break;
    }
    if (taken > 0 && elapsed_ms > 0) {
        const double rate = taken / (elapsed_ms / 1000.0);
        steps_per_second_ = steps_per_second_ == 0 ? rate : 0.9 * steps_per_second_ + 0.1 * rate;
    }
    if (state_ == JobState::running && plan_.max_steps > 0 && step_ >= plan_.max_steps) {
        state_ = JobState::finished;
        pause_at_ = -1;
        evaluate();
    }
    return taken;
}

JobSnapshot JobRunner::take(bool with_view) {
    JobSnapshot s = std::move(pending_);
    pending_ = JobSnapshot{};
    s.generation = plan_.generation;
    s.state = state_;
    s.step = step_;
    s.curve_count = job_ ? job_->curve_count() : 0;
    s.steps_per_second = steps_per_second_;
    s.message = message_;
    if (job_ && (with_view || view_due_ || !s.evals.empty() || state_ == JobState::finished || state_ == JobState::diverged)) {
        s.has_view = true;
        job_->save_view(s.view);
        view_due_ = false;
    }
    return s;
}

}  // namespace aelab
