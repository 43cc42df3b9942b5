#include "platform_upload.hpp"

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "aelab/error.hpp"
#include "aelab/limits.hpp"

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#endif

namespace aelab::platform {

namespace {
struct Queue {
    bool pending = false;
    Upload upload;
};
Queue& queue() {
    static Queue q;
    return q;
}
std::string base_name(const std::string& path) {
    const std::size_t slash = path.find_last_of("/\\");
    return slash == std::string::npos ? path : path.substr(slash + 1);
}
std::string too_large(const std::string& name, double bytes) {
    return printable(name, 60) + ": the file is " + bytes_text(bytes) + "; the limit is " +
           bytes_text(double(kMaxUploadBytes));
}
}  // namespace

#ifdef __EMSCRIPTEN__
// The page keeps at most one file read and not yet taken (Module.aelabUpload.pending): {name,
// size, bytes} or {name, size, error}. A file over the limit is never read.
EM_JS(void, aelab_js_upload_install, (double max_bytes), {
    if (typeof document === "undefined" || Module.aelabUpload) return;
    var up = Module.aelabUpload = {pending : null, dragging : false, max : max_bytes};
    var input = document.createElement("input");
    input.type = "file";
    input.id = "aelab-image-input";
    input.accept = "image/png,image/jpeg";
    input.tabIndex = -1;  // reached through the lesson's button, which opens it
    input.setAttribute("aria-hidden", "true");
    input.style.display = "none";
    document.body.appendChild(input);
    function take(file) {
        if (!file) return;
        if (file.size > up.max) {
            up.pending = {name : file.name, size : file.size, error : "too large"};
            Module.aelabWake = 1;  // the host draws the next frame, which takes it
            return;
        }
        file.arrayBuffer().then(function(buf) {
            up.pending = {name : file.name, size : buf.byteLength, bytes : new Uint8Array(buf)};
            Module.aelabWake = 1;
        }, function(e) {
            up.pending = {name : file.name, size : 0, error : "the browser could not read the file (" + e + ")"};
            Module.aelabWake = 1;
        });
    }
    up.take = take;
    input.addEventListener("change", function() {
        var f = input.files && input.files[0];
        take(f);
        input.value = "";  // the same file chosen again is a new change
    });
    var canvas = Module.canvas || document.getElementById("canvas");
    if (!canvas) return;
    function has_files(e) { return e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types || [], "Files") >= 0; }
    canvas.addEventListener("dragover", function(e) {
        if (!has_files(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = "copy";
        up.dragging = true;
    });
    canvas.addEventListener("dragleave", function() { up.dragging = false; });
    canvas.addEventListener("drop", function(e) {
        up.dragging = false;
        if (!has_files(e)) return;
        e.preventDefault();
        take(e.dataTransfer.files[0]);
    });
});
EM_JS(void, aelab_js_upload_open, (), {
    var input = typeof document !== "undefined" && document.getElementById("aelab-image-input");
    if (input) input.click();
});
EM_JS(int, aelab_js_upload_dragging, (), { return Module.aelabUpload && Module.aelabUpload.dragging ? 1 : 0; });
// -1: nothing waiting; else the file's size in bytes.
EM_JS(double, aelab_js_upload_size, (), {
    var p = Module.aelabUpload && Module.aelabUpload.pending;
    return p ? p.size : -1;
});
// The waiting file's name and error ("" when read), as "name\nerror", malloc'd.
EM_JS(char*, aelab_js_upload_info, (), {
    var p = Module.aelabUpload.pending;
    var nl = String.fromCharCode(10);
    var s = String(p.name).split(nl).join(" ") + nl + (p.error || "");
    var n = lengthBytesUTF8(s) + 1;
    var ptr = _malloc(n);
    stringToUTF8(s, ptr, n);
    return ptr;
});
// Copies the waiting file's bytes to `dest` (size bytes) and forgets it.
EM_JS(void, aelab_js_upload_take, (std::uint8_t* dest, double size), {
    var p = Module.aelabUpload.pending;
    Module.aelabUpload.pending = null;
    if (p.bytes && p.bytes.length == size) HEAPU8.set(p.bytes, dest);
});
EM_JS(void, aelab_js_upload_drop, (), { Module.aelabUpload.pending = null; });
EM_JS(int, aelab_js_upload_in_page, (), { return typeof document !== "undefined" ? 1 : 0; });
#endif

void install_image_input() {
#ifdef __EMSCRIPTEN__
    static bool done = false;
    if (!done) {
        done = true;
        aelab_js_upload_install(double(kMaxUploadBytes));
    }
#endif
}

bool has_image_picker() {
#ifdef __EMSCRIPTEN__
    return aelab_js_upload_in_page() != 0;
#else
    return false;
#endif
}

void open_image_picker() {
#ifdef __EMSCRIPTEN__
    install_image_input();
    aelab_js_upload_open();
#endif
}

bool dragging_file() {
#ifdef __EMSCRIPTEN__
    return aelab_js_upload_dragging() != 0;
#else
    return false;
#endif
}

void queue_upload(Upload upload) {
    queue().upload = std::move(upload);
    queue().pending = true;
}

void queue_image_file(const std::string& path) {
    Upload u;
    u.name = base_name(path);
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) {
        u.error = printable(path, 120) + ": cannot open the file";
        queue_upload(std::move(u));
        return;
    }
    long size = -1;
    if (std::fseek(f, 0, SEEK_END) == 0) size = std::ftell(f);
    if (size < 0 || std::fseek(f, 0, SEEK_SET) != 0) {
        u.error = printable(path, 120) + ": cannot read the file (not a regular file?)";
    } else if (static_cast<std::int64_t>(size) > kMaxUploadBytes) {
        u.error = too_large(u.name, double(size));
    } else {
        u.bytes.resize(static_cast<std::size_t>(size));
        if (size > 0 && std::fread(u.bytes.data(), 1, u.bytes.size(), f) != u.bytes.size()) {
            u.bytes.clear();
            u.error = printable(path, 120) + ": cannot read the file";
        }
    }
    std::fclose(f);
    queue_upload(std::move(u));
}

bool take_upload(Upload& out) {
#ifdef __EMSCRIPTEN__
    const double size = aelab_js_upload_size();
    if (size >= 0) {
        char* raw = aelab_js_upload_info();
        const std::string info = raw;
        std::free(raw);
        const std::size_t nl = info.find('\n');
        Upload u;
        u.name = info.substr(0, nl);
        const std::string err = nl == std::string::npos ? "" : info.substr(nl + 1);
        if (err == "too large" || size > double(kMaxUploadBytes)) {
            u.error = too_large(u.name, size);
            aelab_js_upload_drop();
        } else if (!err.empty()) {
            u.error = printable(u.name, 60) + ": " + printable(err, 200);
            aelab_js_upload_drop();
        } else {
            u.bytes.resize(static_cast<std::size_t>(size));
            aelab_js_upload_take(u.bytes.data(), size);
        }
        queue_upload(std::move(u));
    }
#endif
    if (!queue().pending) return false;
    out = std::move(queue().upload);
    queue() = Queue{};
    return true;
}

}  // namespace aelab::platform
