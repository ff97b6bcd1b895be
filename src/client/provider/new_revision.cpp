#include "client/provider/new_revision.hpp"

#include <ctime>
#include <fstream>
#include <random>

#include "client/output/errors.hpp"
#include "client/provider/revision_file.hpp"
#include "core/error.hpp"

namespace mmc {

namespace fs = std::filesystem;

std::string random_revision_id() {
  std::random_device device;
  std::uniform_int_distribution<int> digit(0, 15);
  std::string id;
  for (int i = 0; i < 12; ++i) id += "0123456789abcdef"[digit(device)];
  return id;
}

std::string slug_of(const std::string& message) {
  constexpr std::size_t kMaxSlug = 40;  // Alembic's truncate_slug_length
  std::string slug;
  for (char raw : message) {
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(raw)));
    const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (keep)
      slug += c;
    else if (!slug.empty() && slug.back() != '_')
      slug += '_';
    if (slug.size() >= kMaxSlug) break;
  }
  while (!slug.empty() && slug.back() == '_') slug.pop_back();
  return slug.empty() ? "revision" : slug;
}

std::string utc_timestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

std::string write_new_revision(const ProviderDir& provider, const mm::Revision& revision, const Output& out) {
  // The graph with the new revision must still be valid (unique id and
  // labels, existing parents): the core says so.
  std::vector<mm::Revision> all;
  for (const RevisionFile& f : provider.files()) all.push_back(f.revision);
  all.push_back(revision);
  try {
    mm::RevisionGraph check(std::move(all));
  } catch (const mm::Error& e) {
    throw UsageError(e.what());
  }
  const fs::path relative =
      fs::path("versions") / provider.manifest().namespace_ / (revision.id + "_" + slug_of(revision.message) + ".sql");
  const fs::path path = provider.dir() / relative;
  if (fs::exists(path)) throw UsageError(provider.display(relative) + " already exists");
  std::ofstream file(path, std::ios::binary);
  file << render_revision_file(revision, utc_timestamp());
  if (!file) throw OperationError("cannot write " + provider.display(relative));
  out.detail("wrote " + provider.display(relative));
  return provider.display(relative);
}

}  // namespace mmc
