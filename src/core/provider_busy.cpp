#include "core/provider_busy.hpp"

#include <nlohmann/json.hpp>

namespace mm {

std::string provider_busy_detail(const ProviderBusy& busy) {
  nlohmann::json doc = {{"provider", busy.provider}, {"holder", nullptr}};
  if (busy.holder)
    doc["holder"] = {{"pid", busy.holder->pid},
                     {"user", busy.holder->user},
                     {"since", busy.holder->since},
                     {"application", busy.holder->application}};
  return doc.dump();
}

std::optional<ProviderBusy> parse_provider_busy_detail(const std::string& detail) {
  const nlohmann::json doc = nlohmann::json::parse(detail, nullptr, false);
  if (!doc.is_object() || !doc.contains("provider") || !doc["provider"].is_string()) return std::nullopt;
  ProviderBusy busy;
  busy.provider = doc["provider"].get<std::string>();
  const nlohmann::json& holder = doc.value("holder", nlohmann::json());
  if (holder.is_object() && holder.value("pid", nlohmann::json()).is_number_integer()) {
    ProviderLockHolder h;
    h.pid = holder["pid"].get<int>();
    h.user = holder.value("user", "");
    h.since = holder.value("since", "");
    h.application = holder.value("application", "");
    busy.holder = std::move(h);
  }
  return busy;
}

}  // namespace mm
