// Tests for data_dirs_beside() (core/src/data_location.cpp): where the app and the CLI look for
// their data next to the program, in the build tree and in the installed layout.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "aelab/dataset.hpp"

TEST_CASE("data location: the build tree's data/ first, then <prefix>/share/aelab/data") {
    using V = std::vector<std::string>;
    CHECK(aelab::data_dirs_beside("/usr/bin") == V{"/usr/bin/data", "/usr/share/aelab/data"});
    CHECK(aelab::data_dirs_beside("/usr/bin/") == V{"/usr/bin/data", "/usr/share/aelab/data"});
    CHECK(aelab::data_dirs_beside("/tmp/root/usr/local/bin") ==
          V{"/tmp/root/usr/local/bin/data", "/tmp/root/usr/local/share/aelab/data"});
    CHECK(aelab::data_dirs_beside("/bin") == V{"/bin/data", "/share/aelab/data"});
    CHECK(aelab::data_dirs_beside("") == V{"./data", "./../share/aelab/data"});
    CHECK(aelab::data_dirs_beside("rel/bin") == V{"rel/bin/data", "rel/share/aelab/data"});
}

#if !defined(__EMSCRIPTEN__)
TEST_CASE("data location: the first folder holding the file wins") {
    const std::string root = std::string(AELAB_TEST_TMP) + "/data-location";
    const std::string bin = root + "/usr/bin", share = root + "/usr/share/aelab/data";
    std::filesystem::remove_all(root);
    std::filesystem::create_directories(bin);
    std::filesystem::create_directories(share);
    CHECK(aelab::find_data_dir_beside(bin, "x.aelab").empty());
    std::ofstream(share + "/x.aelab") << "x";
    CHECK(aelab::find_data_dir_beside(bin, "x.aelab") == share);
    std::filesystem::create_directories(bin + "/data");
    std::ofstream(bin + "/data/x.aelab") << "x";
    CHECK(aelab::find_data_dir_beside(bin + "/", "x.aelab") == bin + "/data");
    std::filesystem::remove_all(root);
}
#endif
