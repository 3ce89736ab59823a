#!/bin/bash -eu
# Builds the fuzz targets with the engine and sanitizer flags OSS-Fuzz / ClusterFuzzLite pass
# in CC, CXX, CFLAGS, CXXFLAGS and LIB_FUZZING_ENGINE, and copies them with their seed corpora
# and dictionaries to $OUT.
(cd "$SRC/liburing" && ./configure --cc="$CC" --cxx="$CXX" && make -j"$(nproc)" -C src &&
  make install -C src prefix=/usr)

cmake -S "$SRC/pollcheck" -B build -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPOLLCHECK_FUZZ=ON \
  -DPOLLCHECK_SANITIZE= \
  -DPOLLCHECK_FUZZ_ENGINE="$LIB_FUZZING_ENGINE"
cmake --build build --target fuzz_ops fuzz_traffic fuzz_trace

for target in fuzz_ops fuzz_traffic fuzz_trace; do
  cp "build/fuzz/$target" "$OUT/"
  (cd "$SRC/pollcheck/corpus/fuzz/$target" && zip -q "$OUT/${target}_seed_corpus.zip" ./*)
  if [ -f "$SRC/pollcheck/corpus/fuzz/$target.dict" ]; then
    cp "$SRC/pollcheck/corpus/fuzz/$target.dict" "$OUT/$target.dict"
  fi
done
