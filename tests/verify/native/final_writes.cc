// Test driver of verify.h's FinalWrites: for each case read from stdin, which writes a key may
// legally end with. Input, one case per line: "<submitters> <batch> <run> <key> <key> ...";
// output, one line per case: a 0/1 per write. Built only by tests/verify/final-writes.test.ts.
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "writeprof/hash.h"
#include "writeprof/verify.h"

int main() {
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    uint32_t submitters = 0, batch = 0, run = 0;
    in >> submitters >> batch >> run;
    std::vector<uint64_t> stream;
    for (uint64_t id; in >> id;) stream.push_back(wp::key_of(id, 1));
    wp::FinalWrites fw(stream.data(), stream.size(), {submitters, batch}, wp::OrderPromise{run});
    std::string out;
    for (uint64_t w = 0; w < stream.size(); ++w) out += fw.legal(w) ? '1' : '0';
    std::printf("%s %zu\n", out.c_str(), fw.distinct().size());
  }
  return 0;
}
