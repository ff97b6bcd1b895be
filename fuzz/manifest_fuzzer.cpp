// Fuzzes the provider manifest loader as the client runs it: normalized
// text, then parse_manifest. InputError is the expected refusal; any other
// exception (nlohmann type errors, std::regex_error...), crash or sanitizer
// report is a finding. An accepted manifest must satisfy the documented
// limits and survive render_manifest (what scaffold writes) unchanged.
#include <cstddef>
#include <cstdint>
#include <string>

#include "client/output/errors.hpp"
#include "client/provider/manifest.hpp"
#include "client/provider/text_file.hpp"
#include "fuzz_check.hpp"

namespace {

using fuzz::check;

bool same_written_fields(const mmc::Manifest& a, const mmc::Manifest& b) {
  if (a.metatables.size() != b.metatables.size()) return false;
  for (std::size_t i = 0; i < a.metatables.size(); ++i) {
    const auto &x = a.metatables[i], &y = b.metatables[i];
    if (x.table != y.table || x.schema != y.schema || x.identifier != y.identifier || x.kind != y.kind ||
        x.namespace_ != y.namespace_)
      return false;
  }
  return a.package == b.package && a.namespace_ == b.namespace_ && a.owner_role == b.owner_role &&
         a.version_table.schema == b.version_table.schema && a.version_table.name == b.version_table.name &&
         a.version_table.column == b.version_table.column && a.schemas == b.schemas &&
         a.schema_files == b.schema_files && a.after_register == b.after_register;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  mmc::Manifest m;
  try {
    m = mmc::parse_manifest(mmc::normalize_text(bytes, "metamigrate.json"), "metamigrate.json");
  } catch (const mmc::InputError& e) {
    check(e.file() == "metamigrate.json", "InputError names another file");
    check(e.line() >= 1, "InputError without a line");
    return 0;
  }
  try {
    mmc::validate_key_part(m.package, "package");
    mmc::validate_key_part(m.namespace_, "namespace");
  } catch (const mmc::UsageError& e) {
    fuzz::finding(std::string("accepted manifest with a bad key part: ") + e.what());
  }
  check(!m.owner_role.empty() && m.owner_role.size() <= 63, "owner_role out of bounds");
  check(m.after_register.is_null() || m.after_register.is_string(), "after_register neither null nor string");
  for (const auto& t : m.metatables) {
    check(!t.table.empty() && t.table.size() <= 63 && !t.schema.empty() && t.schema.size() <= 63,
          "metatable name out of bounds");
    check(t.kind == "meta_table" || t.kind == "time_index_meta_table", "metatable kind not checked");
  }

  const std::string rendered = mmc::render_manifest(m);
  mmc::Manifest again;
  try {
    again = mmc::parse_manifest(rendered, "rendered.json");
  } catch (const mmc::InputError& e) {
    fuzz::finding("rendered manifest does not parse: " + e.located() + "\n" + rendered);
  }
  check(same_written_fields(m, again), "render/parse round trip changed the manifest:\n" + rendered);
  return 0;
}
