#include "extension/base/set_result.hpp"

#include "core/error.hpp"
#include "core/protocol.hpp"
#include "extension/base/boundary.hpp"

namespace mm::pg {

SetResult::SetResult(FunctionCallInfo fcinfo) {
  pg_guard([&] {
    // The expected descriptor also describes a scalar set (one column).
    InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
    rsinfo_ = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  });
  columns_ = rsinfo_->setDesc->natts;
  input_.resize(static_cast<std::size_t>(columns_));
  ioparam_.resize(input_.size());
  typmod_.resize(input_.size());
  pg_guard([&] {
    for (int i = 0; i < columns_; ++i) {
      const Form_pg_attribute attribute = TupleDescAttr(rsinfo_->setDesc, i);
      Oid function = InvalidOid;
      getTypeInputInfo(attribute->atttypid, &function, &ioparam_[i]);
      fmgr_info(function, &input_[i]);
      typmod_[i] = attribute->atttypmod;
    }
  });
}

void SetResult::add(const Row& row) {
  if (static_cast<int>(row.size()) != columns_)
    throw Error(sqlstate::kInternal, "a set-returning function produced " + std::to_string(row.size()) +
                                         " values for " + std::to_string(columns_) + " columns");
  std::vector<Datum> values(row.size());
  std::unique_ptr<bool[]> nulls(new bool[row.size()]);
  for (std::size_t i = 0; i < row.size(); ++i) nulls[i] = !row[i].has_value();
  Datum* v = values.data();
  bool* n = nulls.get();
  pg_guard([&] {
    for (int i = 0; i < columns_; ++i)
      if (!n[i]) v[i] = InputFunctionCall(&input_[i], const_cast<char*>(row[i]->c_str()), ioparam_[i], typmod_[i]);
    tuplestore_putvalues(rsinfo_->setResult, rsinfo_->setDesc, v, n);
  });
}

}  // namespace mm::pg
