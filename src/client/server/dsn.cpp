#include "client/server/dsn.hpp"

#include <libpq-fe.h>

#include <cstdlib>
#include <memory>
#include <regex>

namespace mmc {

namespace {

bool is_uri(const std::string& conninfo) {
  return conninfo.rfind("postgresql://", 0) == 0 || conninfo.rfind("postgres://", 0) == 0;
}

std::string getenv_string(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

}  // namespace

ConnectTarget resolve_connect_target(const std::string& dsn_option) {
  ConnectTarget target;
  target.origin = "libpq defaults";
  if (!dsn_option.empty()) {
    target.conninfo = dsn_option;
    target.origin = "--dsn";
    return target;
  }
  for (const char* variable : {"METAMIGRATE_DSN", "DATABASE_URL"}) {
    std::string value = getenv_string(variable);
    if (!value.empty()) {
      target.conninfo = value;
      target.origin = variable;
      return target;
    }
  }
  return target;
}

std::string password_of(const std::string& conninfo) {
  if (conninfo.empty()) return {};
  char* error = nullptr;
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(PQconninfoParse(conninfo.c_str(), &error),
                                                                       &PQconninfoFree);
  if (error) PQfreemem(error);
  if (!options) return {};
  for (PQconninfoOption* o = options.get(); o->keyword; ++o)
    if (std::string(o->keyword) == "password" && o->val) return o->val;
  return {};
}

std::vector<std::pair<std::string, std::string>> conninfo_parameters(const std::string& conninfo) {
  std::vector<std::pair<std::string, std::string>> out;
  char* error = nullptr;
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(PQconninfoParse(conninfo.c_str(), &error),
                                                                       &PQconninfoFree);
  if (error) PQfreemem(error);
  if (!options) return out;
  for (PQconninfoOption* o = options.get(); o->keyword; ++o)
    if (o->val) out.emplace_back(o->keyword, o->val);
  return out;
}

std::string scrub(std::string text, const std::string& secret) {
  if (secret.size() < 2) return text;  // a one-character "secret" would mangle every message
  for (std::size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3))
    text.replace(at, secret.size(), "***");
  return text;
}

bool holds_password(const std::string& conninfo) {
  if (conninfo.empty()) return false;
  if (!password_of(conninfo).empty()) return true;
  // Unparsable: whatever mask_dsn would hide may be one.
  char* error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(conninfo.c_str(), &error);
  if (error) PQfreemem(error);
  if (parsed) {
    PQconninfoFree(parsed);
    return false;
  }
  return mask_dsn(conninfo) != conninfo;
}

std::string password_on_command_line_warning(const std::string& option, const std::string& variable) {
  return "the " + option +
         " connection string contains a password, which other users of this machine can read in the process list "
         "(ps); put the password in ~/.pgpass (or the file PGPASSFILE names)" +
         (variable.empty() ? std::string() : ", or pass the connection string in " + variable + " instead");
}

std::string mask_dsn(const std::string& conninfo) {
  if (conninfo.empty()) return "(libpq defaults)";
  std::string masked = conninfo;
  if (is_uri(conninfo)) {
    // scheme://user:PASSWORD@host... and ?password=... in the query string
    static const std::regex userinfo(R"(^(postgres(?:ql)?://[^:@/?]*):[^@/?]*@)");
    masked = std::regex_replace(masked, userinfo, "$1:***@");
    static const std::regex query(R"(([?&]password=)[^&]*)");
    masked = std::regex_replace(masked, query, "$1***");
  } else {
    static const std::regex keyword(R"((password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+))");
    masked = std::regex_replace(masked, keyword, "$1***");
  }
  const std::string password = password_of(conninfo);
  if (!password.empty() && masked.find(password) != std::string::npos) return "(connection string hidden)";
  return masked;
}

}  // namespace mmc
