// Indexes and keys of partitioned tables (PostgreSQL's "partitioned
// indexes"): the model lists, on the parent's index or key, what the
// partitions' attached indexes or keys are called ("partitions":
// [{schema, table, name}]).
//
// - A parent index or key the diff creates takes over a partition's own
//   index or key that matches it: that one is renamed to the target's name
//   (or, a plain unique index under a new key, made the partition's key
//   with ADD CONSTRAINT ... USING INDEX), and PostgreSQL attaches it when
//   the parent's is created, instead of the diff dropping it and
//   PostgreSQL building another.
// - A kept parent whose partitions' names differ renames them.
#pragma once

#include "core/schema/changes.hpp"
#include "core/schema/render_util.hpp"

namespace mm::schema {

// The spec without "partitions": what two parents are compared on.
json without_partition_names(json spec);

// Marks each partition's index or key that a created parent index or key
// takes over as Action::Attached (attached_to: the parent's key,
// attached_as: its name in the target). Runs after the other changes are
// known: neither the parent's table nor the partition may be created or
// dropped by the diff.
void detect_attachments(const Catalog& from, Changes& changes);

// What must run before the parent's CREATE for `child` to be attached.
Statements attach_statements(const Node& child, const Node& parent, const std::string& attached_as);

// Renames of a kept parent's partition indexes or keys (from -> to).
Statements partition_renames(const Node& from, const Node& to);

}  // namespace mm::schema
