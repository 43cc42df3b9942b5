#include "platform.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>

#include "aelab/gemm.hpp"

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#endif

#ifndef AELAB_BUILD_TYPE
#define AELAB_BUILD_TYPE "unknown"
#endif

namespace aelab::platform {

namespace {
std::map<std::string, std::string>& params_map() {
    static std::map<std::string, std::string> m;
    return m;
}
}  // namespace

#ifdef __EMSCRIPTEN__
// In a page: URL, downloads and data over HTTP. Under node (the wasm test suite, with
// NODERAWFS) there is no page: parameters stay in memory and files are files, as natively.
EM_JS(int, aelab_js_in_browser, (), { return typeof window !== "undefined" && typeof document !== "undefined"; });

EM_JS(void, aelab_js_replace_url_param, (const char* key, const char* value), {
    var url = new URL(window.location.href);
    url.searchParams.set(UTF8ToString(key), UTF8ToString(value));
    window.history.replaceState(null, "", url.toString());
});

EM_JS(void, aelab_js_replace_query, (const char* query), {
    var q = UTF8ToString(query);
    var url = new URL(window.location.href);
    url.search = q.length ? "?" + q : "";
    window.history.replaceState(null, "", url.toString());
});

EM_JS(void, aelab_js_download, (const char* name, const std::uint8_t* data, int size), {
    var bytes = HEAPU8.slice(data, data + size);
    var blob = new Blob([bytes], {type : "application/octet-stream"});
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = UTF8ToString(name);
    document.body.appendChild(a);
    a.click();
    setTimeout(function() { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
});
#endif

void set_params(const std::map<std::string, std::string>& params) { params_map() = params; }

namespace {
int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string url_decode(const std::string& s) {
    std::string r;
    r.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        const int hi = s[i] == '%' && i + 2 < s.size() ? hex_digit(s[i + 1]) : -1;
        const int lo = hi >= 0 ? hex_digit(s[i + 2]) : -1;
        if (s[i] == '+') {
            r += ' ';
        } else if (lo >= 0) {
            r += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            r += s[i];
        }
    }
    return r;
}
}  // namespace

std::map<std::string, std::string> parse_query(const std::string& query) {
    std::map<std::string, std::string> out;
    std::size_t pos = (!query.empty() && query[0] == '?') ? 1 : 0;
    while (pos < query.size()) {
        const std::size_t amp = std::min(query.find('&', pos), query.size());
        const std::string kv = query.substr(pos, amp - pos);
        const std::size_t eq = std::min(kv.find('='), kv.size());
        if (!kv.empty()) out[url_decode(kv.substr(0, eq))] = eq == kv.size() ? "" : url_decode(kv.substr(eq + 1));
        pos = amp + 1;
    }
    return out;
}

std::string param(const std::string& key, const std::string& fallback) {
    auto it = params_map().find(key);
    return it == params_map().end() ? fallback : it->second;
}

void set_param(const std::string& key, const std::string& value) {
    auto it = params_map().find(key);
    if (it != params_map().end() && it->second == value) return;  // lessons call this every frame
    params_map()[key] = value;
#ifdef __EMSCRIPTEN__
    if (aelab_js_in_browser()) aelab_js_replace_url_param(key.c_str(), value.c_str());
#endif
}

void keep_only_params(const std::vector<std::string>& keys) {
    std::map<std::string, std::string> kept;
    for (const auto& k : keys) {
        auto it = params_map().find(k);
        if (it != params_map().end()) kept[it->first] = it->second;
    }
    params_map() = kept;
#ifdef __EMSCRIPTEN__
    std::string query;
    for (const auto& kv : kept) query += (query.empty() ? "" : "&") + kv.first + "=" + kv.second;
    if (aelab_js_in_browser()) aelab_js_replace_query(query.c_str());
#endif
}

bool hidden(const std::string& part) {
    const std::string list = "," + param("hide") + ",";
    return list.find("," + part + ",") != std::string::npos;
}

int param_int(const std::string& key, int fallback, int lo, int hi) {
    const std::string v = param(key);
    if (v.empty()) return fallback;
    char* end = nullptr;
    long x = std::strtol(v.c_str(), &end, 10);
    if (*end || x < lo || x > hi) return fallback;  // a hand-edited link must not break the page
    return static_cast<int>(x);
}

float param_float(const std::string& key, float fallback, float lo, float hi) {
    const std::string v = param(key);
    if (v.empty()) return fallback;
    char* end = nullptr;
    float x = std::strtof(v.c_str(), &end);
    if (*end || !(x >= lo && x <= hi)) return fallback;
    return x;
}

void set_param(const std::string& key, int value) { set_param(key, std::to_string(value)); }

std::string floats_text(const std::vector<float>& values) {
    std::string s;
    for (std::size_t i = 0; i < values.size(); ++i) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g", values[i]);
        s += (i ? "," : "") + std::string(buf);
    }
    return s;
}

std::vector<float> parse_floats(const std::string& text, std::size_t count) {
    std::vector<float> v;
    std::size_t pos = 0;
    while (!text.empty()) {
        const std::size_t comma = text.find(',', pos);
        const std::string item = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        char* end = nullptr;
        const float x = std::strtof(item.c_str(), &end);
        if (item.empty() || *end || !std::isfinite(x) || std::fabs(x) > 1000.0f) return {};
        v.push_back(x);
        if (comma == std::string::npos) break;
        pos = comma + 1;
    }
    if (v.size() != count) return {};
    return v;
}

std::vector<float> param_floats(const std::string& key, std::size_t count) { return parse_floats(param(key), count); }

void set_param(const std::string& key, const std::vector<float>& values) { set_param(key, floats_text(values)); }

void set_param(const std::string& key, float value) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", value);
    set_param(key, std::string(buf));
}

