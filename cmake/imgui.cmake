# Dear ImGui from Debian's imgui source package (unpacked by tools/setup.sh), compiled here
# for both targets so the desktop app and the web bundle run identical ImGui code, plus SDL2:
# Debian's libsdl2-dev natively, the cached wasm build of Debian's libsdl2 source under em++.
set(IMGUI_DIR "${AELAB_CACHE}/imgui" CACHE PATH "Dear ImGui sources")
if(NOT EXISTS "${IMGUI_DIR}/imgui.h")
  message(FATAL_ERROR "ImGui sources not found in ${IMGUI_DIR}: run tools/setup.sh")
endif()

if(EMSCRIPTEN)
  set(SDL2_DIR "${AELAB_CACHE}/sdl2-wasm/lib/cmake/SDL2" CACHE PATH "" FORCE)
  if(NOT EXISTS "${SDL2_DIR}")
    message(FATAL_ERROR "SDL2 for wasm not found in ${SDL2_DIR}: run tools/setup.sh")
  endif()
  find_package(SDL2 REQUIRED CONFIG NO_CMAKE_FIND_ROOT_PATH)
  set(AELAB_SDL2_TARGET SDL2::SDL2-static)
else()
  find_package(SDL2 REQUIRED)
  if(TARGET SDL2::SDL2)
    set(AELAB_SDL2_TARGET SDL2::SDL2)
  else()
    add_library(aelab_sdl2 INTERFACE)
    target_include_directories(aelab_sdl2 INTERFACE ${SDL2_INCLUDE_DIRS})
    target_link_libraries(aelab_sdl2 INTERFACE ${SDL2_LIBRARIES})
    set(AELAB_SDL2_TARGET aelab_sdl2)
  endif()
  find_package(OpenGL REQUIRED)
endif()

add_library(imgui STATIC
  ${IMGUI_DIR}/imgui.cpp ${IMGUI_DIR}/imgui_draw.cpp ${IMGUI_DIR}/imgui_tables.cpp
  ${IMGUI_DIR}/imgui_widgets.cpp ${IMGUI_DIR}/imgui_demo.cpp
  ${IMGUI_DIR}/backends/imgui_impl_sdl.cpp ${IMGUI_DIR}/backends/imgui_impl_opengl3.cpp)
target_include_directories(imgui SYSTEM PUBLIC ${IMGUI_DIR} ${IMGUI_DIR}/backends)
# 32-bit indices: a page of many images can exceed 64k vertices, and WebGL2 has no
# base-vertex draws for ImGui's offset trick.
# IMGUI_ENABLE_TEST_ENGINE: ImGui calls item hooks (ItemAdd, ItemInfo) that the lesson kit's text
# view (lessons/kit/a11y.cpp) implements; PUBLIC because it changes ImGuiContext's layout.
target_compile_definitions(imgui PUBLIC ImDrawIdx=unsigned\ int IMGUI_DISABLE_OBSOLETE_FUNCTIONS IMGUI_ENABLE_TEST_ENGINE)
target_link_libraries(imgui PUBLIC ${AELAB_SDL2_TARGET})
if(EMSCRIPTEN)
  target_compile_definitions(imgui PUBLIC IMGUI_IMPL_OPENGL_ES3)
  target_compile_options(imgui PRIVATE -fwasm-exceptions -sUSE_SDL=0)
  target_link_options(imgui INTERFACE -sUSE_SDL=0)
else()
  target_link_libraries(imgui PUBLIC OpenGL::GL ${CMAKE_DL_LIBS})
endif()
