#include "extension/lint/lint_facts.hpp"

#include "core/sql_text.hpp"

// gram.h (token numbers) must come after scanner.h, which postgres.hpp includes.
extern "C" {
#include "parser/gram.h"
}

namespace mm::pg {

namespace {

std::string lower_name(const char* name) { return name ? std::string(name) : std::string(); }

std::string last_name(List* names) {
  if (names == NIL || list_length(names) == 0) return {};
  return strVal(llast(names));
}

std::string dotted_names(List* names) {
  std::string out;
  ListCell* cell;
  foreach (cell, names) {
    if (!out.empty()) out += ".";
    out += strVal(lfirst(cell));
  }
  return out;
}

// "schema.table" for catalog lookups; unqualified names are looked up in
// public, where revision SQL runs by default.
std::string lookup_name(const RangeVar* rv) {
  return quote_ident(rv->schemaname ? rv->schemaname : "public") + "." + quote_ident(rv->relname);
}

// Function names called anywhere in a raw expression.
bool collect_function_names(Node* node, void* context) {
  if (node == nullptr) return false;
  if (IsA(node, FuncCall)) {
    auto* names = static_cast<std::vector<std::string>*>(context);
    names->push_back(last_name(castNode(FuncCall, node)->funcname));
  }
  // PostgreSQL 15 declares walkers as bool (*)(); the detour through
  // void (*)() is GCC's documented way to say the cast is intended.
  return raw_expression_tree_walker(
      node, reinterpret_cast<bool (*)()>(reinterpret_cast<void (*)()>(collect_function_names)), context);
}

class FactsBuilder {
 public:
  FactsBuilder(SpiSession& spi, const std::string& sql) : spi_(spi), sql_(sql) {}

  std::vector<StatementFacts> build() {
    List* statements = nullptr;
    // Only parser errors are caught and turned into a finding: the raw
    // parser holds no locks, buffers or cache references to clean up.
    try {
      statements = pg_guard([&] { return raw_parser(sql_.c_str(), RAW_PARSE_DEFAULT); });
    } catch (const PgError& e) {
      StatementFacts bad;
      bad.line = e.edata()->cursorpos > 0 ? line_at(sql_, static_cast<std::size_t>(e.edata()->cursorpos - 1)) : 1;
      bad.syntax_error = std::string("syntax error: ") + e.what();
      return {bad};
    }
    std::vector<StatementFacts> out;
    const int count = statements ? list_length(statements) : 0;
    for (int i = 0; i < count; ++i) {
      auto* raw = static_cast<RawStmt*>(list_nth(statements, i));
      const std::size_t location = raw->stmt_location < 0 ? 0 : static_cast<std::size_t>(raw->stmt_location);
      const std::size_t end = raw->stmt_len == 0 ? sql_.size() : location + static_cast<std::size_t>(raw->stmt_len);
      std::size_t start = skip_blank_and_comments(sql_, location);
      if (start >= end) start = location;
      StatementFacts facts;
      facts.line = line_at(sql_, start);
      facts.string_literals = string_literals(sql_.substr(start, end - start));
      classify(raw->stmt, facts);
      out.push_back(std::move(facts));
    }
    return out;
  }

 private:
  SpiSession& spi_;
  const std::string& sql_;

  // String constants of one statement, from PostgreSQL's own scanner.
  std::vector<std::string> string_literals(const std::string& statement) {
    char** found = nullptr;
    int count = 0;
    const char* text = statement.c_str();
    pg_guard([&] {
      core_yy_extra_type extra;
      core_YYSTYPE value;
      YYLTYPE location;
      core_yyscan_t scanner = scanner_init(text, &extra, &ScanKeywords, ScanKeywordTokens);
      int capacity = 8;
      found = static_cast<char**>(palloc(sizeof(char*) * capacity));
      for (int token; (token = core_yylex(&value, &location, scanner)) != 0;) {
        if (token != SCONST) continue;
        if (count == capacity) {
          capacity *= 2;
          found = static_cast<char**>(repalloc(found, sizeof(char*) * capacity));
        }
        found[count++] = pstrdup(value.str);
      }
      scanner_finish(scanner);
    });
    std::vector<std::string> out(found, found + count);
    return out;
  }

