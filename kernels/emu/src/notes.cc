#include "wpemu/notes.h"

#include <mutex>

namespace wpemu {

namespace {
std::mutex g_mu;
std::vector<PortabilityNote>& notes() {
  static auto* n = new std::vector<PortabilityNote>();
  return *n;
}
constexpr size_t kMaxNotes = 1000;  // distinct notes kept; later ones are counted only when already known
}  // namespace

void record_note(const std::string& kernel, const char* file, unsigned line, const std::string& message) {
  std::lock_guard<std::mutex> lock(g_mu);
  for (PortabilityNote& n : notes())
    if (n.line == line && n.kernel == kernel && n.message == message && n.file == (file ? file : "")) {
      ++n.count;
      return;
    }
  if (notes().size() < kMaxNotes) notes().push_back(PortabilityNote{kernel, file ? file : "", line, message, 1});
}

std::vector<PortabilityNote> portability_notes() {
  std::lock_guard<std::mutex> lock(g_mu);
  return notes();
}

void clear_portability_notes() {
  std::lock_guard<std::mutex> lock(g_mu);
  notes().clear();
}

}  // namespace wpemu
