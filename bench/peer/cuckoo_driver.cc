// Peer for `make bench`: libcuckoo (Debian libcuckoo-dev, header-only) inserting the very key
// stream writeprof writes (keystream.h make_stream, same seed), with the same value bytes
// (pattern.h fill_value), thread count and capacity for the load factor. Prints one JSON object.
//
// Fairness choices (documented in bench/README.md):
// - store=inline: the map holds the value bytes (a fixed-size byte struct), what a libcuckoo user
//   writes first; store=arena: the map holds an offset into a value arena filled like writeprof's
//   (write w at w*stride). bench/run runs both and holds writeprof against the faster one.
// - the map is constructed once with room for distinct/loadFactor elements (libcuckoo rounds up
//   to a power of two, so its real load is at most the asked one), its hashpower is then frozen
//   (no resize in the timed region, like writeprof's fixed table), a warm-up repetition faults
//   every page in, and clear() between repetitions is untimed (writeprof's reset is untimed too).
// - values=pregen: value bytes are generated before timing and copied in by the timed loop;
//   values=fill: fill_value runs inside the timed loop. bench/run picks what writeprof does.
#include <libcuckoo/cuckoohash_map.hh>

#include <memory>
#include <new>

#include "common.h"
#include "writeprof/keystream.h"
#include "writeprof/layout.h"
#include "writeprof/pattern.h"

