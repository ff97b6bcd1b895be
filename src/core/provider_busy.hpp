// The DETAIL of MM006 ("another migration of provider ... is in progress"):
// a JSON object, so the client reads the holder from fields instead of
// matching words in a sentence. Both sides use these two functions.
//
//   {"provider": "pkg:ns", "holder": {"pid": 123, "user": "u", "since": "...", "application": "..."}}
//   {"provider": "pkg:ns", "holder": null}     the holder ended meanwhile or is not visible to the caller
#pragma once

#include <optional>
#include <string>

namespace mm {

struct ProviderLockHolder {
  int pid = 0;
  std::string user;
  std::string since;  // the holder's transaction start (its backend start outside one)
  std::string application;
};

struct ProviderBusy {
  std::string provider;
  std::optional<ProviderLockHolder> holder;
};

std::string provider_busy_detail(const ProviderBusy& busy);
// nullopt when `detail` is not such an object (a server older than the format).
std::optional<ProviderBusy> parse_provider_busy_detail(const std::string& detail);

}  // namespace mm
