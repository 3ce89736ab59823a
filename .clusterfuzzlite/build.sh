#!/bin/bash -eu
# Builds the fuzz targets with the engine and sanitizer flags OSS-Fuzz / ClusterFuzzLite pass
# in CC, CXX, CFLAGS, CXXFLAGS and LIB_FUZZING_ENGINE, and copies them with their seed corpora
# and dictionaries to $OUT. The targets run in an image without the build's libraries, so fmt is
# compiled in and liburing linked statically (POLLCHECK_STATIC_DEPS); the last step refuses a
# target that would still need a shared library from the build image.

# liburing 2.3 is the oldest with the API the executor uses. A system that has it (Debian's
# liburing-dev) is used as it is; else the checkout the Dockerfile made is built and installed.
if pkg-config --atleast-version=2.3 liburing; then
  echo "build.sh: using the installed liburing $(pkg-config --modversion liburing)"
else
  (cd "$SRC/liburing" && ./configure --cc="$CC" --cxx="$CXX" && make -j"$(nproc)" -C src &&
    make install -C src prefix=/usr)
fi

build="$WORK/pollcheck-build"
# The build type adds no optimisation flags of its own: CFLAGS and CXXFLAGS, as the service
# passes them, decide (CMake reads them from the environment).
cmake -S "$SRC/pollcheck" -B "$build" -G Ninja \
  -DCMAKE_BUILD_TYPE=None \
  -DPOLLCHECK_FUZZ=ON \
  -DPOLLCHECK_SANITIZE= \
  -DPOLLCHECK_STATIC_DEPS=ON \
  -DPOLLCHECK_FUZZ_ENGINE="$LIB_FUZZING_ENGINE"
cmake --build "$build" --target fuzz_ops fuzz_traffic fuzz_trace

for target in fuzz_ops fuzz_traffic fuzz_trace; do
  # Only the C and C++ runtimes and the engine's own libraries may be left to the run image.
  extra=$(ldd "$build/fuzz/$target" | awk '$1 !~ /^(linux-vdso\.|\/lib64\/ld-linux|(libc|libm|libstdc\+\+|libc\+\+|libc\+\+abi|libgcc_s|libunwind|libpthread|libdl|librt)\.so)/ {print $1}')
  if [ -n "$extra" ]; then
    echo "build.sh: $target needs shared libraries the run image lacks: $extra" >&2
    exit 1
  fi
  cp "$build/fuzz/$target" "$OUT/"
  rm -f "$OUT/${target}_seed_corpus.zip"
  (cd "$SRC/pollcheck/corpus/fuzz/$target" && zip -q "$OUT/${target}_seed_corpus.zip" ./*)
  if [ -f "$SRC/pollcheck/corpus/fuzz/$target.dict" ]; then
    cp "$SRC/pollcheck/corpus/fuzz/$target.dict" "$OUT/$target.dict"
  fi
done
