# Helpers that give every target of ours the same warnings, include root and sanitizer flags.
# Warnings are errors in our code only; third-party headers come in as SYSTEM includes.

set(COATTAIL_WARNINGS
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
    -Woverloaded-virtual -Wconversion -Wsign-conversion -Wnull-dereference -Wdouble-promotion
    -Wformat=2 -Wimplicit-fallthrough -Werror)

set(COATTAIL_SANITIZER_FLAGS)
if(COATTAIL_SANITIZE)
  set(COATTAIL_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all
                               -fno-omit-frame-pointer)
endif()

function(coattail_apply_flags target)
  target_compile_options(${target} PRIVATE ${COATTAIL_WARNINGS} ${COATTAIL_SANITIZER_FLAGS})
  target_link_options(${target} PRIVATE ${COATTAIL_SANITIZER_FLAGS})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/src)
endfunction()

# coattail_library(NAME SRCS a.cc b.cc DEPS lib1 lib2)
function(coattail_library name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SRCS})
  coattail_apply_flags(${name})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
endfunction()

# coattail_test(NAME SRCS a_test.cc DEPS lib1) -> a GoogleTest binary registered with ctest.
function(coattail_test name)
  if(NOT COATTAIL_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SRCS})
  coattail_apply_flags(${name})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  # Named <target>.<suite>.<test>, so that `ctest -R engine_test` selects one binary's tests.
  gtest_discover_tests(${name} TEST_PREFIX "${name}." DISCOVERY_TIMEOUT 60
                       PROPERTIES ENVIRONMENT "COATTAIL_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()

# coattail_benchmark(NAME SRCS a_benchmark.cc DEPS lib1) -> a Google Benchmark binary (not a test).
function(coattail_benchmark name)
  if(NOT COATTAIL_BUILD_BENCHMARKS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SRCS})
  coattail_apply_flags(${name})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} benchmark::benchmark benchmark::benchmark_main)
endfunction()

# coattail_fuzzer(NAME SRCS a_fuzzer.cc DEPS lib1 [CORPUS dir]) -> a libFuzzer target, only with
# COATTAIL_FUZZ. In a test build without it, the same target is linked with fuzz/replay_main.cc as
# NAME_replay, and a ctest NAME_corpus replays CORPUS (relative to the source root) through it:
# every checked-in input then meets the target's invariants under the build's sanitizers.
function(coattail_fuzzer name)
  cmake_parse_arguments(ARG "" "CORPUS" "SRCS;DEPS" ${ARGN})
  if(COATTAIL_FUZZ)
    add_executable(${name} ${ARG_SRCS})
    coattail_apply_flags(${name})
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_libraries(${name} PRIVATE ${ARG_DEPS})
    return()
  endif()
  if(NOT COATTAIL_BUILD_TESTS OR NOT ARG_CORPUS)
    return()
  endif()
  add_executable(${name}_replay ${ARG_SRCS} ${PROJECT_SOURCE_DIR}/fuzz/replay_main.cc)
  coattail_apply_flags(${name}_replay)
  target_link_libraries(${name}_replay PRIVATE ${ARG_DEPS})
  add_test(NAME ${name}_corpus COMMAND ${name}_replay ${PROJECT_SOURCE_DIR}/${ARG_CORPUS})
endfunction()