  void classify(Node* stmt, StatementFacts& f) {
    switch (nodeTag(stmt)) {
      case T_CreateStmt:
        f.kind = StatementKind::CreateTable;
        f.relation = lower_name(castNode(CreateStmt, stmt)->relation->relname);
        break;
      case T_CreateTableAsStmt:
        f.kind = StatementKind::CreateTable;
        f.relation = lower_name(castNode(CreateTableAsStmt, stmt)->into->rel->relname);
        break;
      case T_IndexStmt: {
        auto* index = castNode(IndexStmt, stmt);
        f.kind = StatementKind::CreateIndex;
        f.relation = lower_name(index->relation->relname);
        f.concurrent = index->concurrent;
        break;
      }
      case T_ReindexStmt: {
        ListCell* cell;
        foreach (cell, castNode(ReindexStmt, stmt)->params)
          if (strcmp(castNode(DefElem, lfirst(cell))->defname, "concurrently") == 0)
            f.kind = StatementKind::ConcurrentMaintenance;
        break;
      }
      case T_DropStmt: {
        auto* drop = castNode(DropStmt, stmt);
        if (drop->concurrent) f.kind = StatementKind::ConcurrentMaintenance;
        if (drop->removeType == OBJECT_TABLE) {
          f.kind = StatementKind::DropTable;
          ListCell* cell;
          foreach (cell, drop->objects) f.relations.push_back(last_name(static_cast<List*>(lfirst(cell))));
        }
        break;
      }
      case T_TruncateStmt: {
        f.kind = StatementKind::Truncate;
        ListCell* cell;
        foreach (cell, castNode(TruncateStmt, stmt)->relations)
          f.relations.push_back(lower_name(castNode(RangeVar, lfirst(cell))->relname));
        break;
      }
      case T_RenameStmt: {
        auto* rename = castNode(RenameStmt, stmt);
        if (rename->renameType == OBJECT_TABLE && rename->relation) {
          f.kind = StatementKind::RenameTable;
          f.old_name = lower_name(rename->relation->relname);
          f.new_name = lower_name(rename->newname);
          f.relation = f.old_name;
        } else if (rename->renameType == OBJECT_COLUMN && rename->relation) {
          f.kind = StatementKind::RenameColumn;
          f.relation = lower_name(rename->relation->relname);
          f.old_name = lower_name(rename->subname);
          f.new_name = lower_name(rename->newname);
        }
        break;
      }
      case T_AlterEnumStmt: {
        auto* alter = castNode(AlterEnumStmt, stmt);
        if (alter->newVal && !alter->oldVal) {
          f.kind = StatementKind::AlterEnumAddValue;
          f.enum_type = dotted_names(alter->typeName);
          f.enum_value = alter->newVal;
        }
        break;
      }
      case T_VariableSetStmt:
        f.kind = StatementKind::SetVariable;
        f.variable = lower_name(castNode(VariableSetStmt, stmt)->name);
        break;
      case T_VacuumStmt:
        // ANALYZE alone shares the node and runs fine in a transaction.
        if (castNode(VacuumStmt, stmt)->is_vacuumcmd) f.kind = StatementKind::Vacuum;
        break;
      case T_TransactionStmt:
        f.kind = StatementKind::TransactionControl;
        break;
      case T_AlterTableStmt: {
        auto* alter = castNode(AlterTableStmt, stmt);
        if (alter->objtype != OBJECT_TABLE) break;
        f.kind = StatementKind::AlterTable;
        f.relation = lower_name(alter->relation->relname);
        ListCell* cell;
        foreach (cell, alter->cmds)
          f.actions.push_back(alter_action(alter->relation, castNode(AlterTableCmd, lfirst(cell))));
        break;
      }
      default:
        break;
    }
  }

