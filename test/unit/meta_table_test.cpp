#include <gtest/gtest.h>

#include <functional>

#include "core/error.hpp"
#include "core/meta_table/meta_table.hpp"

namespace mm {
namespace {

TableReservation account() {
  TableReservation t;
  t.identifier = "sdk.Account";
  t.table_name = "sdk_account";
  return t;
}

CatalogRow row(std::string uid, std::string identifier, std::string provider, std::string table, std::string status,
               std::string kind = "meta_table") {
  return CatalogRow{std::move(uid),   std::move(identifier), std::move(provider), "public",
                    std::move(table), std::move(kind),       std::move(status)};
}

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(MetaTable, ParsesSeedReserveRequest) {
  ReserveRequest r = parse_reserve_request(R"({
    "migration_package": "sdk_examples", "migration_namespace": "sdk-examples",
    "migration_provider_key": "sdk_examples:sdk-examples", "alembic_version_meta_table_uid": "u",
    "tables": [{"identifier": "sdk_examples.Asset", "namespace": "sdk_examples", "data_source_uid": "d",
                "table_contract": {"version": "relational-table.v1", "physical": {"table_name": "sdk_examples_asset"},
                                   "columns": []}}]})");
  EXPECT_EQ(r.provider.provider_key, "sdk_examples:sdk-examples");
  ASSERT_EQ(r.tables.size(), 1u);
  EXPECT_EQ(r.tables[0].table_name, "sdk_examples_asset");
  EXPECT_EQ(r.tables[0].schema_name, "public");
  EXPECT_EQ(r.tables[0].kind, "meta_table");
  EXPECT_EQ(r.tables[0].data_source_uid, "d");
}

TEST(MetaTable, DerivesProviderKeyAndRejectsMismatch) {
  EXPECT_EQ(parse_reserve_request(R"({"migration_package": "p", "migration_namespace": "n", "tables": []})")
                .provider.provider_key,
            "p:n");
  EXPECT_NE(error_of([] {
              parse_reserve_request(R"({"migration_package": "p", "migration_namespace": "n",
                                                   "migration_provider_key": "x:y", "tables": []})");
            }).find("does not match"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_reserve_request(R"({"tables": []})"); }).find("migration_provider_key"),
            std::string::npos);
}

TEST(MetaTable, RejectsMalformedTables) {
  auto req = [](const std::string& table) {
    return error_of([&] { parse_reserve_request(R"({"migration_provider_key": "p:n", "tables": [)" + table + "]}"); });
  };
  EXPECT_NE(req(R"({"table_contract": {"physical": {"table_name": "t"}}})").find("identifier"), std::string::npos);
  EXPECT_NE(req(R"({"identifier": "a", "table_contract": {}})").find("physical.table_name"), std::string::npos);
  EXPECT_NE(
      req(R"({"identifier": "a", "kind": "alembic_version", "table_contract": {"physical": {"table_name": "t"}}})")
          .find("kind"),
      std::string::npos);
  EXPECT_NE(req(R"({"identifier": "a", "table_contract": {"physical": {"table_name": "t"}}},
                   {"identifier": "b", "table_contract": {"physical": {"table_name": "t"}}})")
                .find("listed twice"),
            std::string::npos);
}

TEST(MetaTable, FinalizeRequestOperation) {
  FinalizeRequest f = parse_finalize_request(R"({"migration_provider_key": "p:n", "meta_table_uids": ["a", "b"],
                                                 "alembic_revision": "head"})");
  EXPECT_EQ(f.meta_table_uids.size(), 2u);
  EXPECT_EQ(f.operation, "upgrade");
  EXPECT_THROW(parse_finalize_request(R"({"migration_provider_key": "p:n", "meta_table_uids": [], "operation": "x"})"),
               Error);
}

TEST(MetaTable, CreatesWhenNothingMatches) {
  EXPECT_EQ(match_reservation(account(), "p:n", {}).outcome, ReserveOutcome::Create);
}

TEST(MetaTable, ReusesOwnRowByPhysicalName) {
  ReserveMatch m = match_reservation(account(), "p:n", {row("u1", "sdk.Account", "p:n", "sdk_account", "active")});
  EXPECT_EQ(m.outcome, ReserveOutcome::Reuse);
  EXPECT_EQ(m.uid, "u1");
  EXPECT_EQ(m.matched_by, "physical_table_name");
}

TEST(MetaTable, RevivesRetiredRowOfSameIdentity) {
  ReserveMatch m = match_reservation(account(), "p:n", {row("u0", "sdk.Account", "p:n", "sdk_account", "retired")});
  EXPECT_EQ(m.outcome, ReserveOutcome::Revive);
  EXPECT_EQ(m.uid, "u0");
  // A retired row of another provider does not block a new reservation.
  EXPECT_EQ(match_reservation(account(), "p:n", {row("u9", "x.Y", "other:x", "sdk_account", "retired")}).outcome,
            ReserveOutcome::Create);
}

TEST(MetaTable, RefusesNameOfAnotherProviderOrIdentity) {
  std::string msg = error_of(
      [] { match_reservation(account(), "p:n", {row("u1", "o.Thing", "other:main", "sdk_account", "active")}); });
  EXPECT_NE(msg.find("sdk_account"), std::string::npos);
  EXPECT_NE(msg.find("other:main"), std::string::npos);
  EXPECT_NE(error_of([] {
              match_reservation(account(), "p:n", {row("u1", "sdk.Other", "p:n", "sdk_account", "reserved")});
            }).find("reserved for identifier \"sdk.Other\""),
            std::string::npos);
  EXPECT_NE(error_of([] {
              match_reservation(account(), "p:n", {row("u1", "sdk.Account", "p:n", "sdk_account_v1", "active")});
            }).find("already bound"),
            std::string::npos);
}

TEST(MetaTable, PhysicalStateMessageListsEveryMissingTable) {
  std::string msg = physical_state_message({row("u1", "sdk.Account", "p:n", "sdk_account", "reserved"),
                                            row("u2", "sdk.Limit", "p:n", "sdk_limit", "active")});
  EXPECT_EQ(msg,
            "sdk.Account(sdk_account):status=reserved:physical_table_exists=false, "
            "sdk.Limit(sdk_limit):status=active:physical_table_exists=false");
}

}  // namespace
}  // namespace mm
