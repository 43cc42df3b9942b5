// data_dirs_beside(): where the app and the CLI find their data next to the program, in the
// build tree and in the installed layout (dataset.hpp). AELAB_DATA_FROM_BIN is the installed data
// folder relative to the installed program's folder ("../share/aelab/data"), from CMake's
// GNUInstallDirs (core/CMakeLists.txt).
#include <fstream>

#include "aelab/dataset.hpp"

#ifndef AELAB_DATA_FROM_BIN
#define AELAB_DATA_FROM_BIN "../share/aelab/data"
#endif

namespace aelab {

namespace {
// dir + "/" + rel, with rel's leading "../" taken off dir's last components ("/usr/bin" +
// "../share/aelab/data" -> "/usr/share/aelab/data") while dir has components to take.
std::string join(std::string dir, std::string rel) {
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    while (rel.rfind("../", 0) == 0) {
        const std::size_t slash = dir.find_last_of('/');
        const std::string last = slash == std::string::npos ? dir : dir.substr(slash + 1);
        if (last.empty() || last == "." || last == "..") break;
        dir = slash == std::string::npos ? "." : slash == 0 ? "/" : dir.substr(0, slash);
        rel.erase(0, 3);
    }
    if (dir == "/") return "/" + rel;
    return dir + "/" + rel;
}
}  // namespace

std::vector<std::string> data_dirs_beside(const std::string& program_dir) {
    const std::string dir = program_dir.empty() ? "." : program_dir;
    return {join(dir, "data"), join(dir, AELAB_DATA_FROM_BIN)};
}

std::string find_data_dir_beside(const std::string& program_dir, const std::string& file) {
    for (const std::string& d : data_dirs_beside(program_dir))
        if (std::ifstream(d + "/" + file, std::ios::binary).good()) return d;
    return "";
}

}  // namespace aelab