  AlterAction alter_action(const RangeVar* table, AlterTableCmd* cmd) {
    AlterAction a;
    a.name = lower_name(cmd->name);
    switch (cmd->subtype) {
      case AT_AddColumn: {
        auto* column = castNode(ColumnDef, cmd->def);
        a.kind = AlterAction::Kind::AddColumn;
        a.name = lower_name(column->colname);
        std::vector<std::string> functions;
        const std::string type = last_name(column->typeName->names);
        if (type == "serial" || type == "bigserial" || type == "smallserial" || type == "serial2" ||
            type == "serial4" || type == "serial8")
          a.has_default = a.default_volatile = true;
        if (column->raw_default) {
          a.has_default = true;
          collect_function_names(column->raw_default, &functions);
        }
        ListCell* cell;
        foreach (cell, column->constraints) {
          auto* c = castNode(Constraint, lfirst(cell));
          if (c->contype == CONSTR_DEFAULT && c->raw_expr) {
            a.has_default = true;
            collect_function_names(c->raw_expr, &functions);
          }
          // Identity and stored generated columns fill every row: a rewrite.
          if (c->contype == CONSTR_IDENTITY || c->contype == CONSTR_GENERATED)
            a.has_default = a.default_volatile = true;
        }
        if (!functions.empty() && !a.default_volatile) a.default_volatile = any_volatile(functions);
        break;
      }
      case AT_AlterColumnType: {
        a.kind = AlterAction::Kind::AlterColumnType;
        a.new_type = spelled_type(castNode(ColumnDef, cmd->def)->typeName);
        Rows rows = spi_.query(
            "SELECT pg_catalog.format_type(a.atttypid, a.atttypmod) FROM pg_catalog.pg_attribute a "
            "WHERE a.attrelid = pg_catalog.to_regclass($1) AND a.attname = $2 AND NOT a.attisdropped",
            {lookup_name(table), a.name});
        if (!rows.empty() && rows[0][0]) a.old_type = *rows[0][0];
        break;
      }
      case AT_SetNotNull: {
        a.kind = AlterAction::Kind::SetNotNull;
        Rows rows = spi_.query(
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conrelid = pg_catalog.to_regclass($1) "
            "AND c.contype = 'c' AND c.convalidated "
            "AND pg_catalog.pg_get_constraintdef(c.oid) = 'CHECK ((' || pg_catalog.quote_ident($2) || ' IS NOT "
            "NULL))')",
            {lookup_name(table), a.name});
        a.catalog_has_validated_not_null_check = !rows.empty() && rows[0][0] && *rows[0][0] == "t";
        break;
      }
      case AT_AddConstraint: {
        auto* c = castNode(Constraint, cmd->def);
        a.name = lower_name(c->conname);
        a.not_valid = c->skip_validation;
        if (c->contype == CONSTR_FOREIGN) {
          a.kind = AlterAction::Kind::AddForeignKey;
        } else if (c->contype == CONSTR_CHECK) {
          a.kind = AlterAction::Kind::AddCheck;
          if (c->raw_expr && IsA(c->raw_expr, NullTest)) {
            auto* test = castNode(NullTest, c->raw_expr);
            if (test->nulltesttype == IS_NOT_NULL && test->arg && IsA(test->arg, ColumnRef)) {
              List* fields = castNode(ColumnRef, test->arg)->fields;
              if (list_length(fields) == 1 && IsA(linitial(fields), String))
                a.not_null_check_column = strVal(linitial(fields));
            }
          }
        } else if (c->contype == CONSTR_PRIMARY || c->contype == CONSTR_UNIQUE || c->contype == CONSTR_EXCLUSION) {
          a.kind = AlterAction::Kind::AddUniqueOrPrimaryKey;
          a.uses_existing_index = c->indexname != nullptr;
        }
        break;
      }
      case AT_ValidateConstraint:
        a.kind = AlterAction::Kind::ValidateConstraint;
        break;
      case AT_DropColumn:
        a.kind = AlterAction::Kind::DropColumn;
        break;
      default:
        break;
    }
    return a;
  }

  // format_type() spelling when the type resolves, else the name as
  // written (a type created earlier in the same revision, say).
  std::string spelled_type(const TypeName* type) {
    char* spelled = pg_guard([&] {
      int32 typmod = -1;
      Type found = LookupTypeName(nullptr, type, &typmod, true);
      if (found == nullptr) return TypeNameToString(type);
      Oid type_oid = typeTypeId(found);
      ReleaseSysCache(found);
      return format_type_with_typemod(type_oid, typmod);
    });
    return spelled;
  }

  bool any_volatile(const std::vector<std::string>& functions) {
    Rows rows = spi_.query(
        "SELECT COALESCE(pg_catalog.bool_or(p.provolatile = 'v'), false) FROM pg_catalog.pg_proc p "
        "WHERE p.proname IN (SELECT pg_catalog.jsonb_array_elements_text($1::pg_catalog.jsonb))",
        {nlohmann::json(functions).dump()});
    return !rows.empty() && rows[0][0] && *rows[0][0] == "t";
  }
};

}  // namespace

std::vector<StatementFacts> statement_facts(SpiSession& spi, const std::string& sql) {
  return FactsBuilder(spi, sql).build();
}

}  // namespace mm::pg
