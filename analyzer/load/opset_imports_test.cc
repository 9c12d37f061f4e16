#include "analyzer/load/opset_imports.h"

#include "gtest/gtest.h"

namespace onnx_flops {
namespace {

onnx::NodeProto* AddNode(onnx::GraphProto* g, const std::string& op, const std::string& domain) {
  onnx::NodeProto* n = g->add_node();
  n->set_op_type(op);
  n->set_domain(domain);
  return n;
}

int64_t ImportedVersion(const onnx::ModelProto& m, const std::string& domain) {
  for (const auto& imp : m.opset_import()) {
    if (imp.domain() == domain) return imp.version();
  }
  return -1;
}

TEST(OpsetImports, KnownDomainsUsedButNotImportedAreAddedWithAWarning) {
  onnx::ModelProto m;
  m.add_opset_import()->set_version(13);  // the default domain
  AddNode(m.mutable_graph(), "FusedMatMul", "com.microsoft");
  AddNode(m.mutable_graph(), "Gelu", "com.microsoft");
  // An ML op inside an If branch.
  onnx::NodeProto* branch = AddNode(m.mutable_graph(), "If", "");
  onnx::AttributeProto* a = branch->add_attribute();
  a->set_name("then_branch");
  AddNode(a->mutable_g(), "Scaler", "ai.onnx.ml");
  AddNode(m.mutable_graph(), "MyOp", "my.company");  // unknown: left alone

  const std::vector<std::string> warnings = ImportUsedDomains(&m);
  EXPECT_EQ(ImportedVersion(m, "com.microsoft"), 1);
  EXPECT_EQ(ImportedVersion(m, "ai.onnx.ml"), 3);
  EXPECT_EQ(ImportedVersion(m, "my.company"), -1);
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_EQ(warnings[0],
            "1 node(s) of domain 'ai.onnx.ml' but no opset import for it: taken at version 3, the "
            "newest known, as onnxruntime does");
  EXPECT_EQ(warnings[1].rfind("2 node(s) of domain 'com.microsoft'", 0), 0u) << warnings[1];
}

TEST(OpsetImports, ImportedDomainsAndTheDefaultDomainAreNeverAdded) {
  onnx::ModelProto m;
  onnx::OperatorSetIdProto* ms = m.add_opset_import();
  ms->set_domain("com.microsoft");
  ms->set_version(1);
  AddNode(m.mutable_graph(), "Relu", "");  // no default-domain import: refused later, not added
  AddNode(m.mutable_graph(), "Gelu", "com.microsoft");
  EXPECT_TRUE(ImportUsedDomains(&m).empty());
  EXPECT_EQ(m.opset_import_size(), 1);
}

}  // namespace
}  // namespace onnx_flops
