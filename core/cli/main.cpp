#include <exception>
#include <iostream>

#include "cli.hpp"

int main(int argc, char** argv) {
    try {
        return aelab::cli::run_cli(std::vector<std::string>(argv + 1, argv + argc), std::cout, std::cerr);
    } catch (const std::exception& e) {  // run_cli reports its own errors; this is a last resort
        std::cerr << "aelab-cli: " << e.what() << "\n";
        return 1;
    }
}