std::string save_file(const std::string& name, const std::vector<std::uint8_t>& bytes) {
    if (name.empty() || name.find('/') != std::string::npos) throw Error("save_file: bad file name '" + name + "'");
#ifdef __EMSCRIPTEN__
    if (aelab_js_in_browser()) {
        aelab_js_download(name.c_str(), bytes.data(), static_cast<int>(bytes.size()));
        return "downloaded as " + name;
    }
#endif
    std::ofstream f(name, std::ios::binary);
    if (!f) throw Error(name + ": cannot write file");
    f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!f) throw Error(name + ": write failed");
    return "saved to " + name;
}

// --- Data files: fetched in a page, read from disk natively and under node -------------------
namespace {

std::map<std::string, FileAsset>& files() {
    static std::map<std::string, FileAsset> f;
    return f;
}

struct DatasetSlot {
    DatasetAsset asset;
    std::unique_ptr<Dataset> data;
    std::string path;
};
DatasetSlot& dataset_slot() {
    static DatasetSlot s;
    return s;
}

// Starts loading `path` into `f` (state loading), finishing now natively or when the fetch
// completes in a page.
void start_load(FileAsset& f, const std::string& path) {
    f = FileAsset{};
    f.path = path;
    f.state = AssetState::loading;
#ifdef __EMSCRIPTEN__
    if (aelab_js_in_browser()) {
        auto* key = new std::string(path);  // owned by the callbacks
        emscripten_async_wget_data(
            path.c_str(), key,
            [](void* arg, void* buffer, int size) {
                std::unique_ptr<std::string> k(static_cast<std::string*>(arg));
                for (auto& kv : files())
                    if (kv.second.path == *k && kv.second.state == AssetState::loading) {
                        auto* b = static_cast<const std::uint8_t*>(buffer);
                        kv.second.bytes.assign(b, b + size);
                        kv.second.state = AssetState::ready;
                    }
                request_frame();
            },
            [](void* arg) {
                std::unique_ptr<std::string> k(static_cast<std::string*>(arg));
                for (auto& kv : files())
                    if (kv.second.path == *k && kv.second.state == AssetState::loading) {
                        kv.second.error = *k + ": could not be fetched from the web server (missing file or network error)";
                        kv.second.state = AssetState::failed;
                    }
                request_frame();
            });
        return;
    }
#endif
    try {
        f.bytes = read_file(path);
        f.state = AssetState::ready;
    } catch (const std::exception& e) {
        f.error = e.what();
        f.state = AssetState::failed;
    }
}
}  // namespace

std::string dataset_location() {
    DatasetSlot& s = dataset_slot();
    if (s.path.empty()) {
        const char* dir = std::getenv("AELAB_DATA_DIR");
        s.path = dir ? std::string(dir) + "/fashion-mnist.aelab" : "data/fashion-mnist.aelab";
    }
    return s.path;
}

std::string data_dir() {
    const std::string p = dataset_location();
    const std::size_t slash = p.find_last_of('/');
    return slash == std::string::npos ? "." : p.substr(0, slash);
}

void set_dataset_path(const std::string& path) {
    dataset_slot().path = path;
    retry_dataset();
}

void retry_dataset() {
    DatasetSlot& s = dataset_slot();
    if (s.asset.state == AssetState::loading) return;
    s.asset = DatasetAsset{};
    s.data.reset();
    files().erase("\x01" "dataset");
}

AssetState fashion_mnist_state() { return dataset_slot().asset.state; }

const DatasetAsset& fashion_mnist() {
    DatasetSlot& s = dataset_slot();
    if (s.asset.state == AssetState::ready || s.asset.state == AssetState::failed) return s.asset;
    FileAsset& f = files()["\x01" "dataset"];  // a key no data file name can have
    if (f.state == AssetState::idle) start_load(f, dataset_location());
    s.asset.state = AssetState::loading;
    if (f.state == AssetState::failed) {
        s.asset.error = f.error;
        s.asset.state = AssetState::failed;
    } else if (f.state == AssetState::ready) {
        try {
            s.data = std::make_unique<Dataset>(parse_dataset(f.bytes.data(), f.bytes.size(), f.path));
            s.asset.dataset = s.data.get();
            s.asset.state = AssetState::ready;
        } catch (const std::exception& e) {
            s.asset.error = e.what();
            s.asset.state = AssetState::failed;
        }
        f.bytes = {};  // parsed: keep one copy only
    }
    return s.asset;
}

const FileAsset& data_file(const std::string& name) {
    FileAsset& f = files()[name];
    if (f.state == AssetState::idle) start_load(f, data_dir() + "/" + name);
    return f;
}

void retry_data_file(const std::string& name) {
    auto it = files().find(name);
    if (it != files().end() && it->second.state != AssetState::loading) files().erase(it);
}

namespace {
std::map<std::string, std::string>& status_map() {
    static std::map<std::string, std::string> m;
    return m;
}
}  // namespace

void set_status(const std::string& key, const std::string& value) { status_map()[key] = value; }
const std::map<std::string, std::string>& status() { return status_map(); }
void clear_status() { status_map().clear(); }

namespace {
bool g_frame_requested = false;
}
void request_frame() { g_frame_requested = true; }
bool take_frame_request() {
    const bool r = g_frame_requested;
    g_frame_requested = false;
    return r;
}

BuildInfo build_info() {
    BuildInfo b{};
    b.version = AELAB_VERSION;
    b.build_type = AELAB_BUILD_TYPE;
#ifdef __EMSCRIPTEN__
    b.target = "WebAssembly (Emscripten)";
#else
    b.target = "native";
#endif
    b.simd = instruction_set();  // the core's kernels decide, in one place
    return b;
}

}  // namespace aelab::platform
