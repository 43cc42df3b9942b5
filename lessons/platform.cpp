#include "platform.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>

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

std::string param(const std::string& key, const std::string& fallback) {
    auto it = params_map().find(key);
    return it == params_map().end() ? fallback : it->second;
}

void set_param(const std::string& key, const std::string& value) {
    auto it = params_map().find(key);
    if (it != params_map().end() && it->second == value) return;  // lessons call this every frame
    params_map()[key] = value;
#ifdef __EMSCRIPTEN__
    aelab_js_replace_url_param(key.c_str(), value.c_str());
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
    aelab_js_replace_query(query.c_str());
#endif
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

void set_param(const std::string& key, float value) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", value);
    set_param(key, std::string(buf));
}

std::string save_file(const std::string& name, const std::vector<std::uint8_t>& bytes) {
    if (name.empty() || name.find('/') != std::string::npos) throw Error("save_file: bad file name '" + name + "'");
#ifdef __EMSCRIPTEN__
    aelab_js_download(name.c_str(), bytes.data(), static_cast<int>(bytes.size()));
    return "downloaded as " + name;
#else
    std::ofstream f(name, std::ios::binary);
    if (!f) throw Error(name + ": cannot write file");
    f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!f) throw Error(name + ": write failed");
    return "saved to " + name;
#endif
}

// --- Dataset asset ---------------------------------------------------------------------------
namespace {
struct AssetSlot {
    DatasetAsset asset;
    std::unique_ptr<Dataset> data;
    std::string path;
};
AssetSlot& slot() {
    static AssetSlot s;
    return s;
}

void finish_load(const std::uint8_t* bytes, std::size_t size) {
    AssetSlot& s = slot();
    try {
        s.data = std::make_unique<Dataset>(parse_dataset(bytes, size, s.path));
        s.asset.dataset = s.data.get();
        s.asset.state = AssetState::ready;
    } catch (const std::exception& e) {
        s.asset.error = e.what();
        s.asset.state = AssetState::failed;
    }
}

#ifdef __EMSCRIPTEN__
// In a page the asset comes over HTTP; under node (the wasm test suite, with NODERAWFS) it is
// a file like natively.
EM_JS(int, aelab_js_in_browser, (), { return typeof window !== "undefined" && typeof document !== "undefined"; });

void on_fetched(void*, void* buffer, int size) {
    finish_load(static_cast<const std::uint8_t*>(buffer), static_cast<std::size_t>(size));
}
void on_fetch_failed(void*) {
    slot().asset.error = slot().path + ": could not be fetched from the web server (missing file or network error)";
    slot().asset.state = AssetState::failed;
}
#endif
}  // namespace

std::string dataset_location() {
    AssetSlot& s = slot();
    if (s.path.empty()) {
        const char* dir = std::getenv("AELAB_DATA_DIR");
        s.path = dir ? std::string(dir) + "/fashion-mnist.aelab" : "data/fashion-mnist.aelab";
    }
    return s.path;
}

void set_dataset_path(const std::string& path) {
    slot().path = path;
    retry_dataset();
}

void retry_dataset() {
    AssetSlot& s = slot();
    if (s.asset.state == AssetState::loading) return;
    s.asset = DatasetAsset{};
    s.data.reset();
}

AssetState fashion_mnist_state() { return slot().asset.state; }

const DatasetAsset& fashion_mnist() {
    AssetSlot& s = slot();
    if (s.asset.state != AssetState::idle) return s.asset;
    std::string path = dataset_location();
    s.asset.state = AssetState::loading;
#ifdef __EMSCRIPTEN__
    if (aelab_js_in_browser()) {
        emscripten_async_wget_data(path.c_str(), nullptr, on_fetched, on_fetch_failed);
        return s.asset;
    }
#endif
    try {
        auto bytes = read_file(path);
        finish_load(bytes.data(), bytes.size());
    } catch (const std::exception& e) {
        s.asset.error = e.what();
        s.asset.state = AssetState::failed;
    }
    return s.asset;
}

BuildInfo build_info() {
    BuildInfo b{};
    b.version = AELAB_VERSION;
    b.build_type = AELAB_BUILD_TYPE;
#ifdef __EMSCRIPTEN__
    b.target = "WebAssembly (Emscripten)";
#ifdef __wasm_simd128__
    b.simd = "SIMD128 active";
#else
    b.simd = "SIMD128 off (scalar kernels)";
#endif
#else
    b.target = "native";
#if defined(__AVX2__) && defined(__FMA__)
    b.simd = "AVX2 + FMA";
#elif defined(__SSE2__)
    b.simd = "SSE2";
#else
    b.simd = "scalar";
#endif
#endif
    return b;
}

}  // namespace aelab::platform
