# Installing the desktop app and the Debian package (native builds with the host only).
#
#   cmake --install build/native --prefix /some/where     the layout below under /some/where
#   tools/package.sh                                      build/package/aelab_<version>_<arch>.deb
#
# Layout (GNUInstallDirs, CPack installs under /usr):
#   bin/aelab, bin/aelab-cli                  the app and the CLI
#   share/aelab/data/fashion-mnist.aelab      the dataset asset, and models/*.aelabm: the app and
#                                             the CLI find them from bin/ (data_dirs_beside(),
#                                             core/src/data_location.cpp), as build/native/data/
#                                             beside the binaries in the build tree
#   share/doc/aelab/{LICENSE,NOTICES.md}      aelab's licence and the third-party notices
#                                             (Dear ImGui, SDL2, xtensor, stb, DejaVu, Fashion-MNIST)
#   share/applications/aelab.desktop          the menu entry
#   share/icons/hicolor/{48x48,256x256}/apps/aelab.png   the icon, drawn at build time
#                                             (tools/make_icon.py)
include(GNUInstallDirs)
# `cmake --install` and cpack install what is built; tools/package.sh builds only what the
# package holds (not the tests).
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

# The icon, drawn by a script (no image files in the repository).
set(AELAB_ICON_OUTPUTS "")
foreach(size 48 256)
  set(png "${CMAKE_BINARY_DIR}/icons/${size}x${size}/aelab.png")
  add_custom_command(
    OUTPUT "${png}"
    COMMAND ${CMAKE_COMMAND} -E make_directory "${CMAKE_BINARY_DIR}/icons/${size}x${size}"
    COMMAND Python3::Interpreter "${PROJECT_SOURCE_DIR}/tools/make_icon.py" ${size} "${png}"
    DEPENDS "${PROJECT_SOURCE_DIR}/tools/make_icon.py"
    COMMENT "Drawing the ${size}x${size} icon")
  list(APPEND AELAB_ICON_OUTPUTS "${png}")
  install(FILES "${png}" DESTINATION "${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps")
endforeach()
add_custom_target(aelab_icon ALL DEPENDS ${AELAB_ICON_OUTPUTS})

install(TARGETS aelab aelab-cli RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
# The data folder as the build lays it out (assets/CMakeLists.txt): the dataset and the models.
install(DIRECTORY "${AELAB_SITE_DIR}/data/" DESTINATION "${CMAKE_INSTALL_DATADIR}/aelab/data"
        FILES_MATCHING PATTERN "*.aelab" PATTERN "*.aelabm")
install(FILES "${PROJECT_SOURCE_DIR}/LICENSE" "${PROJECT_SOURCE_DIR}/NOTICES.md"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/doc/aelab")
install(FILES "${PROJECT_SOURCE_DIR}/assets/desktop/aelab.desktop"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/applications")

# ---- Debian package (cpack -G DEB; tools/package.sh) ---------------------------------------
set(AELAB_PACKAGE_MAINTAINER "aelab maintainers <aelab@example.org>" CACHE STRING
    "The Debian package's Maintainer field (Name <email>)")
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "aelab")
set(CPACK_PACKAGE_VENDOR "aelab")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "${AELAB_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "interactive lessons on convolution and autoencoders")
# The long description (CPack puts the summary above it).
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "aelab teaches convolution, pooling, transposed convolution and autoencoders (PCA as a
linear autoencoder, deep, convolutional, denoising, sparse and contractive autoencoders,
VAEs and GANs) by letting students step through them: every lesson shows the window
position, the numbers, the products, the sum and the result, and trains small networks
live on Fashion-MNIST, which the package includes. It also ships aelab-cli, which runs
the same ops and training recipes from a shell. The SIMD kernels are chosen at run
time: AVX2+FMA where the CPU has it, SSE on any other x86-64.")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${AELAB_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION "education")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_FILE_NAME "DEB-DEFAULT")  # aelab_<version>_<arch>.deb
# SDL2 and OpenGL (SDL opens libGL.so.1 at run time for its GLX context: not in the ELF needs);
# dpkg-shlibdeps, when present (dpkg-dev), adds the linked libraries with their minimum versions.
find_program(AELAB_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(AELAB_DPKG_SHLIBDEPS)  # libsdl2-2.0-0 (>= 2.0.12), libopengl0, libc6 (>= 2.35), ...
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "libgl1")
else()
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "libsdl2-2.0-0, libgl1, libopengl0, libstdc++6, libgcc-s1, libc6")
endif()
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "fonts-dejavu-core")  # the app's font (ImGui's own without it)
set(CPACK_PACKAGE_DIRECTORY "${PROJECT_SOURCE_DIR}/build/package")
include(CPack)
