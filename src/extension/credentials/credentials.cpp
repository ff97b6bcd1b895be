#include "extension/credentials/credentials.hpp"

#include "core/error.hpp"
#include "extension/migrate/catalog.hpp"
#include "extension/base/subtransaction.hpp"

#include <cctype>

namespace mm::pg {

namespace {

using nlohmann::json;

constexpr int kDefaultTtlSeconds = protocol::kDefaultCredentialTtlSeconds;
constexpr int kMaxTtlSeconds = protocol::kMaxCredentialTtlSeconds;
constexpr int kConnectionLimit = 4;

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  unsigned char* data = buf.data();
  const bool ok = pg_guard([&] { return pg_strong_random(data, bytes); });
  if (!ok) throw Error(sqlstate::kInternal, "could not generate random bytes");
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : buf) {
    out.push_back(hex[b >> 4]);
    out.push_back(hex[b & 15]);
  }
  return out;
}

std::string role_prefix(const std::string& package) {
  std::string out = "mm_tmp_";
  for (char c : package) {
    if (out.size() >= 30) break;
    out.push_back((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : '_');
  }
  return out + "_";
}

std::string percent_encode(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

// SCRAM iterations of a temporary login's secret. The 4,096 that
// PostgreSQL uses for a typed password slow down guessing a weak one and
// cost time on every credential on the server (and again in libpq at every
// login); guessing 32 random bytes is out of reach at any count.
constexpr int kScramIterations = 128;

// The role's password as PostgreSQL stores it: a SCRAM secret built here
// when password_encryption asks for SCRAM, else the password itself for
// CREATE ROLE to hash (md5).
std::string stored_password(const std::string& password) {
  if (Password_encryption != PASSWORD_TYPE_SCRAM_SHA_256) return password;
  const char* plain = password.c_str();
  char* secret = pg_guard([&] {
    char salt[SCRAM_DEFAULT_SALT_LEN];
    if (!pg_strong_random(salt, sizeof salt)) ereport(ERROR, (errmsg("could not generate a random salt")));
    const char* errstr = nullptr;
    char* built = scram_build_secret(salt, sizeof salt, kScramIterations, plain, &errstr);
    if (!built) ereport(ERROR, (errmsg("could not build a SCRAM secret: %s", errstr ? errstr : "unknown error")));
    return built;
  });
  std::string out(secret);
  pg_guard([&] { pfree(secret); });
  return out;
}

// Creates the role from a CreateRoleStmt node, so the password appears in
// no statement text that log_statement or an error context could show.
void create_login_role(const std::string& role, const std::string& plain_password, const std::string& valid_until) {
  const std::string password = stored_password(plain_password);
  pg_guard([&] {
    CreateRoleStmt* stmt = makeNode(CreateRoleStmt);
    stmt->stmt_type = ROLESTMT_ROLE;
    stmt->role = pstrdup(role.c_str());
    stmt->options = list_make4(makeDefElem(pstrdup("canlogin"), (Node*)makeBoolean(true), -1),
                               makeDefElem(pstrdup("password"), (Node*)makeString(pstrdup(password.c_str())), -1),
                               makeDefElem(pstrdup("validUntil"), (Node*)makeString(pstrdup(valid_until.c_str())), -1),
                               makeDefElem(pstrdup("connectionlimit"), (Node*)makeInteger(kConnectionLimit), -1));
    ParseState* pstate = make_parsestate(nullptr);
    CreateRole(pstate, stmt);
    CommandCounterIncrement();
  });
}

// Where the client should connect: given in the request, else this
// server's port and, for sessions over a Unix socket, its first socket
// directory.
std::pair<std::string, std::string> server_address(SpiSession& spi, const json& request) {
  std::string host = request.value("host", std::string());
  std::string port = std::to_string(PostPortNumber);
  if (request.contains("port"))
    port = request["port"].is_number_integer() ? std::to_string(request["port"].get<int>())
                                               : request["port"].get<std::string>();
  if (host.empty()) {
    Rows where = spi.query("SELECT pg_catalog.inet_client_addr() IS NULL");
    const bool local = *where[0][0] == "t";
    // Read here rather than with current_setting(), which needs
    // pg_read_all_settings: members of the owner role rarely have it.
    std::string socket_dir = Unix_socket_directories ? Unix_socket_directories : "";
    socket_dir = socket_dir.substr(0, socket_dir.find(','));
    host = local && !socket_dir.empty() ? socket_dir : "localhost";
  }
  return {host, port};
}

// Drops a login. A login may own objects (a large object, or what a
// non-transactional revision created after RESET ROLE), and DROP ROLE
// would then fail with 2BP01: what it owns here goes to the owner role
// first. In a subtransaction, so that a login that still cannot be
// dropped (it owns objects in another database, another reaper dropped
// it meanwhile) never fails the caller: its row records the error and the
// reaper tries again later. Returns whether it was dropped.
bool drop_login(SpiSession& spi, const std::string& role, const Value& owner_role) {
  std::optional<std::string> failure = in_subtransaction([&] {
    Rows found = spi.query(
        "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1), "
        "EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $2)",
        {role, owner_role});
    if (found[0][0] == Value("t")) {
      if (found[0][1] == Value("t"))
        spi.execute("REASSIGN OWNED BY " + quote_ident(role) + " TO " + quote_ident(*owner_role));
      spi.execute("DROP OWNED BY " + quote_ident(role));
      spi.execute("DROP ROLE " + quote_ident(role));
    }
    spi.execute(
        "UPDATE metamigrate.credential SET dropped_at = pg_catalog.now(), reap_error = NULL "
        "WHERE role_name = $1::name",
        {role});
  });
  if (failure)
    spi.execute(
        "UPDATE metamigrate.credential SET reap_failed_at = pg_catalog.now(), reap_error = $2 "
        "WHERE role_name = $1::name",
        {role, *failure});
  return !failure;
}

int reap(SpiSession& spi, Oid catalog_owner, bool all_databases) {
  RunAs as_catalog_owner(catalog_owner);
  // Concurrent reapers (migrators of other providers) skip each other's
  // rows; only the extension can lock them (PUBLIC may only read).
  Rows expired = spi.query(
      "SELECT c.role_name::text, c.owner_role::text FROM metamigrate.credential c "
      "WHERE c.dropped_at IS NULL AND c.expires_at < pg_catalog.now() "
      "AND (c.reap_failed_at IS NULL OR c.reap_failed_at < pg_catalog.now() - interval '10 minutes') "
      "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity a WHERE a.usename = c.role_name) "
      "FOR UPDATE OF c SKIP LOCKED");
  int dropped = 0;
  for (const Row& r : expired)
    if (drop_login(spi, *r[0], r[1])) ++dropped;
  // Logins of other databases, found by their comment: those whose
  // database was dropped (nothing else would ever reap them), or with
  // all_databases every expired one. Their owner role may not exist here;
  // DROP OWNED clears what they own in this database.
  Rows orphans = spi.query(
      "SELECT r.rolname::text FROM pg_catalog.pg_roles r "
      "JOIN pg_catalog.pg_shdescription d ON d.objoid OPERATOR(pg_catalog.=) r.oid "
      " AND d.classoid OPERATOR(pg_catalog.=) 'pg_catalog.pg_authid'::pg_catalog.regclass "
      "WHERE r.rolname LIKE 'mm\\_tmp\\_%' AND NOT r.rolsuper AND r.rolvaliduntil < pg_catalog.now() "
      "AND pg_catalog.starts_with(d.description, $1) "
      "AND NOT EXISTS (SELECT 1 FROM metamigrate.credential c WHERE c.role_name OPERATOR(pg_catalog.=) r.rolname "
      "                AND c.dropped_at IS NULL) "
      "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity a WHERE a.usename OPERATOR(pg_catalog.=) r.rolname) "
      "AND ($2::boolean OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_database db WHERE db.oid OPERATOR(pg_catalog.=) "
      "     pg_catalog.substring(d.description, '\"database_oid\": *([0-9]+)')::pg_catalog.oid))",
      {std::string(kLoginCommentPrefix), std::string(all_databases ? "true" : "false")});
  for (const Row& r : orphans)
    if (drop_login(spi, *r[0], Value())) ++dropped;
  return dropped;
}

}  // namespace

std::string migration_connection(const std::string& request_json) {
  json request;
  try {
    request = json::parse(request_json);
  } catch (const json::parse_error& e) {
    throw Error(sqlstate::kInvalidParameter,
                std::string("migration_connection request is not valid JSON: ") + e.what());
  }
  if (!request.is_object()) throw Error(sqlstate::kInvalidParameter, "migration_connection request must be an object");
  const std::string package = request.value("package", std::string());
  const std::string ns = request.value("migration_namespace", std::string());
  const std::string purpose = request.value("purpose", std::string("schema_migration"));
  if (package.empty() || ns.empty())
    throw Error(sqlstate::kInvalidParameter, "migration_connection needs \"package\" and \"migration_namespace\"");
  int ttl = kDefaultTtlSeconds;
  if (request.contains("ttl_seconds")) {
    if (!request["ttl_seconds"].is_number_integer())
      throw Error(sqlstate::kInvalidParameter, "ttl_seconds must be an integer");
    ttl = request["ttl_seconds"].get<int>();
  }
  if (ttl < 1 || ttl > kMaxTtlSeconds)
    throw Error(sqlstate::kInvalidParameter,
                "ttl_seconds must be between 1 and " + std::to_string(kMaxTtlSeconds) + ", not " + std::to_string(ttl));

  SpiSession spi;
  ProviderCatalog catalog(spi);
  Provider provider = catalog.load_provider(package + ":" + ns);
  require_member_of(provider.owner_oid, provider.owner_role,
                    "issue a migration connection for provider \"" + provider.key + "\"");
  reap(spi, catalog.owner(), false);

  const std::string role = role_prefix(package) + random_hex(6);
  const std::string password = random_hex(32);
  Rows until = spi.query("SELECT (pg_catalog.now() + pg_catalog.make_interval(secs => $1::pg_catalog.float8))::text",
                         {std::to_string(ttl)});
  const std::string expires_at = *until[0][0];
  Rows db = spi.query("SELECT pg_catalog.current_database()::text");
  auto [host, port] = server_address(spi, request);
  {
    RunAs as_catalog_owner(catalog.owner());
    create_login_role(role, password, expires_at);
    spi.execute("GRANT " + quote_ident(provider.owner_role) + " TO " + quote_ident(role));
    // Roles are cluster-wide, the credential row is this database's: the
    // comment lets a reaper in any database recognize the login.
    Rows dboid = spi.query(
        "SELECT d.oid::pg_catalog.int8::text FROM pg_catalog.pg_database d "
        "WHERE d.datname OPERATOR(pg_catalog.=) pg_catalog.current_database()");
    const std::string comment = kLoginCommentPrefix + json{{"database_oid", std::stoll(*dboid[0][0])},
                                                           {"database", *db[0][0]},
                                                           {"provider", provider.key},
                                                           {"expires_at", expires_at}}
                                                          .dump();
    spi.execute("COMMENT ON ROLE " + quote_ident(role) + " IS " + quote_literal(comment));
    spi.execute(
        "INSERT INTO metamigrate.credential (role_name, provider, owner_role, purpose, expires_at) "
        "VALUES ($1::name, $2, $3::name, $4, $5::timestamptz)",
        {role, provider.key, provider.owner_role, purpose, expires_at});
  }
  spi.finish();

  const std::string dbname = percent_encode(*db[0][0]);
  std::string uri = "postgresql://" + percent_encode(role) + ":" + password + "@";
  if (!host.empty() && host[0] == '/')
    uri += "/" + dbname + "?host=" + percent_encode(host) + "&port=" + port;
  else
    uri += (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + port + "/" + dbname;
  return json{{"uri", uri},
              {"role", role},
              {"owner_role", provider.owner_role},
              {"purpose", purpose},
              {"expires_at", expires_at}}
      .dump();
}

int reap_credentials(bool all_databases) {
  SpiSession spi;
  Oid owner = catalog_owner();
  int dropped = reap(spi, owner, all_databases);
  spi.finish();
  return dropped;
}

bool release_migration_connection(const std::string& role) {
  SpiSession spi;
  Oid owner = catalog_owner();
  Rows row = spi.query(
      "SELECT owner_role::text, issued_to::text FROM metamigrate.credential WHERE role_name = $1::name "
      "AND dropped_at IS NULL",
      {role});
  if (row.empty()) {
    spi.finish();
    return false;
  }
  const bool issued_to_caller = row[0][1] && *row[0][1] == role_name(GetSessionUserId());
  if (!issued_to_caller) {
    const std::string owner_role = row[0][0].value_or("");
    require_member_of(role_oid(owner_role), owner_role, "release migration login \"" + role + "\"");
  }
  bool dropped;
  {
    RunAs as_catalog_owner(owner);
    dropped = drop_login(spi, role, row[0][0]);  // else left to expiry and the reaper
  }
  spi.finish();
  return dropped;
}

}  // namespace mm::pg
