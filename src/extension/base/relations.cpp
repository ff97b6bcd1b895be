#include "extension/base/relations.hpp"

#include "extension/base/boundary.hpp"

namespace mm::pg {

std::optional<RelationFacts> find_relation(const std::string& schema, const std::string& name) {
  RelationFacts facts;
  const bool found = pg_guard([&] {
    RangeVar* range = makeRangeVar(pstrdup(schema.c_str()), pstrdup(name.c_str()), -1);
    const Oid oid = RangeVarGetRelid(range, NoLock, true);
    if (!OidIsValid(oid)) return false;
    HeapTuple tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(oid));
    if (!HeapTupleIsValid(tuple)) return false;  // dropped meanwhile
    const Form_pg_class relation = reinterpret_cast<Form_pg_class>(GETSTRUCT(tuple));
    facts.oid = oid;
    facts.relkind = relation->relkind;
    facts.temporary = relation->relpersistence == RELPERSISTENCE_TEMP;
    facts.owner = relation->relowner;
    ReleaseSysCache(tuple);
    return true;
  });
  if (!found) return std::nullopt;
  return facts;
}

}  // namespace mm::pg