namespace {

template <size_t N>
struct Val {
  uint8_t bytes[N];
};

struct Config {
  uint32_t valueSize;
  uint64_t keys;
  uint32_t threads;
  double loadFactor;
  bool zipf;
  double theta;
  uint64_t seed;
  uint32_t reps;
  bool fill;  // generate value bytes inside the timed loop
  std::string store, dist;
};

struct Tally {
  uint64_t verified = 0, corrupted = 0, lost = 0;
};

struct Run {
  std::vector<double> opsPerSec;
  Tally last;
  uint64_t capacity = 0, hashpower = 0;
};

// Zero-initialised, page-aligned, every page touched: no page faults inside the timed loop.
struct Buffer {
  uint8_t* p = nullptr;
  explicit Buffer(uint64_t bytes) {
    p = static_cast<uint8_t*>(std::aligned_alloc(4096, (bytes + 4095) & ~uint64_t(4095)));
    if (!p) bench::fail("out of memory allocating " + std::to_string(bytes) + " bytes");
    std::memset(p, 0, bytes);
  }
  ~Buffer() { std::free(p); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
};

// Runs reps+1 timed passes (the first is the warm-up) of `writeRange(thread, begin, end)` over the
// stream split into contiguous chunks, one per thread, as writeprof's concurrent mode splits it.
template <class Map, class WriteRange, class Verify>
Run timeLoop(const Config& c, Map& map, WriteRange writeRange, Verify verify) {
  Run r;
  r.capacity = map.capacity();
  r.hashpower = map.hashpower();
  map.maximum_hashpower(map.hashpower());  // fixed capacity: a resize would throw, not hide in timing
  for (uint32_t rep = 0; rep <= c.reps; ++rep) {
    map.clear();
    bench::StartGate gate;
    std::vector<uint64_t> start(c.threads), end(c.threads);
    std::vector<std::thread> pool;
    std::atomic<bool> failed{false};
    std::string error;
    for (uint32_t t = 0; t < c.threads; ++t) {
      pool.emplace_back([&, t] {
        uint64_t b = c.keys * t / c.threads, e = c.keys * (t + 1) / c.threads;
        gate.arrive();
        start[t] = bench::nowNs();
        try {
          writeRange(b, e);
        } catch (const std::exception& ex) {
          if (!failed.exchange(true)) error = ex.what();
        }
        end[t] = bench::nowNs();
      });
    }
    gate.openWhen(c.threads);
    for (auto& th : pool) th.join();
    if (failed) bench::fail("libcuckoo insert failed: " + error);
    uint64_t t0 = *std::min_element(start.begin(), start.end());
    uint64_t t1 = *std::max_element(end.begin(), end.end());
    r.last = verify();
    if (r.last.lost || r.last.corrupted)
      bench::fail("libcuckoo verification failed: lost " + std::to_string(r.last.lost) + ", corrupted " +
                  std::to_string(r.last.corrupted));
    if (rep > 0) r.opsPerSec.push_back(double(c.keys) / (double(t1 - t0) * 1e-9));
  }
  return r;
}

// A found entry is intact when its tag names a write of this key and every byte matches it.
inline bool intact(const uint8_t* v, uint32_t size, uint64_t key, const std::vector<uint64_t>& stream) {
  uint64_t w = wp::value_tag(v);
  return w < stream.size() && stream[w] == key && wp::check_value(v, size, key, w);
}

template <size_t N>
Run runInline(const Config& c, const std::vector<uint64_t>& stream, uint64_t distinct) {
  using Map = libcuckoo::cuckoohash_map<uint64_t, Val<N>>;
  Map map(size_t(double(distinct) / c.loadFactor));
  std::unique_ptr<Val<N>[]> src;
  if (!c.fill) {
    src.reset(new (std::nothrow) Val<N>[c.keys]);
    if (!src) bench::fail("out of memory for the value source");
    for (uint64_t w = 0; w < c.keys; ++w) wp::fill_value(src[w].bytes, N, stream[w], w);
  }
  auto write = [&](uint64_t b, uint64_t e) {
    if (c.fill) {
      Val<N> tmp;
      for (uint64_t w = b; w < e; ++w) {
        wp::fill_value(tmp.bytes, N, stream[w], w);
        map.insert_or_assign(stream[w], tmp);
      }
    } else {
      for (uint64_t w = b; w < e; ++w) map.insert_or_assign(stream[w], src[w]);
    }
  };
  auto verify = [&] {
    Tally t;
    auto lt = map.lock_table();
    for (const auto& kv : lt) (intact(kv.second.bytes, N, kv.first, stream) ? t.verified : t.corrupted)++;
    t.lost = distinct > t.verified + t.corrupted ? distinct - t.verified - t.corrupted : 0;
    return t;
  };
  return timeLoop(c, map, write, verify);
}

Run runArena(const Config& c, const std::vector<uint64_t>& stream, uint64_t distinct) {
  using Map = libcuckoo::cuckoohash_map<uint64_t, uint64_t>;
  Map map(size_t(double(distinct) / c.loadFactor));
  const uint32_t size = c.valueSize, stride = wp::value_stride(size);
  Buffer arena(c.keys * stride);
  std::unique_ptr<Buffer> src;
  if (!c.fill) {
    src = std::make_unique<Buffer>(c.keys * stride);
    for (uint64_t w = 0; w < c.keys; ++w) wp::fill_value(src->p + w * stride, size, stream[w], w);
  }
  auto write = [&](uint64_t b, uint64_t e) {
    // values=fill: generated into a thread-local buffer, then copied, as writeprof stages them.
    std::vector<uint8_t> tmp(c.fill ? stride : 0);
    for (uint64_t w = b; w < e; ++w) {
      uint64_t off = wp::arena_offset(w, stride);
      if (c.fill) {
        wp::fill_value(tmp.data(), size, stream[w], w);
        std::memcpy(arena.p + off, tmp.data(), size);
      } else {
        std::memcpy(arena.p + off, src->p + off, size);
      }
      map.insert_or_assign(stream[w], off);  // value complete before its reference is published
    }
  };
  auto verify = [&] {
    Tally t;
    auto lt = map.lock_table();
    for (const auto& kv : lt) (intact(arena.p + kv.second, size, kv.first, stream) ? t.verified : t.corrupted)++;
    t.lost = distinct > t.verified + t.corrupted ? distinct - t.verified - t.corrupted : 0;
    return t;
  };
  return timeLoop(c, map, write, verify);
}

Run runInlineSized(const Config& c, const std::vector<uint64_t>& stream, uint64_t distinct) {
  switch (c.valueSize) {
    case 8: return runInline<8>(c, stream, distinct);
    case 16: return runInline<16>(c, stream, distinct);
    case 32: return runInline<32>(c, stream, distinct);
    case 64: return runInline<64>(c, stream, distinct);
    case 128: return runInline<128>(c, stream, distinct);
    case 256: return runInline<256>(c, stream, distinct);
    case 512: return runInline<512>(c, stream, distinct);
    case 1024: return runInline<1024>(c, stream, distinct);
    case 2048: return runInline<2048>(c, stream, distinct);
    case 4096: return runInline<4096>(c, stream, distinct);
    case 8192: return runInline<8192>(c, stream, distinct);
    default:
      bench::fail("--value-size " + std::to_string(c.valueSize) +
                  " with --store inline: allowed 8,16,32,...,8192 (powers of two); use --store arena for others");
  }
}

}  // namespace

int main(int argc, char** argv) {
  bench::Flags f(argc, argv, {"value-size", "keys", "threads", "load-factor", "dist", "seed", "reps", "store", "values"});
  Config c;
  c.valueSize = uint32_t(f.u64("value-size", 64, wp::kMinValueSize, wp::kMaxValueSize));
  c.keys = f.u64("keys", 1000000, 1, 1ull << 32);
  c.threads = uint32_t(f.u64("threads", 2, 1, 256));
  c.loadFactor = f.f64("load-factor", 0.5, 0, 0.95);
  c.seed = f.u64("seed", 42, 0, ~0ull);
  c.reps = uint32_t(f.u64("reps", 5, 1, 1000));
  c.store = f.str("store", "inline");
  c.dist = f.str("dist", "uniform");
  std::string values = f.str("values", "pregen");
  if (c.store != "inline" && c.store != "arena") bench::fail("--store " + c.store + ": allowed inline, arena");
  if (values != "pregen" && values != "fill") bench::fail("--values " + values + ": allowed pregen, fill");
  c.fill = values == "fill";
  c.zipf = c.dist != "uniform";
  c.theta = 0;
  if (c.zipf) {
    char* end = nullptr;
    if (c.dist.rfind("zipf:", 0) == 0) c.theta = std::strtod(c.dist.c_str() + 5, &end);
    if (!end || *end || !(c.theta > 0)) bench::fail("--dist " + c.dist + ": allowed uniform, zipf:<theta > 0>");
  }

  std::vector<uint64_t> stream = wp::make_stream(c.keys, c.zipf, c.theta, c.seed);
  uint64_t distinct = wp::distinct_count(stream);
  Run r = c.store == "inline" ? runInlineSized(c, stream, distinct) : runArena(c, stream, distinct);
  double med = bench::median(r.opsPerSec);

  std::printf(
      "{\"peer\":\"libcuckoo\",\"store\":%s,\"values\":%s,\"valueSize\":%u,\"keys\":%llu,\"distinct\":%llu,"
      "\"threads\":%u,\"keyDist\":%s,\"loadFactor\":%g,\"capacity\":%llu,\"hashpower\":%llu,"
      "\"effectiveLoad\":%.4f,\"seed\":%llu,\"reps\":%u,\"samples\":%s,\"opsPerSec\":%.6g,"
      "\"bytesPerSec\":%.6g,\"verification\":{\"written\":%llu,\"verified\":%llu,\"lost\":%llu,\"corrupted\":%llu}}\n",
      bench::jsonStr(c.store).c_str(), bench::jsonStr(values).c_str(), c.valueSize, (unsigned long long)c.keys,
      (unsigned long long)distinct, c.threads, bench::jsonStr(c.dist).c_str(), c.loadFactor,
      (unsigned long long)r.capacity, (unsigned long long)r.hashpower, double(distinct) / double(r.capacity),
      (unsigned long long)c.seed, c.reps, bench::jsonArray(r.opsPerSec).c_str(), med, med * c.valueSize,
      (unsigned long long)distinct, (unsigned long long)r.last.verified, (unsigned long long)r.last.lost,
      (unsigned long long)r.last.corrupted);
  return 0;
}
